/**
 * Policy distillation from MPC: the MPC to imitate as plain, serializable values ({@link
 * io.loopforge.mpc.distill.MpcSpec}), a dataset of its solves over sampled states ({@link
 * io.loopforge.mpc.distill.SampleRegion}, {@link io.loopforge.mpc.distill.ClosedLoopStates}), computed by an
 * engine-neutral {@link io.loopforge.mpc.distill.FanOut} (threads of this JVM, or an engine another module
 * provides, found by name) into resumable chunk files ({@link io.loopforge.mpc.distill.SolveJob}), and the
 * small explicit controllers fitted to it ({@link io.loopforge.mpc.distill.Distillation}, {@link
 * io.loopforge.mpc.distill.ReluPolicyTrainer}, {@link io.loopforge.mpc.distill.PolynomialPolicyFit}).
 */
package io.loopforge.mpc.distill;
