package io.loopforge.modeling.sindy;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * PySINDy's {@code SpectralDerivative}: {@code real(ifft(2πi · fftfreq(n, dt) · fft(x)))} per column,
 * with {@code dt = t[1] - t[0]} when sample times are given. Exact for band-limited periodic data
 * sampled uniformly over whole periods; anything else rings at the ends.
 */
final class SpectralDerivative extends Differentiation {
  @Override
  public int minSamples() {
    return 2;
  }

  @Override
  public ObjectNode toSpec() {
    return object("spectral");
  }

  @Override
  String describe() {
    return "the spectral derivative";
  }

  @Override
  void apply(double[][] x, int n, double dt, double[] t, double[][] dx, double[][] smoothed, String where) {
    checkSamples(n, where);
    double h = t == null ? dt : t[1] - t[0];
    Fft fft = new Fft(n);
    double[] re = new double[n];
    double[] im = new double[n];
    for (int j = 0; j < x.length; j++) {
      System.arraycopy(x[j], 0, re, 0, n);
      java.util.Arrays.fill(im, 0.0);
      fft.transform(re, im, false);
      for (int k = 0; k < n; k++) {
        // numpy.fft.fftfreq: k / (n h) for k < (n + 1) / 2, else (k - n) / (n h)
        int kk = k < (n + 1) / 2 ? k : k - n;
        double w = 2 * Math.PI * (kk / (n * h));
        double r = re[k];
        re[k] = -w * im[k];
        im[k] = w * r;
      }
      fft.transform(re, im, true);
      System.arraycopy(re, 0, dx[j], 0, n);
    }
  }
}
