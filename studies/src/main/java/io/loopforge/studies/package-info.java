/**
 * Studies: the harnesses behind the figures in {@code BENCHMARKS.md}. A study simulates its data,
 * trains or designs with the library modules, tabulates the results (a Markdown report) and checks the
 * goal it was written for; {@link io.loopforge.studies.SparsifyBenchmark} compares gated sparsification
 * with magnitude pruning and small dense networks, {@link io.loopforge.studies.SindyMpcStudy} SINDy-MPC
 * with other planners on {@code lorenz-control} in Kaiser et al.'s setting, {@link
 * io.loopforge.studies.PlannerTuning} runs the closed loops behind the defaults of the sampling and
 * gradient planners. The CLI runs them ({@code loopforge sparsify benchmark}, {@code loopforge mpc
 * benchmark}).
 *
 * <p>Not a library API: a study's data recipe, settings and report change with the question it
 * answers, and nothing in the library modules depends on this package. Code that a study needs and
 * that users need as well (a simulator, a metric) belongs in the library module of its topic; the
 * study only calls it.
 */
package io.loopforge.studies;
