package io.loopforge.modeling.sindy;

/**
 * Discrete Fourier transform of any length: iterative radix-2 for powers of two, Bluestein's chirp-z
 * method (through a power-of-two transform) otherwise. Conventions as numpy: forward
 * {@code X_k = Σ x_j e^{-2πi jk/n}}, inverse with {@code +} and a factor {@code 1/n}.
 */
final class Fft {
  private final int n;
  private final int m; // power-of-two length used
  private final double[] cos;
  private final double[] sin;
  // Bluestein
  private final double[] chirpRe;
  private final double[] chirpIm;
  private final double[] kernelRe;
  private final double[] kernelIm;
  private final double[] bufRe;
  private final double[] bufIm;

  Fft(int n) {
    this.n = n;
    boolean pow2 = Integer.bitCount(n) == 1;
    this.m = pow2 ? n : Integer.highestOneBit(2 * n - 2) << 1;
    this.cos = new double[m / 2 + 1];
    this.sin = new double[m / 2 + 1];
    for (int i = 0; i < m / 2 + 1; i++) {
      cos[i] = Math.cos(2 * Math.PI * i / m);
      sin[i] = Math.sin(2 * Math.PI * i / m);
    }
    if (pow2) {
      chirpRe = chirpIm = kernelRe = kernelIm = bufRe = bufIm = null;
    } else {
      chirpRe = new double[n];
      chirpIm = new double[n];
      for (int k = 0; k < n; k++) {
        // exp(-iπ k²/n), with k² mod 2n to keep the angle small
        long k2 = ((long) k * k) % (2L * n);
        double a = Math.PI * k2 / n;
        chirpRe[k] = Math.cos(a);
        chirpIm[k] = -Math.sin(a);
      }
      kernelRe = new double[m];
      kernelIm = new double[m];
      kernelRe[0] = chirpRe[0];
      kernelIm[0] = -chirpIm[0];
      for (int k = 1; k < n; k++) {
        kernelRe[k] = kernelRe[m - k] = chirpRe[k];
        kernelIm[k] = kernelIm[m - k] = -chirpIm[k];
      }
      radix2(kernelRe, kernelIm, false);
      bufRe = new double[m];
      bufIm = new double[m];
    }
  }

  /** In-place transform of {@code (re, im)}, length n; {@code inverse} includes the 1/n factor. */
  void transform(double[] re, double[] im, boolean inverse) {
    if (inverse) {
      // ifft(x) = conj(fft(conj(x))) / n
      for (int i = 0; i < n; i++) {
        im[i] = -im[i];
      }
      forward(re, im);
      for (int i = 0; i < n; i++) {
        re[i] /= n;
        im[i] = -im[i] / n;
      }
    } else {
      forward(re, im);
    }
  }

  private void forward(double[] re, double[] im) {
    if (chirpRe == null) {
      radix2(re, im, false);
      return;
    }
    java.util.Arrays.fill(bufRe, 0.0);
    java.util.Arrays.fill(bufIm, 0.0);
    for (int k = 0; k < n; k++) {
      bufRe[k] = re[k] * chirpRe[k] - im[k] * chirpIm[k];
      bufIm[k] = re[k] * chirpIm[k] + im[k] * chirpRe[k];
    }
    radix2(bufRe, bufIm, false);
    for (int k = 0; k < m; k++) {
      double r = bufRe[k] * kernelRe[k] - bufIm[k] * kernelIm[k];
      double i = bufRe[k] * kernelIm[k] + bufIm[k] * kernelRe[k];
      bufRe[k] = r;
      bufIm[k] = i;
    }
    radix2(bufRe, bufIm, true);
    for (int k = 0; k < n; k++) {
      double r = bufRe[k] / m;
      double i = bufIm[k] / m;
      re[k] = r * chirpRe[k] - i * chirpIm[k];
      im[k] = r * chirpIm[k] + i * chirpRe[k];
    }
  }

  /** Unnormalised radix-2 transform of length m; {@code inverse} flips the sign of the exponent. */
  private void radix2(double[] re, double[] im, boolean inverse) {
    for (int i = 1, j = 0; i < m; i++) {
      int bit = m >> 1;
      for (; (j & bit) != 0; bit >>= 1) {
        j ^= bit;
      }
      j ^= bit;
      if (i < j) {
        double tr = re[i];
        re[i] = re[j];
        re[j] = tr;
        double ti = im[i];
        im[i] = im[j];
        im[j] = ti;
      }
    }
    for (int len = 2; len <= m; len <<= 1) {
      int step = m / len;
      for (int i = 0; i < m; i += len) {
        for (int k = 0; k < len / 2; k++) {
          double wr = cos[k * step];
          double wi = inverse ? sin[k * step] : -sin[k * step];
          int a = i + k;
          int b = a + len / 2;
          double xr = re[b] * wr - im[b] * wi;
          double xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    }
  }
}
