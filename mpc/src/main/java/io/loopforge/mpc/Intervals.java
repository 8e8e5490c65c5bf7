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

  /**
   * Tightens the box of v from one linear row {@code lo ≤ Σ_{c < cols} w[off + c]·v_c + b ≤ hi} ({@code lo}
   * may be −∞, {@code hi} +∞): each {@code v_c} is bounded by what the row leaves it when the other terms
   * take their extremes (feasibility-based bound tightening). Rounding is covered as in {@link #affine},
   * so the new boxes contain every v of the old boxes that satisfies the row. No allocation.
   *
   * @return −1 when the row cannot hold in the box (an empty box results), else the largest shrink of a
   *     bound relative to {@code 1 + |bound|} (0 when nothing moved)
   */
  static double tightenRow(double[] w, int off, int cols, double b, double lo, double hi, double[] vLo,
      double[] vHi) {
    double min = b;
    double max = b;
    double mag = Math.abs(b);
    for (int c = 0; c < cols; c++) {
      double wc = w[off + c];
      if (wc > 0) {
        min += wc * vLo[c];
        max += wc * vHi[c];
      } else if (wc < 0) {
        min += wc * vHi[c];
        max += wc * vLo[c];
      } else {
        continue;
      }
      mag += Math.abs(wc) * Math.max(Math.abs(vLo[c]), Math.abs(vHi[c]));
    }
    double slack = (cols + 4) * EPS * (mag + (Double.isFinite(lo) ? Math.abs(lo) : 0)
        + (Double.isFinite(hi) ? Math.abs(hi) : 0)) + Double.MIN_NORMAL;
    if (min > hi + slack || max < lo - slack) {
      return -1;
    }
    double moved = 0;
    for (int c = 0; c < cols; c++) {
      double wc = w[off + c];
      if (wc == 0) {
        continue;
      }
      // the row's range without term c
      double restMin = min - (wc > 0 ? wc * vLo[c] : wc * vHi[c]);
      double restMax = max - (wc > 0 ? wc * vHi[c] : wc * vLo[c]);
      // lo − restMax ≤ wc·v_c ≤ hi − restMin, widened by the rounding of every sum involved
      double low = Double.isFinite(lo) ? (lo - restMax - slack) / wc : Double.NaN;
      double high = Double.isFinite(hi) ? (hi - restMin + slack) / wc : Double.NaN;
      double newLo = wc > 0 ? low : high;
      double newHi = wc > 0 ? high : low;
      if (!Double.isNaN(newLo)) {
        newLo = Math.nextDown(newLo);
        if (newLo > vLo[c]) {
          moved = Math.max(moved, (newLo - vLo[c]) / (1 + Math.abs(vLo[c])));
          vLo[c] = newLo;
        }
      }
      if (!Double.isNaN(newHi)) {
        newHi = Math.nextUp(newHi);
        if (newHi < vHi[c]) {
          moved = Math.max(moved, (vHi[c] - newHi) / (1 + Math.abs(vHi[c])));
          vHi[c] = newHi;
        }
      }
      if (vLo[c] > vHi[c]) {
        if (vLo[c] - vHi[c] > slack / Math.abs(wc) + 1e-12 * (1 + Math.abs(vLo[c]))) {
          return -1;
        }
        // crossed by rounding only: keep the small box between them
        double a = vLo[c];
        vLo[c] = vHi[c];
        vHi[c] = a;
      }
    }
    return moved;
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
