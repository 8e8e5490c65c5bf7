package io.loopforge.modeling.sindy;

/**
 * A SINDy regression {@code Θ Ξᵀ ≈ Y} reduced by {@link TallQr}: {@code R} (p × p upper triangular),
 * {@code C = Qᵀ Y} (p × m), the column norms of Θ and the number of rows. Ridge and least-squares
 * fits on any subset of columns are solved from R and C exactly as from Θ and Y (up to rounding), by
 * Householder QR of the small matrix {@code [R_S; √α I]}.
 *
 * <p>A column that is (numerically) a linear combination of the columns before it makes every plain
 * least-squares solve that includes it rank-deficient: those are solved for the minimum-norm solution, by
 * a singular value decomposition, as numpy's and scipy's {@code lstsq} (PySINDy's initial guess and its
 * unbiasing step) do. Ridge solves ({@code α > 0}) are well-posed and unaffected.
 *
 * <p>Holds scratch arrays: not thread-safe.
 */
final class LsProblem {
  final int p;
  final int m;
  final int n;
  final double[] r; // p × p row-major
  final double[] c; // p × m row-major
  final double[] colNorms;

  private final double[] a; // scratch, column-major (2p × p)
  private final double[] b; // scratch (2p)
  private final boolean[] dependent; // column k is a combination of the columns before it

  LsProblem(int p, int m, int n, double[] r, double[] c, double[] colNorms) {
    this.p = p;
    this.m = m;
    this.n = n;
    this.r = r;
    this.c = c;
    this.colNorms = colNorms;
    this.a = new double[2 * p * p];
    this.b = new double[2 * p];
    this.dependent = new boolean[p];
    double[] ind = independence();
    double tol = rankTolerance();
    for (int k = 0; k < p; k++) {
      dependent[k] = !(ind[k] > tol);
    }
  }

  /** Relative remainder below which a column counts as a combination of the columns before it. */
  double rankTolerance() {
    return Math.max(n, p) * Math.ulp(1.0);
  }

  /** Whether any column is a combination of the columns before it (or zero). */
  boolean rankDeficient() {
    for (boolean d : dependent) {
      if (d) {
        return true;
      }
    }
    return false;
  }

  /**
   * Minimises {@code ‖y_target − Θ_S D_S w‖² + α‖w‖²} where {@code S = support[0 … s-1]}
   * (increasing column indices) and {@code D = diag(scale)} ({@code scale} null: identity). Writes
   * {@code w} into {@code out[0 … s-1]}.
   */
  void solve(int target, int[] support, int s, double alpha, double[] scale, double[] out) {
    if (s == 0) {
      return;
    }
    int top = support[s - 1] + 1; // rows of R_S that can be nonzero
    boolean ridge = alpha > 0;
    int rowsA = top + (ridge ? s : 0);
    double[] aa = a;
    double[] bb = b;
    for (int j = 0; j < s; j++) {
      int col = support[j];
      double f = scale == null ? 1.0 : scale[col];
      int base = j * rowsA;
      for (int i = 0; i <= col; i++) {
        aa[base + i] = r[i * p + col] * f;
      }
      for (int i = col + 1; i < rowsA; i++) {
        aa[base + i] = 0.0;
      }
      if (ridge) {
        aa[base + top + j] = Math.sqrt(alpha);
      }
    }
    for (int i = 0; i < top; i++) {
      bb[i] = c[i * m + target];
    }
    for (int i = top; i < rowsA; i++) {
      bb[i] = 0.0;
    }
    if (!ridge && anyDependent(support, s)) {
      minimumNormSolve(aa, rowsA, s, bb, Math.max(n, s) * Math.ulp(1.0), out);
      return;
    }
    householderSolve(aa, rowsA, s, bb, out);
  }

  private boolean anyDependent(int[] support, int s) {
    for (int k = 0; k < s; k++) {
      if (dependent[support[k]]) {
        return true;
      }
    }
    return false;
  }

