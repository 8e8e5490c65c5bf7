package io.loopforge.modeling.sindy;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * PySINDy's {@code SmoothedFiniteDifference}: scipy's {@code savgol_filter(x, window, polyorder,
 * axis=0, mode="interp")} on each column, then {@link FiniteDifference} of the smoothed data.
 *
 * <p>Savitzky–Golay, mode {@code interp}: sample {@code i} with a full window around it is the value
 * at the centre of the least-squares polynomial of degree {@code polyorder} through the
 * {@code window} samples centred on it; the first and last {@code window / 2} samples are the values
 * of the polynomial fitted to the first (last) {@code window} samples.
 */
final class SmoothedFiniteDifference extends Differentiation {
  final int window;
  final int polyorder;
  final FiniteDifference fd;
  private final double[] centre; // window weights for an interior point
  private final double[][] edge; // half × window: weights of the left-end points

  SmoothedFiniteDifference(int window, int polyorder, int order) {
    if (window < 1 || window % 2 == 0) {
      throw new IllegalArgumentException("savgol_window must be a positive odd number, got " + window);
    }
    if (polyorder < 0 || polyorder >= window) {
      throw new IllegalArgumentException(
          "savgol_polyorder must be at least 0 and less than savgol_window (" + window + "), got " + polyorder);
    }
    this.window = window;
    this.polyorder = polyorder;
    this.fd = new FiniteDifference(order);
    int half = window / 2;
    double[] xs = new double[window];
    for (int k = 0; k < window; k++) {
      xs[k] = k - half;
    }
    this.centre = SmallLinalg.polyFitWeights(xs, polyorder, new double[] {0.0})[0];
    double[] pos = new double[window];
    for (int k = 0; k < window; k++) {
      pos[k] = k;
    }
    double[] at = new double[half];
    for (int q = 0; q < half; q++) {
      at[q] = q;
    }
    this.edge = SmallLinalg.polyFitWeights(pos, polyorder, at);
  }

  @Override
  public int minSamples() {
    return Math.max(window, fd.minSamples());
  }

  @Override
  public ObjectNode toSpec() {
    ObjectNode o = object("smoothed_finite_difference");
    o.put("savgol_window", window);
    o.put("savgol_polyorder", polyorder);
    o.put("order", fd.order);
    return o;
  }

  @Override
  String describe() {
    return "Savitzky-Golay smoothing over " + window + " samples with finite differences of order " + fd.order;
  }

  @Override
  boolean smooths() {
    return true;
  }

  @Override
  void apply(double[][] x, int n, double dt, double[] t, double[][] dx, double[][] smoothed, String where) {
    checkSamples(n, where);
    double[] tmp = smoothed == null ? new double[n] : null;
    for (int j = 0; j < x.length; j++) {
      double[] s = smoothed == null ? tmp : smoothed[j];
      smooth(x[j], n, s);
      fd.differentiate(s, n, dt, t, dx[j]);
    }
  }

  /** {@code savgol_filter(..., mode="interp")} of one column {@code x[0 … n-1]} into {@code out}. */
  void smooth(double[] x, int n, double[] out) {
    int half = window / 2;
    for (int i = half; i < n - half; i++) {
      int base = i - half;
      double acc = 0.0;
      for (int k = 0; k < window; k++) {
        acc += centre[k] * x[base + k];
      }
      out[i] = acc;
    }
    for (int q = 0; q < half; q++) {
      double[] w = edge[q];
      double left = 0.0;
      double right = 0.0;
      for (int k = 0; k < window; k++) {
        left += w[k] * x[k];
        right += w[k] * x[n - 1 - k];
      }
      out[q] = left;
      out[n - 1 - q] = right;
    }
  }
}
