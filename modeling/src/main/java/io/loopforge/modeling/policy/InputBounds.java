package io.loopforge.modeling.policy;

import java.util.Arrays;

/**
 * Per-input saturation limits {@code lower[i] ≤ u[i] ≤ upper[i]} in the input's units; an infinite limit
 * means that side is not bounded. Immutable.
 */
public final class InputBounds {
  private final double[] lower;
  private final double[] upper;

  private InputBounds(double[] lower, double[] upper) {
    this.lower = lower;
    this.upper = upper;
  }

  /**
   * @param lower lower limits (may be {@code -∞})
   * @param upper upper limits (may be {@code +∞}), same length, {@code lower[i] ≤ upper[i]}
   */
  public static InputBounds of(double[] lower, double[] upper) {
    if (lower.length != upper.length) {
      throw new IllegalArgumentException(lower.length + " lower limits for " + upper.length + " upper limits");
    }
    for (int i = 0; i < lower.length; i++) {
      if (Double.isNaN(lower[i]) || Double.isNaN(upper[i])) {
        throw new IllegalArgumentException("input " + i + ": a limit is NaN");
      }
      if (lower[i] > upper[i]) {
        throw new IllegalArgumentException(
            "input " + i + ": lower limit " + lower[i] + " is above the upper limit " + upper[i]);
      }
      if (lower[i] == Double.POSITIVE_INFINITY || upper[i] == Double.NEGATIVE_INFINITY) {
        throw new IllegalArgumentException("input " + i + ": the limits [" + lower[i] + ", " + upper[i]
            + "] leave no admissible value");
      }
    }
    return new InputBounds(lower.clone(), upper.clone());
  }

  /** No saturation for {@code inputs} inputs. */
  public static InputBounds unbounded(int inputs) {
    double[] lo = new double[inputs];
    double[] hi = new double[inputs];
    Arrays.fill(lo, Double.NEGATIVE_INFINITY);
    Arrays.fill(hi, Double.POSITIVE_INFINITY);
    return new InputBounds(lo, hi);
  }

  /** Number of inputs. */
  public int size() {
    return lower.length;
  }

  public double lower(int i) {
    return lower[i];
  }

  public double upper(int i) {
    return upper[i];
  }

  public double[] lower() {
    return lower.clone();
  }

  public double[] upper() {
    return upper.clone();
  }

  /** True when no input has a finite limit. */
  public boolean isUnbounded() {
    for (int i = 0; i < lower.length; i++) {
      if (Double.isFinite(lower[i]) || Double.isFinite(upper[i])) {
        return false;
      }
    }
    return true;
  }

  /** {@code v} saturated to input {@code i}'s limits; NaN stays NaN. */
  public double clamp(int i, double v) {
    double r = v < lower[i] ? lower[i] : v;
    return r > upper[i] ? upper[i] : r;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InputBounds && Arrays.equals(lower, ((InputBounds) o).lower)
        && Arrays.equals(upper, ((InputBounds) o).upper);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(lower) * 31 + Arrays.hashCode(upper);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("InputBounds[");
    for (int i = 0; i < lower.length; i++) {
      s.append(i == 0 ? "" : ", ").append('[').append(lower[i]).append(", ").append(upper[i]).append(']');
    }
    return s.append(']').toString();
  }
}
