package io.loopforge.modeling.sindy;

/** Small dense solves for stencil and filter weights (sizes up to a few dozen). */
final class SmallLinalg {
  private SmallLinalg() {}

  /**
   * Solves {@code a x = b} by Gaussian elimination with partial pivoting (as LAPACK's {@code gesv});
   * {@code a} and {@code b} are overwritten, the solution is returned in {@code b}.
   */
  static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    for (int k = 0; k < n; k++) {
      int piv = k;
      double max = Math.abs(a[k][k]);
      for (int i = k + 1; i < n; i++) {
        if (Math.abs(a[i][k]) > max) {
          max = Math.abs(a[i][k]);
          piv = i;
        }
      }
      if (max == 0.0) {
        throw new IllegalStateException("singular stencil matrix");
      }
      if (piv != k) {
        double[] tr = a[k];
        a[k] = a[piv];
        a[piv] = tr;
        double tb = b[k];
        b[k] = b[piv];
        b[piv] = tb;
      }
      for (int i = k + 1; i < n; i++) {
        double l = a[i][k] / a[k][k];
        if (l != 0.0) {
          for (int j = k + 1; j < n; j++) {
            a[i][j] -= l * a[k][j];
          }
          b[i] -= l * b[k];
        }
      }
    }
    for (int k = n - 1; k >= 0; k--) {
      double s = b[k];
      for (int j = k + 1; j < n; j++) {
        s -= a[k][j] * b[j];
      }
      b[k] = s / a[k][k];
    }
    return b;
  }

  /**
   * Weights of the least-squares polynomial fit: for points {@code xs} and degree {@code deg}, returns
   * {@code W} ({@code evalAt.length × xs.length}) such that the fitted polynomial at {@code evalAt[q]}
   * is {@code Σ_k W[q][k] y[k]}. Uses Householder QR of the column-scaled Vandermonde matrix.
   */
  static double[][] polyFitWeights(double[] xs, int deg, double[] evalAt) {
    int m = xs.length;
    int p = deg + 1;
    // V (m × p), column-major, columns scaled to unit norm as numpy.polyfit does
    double[][] v = new double[p][m];
    double[] scale = new double[p];
    for (int j = 0; j < p; j++) {
      double s = 0;
      for (int i = 0; i < m; i++) {
        v[j][i] = Math.pow(xs[i], j);
        s += v[j][i] * v[j][i];
      }
      scale[j] = Math.sqrt(s);
      for (int i = 0; i < m; i++) {
        v[j][i] /= scale[j];
      }
    }
    // Householder QR: v <- reflectors below the diagonal, rdiag separately
    double[] rdiag = new double[p];
    double[] tau = new double[p];
    for (int k = 0; k < p; k++) {
      double norm = 0;
      for (int i = k; i < m; i++) {
        norm += v[k][i] * v[k][i];
      }
      norm = Math.sqrt(norm);
      double alpha = v[k][k];
      double beta = alpha >= 0 ? -norm : norm;
      double v0 = alpha - beta;
      tau[k] = (beta - alpha) / beta;
      for (int i = k + 1; i < m; i++) {
        v[k][i] /= v0;
      }
      v[k][k] = 1.0;
      rdiag[k] = beta;
      for (int j = k + 1; j < p; j++) {
        double w = 0;
        for (int i = k; i < m; i++) {
          w += v[k][i] * v[j][i];
        }
        w *= tau[k];
        for (int i = k; i < m; i++) {
          v[j][i] -= w * v[k][i];
        }
      }
    }
    // coefficient c = R^-1 Q^T y; value at x = sum_j (x^j / scale_j) c_j.
    // W[q] = (Q R^-T g)^T with g_j = evalAt[q]^j / scale_j
    double[][] w = new double[evalAt.length][m];
    for (int q = 0; q < evalAt.length; q++) {
      double[] g = new double[p];
      for (int j = 0; j < p; j++) {
        g[j] = Math.pow(evalAt[q], j) / scale[j];
      }
      // solve R^T h = g (R upper: diag rdiag, off-diagonal v[j][i] for i < j)
      double[] h = new double[p];
      for (int i = 0; i < p; i++) {
        double s = g[i];
        for (int k = 0; k < i; k++) {
          s -= v[i][k] * h[k];
        }
        h[i] = s / rdiag[i];
      }
      // Q [h; 0]: apply reflectors in reverse order
      double[] y = new double[m];
      System.arraycopy(h, 0, y, 0, p);
      for (int k = p - 1; k >= 0; k--) {
        double s = y[k];
        for (int i = k + 1; i < m; i++) {
          s += v[k][i] * y[i];
        }
        s *= tau[k];
        y[k] -= s;
        for (int i = k + 1; i < m; i++) {
          y[i] -= s * v[k][i];
        }
      }
      w[q] = y;
    }
    return w;
  }
}
