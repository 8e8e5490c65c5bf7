package io.loopforge.modeling.sindy;

/**
 * Householder QR of a tall matrix {@code [Θ | Y]} (n × (p + m)) fed in blocks of rows, keeping only
 * the triangular factor: after all rows, {@code R} (p × p, upper triangular) and {@code C = Qᵀ Y}
 * (p × m) with {@code Θ = Q R}. Every least-squares or ridge problem on a subset of Θ's columns then
 * reduces to a p-row problem: {@code ‖y − Θ_S w‖² = ‖c − R_S w‖² + const}.
 *
 * <p>Each block {@code B} is folded into the current factor by the Householder QR of the stacked
 * {@code [R; B]}, whose reflectors touch one row of {@code R} and the block's rows only; the block
 * stays in cache while all p reflectors pass over it, and Θ never has to exist as a whole. This is a
 * sequence of orthogonal transformations (backward stable, as LAPACK's {@code geqrf}); the normal
 * equations are never formed.
 *
 * <p>Layout: a block is one array per column, so that the reflector updates run along long columns
 * (the inner loops vectorise). Not thread-safe.
 */
final class TallQr {
  final int p;
  final int m;
  final int cols;
  /** p × cols row-major: R in the first p columns (upper triangle), C in the last m. */
  final double[] r;

  long rows;

  TallQr(int p, int m) {
    this.p = p;
    this.m = m;
    this.cols = p + m;
    this.r = new double[p * cols];
  }

  /** Rows per block (a block of about 256 KB stays in the L2 cache while all reflectors pass over it). */
  static int blockRows(int cols) {
    return Math.max(64, Math.min(1024, ((1 << 15) / Math.max(1, cols)) & ~7));
  }

