package io.loopforge.modeling.sindy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Set;

/**
 * Sparse relaxed regularized regression, as PySINDy's {@code SR3}: minimises
 * {@code 0.5‖y − Θw‖² + λR(u) + (0.5/ν)‖w − u‖²} by alternating
 * {@code w ← (ΘᵀΘ + I/ν)⁻¹(Θᵀy + u/ν)} and {@code u ← prox(w)}, starting from the least-squares
 * solution, until {@code ‖u_k − u_{k-1}‖_F / ν < tol} (all equations together) or {@code maxIter}
 * iterations. L0: hard threshold, keep {@code |w| > sqrt(2λν)}; L1: soft threshold at {@code λν}.
 * The coefficients are the thresholded {@code u}; {@code unbias} (off by default) refits them by
 * least squares on their support.
 *
 * <p>The w-update is solved with the triangular factor of {@code [Θ; I/√ν]} obtained by QR, not by a
 * Cholesky factorisation of {@code ΘᵀΘ + I/ν}. Immutable.
 */
public final class Sr3 extends Optimizer {
  /** The regulariser R(u). */
  public enum Regularizer {
    /** Number of nonzero coefficients (hard thresholding). */
    L0,
    /** Sum of absolute values (soft thresholding). */
    L1
  }

  private final Regularizer regularizer;
  private final double lambda;
  private final double nu;
  private final double tol;
  private final int maxIter;
  private final boolean unbias;
  private final boolean normalizeColumns;

  private Sr3(Builder b) {
    if (!(b.lambda >= 0) || Double.isInfinite(b.lambda)) {
      throw new IllegalArgumentException("reg_weight_lam must be a finite number >= 0, got " + b.lambda);
    }
    if (!(b.nu > 0) || Double.isInfinite(b.nu)) {
      throw new IllegalArgumentException("relax_coeff_nu must be a positive number, got " + b.nu);
    }
    if (!(b.tol > 0)) {
      throw new IllegalArgumentException("tol must be positive, got " + b.tol);
    }
    if (b.maxIter < 1) {
      throw new IllegalArgumentException("max_iter must be at least 1, got " + b.maxIter);
    }
    this.regularizer = b.regularizer;
    this.lambda = b.lambda;
    this.nu = b.nu;
    this.tol = b.tol;
    this.maxIter = b.maxIter;
    this.unbias = b.unbias;
    this.normalizeColumns = b.normalizeColumns;
  }

  /** PySINDy's defaults: L0, λ = 0.005, ν = 1, tol 1e-5, 30 iterations, no unbias, no normalisation. */
  public static Sr3 defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Regularizer regularizer() {
    return regularizer;
  }

  public double lambda() {
    return lambda;
  }

  public double nu() {
    return nu;
  }

  public double tol() {
    return tol;
  }

  public int maxIter() {
    return maxIter;
  }

  public boolean unbias() {
    return unbias;
  }

  public boolean normalizeColumns() {
    return normalizeColumns;
  }

