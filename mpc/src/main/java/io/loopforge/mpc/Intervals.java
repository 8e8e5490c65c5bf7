package io.loopforge.mpc;

/**
 * Interval arithmetic for bound propagation inside {@link BoundTightener}, where per-unit bounds tightened
 * by linear programs must be pushed through later layers (which {@link
 * io.loopforge.modeling.nn.NetworkBounds}, starting from an input box only, cannot do).
 *
 * <p>Soundness in double: the sum {@code Σ w_c v_c + b} is computed in round-to-nearest and then widened by
 * the classic a-priori bound on the error of a recursive sum of {@code n} products, {@code γ_{n+1} Σ |w_c
 * v_c| + |b|} with {@code γ_m = m·2⁻⁵³ / (1 − m·2⁻⁵³)}, taken here generously as {@code (n + 2)·2⁻⁵²}
 * (twice the unit roundoff per operation), plus the smallest normal number for underflow. So the result
 * encloses the exact real bounds.
 */
final class Intervals {
  private static final double EPS = Math.ulp(1.0); // 2^-52

  private Intervals() {}

  /**
   * Bounds of {@code Σ_{c < cols} w[off + c]·v_c + b} over the box {@code vLo ≤ v ≤ vHi}, written to
   * {@code out[0]} (lower) and {@code out[1]} (upper). No allocation.
   */
  static void affine(double[] w, int off, int cols, double b, double[] vLo, double[] vHi, double[] out) {
    double lo = b;
    double hi = b;
    double mag = Math.abs(b);
    for (int c = 0; c < cols; c++) {
      double wc = w[off + c];
      if (wc > 0) {
        lo += wc * vLo[c];
        hi += wc * vHi[c];
      } else if (wc < 0) {
        lo += wc * vHi[c];
        hi += wc * vLo[c];
      } else {
        continue;
      }
      mag += Math.abs(wc) * Math.max(Math.abs(vLo[c]), Math.abs(vHi[c]));
    }
    double err = (cols + 2) * EPS * mag + Double.MIN_NORMAL;
    out[0] = lo - err;
    out[1] = hi + err;
  }

  /** A value ≤ the exact {@code a + b}. */
  static double addDown(double a, double b) {
    return Math.nextDown(a + b);
  }

  /** A value ≥ the exact {@code a + b}. */
  static double addUp(double a, double b) {
    return Math.nextUp(a + b);
  }
}