  /**
   * Folds {@code nRows} rows in: {@code a[j]} holds column {@code j} of the block (entries
   * {@code 0 … nRows-1}); the block is destroyed. One array per column, so that the column updates
   * vectorise (the JIT does not vectorise a loop that reads and writes the same array at two offsets).
   *
   * <p>Reflectors are applied two at a time: for a later column {@code a_j} both dot products
   * {@code v_k·a_j} and {@code v_{k+1}·a_j} are taken in one pass, the second corrected for the
   * first reflector with {@code γ = v_{k+1}·v_k}, and both updates are applied in one more pass. This
   * halves the passes over the block; the dot products (which the JIT cannot vectorise) run as eight
   * or sixteen independent FMA chains.
   */
  void absorb(double[][] a, int nRows) {
    final int c = cols;
    final double[] rr = r;
    rows += nRows;
    int k = 0;
    for (; k + 1 < p; k += 2) {
      final double[] v = a[k];
      final double[] w = a[k + 1];
      final int rk = k * c;
      final int rk1 = rk + c;
      double tauK = reflector(k, v, nRows);
      // column k+1 after reflector k, then reflector k+1 from it
      if (tauK != 0.0) {
        update(rr, rk + k + 1, tauK, dot(v, w, nRows), v, w, nRows);
      }
      double tauK1 = reflector(k + 1, w, nRows);
      if (tauK == 0.0 && tauK1 == 0.0) {
        continue;
      }
      double gamma = dot(w, v, nRows);
      int j = k + 2;
      for (; j + 7 < c; j += 8) {
        final double[] a0 = a[j];
        final double[] a1 = a[j + 1];
        final double[] a2 = a[j + 2];
        final double[] a3 = a[j + 3];
        final double[] a4 = a[j + 4];
        final double[] a5 = a[j + 5];
        final double[] a6 = a[j + 6];
        final double[] a7 = a[j + 7];
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        double s4 = 0.0;
        double s5 = 0.0;
        double s6 = 0.0;
        double s7 = 0.0;
        double q0 = 0.0;
        double q1 = 0.0;
        double q2 = 0.0;
        double q3 = 0.0;
        double q4 = 0.0;
        double q5 = 0.0;
        double q6 = 0.0;
        double q7 = 0.0;
        for (int i = 0; i < nRows; i++) {
          double vi = v[i];
          double wi = w[i];
          double b0 = a0[i];
          double b1 = a1[i];
          double b2 = a2[i];
          double b3 = a3[i];
          double b4 = a4[i];
          double b5 = a5[i];
          double b6 = a6[i];
          double b7 = a7[i];
          s0 = Math.fma(vi, b0, s0);
          s1 = Math.fma(vi, b1, s1);
          s2 = Math.fma(vi, b2, s2);
          s3 = Math.fma(vi, b3, s3);
          s4 = Math.fma(vi, b4, s4);
          s5 = Math.fma(vi, b5, s5);
          s6 = Math.fma(vi, b6, s6);
          s7 = Math.fma(vi, b7, s7);
          q0 = Math.fma(wi, b0, q0);
          q1 = Math.fma(wi, b1, q1);
          q2 = Math.fma(wi, b2, q2);
          q3 = Math.fma(wi, b3, q3);
          q4 = Math.fma(wi, b4, q4);
          q5 = Math.fma(wi, b5, q5);
          q6 = Math.fma(wi, b6, q6);
          q7 = Math.fma(wi, b7, q7);
        }
        update2(rr, rk + j, rk1 + j, tauK, tauK1, gamma, s0, q0, v, w, a0, nRows);
        update2(rr, rk + j + 1, rk1 + j + 1, tauK, tauK1, gamma, s1, q1, v, w, a1, nRows);
        update2(rr, rk + j + 2, rk1 + j + 2, tauK, tauK1, gamma, s2, q2, v, w, a2, nRows);
        update2(rr, rk + j + 3, rk1 + j + 3, tauK, tauK1, gamma, s3, q3, v, w, a3, nRows);
        update2(rr, rk + j + 4, rk1 + j + 4, tauK, tauK1, gamma, s4, q4, v, w, a4, nRows);
        update2(rr, rk + j + 5, rk1 + j + 5, tauK, tauK1, gamma, s5, q5, v, w, a5, nRows);
        update2(rr, rk + j + 6, rk1 + j + 6, tauK, tauK1, gamma, s6, q6, v, w, a6, nRows);
        update2(rr, rk + j + 7, rk1 + j + 7, tauK, tauK1, gamma, s7, q7, v, w, a7, nRows);
      }
      for (; j + 3 < c; j += 4) {
        final double[] a0 = a[j];
        final double[] a1 = a[j + 1];
        final double[] a2 = a[j + 2];
        final double[] a3 = a[j + 3];
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        double q0 = 0.0;
        double q1 = 0.0;
        double q2 = 0.0;
        double q3 = 0.0;
        for (int i = 0; i < nRows; i++) {
          double vi = v[i];
          double wi = w[i];
          double b0 = a0[i];
          double b1 = a1[i];
          double b2 = a2[i];
          double b3 = a3[i];
          s0 = Math.fma(vi, b0, s0);
          s1 = Math.fma(vi, b1, s1);
          s2 = Math.fma(vi, b2, s2);
          s3 = Math.fma(vi, b3, s3);
          q0 = Math.fma(wi, b0, q0);
          q1 = Math.fma(wi, b1, q1);
          q2 = Math.fma(wi, b2, q2);
          q3 = Math.fma(wi, b3, q3);
        }
        update2(rr, rk + j, rk1 + j, tauK, tauK1, gamma, s0, q0, v, w, a0, nRows);
        update2(rr, rk + j + 1, rk1 + j + 1, tauK, tauK1, gamma, s1, q1, v, w, a1, nRows);
        update2(rr, rk + j + 2, rk1 + j + 2, tauK, tauK1, gamma, s2, q2, v, w, a2, nRows);
        update2(rr, rk + j + 3, rk1 + j + 3, tauK, tauK1, gamma, s3, q3, v, w, a3, nRows);
      }
      for (; j < c; j++) {
        final double[] a0 = a[j];
        double s0 = 0.0;
        double q0 = 0.0;
        for (int i = 0; i < nRows; i++) {
          double b0 = a0[i];
          s0 = Math.fma(v[i], b0, s0);
          q0 = Math.fma(w[i], b0, q0);
        }
        update2(rr, rk + j, rk1 + j, tauK, tauK1, gamma, s0, q0, v, w, a0, nRows);
      }
    }
    if (k < p) {
      final double[] v = a[k];
      final int rk = k * c;
      double tau = reflector(k, v, nRows);
      if (tau != 0.0) {
        for (int j = k + 1; j < c; j++) {
          update(rr, rk + j, tau, dot(v, a[j], nRows), v, a[j], nRows);
        }
      }
    }
  }