  @Override
  public ObjectNode toSpec() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("type", "sr3");
    o.put("regularizer", regularizer.name());
    o.put("reg_weight_lam", lambda);
    o.put("relax_coeff_nu", nu);
    o.put("tol", tol);
    o.put("max_iter", maxIter);
    o.put("unbias", unbias);
    o.put("normalize_columns", normalizeColumns);
    return o;
  }

  static Sr3 fromSpec(SpecReader r) {
    r.allowOnly(Set.of(
        "type", "regularizer", "reg_weight_lam", "relax_coeff_nu", "tol", "max_iter", "unbias", "normalize_columns"));
    String reg = r.string("regularizer", "L0");
    Regularizer rg;
    switch (reg.toLowerCase(Locale.ROOT)) {
      case "l0":
        rg = Regularizer.L0;
        break;
      case "l1":
        rg = Regularizer.L1;
        break;
      default:
        throw r.error(r.child("regularizer"), "unknown regularizer \"" + reg + "\"; known: L0, L1");
    }
    return builder()
        .regularizer(rg)
        .lambda(r.number("reg_weight_lam", 0.005))
        .nu(r.number("relax_coeff_nu", 1.0))
        .tol(r.number("tol", 1e-5))
        .maxIter(r.integer("max_iter", 30))
        .unbias(r.bool("unbias", false))
        .normalizeColumns(r.bool("normalize_columns", false))
        .build();
  }

  @Override
  double[][] fitProblem(LsProblem pr, FitLog log) {
    int p = pr.p;
    int m = pr.m;
    double[] scale = columnScale(pr, normalizeColumns);
    double[][] prev = leastSquares(pr, scale);
    double[][] sparse = new double[m][];
    for (int i = 0; i < m; i++) {
      sparse[i] = prev[i].clone();
    }
    // Rn = R D; L = triangular factor of [Rn; I/sqrt(nu)] (so LᵀL = RnᵀRn + I/nu); xty = Rnᵀ C
    double[] rn = new double[p * p];
    for (int i = 0; i < p; i++) {
      for (int j = i; j < p; j++) {
        rn[i * p + j] = pr.r[i * p + j] * (scale == null ? 1.0 : scale[j]);
      }
    }
    TallQr qr = new TallQr(p, 0);
    double[][] block = new double[p][2 * p]; // [Rn; I/sqrt(nu)] by columns
    double d = 1.0 / Math.sqrt(nu);
    for (int j = 0; j < p; j++) {
      for (int i = 0; i <= j; i++) {
        block[j][i] = rn[i * p + j];
      }
      block[j][p + j] = d;
    }
    qr.absorb(block, 2 * p);
    double[] l = qr.r; // p × p upper triangular
    double[][] xty = new double[m][p];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < p; j++) {
        double s = 0.0;
        for (int k = 0; k <= j; k++) {
          s += rn[k * p + j] * pr.c[k * m + i];
        }
        xty[i][j] = s;
      }
    }
    double[] full = new double[p];
    double[] tmp = new double[p];
    double thr = regularizer == Regularizer.L0 ? Math.sqrt(2 * lambda * nu) : lambda * nu;
    boolean converged = false;
    int it = 0;
    for (; it < maxIter; it++) {
      double crit = 0.0;
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < p; j++) {
          tmp[j] = xty[i][j] + sparse[i][j] / nu;
        }
        // solve Lᵀ L full = tmp
        for (int j = 0; j < p; j++) {
          double s = tmp[j];
          for (int k = 0; k < j; k++) {
            s -= l[k * p + j] * tmp[k];
          }
          tmp[j] = s / l[j * p + j];
        }
        for (int j = p - 1; j >= 0; j--) {
          double s = tmp[j];
          for (int k = j + 1; k < p; k++) {
            s -= l[j * p + k] * full[k];
          }
          full[j] = s / l[j * p + j];
        }
        for (int j = 0; j < p; j++) {
          double v = full[j];
          double u;
          if (regularizer == Regularizer.L0) {
            u = Math.abs(v) > thr ? v : 0.0;
          } else {
            u = Math.signum(v) * Math.max(Math.abs(v) - thr, 0.0);
          }
          double diff = u - prev[i][j];
          crit += diff * diff;
          sparse[i][j] = u;
        }
      }
      for (int i = 0; i < m; i++) {
        System.arraycopy(sparse[i], 0, prev[i], 0, p);
      }
      if (Math.sqrt(crit) / nu < tol) {
        converged = true;
        it++;
        break;
      }
    }
    log.iterations += it;
    if (!converged) {
      log.warn("SR3 did not converge after " + maxIter + " iterations (tol " + tol + "); the last iterate is used."
          + " Raise max_iter or tol.");
    }
    finish(pr, sparse, unbias, scale);
    return sparse;
  }

  /** Builder; defaults are PySINDy's. */
  public static final class Builder {
    private Regularizer regularizer = Regularizer.L0;
    private double lambda = 0.005;
    private double nu = 1.0;
    private double tol = 1e-5;
    private int maxIter = 30;
    private boolean unbias = false;
    private boolean normalizeColumns = false;

    private Builder() {}

    public Builder regularizer(Regularizer regularizer) {
      this.regularizer = java.util.Objects.requireNonNull(regularizer);
      return this;
    }

    /** λ ({@code reg_weight_lam}). */
    public Builder lambda(double lambda) {
      this.lambda = lambda;
      return this;
    }

    /** ν ({@code relax_coeff_nu}). */
    public Builder nu(double nu) {
      this.nu = nu;
      return this;
    }

    public Builder tol(double tol) {
      this.tol = tol;
      return this;
    }

    public Builder maxIter(int maxIter) {
      this.maxIter = maxIter;
      return this;
    }

    public Builder unbias(boolean unbias) {
      this.unbias = unbias;
      return this;
    }

    public Builder normalizeColumns(boolean normalizeColumns) {
      this.normalizeColumns = normalizeColumns;
      return this;
    }

    public Sr3 build() {
      return new Sr3(this);
    }
  }
}
