/**
 * Controller design and model-predictive control. Built: discrete-time LQR about a plant's equilibrium
 * ({@link io.loopforge.mpc.LqrDesign}: Jacobians, zero-order-hold discretisation, Riccati by structured
 * doubling). To come: MPC problems, the mixed-integer encoding of ReLU networks solved with ojAlgo,
 * bound tightening, sampling and gradient baselines, SINDy-MPC and policy distillation.
 */
package io.loopforge.mpc;
