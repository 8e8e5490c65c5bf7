/**
 * Controller design and model-predictive control. Built: discrete-time LQR about a plant's equilibrium
 * ({@link io.loopforge.mpc.LqrDesign}: Jacobians, zero-order-hold discretisation, Riccati by structured
 * doubling); the MPC problem on any {@link io.loopforge.modeling.DynamicsModel} ({@link
 * io.loopforge.mpc.MpcProblem}), the {@link io.loopforge.mpc.Planner} interface, the planners by name
 * ({@link io.loopforge.mpc.PlannerKind}) and a planner in receding horizon as a controller with stated
 * fallbacks ({@link io.loopforge.mpc.RecedingHorizonController}, recorded by {@link
 * io.loopforge.mpc.PlanLog}). Planners:
 *
 * <ul>
 *   <li>mixed-integer MPC on ReLU networks ({@link io.loopforge.mpc.MipPlanner}: the encoding {@link
 *       io.loopforge.mpc.ReluMilp}, sound bounds by {@link io.loopforge.mpc.BoundTightener}, ojAlgo's search
 *       through {@link io.loopforge.mpc.MilpSolver} or a search over ReLU phases, every plan validated in
 *       double; MPS export by {@link io.loopforge.mpc.MpsWriter} and re-solving with CBC by {@link
 *       io.loopforge.mpc.CbcRunner});
 *   <li>sampling: {@link io.loopforge.mpc.RandomShootingPlanner}, {@link io.loopforge.mpc.CemPlanner},
 *       {@link io.loopforge.mpc.MppiPlanner}; gradient shooting with the model's exact Jacobians ({@link
 *       io.loopforge.mpc.GradientPlanner});
 *   <li>SINDy-MPC by sequential linearisation with ojAlgo QP/LP subproblems ({@link
 *       io.loopforge.mpc.SindyMpcPlanner}).
 * </ul>
 *
 * <p>The on-device MPC: {@link io.loopforge.mpc.GaussNewtonMpc} is, in double, the algorithm that
 * {@code codegen} generates in float32 for the microcontroller from an {@link
 * io.loopforge.modeling.policy.MpcPolicy} (Gauss–Newton with exact Jacobians, condensed sensitivities, a
 * projected-Newton box-QP, fixed budgets, warm start from the shifted plan); a {@code Controller} for
 * host-side studies and {@code loop}.
 *
 * To come: policy distillation.
 *
 * <p>ojAlgo 56.2.1 keeps its presolvers in one JVM-wide set and has no per-model switch. The MILPs need
 * them off (shared/notes/sparse-dynamics-and-mip.md), SINDy-MPC's QPs need them on: {@code OjAlgo}
 * replaces them with copies switched per thread, off by default and on inside the convex subproblem solve.
 */
package io.loopforge.mpc;
