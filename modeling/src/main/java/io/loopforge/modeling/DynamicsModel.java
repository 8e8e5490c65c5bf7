package io.loopforge.modeling;

import java.util.List;

/**
 * Discrete-time dynamics {@code x⁺ = step(x, u)} over one sampling interval {@link #dt()}, with its
 * Jacobians. SINDy models (continuous ones discretised by a stated integrator) and ReLU networks both
 * implement it; MPC plans with it.
 */
public interface DynamicsModel {
  List<String> stateNames();

  List<String> inputNames();

  default int stateDim() {
    return stateNames().size();
  }

  default int inputDim() {
    return inputNames().size();
  }

  /** Sampling interval, s. */
  double dt();

  /**
   * Writes {@code x⁺} into {@code next}; {@code next} must not alias {@code x}.
   *
   * @param x state, length {@link #stateDim()}
   * @param u input, length {@link #inputDim()}
   * @param next output, length {@link #stateDim()}
   */
  void step(double[] x, double[] u, double[] next);

  default double[] step(double[] x, double[] u) {
    double[] next = new double[stateDim()];
    step(x, u, next);
    return next;
  }

  /**
   * Jacobians of {@link #step} at (x, u): {@code a = ∂x⁺/∂x} (nx × nx) and {@code b = ∂x⁺/∂u} (nx × nu),
   * written into the caller's arrays.
   */
  void jacobian(double[] x, double[] u, double[][] a, double[][] b);
}
