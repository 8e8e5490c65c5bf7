package io.loopforge.mpc;

/** Checks of planner options, with messages that name the planner, the option and the value. */
final class SamplerOptions {
  private SamplerOptions() {}

  static int atLeast(String planner, String option, int value, int min) {
    if (value < min) {
      throw new MpcException(planner + ": " + option + " must be at least " + min + ", got " + value);
    }
    return value;
  }

  /** A finite value in the open interval (lo, hi), or the half-open [lo, hi) when {@code closedLow}. */
  static double inRange(String planner, String option, double value, double lo, double hi, boolean closedLow) {
    boolean ok = Double.isFinite(value) && (closedLow ? value >= lo : value > lo) && value < hi;
    if (!ok) {
      throw new MpcException(planner + ": " + option + " must be in " + (closedLow ? "[" : "(") + lo + ", " + hi
          + "), got " + value);
    }
    return value;
  }

  static double positive(String planner, String option, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new MpcException(planner + ": " + option + " must be positive and finite, got " + value);
    }
    return value;
  }
}
