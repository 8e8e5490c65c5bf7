package io.loopforge.modeling.policy;

import java.util.List;

/**
 * A feedback law {@code u = control(x, reference)} run once per sampling interval {@link #dt()}. States,
 * references and inputs are in the plant's units. A planner in receding horizon is one, a policy from a
 * model file ({@link Policy}) another; the firmware runs one.
 */
public interface Controller {
  List<String> stateNames();

  List<String> inputNames();

  /** Names of the reference entries, e.g. {@code x0_ref}. */
  List<String> referenceNames();

  default int stateDim() {
    return stateNames().size();
  }

  default int inputDim() {
    return inputNames().size();
  }

  default int referenceDim() {
    return referenceNames().size();
  }

  /** Sampling interval, s. */
  double dt();

  /**
   * Forgets whatever the controller carried over from earlier calls; the closed loop ({@code
   * io.loopforge.modeling.loop.ClosedLoop}) calls it once at the start of every run. A stateful controller
   * (a receding-horizon planner with a warm start, a firmware session that numbers its steps) clears its
   * state here; a stateless one needs nothing, which is the default.
   */
  default void reset() {}

  /**
   * Writes the input for state {@code x} and reference {@code reference} into {@code u}.
   *
   * @param x state, length {@link #stateDim()}
   * @param reference reference, length {@link #referenceDim()}
   * @param u output, length {@link #inputDim()}
   */
  void control(double[] x, double[] reference, double[] u);

  default double[] control(double[] x, double[] reference) {
    double[] u = new double[inputDim()];
    control(x, reference, u);
    return u;
  }
}
