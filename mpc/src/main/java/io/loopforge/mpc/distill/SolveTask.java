package io.loopforge.mpc.distill;

import java.util.Arrays;

/**
 * One MPC solve to make: the measured state and the state set-point the MPC tracks (held over the
 * horizon), both in the plant's state units. {@code index} is the task's position in its job (and fixes
 * its chunk).
 */
public record SolveTask(int index, double[] state, double[] reference) implements java.io.Serializable {
  public SolveTask {
    state = state.clone();
    reference = reference.clone();
  }

  @Override
  public double[] state() {
    return state.clone();
  }

  @Override
  public double[] reference() {
    return reference.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SolveTask t && t.index == index && Arrays.equals(t.state, state)
        && Arrays.equals(t.reference, reference);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * index + Arrays.hashCode(state)) + Arrays.hashCode(reference);
  }

  @Override
  public String toString() {
    return "SolveTask[" + index + ", x " + Arrays.toString(state) + ", ref " + Arrays.toString(reference) + "]";
  }
}
