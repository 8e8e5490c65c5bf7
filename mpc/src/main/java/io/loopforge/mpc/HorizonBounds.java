package io.loopforge.mpc;

import java.util.Arrays;

/**
 * Sound bounds over the horizon of one MPC problem from one measured state: for every step {@code t} the
 * box of the input {@code u_t} (the input box narrowed by the rate limits from {@code u_{−1}}), the box
 * of the state {@code x_t} ({@code x_0} is the measured state; later boxes contain every state any
 * admissible input sequence reaches through the model) and the pre-activation bounds of the network
 * evaluation at step {@code t} ({@link ReluBounds}). The soft state box of the problem plays no part:
 * it is not a bound on the states. Built by {@link BoundTightener}; states and inputs in the model's
 * units. Immutable.
 *
 * <p>When the hard constraints admit no input sequence (u_{−1} is farther outside the input box than
 * one rate-limited step can bring it back), {@link #infeasible()} says why and there are no bounds.
 */
public final class HorizonBounds {
  private final double[][] inputLower;
  private final double[][] inputUpper;
  private final double[][] stateLower;
  private final double[][] stateUpper;
  private final ReluBounds[] units;
  private final TighteningReport report;
  private final String infeasible;

  HorizonBounds(double[][] inputLower, double[][] inputUpper, double[][] stateLower, double[][] stateUpper,
      ReluBounds[] units, TighteningReport report) {
    this.inputLower = inputLower;
    this.inputUpper = inputUpper;
    this.stateLower = stateLower;
    this.stateUpper = stateUpper;
    this.units = units;
    this.report = report;
    this.infeasible = null;
  }

  private HorizonBounds(String why, TighteningReport report) {
    this.inputLower = new double[0][];
    this.inputUpper = new double[0][];
    this.stateLower = new double[0][];
    this.stateUpper = new double[0][];
    this.units = new ReluBounds[0];
    this.report = report;
    this.infeasible = why;
  }

  static HorizonBounds infeasible(String why, TighteningReport report) {
    return new HorizonBounds(why, report);
  }

  /** Why no admissible input sequence exists, or null when one does. */
  public String infeasible() {
    return infeasible;
  }

  /** H, the number of steps bounded (0 when infeasible). */
  public int horizon() {
    return units.length;
  }

  /** Lower corner of the box of u_t, t = 0 … H−1 (a copy). */
  public double[] inputLower(int t) {
    return inputLower[t].clone();
  }

  public double[] inputUpper(int t) {
    return inputUpper[t].clone();
  }

  /** Lower corner of the box of x_t, t = 0 … H (a copy; x_0's box is the measured state). */
  public double[] stateLower(int t) {
    return stateLower[t].clone();
  }

  public double[] stateUpper(int t) {
    return stateUpper[t].clone();
  }

  /** Pre-activation bounds of the network evaluation at step t = 0 … H−1 (input [x_t; u_t]). */
  public ReluBounds units(int t) {
    return units[t];
  }

  /** Binaries of an encoding with these bounds: unstable units over all steps. */
  public int binaries() {
    int n = 0;
    for (ReluBounds b : units) {
      n += b.unstableCount();
    }
    return n;
  }

  public TighteningReport report() {
    return report;
  }

  double stateLower(int t, int i) {
    return stateLower[t][i];
  }

  double stateUpper(int t, int i) {
    return stateUpper[t][i];
  }

  double inputLower(int t, int i) {
    return inputLower[t][i];
  }

  double inputUpper(int t, int i) {
    return inputUpper[t][i];
  }

  @Override
  public String toString() {
    if (infeasible != null) {
      return "HorizonBounds[infeasible: " + infeasible + "]";
    }
    return "HorizonBounds[H=" + units.length + ", " + binaries() + " binaries, last state box "
        + Arrays.toString(stateLower[units.length]) + " .. " + Arrays.toString(stateUpper[units.length]) + "]";
  }
}
