/**
 * Policy distillation from MPC: a dataset of MPC solves over sampled states ({@link
 * io.loopforge.mpc.distill.SampleRegion}, {@link io.loopforge.mpc.distill.ClosedLoopStates}), computed by an
 * engine-neutral {@link io.loopforge.mpc.distill.FanOut} into resumable chunk files ({@link
 * io.loopforge.mpc.distill.SolveJob}), and the small explicit controllers fitted to it ({@link
 * io.loopforge.mpc.distill.PolicyDistiller}).
 */
package io.loopforge.mpc.distill;
