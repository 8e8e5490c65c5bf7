/**
 * Controller design and model-predictive control. Built: discrete-time LQR about a plant's equilibrium
 * ({@link io.loopforge.mpc.LqrDesign}: Jacobians, zero-order-hold discretisation, Riccati by structured
 * doubling); MPC problems ({@link io.loopforge.mpc.MpcProblem}), planners and the receding-horizon
 * controller with its fallbacks; mixed-integer MPC on ReLU networks ({@link io.loopforge.mpc.MipPlanner}:
 * the encoding {@link io.loopforge.mpc.ReluMilp}, sound bounds by {@link io.loopforge.mpc.BoundTightener},
 * ojAlgo's search through {@link io.loopforge.mpc.MilpSolver} or a search over ReLU phases, every plan
 * validated in double; MPS export by {@link io.loopforge.mpc.MpsWriter} and re-solving with CBC by {@link
 * io.loopforge.mpc.CbcRunner}). To come: sampling and gradient baselines, SINDy-MPC and policy
 * distillation.
 *
 * <p>Loading the MIP classes clears ojAlgo's presolvers for the whole JVM (ojAlgo 56.2.1 has no
 * per-model switch; shared/notes/sparse-dynamics-and-mip.md).
 */
package io.loopforge.mpc;
