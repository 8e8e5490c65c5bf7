package io.loopforge.modeling.plant;

import java.util.List;
import java.util.Map;

/**
 * A continuous-time benchmark system {@code dx/dt = f(x, u)} (time-invariant), with names, input bounds,
 * parameters and a default control task. Units are given per plant in its Javadoc; time is in seconds.
 *
 * <p>Implementations are immutable and {@link #derivative} allocates nothing, so simulators and
 * planners may call it in hot loops from several threads.
 */
public interface Plant {
  /** Catalog name, lower-case with hyphens, e.g. {@code "cartpole"}. */
  String name();

  /** One or two sentences: what the system is and what its conventions are. */
  String description();

  List<String> stateNames();

  List<String> inputNames();

  default int stateDim() {
    return stateNames().size();
  }

  default int inputDim() {
    return inputNames().size();
  }

  /**
   * Writes {@code f(x, u)} into {@code dxOut} (state units per second).
   *
   * @param x state, length {@link #stateDim()}
   * @param u input, length {@link #inputDim()}; not clipped to the bounds here
   * @param dxOut output, length {@link #stateDim()}; must not alias {@code x}
   */
  void derivative(double[] x, double[] u, double[] dxOut);

  /** Lower input bounds (input units), a fresh copy. */
  double[] inputLower();

  /** Upper input bounds (input units), a fresh copy. */
  double[] inputUpper();

  /**
   * Lower corner of the operating region: the box of states (state units) in which the plant is meant to
   * run and data is worth collecting; {@code -∞} where unbounded (the default). {@link
   * PlantSimulator#collect} restarts an episode when the state leaves the box.
   */
  default double[] stateLower() {
    double[] l = new double[stateDim()];
    java.util.Arrays.fill(l, Double.NEGATIVE_INFINITY);
    return l;
  }

  /** Upper corner of the operating region (see {@link #stateLower()}); {@code +∞} where unbounded. */
  default double[] stateUpper() {
    double[] u = new double[stateDim()];
    java.util.Arrays.fill(u, Double.POSITIVE_INFINITY);
    return u;
  }

  /** A typical start state for simulations and demos, a fresh copy. */
  double[] defaultInitialState();

  ControlTask defaultTask();

  /** Physical parameters by name, in a fixed documented order (units in the plant's Javadoc). */
  Map<String, Double> parameters();

  /**
   * Jacobians of {@link #derivative} at (x, u): {@code a[i][j] = ∂f_i/∂x_j} (nx × nx) and
   * {@code b[i][j] = ∂f_i/∂u_j} (nx × nu), written into the caller's arrays.
   *
   * <p>The default uses central differences with step {@code cbrt(ε)·max(1, |v|)} per variable (error
   * about 1e-10 relative for smooth f); the built-in plants override it with exact derivatives. At a
   * kink of a piecewise model the two one-sided slopes are averaged.
   */
  default void jacobian(double[] x, double[] u, double[][] a, double[][] b) {
    FiniteDifferences.jacobian(this, x, u, a, b);
  }
}
