package io.loopforge.modeling;

import java.util.Arrays;
import java.util.List;

/**
 * One sampled run of a system: times (s), states (n × nx) and the inputs applied (n × nu), with names.
 * Input row {@code i} is the input held from {@code times[i]} to {@code times[i + 1]} (zero-order hold).
 *
 * <p>Immutable: the constructor copies its arrays and the accessors return copies, except the
 * {@code …Unsafe} views meant for read-only hot loops.
 */
public final class Trajectory {
  private final double[] times;
  private final double[][] states;
  private final double[][] inputs;
  private final List<String> stateNames;
  private final List<String> inputNames;

  /**
   * @param times strictly increasing sample times, s
   * @param states one row per sample, {@code stateNames.size()} columns
   * @param inputs one row per sample, {@code inputNames.size()} columns (zero columns when there are no inputs)
   */
  public Trajectory(
      double[] times, double[][] states, double[][] inputs, List<String> stateNames, List<String> inputNames) {
    int n = times.length;
    if (states.length != n || inputs.length != n) {
      throw new IllegalArgumentException(
          "times, states and inputs must have the same number of rows: " + n + ", " + states.length + ", "
              + inputs.length);
    }
    for (int i = 0; i < n; i++) {
      if (states[i].length != stateNames.size()) {
        throw new IllegalArgumentException(
            "state row " + i + " has " + states[i].length + " values, expected " + stateNames.size());
      }
      if (inputs[i].length != inputNames.size()) {
        throw new IllegalArgumentException(
            "input row " + i + " has " + inputs[i].length + " values, expected " + inputNames.size());
      }
    }
    this.times = times.clone();
    this.states = deepCopy(states);
    this.inputs = deepCopy(inputs);
    this.stateNames = List.copyOf(stateNames);
    this.inputNames = List.copyOf(inputNames);
  }

  /** Number of samples. */
  public int size() {
    return times.length;
  }

  public int stateDim() {
    return stateNames.size();
  }

  public int inputDim() {
    return inputNames.size();
  }

  public List<String> stateNames() {
    return stateNames;
  }

  public List<String> inputNames() {
    return inputNames;
  }

  /** Sample time {@code i}, s. */
  public double time(int i) {
    return times[i];
  }

  public double[] times() {
    return times.clone();
  }

  public double[] state(int i) {
    return states[i].clone();
  }

  public double[] input(int i) {
    return inputs[i].clone();
  }

  public double[][] states() {
    return deepCopy(states);
  }

  public double[][] inputs() {
    return deepCopy(inputs);
  }

  /** The state matrix itself, for read-only use in hot loops; never write to it. */
  public double[][] statesUnsafe() {
    return states;
  }

  /** The input matrix itself, for read-only use in hot loops; never write to it. */
  public double[][] inputsUnsafe() {
    return inputs;
  }

  /** The time vector itself, for read-only use in hot loops; never write to it. */
  public double[] timesUnsafe() {
    return times;
  }

  /**
   * The sampling interval when the samples are uniformly spaced (relative spread below 1e-9), else NaN.
   */
  public double uniformDt() {
    if (times.length < 2) {
      return Double.NaN;
    }
    double dt = (times[times.length - 1] - times[0]) / (times.length - 1);
    for (int i = 1; i < times.length; i++) {
      if (Math.abs((times[i] - times[i - 1]) - dt) > 1e-9 * Math.max(1.0, Math.abs(dt)) + 1e-12) {
        return Double.NaN;
      }
    }
    return dt;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Trajectory)) {
      return false;
    }
    Trajectory t = (Trajectory) o;
    return Arrays.equals(times, t.times)
        && Arrays.deepEquals(states, t.states)
        && Arrays.deepEquals(inputs, t.inputs)
        && stateNames.equals(t.stateNames)
        && inputNames.equals(t.inputNames);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(times) * 31 + Arrays.deepHashCode(states);
  }

  @Override
  public String toString() {
    return "Trajectory[" + size() + " samples, states " + stateNames + ", inputs " + inputNames + "]";
  }

  private static double[][] deepCopy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }
}
