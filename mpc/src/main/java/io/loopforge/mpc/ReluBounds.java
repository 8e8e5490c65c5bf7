package io.loopforge.mpc;

import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.NetworkBounds;
import java.util.Arrays;

/**
 * Bounds {@code l ≤ a ≤ u} of the pre-activation {@code a} of every ReLU unit of one evaluation of a
 * {@link FoldedReluNetwork} (layers {@code 0 … K−1} as in the network), in the units of the
 * pre-activations. The mixed-integer encoding ({@link ReluMilp}) takes its big-M constants from them and
 * needs no binary for a unit that is stably active ({@code l ≥ 0}: the ReLU is the identity) or stably
 * inactive ({@code u ≤ 0}: it is 0). Bounds must be sound (contain every pre-activation the encoded
 * evaluation can take), or the encoding cuts off feasible points: {@link BoundTightener} makes them so.
 * A unit with {@code u ≤ 0} counts as inactive even when {@code l ≥ 0} too ({@code l = u = 0}).
 * Immutable.
 */
public final class ReluBounds {
  private final double[][] lower;
  private final double[][] upper;
  private final int units;
  private final int active;
  private final int inactive;

  private ReluBounds(double[][] lower, double[][] upper) {
    this.lower = lower;
    this.upper = upper;
    int n = 0;
    int on = 0;
    int off = 0;
    for (int k = 0; k < lower.length; k++) {
      for (int j = 0; j < lower[k].length; j++) {
        n++;
        if (upper[k][j] <= 0) {
          off++;
        } else if (lower[k][j] >= 0) {
          on++;
        }
      }
    }
    this.units = n;
    this.active = on;
    this.inactive = off;
  }

  /**
   * The bounds of the ReLU layers of interval bounds of a folded network ({@link NetworkBounds#of(
   * FoldedReluNetwork, double[], double[])}; its last layer, the output, is left out).
   */
  public static ReluBounds of(NetworkBounds bounds) {
    int k = bounds.hiddenLayerCount();
    double[][] lo = new double[k][];
    double[][] hi = new double[k][];
    for (int i = 0; i < k; i++) {
      lo[i] = bounds.lower(i);
      hi[i] = bounds.upper(i);
    }
    return new ReluBounds(lo, hi);
  }

  /**
   * Bounds given layer by layer (copied).
   *
   * @throws IllegalArgumentException when the shapes differ, a bound is NaN or {@code l > u}
   */
  public static ReluBounds of(double[][] lower, double[][] upper) {
    if (lower.length != upper.length) {
      throw new IllegalArgumentException(lower.length + " lower and " + upper.length + " upper layers");
    }
    double[][] lo = new double[lower.length][];
    double[][] hi = new double[lower.length][];
    for (int k = 0; k < lower.length; k++) {
      if (lower[k].length != upper[k].length) {
        throw new IllegalArgumentException("layer " + k + ": " + lower[k].length + " lower and " + upper[k].length
            + " upper bounds");
      }
      for (int j = 0; j < lower[k].length; j++) {
        if (!(lower[k][j] <= upper[k][j])) {
          throw new IllegalArgumentException("unit " + j + " of layer " + k + " has bounds [" + lower[k][j] + ", "
              + upper[k][j] + "]");
        }
      }
      lo[k] = lower[k].clone();
      hi[k] = upper[k].clone();
    }
    return new ReluBounds(lo, hi);
  }

  /** Whether these bounds have the shape of {@code network}'s ReLU layers. */
  public boolean fits(FoldedReluNetwork network) {
    if (network.reluLayerCount() != lower.length) {
      return false;
    }
    for (int k = 0; k < lower.length; k++) {
      if (network.units(k) != lower[k].length) {
        return false;
      }
    }
    return true;
  }

  /** Number of ReLU layers. */
  public int layerCount() {
    return lower.length;
  }

  /** Number of units of layer {@code k}. */
  public int units(int k) {
    return lower[k].length;
  }

  public double lower(int k, int j) {
    return lower[k][j];
  }

  public double upper(int k, int j) {
    return upper[k][j];
  }

  /** Lower bounds of layer {@code k} (a copy). */
  public double[] lower(int k) {
    return lower[k].clone();
  }

  /** Upper bounds of layer {@code k} (a copy). */
  public double[] upper(int k) {
    return upper[k].clone();
  }

  /** {@code u ≤ 0}: the unit's output is 0 wherever the evaluation can go. */
  public boolean stablyInactive(int k, int j) {
    return upper[k][j] <= 0;
  }

  /** {@code l ≥ 0 < u}: the unit is the identity wherever the evaluation can go. */
  public boolean stablyActive(int k, int j) {
    return lower[k][j] >= 0 && upper[k][j] > 0;
  }

  /** {@code l < 0 < u}: the unit needs a binary. */
  public boolean unstable(int k, int j) {
    return lower[k][j] < 0 && upper[k][j] > 0;
  }

  /** Number of ReLU units. */
  public int reluCount() {
    return units;
  }

  public int stablyActiveCount() {
    return active;
  }

  public int stablyInactiveCount() {
    return inactive;
  }

  /** Number of units neither stably active nor inactive: the binaries of an encoding. */
  public int unstableCount() {
    return units - active - inactive;
  }

  /**
   * Whether every bound of this lies inside {@code other}'s ({@code other.l ≤ l}, {@code u ≤ other.u}),
   * both of the same shape.
   */
  public boolean within(ReluBounds other) {
    if (other.lower.length != lower.length) {
      return false;
    }
    for (int k = 0; k < lower.length; k++) {
      if (other.lower[k].length != lower[k].length) {
        return false;
      }
      for (int j = 0; j < lower[k].length; j++) {
        if (lower[k][j] < other.lower[k][j] || upper[k][j] > other.upper[k][j]) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "ReluBounds[" + units + " units: " + active + " stably active, " + inactive + " stably inactive, "
        + unstableCount() + " unstable; lower " + Arrays.deepToString(lower) + ", upper " + Arrays.deepToString(upper)
        + "]";
  }
}