  /**
   * The minimum-norm least-squares solution of {@code min ‖b − A w‖} for column-major {@code A} (rows ×
   * cols, rows ≥ cols), by a one-sided Jacobi singular value decomposition: singular values below {@code
   * rcond} times the largest count as zero (numpy's {@code lstsq} cut-off is {@code eps · max(rows of Θ,
   * cols)}). {@code a} is destroyed.
   */
  static void minimumNormSolve(double[] a, int rows, int cols, double[] b, double rcond, double[] out) {
    double[] v = new double[cols * cols]; // column-major, starts as the identity
    for (int j = 0; j < cols; j++) {
      v[j * cols + j] = 1.0;
    }
    double eps = Math.ulp(1.0);
    for (int sweep = 0; sweep < 100; sweep++) {
      boolean rotated = false;
      for (int pc = 0; pc < cols - 1; pc++) {
        for (int qc = pc + 1; qc < cols; qc++) {
          int ap = pc * rows;
          int aq = qc * rows;
          double alpha = 0;
          double beta = 0;
          double gamma = 0;
          for (int i = 0; i < rows; i++) {
            alpha += a[ap + i] * a[ap + i];
            beta += a[aq + i] * a[aq + i];
            gamma += a[ap + i] * a[aq + i];
          }
          if (gamma == 0.0 || Math.abs(gamma) <= eps * Math.sqrt(alpha * beta)) {
            continue;
          }
          rotated = true;
          double zeta = (beta - alpha) / (2 * gamma);
          double t = Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
          if (zeta == 0.0) {
            t = 1.0;
          }
          double c = 1 / Math.sqrt(1 + t * t);
          double sn = c * t;
          for (int i = 0; i < rows; i++) {
            double x = a[ap + i];
            double y = a[aq + i];
            a[ap + i] = c * x - sn * y;
            a[aq + i] = sn * x + c * y;
          }
          int vp = pc * cols;
          int vq = qc * cols;
          for (int i = 0; i < cols; i++) {
            double x = v[vp + i];
            double y = v[vq + i];
            v[vp + i] = c * x - sn * y;
            v[vq + i] = sn * x + c * y;
          }
        }
      }
      if (!rotated) {
        break;
      }
    }
    // columns of A V are σ_j u_j: w = Σ_j (a_j · b) / σ_j² v_j over the singular values above the cut-off
    double[] sigma2 = new double[cols];
    double max = 0;
    for (int j = 0; j < cols; j++) {
      double ss = 0;
      for (int i = 0; i < rows; i++) {
        ss += a[j * rows + i] * a[j * rows + i];
      }
      sigma2[j] = ss;
      max = Math.max(max, Math.sqrt(ss));
    }
    java.util.Arrays.fill(out, 0, cols, 0.0);
    double cut = rcond * max;
    for (int j = 0; j < cols; j++) {
      if (!(Math.sqrt(sigma2[j]) > cut)) {
        continue;
      }
      double ab = 0;
      for (int i = 0; i < rows; i++) {
        ab += a[j * rows + i] * b[i];
      }
      double f = ab / sigma2[j];
      for (int i = 0; i < cols; i++) {
        out[i] += f * v[j * cols + i];
      }
    }
  }

  /**
   * Least squares {@code min ‖b − A w‖} for column-major {@code A} (rows × cols, rows ≥ cols, full
   * column rank) by Householder QR; {@code a} and {@code b} are destroyed.
   */
  static void householderSolve(double[] a, int rows, int cols, double[] b, double[] out) {
    for (int k = 0; k < cols; k++) {
      int ck = k * rows;
      // rows below k that are nonzero: scan from the bottom (R_S is staircase-shaped)
      int last = rows - 1;
      while (last > k && a[ck + last] == 0.0) {
        last--;
      }
      double sigma = 0.0;
      for (int i = k + 1; i <= last; i++) {
        sigma += a[ck + i] * a[ck + i];
      }
      if (sigma == 0.0) {
        continue;
      }
      double alpha = a[ck + k];
      double norm = Math.sqrt(alpha * alpha + sigma);
      double beta = alpha >= 0 ? -norm : norm;
      double v0 = alpha - beta;
      double tau = (beta - alpha) / beta;
      double inv = 1.0 / v0;
      for (int i = k + 1; i <= last; i++) {
        a[ck + i] *= inv;
      }
      a[ck + k] = beta;
      for (int j = k + 1; j < cols; j++) {
        int cj = j * rows;
        double w = a[cj + k];
        for (int i = k + 1; i <= last; i++) {
          w += a[ck + i] * a[cj + i];
        }
        w *= tau;
        a[cj + k] -= w;
        for (int i = k + 1; i <= last; i++) {
          a[cj + i] -= w * a[ck + i];
        }
      }
      double w = b[k];
      for (int i = k + 1; i <= last; i++) {
        w += a[ck + i] * b[i];
      }
      w *= tau;
      b[k] -= w;
      for (int i = k + 1; i <= last; i++) {
        b[i] -= w * a[ck + i];
      }
    }
    for (int k = cols - 1; k >= 0; k--) {
      double s = b[k];
      for (int j = k + 1; j < cols; j++) {
        s -= a[j * rows + k] * out[j];
      }
      out[k] = s / a[k * rows + k];
    }
  }

  /**
   * The problem restricted to the columns {@code keep} (increasing): R and C of {@code Θ[:, keep]}
   * and {@code Y}, by QR of {@code R[:, keep]}.
   */
  LsProblem restrictColumns(int[] keep) {
    int q = keep.length;
    TallQr qr = new TallQr(q, m);
    // rows of [R[:, keep] | C]; rows are independent (any orthogonal basis works)
    double[][] block = new double[q + m][p];
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < q; j++) {
        block[j][i] = r[i * p + keep[j]];
      }
      for (int t = 0; t < m; t++) {
        block[q + t][i] = c[i * m + t];
      }
    }
    qr.absorb(block, p);
    LsProblem sub = qr.problem();
    double[] norms = new double[q];
    for (int j = 0; j < q; j++) {
      norms[j] = colNorms[keep[j]];
    }
    return new LsProblem(q, m, n, sub.r, sub.c, norms);
  }

  /**
   * Ratio {@code |R_kk| / ‖Θ_k‖} of each column: the part of column k not in the span of the columns
   * before it, relative to its length. Near machine precision for a column that duplicates (or is a
   * combination of) earlier ones.
   */
  double[] independence() {
    double[] out = new double[p];
    for (int k = 0; k < p; k++) {
      out[k] = colNorms[k] == 0 ? 0.0 : Math.abs(r[k * p + k]) / colNorms[k];
    }
    return out;
  }
}
