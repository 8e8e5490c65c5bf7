/**
 * Model-predictive control: MPC problems, the mixed-integer encoding of ReLU networks solved with ojAlgo, bound tightening, sampling and gradient baselines, SINDy-MPC and policy distillation. Not built yet.
 */
package io.loopforge.mpc;