  /**
   * The Householder reflector that zeroes block column {@code k} against {@code R[k][k]}: sets
   * {@code R[k][k] = β}, scales the column to the reflector's block part {@code v} (its R part is
   * {@code e_k}) and returns τ; 0 (identity) when the block column is already zero.
   */
  private double reflector(int k, double[] v, int nRows) {
    double sigma = dot(v, v, nRows);
    if (sigma == 0.0) {
      return 0.0;
    }
    int kk = k * cols + k;
    double alpha = r[kk];
    double norm = Math.sqrt(alpha * alpha + sigma);
    double beta = alpha >= 0 ? -norm : norm;
    double v0 = alpha - beta;
    double inv = 1.0 / v0;
    r[kk] = beta;
    for (int i = 0; i < nRows; i++) {
      v[i] *= inv;
    }
    return (beta - alpha) / beta;
  }

  /**
   * Column j after reflectors k (τ1, v) and k+1 (τ2, w), given {@code s = v·a_j}, {@code q = w·a_j}
   * (before either) and {@code γ = w·v}; R entries of rows k and k+1 at {@code r1}, {@code r2}.
   */
  private static void update2(double[] rr, int r1, int r2, double tau1, double tau2, double gamma, double s,
      double q, double[] v, double[] w, double[] aj, int n) {
    double t1 = tau1 * (rr[r1] + s);
    rr[r1] -= t1;
    double t2 = tau2 * (rr[r2] + (q - t1 * gamma));
    rr[r2] -= t2;
    for (int i = 0; i < n; i++) {
      aj[i] = Math.fma(-t2, w[i], Math.fma(-t1, v[i], aj[i]));
    }
  }

  /** Column j (R entry at {@code rj}, block column {@code aj}) after the reflector (τ, v), given {@code s = v·aj}. */
  private static void update(double[] rr, int rj, double tau, double s, double[] v, double[] aj, int n) {
    double t = tau * (rr[rj] + s);
    rr[rj] -= t;
    for (int i = 0; i < n; i++) {
      aj[i] = Math.fma(-t, v[i], aj[i]);
    }
  }

  private static double dot(double[] x, double[] y, int n) {
    double s0 = 0.0;
    double s1 = 0.0;
    double s2 = 0.0;
    double s3 = 0.0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 = Math.fma(x[i], y[i], s0);
      s1 = Math.fma(x[i + 1], y[i + 1], s1);
      s2 = Math.fma(x[i + 2], y[i + 2], s2);
      s3 = Math.fma(x[i + 3], y[i + 3], s3);
    }
    for (; i < n; i++) {
      s0 = Math.fma(x[i], y[i], s0);
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** Folds in the rows of {@code other}'s factor (for combining factors of disjoint row sets). */
  void absorb(TallQr other) {
    double[][] a = new double[cols][p];
    for (int i = 0; i < p; i++) {
      for (int j = i; j < cols; j++) {
        a[j][i] = other.r[i * cols + j];
      }
    }
    long savedRows = rows;
    absorb(a, p);
    rows = savedRows + other.rows;
  }

  /** Copies of R (p × p, row-major) and C (p × m, row-major). */
  LsProblem problem() {
    double[] rOut = new double[p * p];
    double[] cOut = new double[p * m];
    for (int k = 0; k < p; k++) {
      System.arraycopy(r, k * cols, rOut, k * p, p);
      System.arraycopy(r, k * cols + p, cOut, k * m, m);
    }
    // ‖Θ_j‖ = ‖R[:, j]‖ (Q has orthonormal columns)
    double[] norms = new double[p];
    for (int j = 0; j < p; j++) {
      double s = 0.0;
      for (int i = 0; i <= j; i++) {
        double v = r[i * cols + j];
        s += v * v;
      }
      norms[j] = Math.sqrt(s);
    }
    return new LsProblem(p, m, (int) rows, rOut, cOut, norms);
  }
}
