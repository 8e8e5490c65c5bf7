/**
 * Controller design and model-predictive control. Built: discrete-time LQR about a plant's equilibrium
 * ({@link io.loopforge.mpc.LqrDesign}: Jacobians, zero-order-hold discretisation, Riccati by structured
 * doubling); the MPC problem on any {@link io.loopforge.modeling.DynamicsModel} ({@link
 * io.loopforge.mpc.MpcProblem}), the {@link io.loopforge.mpc.Planner} interface and a planner in receding
 * horizon as a controller ({@link io.loopforge.mpc.RecedingHorizonController}); the sampling planners
 * {@link io.loopforge.mpc.RandomShootingPlanner}, {@link io.loopforge.mpc.CemPlanner} and {@link
 * io.loopforge.mpc.MppiPlanner} and gradient shooting with the model's exact Jacobians ({@link
 * io.loopforge.mpc.GradientPlanner}). To come: the mixed-integer encoding of ReLU networks solved with
 * ojAlgo, bound tightening, SINDy-MPC and policy distillation.
 */
package io.loopforge.mpc;
