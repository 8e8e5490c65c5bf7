package io.loopforge.modeling.sindy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * Sequentially thresholded least squares, exactly as PySINDy's {@code STLSQ}:
 *
 * <ol>
 *   <li>initial guess: least squares on all terms (used only to detect a change of support);
 *   <li>up to {@code maxIter} times: for each equation, ridge regression
 *       {@code min ‖y − Θ_S w‖² + α‖w‖²} (unscaled α, no intercept) on its active terms S, then keep
 *       the terms with {@code |w| ≥ threshold};
 *   <li>stop when the support did not change (or nothing was removed);
 *   <li>{@code unbias}: ordinary least squares on the final support, so α only decides which terms survive;
 *   <li>{@code normalizeColumns}: Θ's columns divided by their L2 norms first (the threshold applies
 *       to the normalised coefficients), coefficients scaled back at the end.
 * </ol>
 *
 * With {@code alpha = 0} this is MATLAB's {@code sparsifyDynamics} ({@link #sequentialThresholding}).
 * Threshold and coefficients are in units of {@code ẋ} per unit of the library term. Immutable.
 */
public final class Stlsq extends Optimizer {
  private final double threshold;
  private final double alpha;
  private final int maxIter;
  private final boolean unbias;
  private final boolean normalizeColumns;

  private Stlsq(Builder b) {
    if (!(b.threshold >= 0) || Double.isInfinite(b.threshold)) {
      throw new IllegalArgumentException("threshold must be a finite number >= 0, got " + b.threshold);
    }
    if (!(b.alpha >= 0) || Double.isInfinite(b.alpha)) {
      throw new IllegalArgumentException("alpha must be a finite number >= 0, got " + b.alpha);
    }
    if (b.maxIter < 1) {
      throw new IllegalArgumentException("max_iter must be at least 1, got " + b.maxIter);
    }
    this.threshold = b.threshold;
    this.alpha = b.alpha;
    this.maxIter = b.maxIter;
    this.unbias = b.unbias;
    this.normalizeColumns = b.normalizeColumns;
  }

  /** PySINDy's defaults: threshold 0.1, α 0.05, 20 iterations, unbias, no normalisation. */
  public static Stlsq defaults() {
    return builder().build();
  }

  /** MATLAB-style sequential thresholding ({@code sparsifyDynamics}): plain least squares, α = 0. */
  public static Stlsq sequentialThresholding(double threshold) {
    return builder().threshold(threshold).alpha(0.0).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .threshold(threshold)
        .alpha(alpha)
        .maxIter(maxIter)
        .unbias(unbias)
        .normalizeColumns(normalizeColumns);
  }

  public double threshold() {
    return threshold;
  }

  public double alpha() {
    return alpha;
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
    o.put("type", "stlsq");
    o.put("threshold", threshold);
    o.put("alpha", alpha);
    o.put("max_iter", maxIter);
    o.put("unbias", unbias);
    o.put("normalize_columns", normalizeColumns);
    return o;
  }

  static Stlsq fromSpec(SpecReader r) {
    r.allowOnly(Set.of("type", "threshold", "alpha", "max_iter", "unbias", "normalize_columns"));
    return builder()
        .threshold(r.number("threshold", 0.1))
        .alpha(r.number("alpha", 0.05))
        .maxIter(r.integer("max_iter", 20))
        .unbias(r.bool("unbias", true))
        .normalizeColumns(r.bool("normalize_columns", false))
        .build();
  }

  @Override
  double[][] fitProblem(LsProblem pr, FitLog log) {
    int p = pr.p;
    int m = pr.m;
    double[] scale = columnScale(pr, normalizeColumns);
    double[][] prev = leastSquares(pr, scale);
    boolean[][] ind = new boolean[m][p];
    for (boolean[] row : ind) {
      java.util.Arrays.fill(row, true);
    }
    double[][] coef = new double[m][p];
    int[] support = new int[p];
    double[] w = new double[p];
    int it = 0;
    boolean converged = false;
    for (; it < maxIter; it++) {
      if (count(ind) == 0) {
        for (double[] row : coef) {
          java.util.Arrays.fill(row, 0.0);
        }
        log.warn("STLSQ: the threshold " + threshold + " eliminated every term of every equation;"
            + " the model is zero. Lower the threshold.");
        converged = true;
        break;
      }
      for (int i = 0; i < m; i++) {
        double[] ci = coef[i];
        java.util.Arrays.fill(ci, 0.0);
        int s = 0;
        for (int j = 0; j < p; j++) {
          if (ind[i][j]) {
            support[s++] = j;
          }
        }
        if (s == 0) {
          log.warn("STLSQ: the threshold " + threshold + " eliminated every term of " + log.target(i)
              + "; that equation is zero. Lower the threshold.");
          continue;
        }
        pr.solve(i, support, s, alpha, scale, w);
        for (int k = 0; k < s; k++) {
          ci[support[k]] = w[k];
        }
        for (int j = 0; j < p; j++) {
          boolean keep = Math.abs(ci[j]) >= threshold;
          ind[i][j] = keep;
          if (!keep) {
            ci[j] = 0.0;
          }
        }
      }
      if (count(ind) == m * p || samePattern(coef, prev)) {
        converged = true;
        it++;
        break;
      }
      for (int i = 0; i < m; i++) {
        System.arraycopy(coef[i], 0, prev[i], 0, p);
      }
    }
    log.iterations += it;
    if (!converged) {
      log.warn("STLSQ did not converge after " + maxIter + " iterations (the support still changed);"
          + " the last iterate is used. Raise max_iter or the threshold.");
    }
    finish(pr, coef, unbias, scale);
    return coef;
  }

  private static int count(boolean[][] ind) {
    int c = 0;
    for (boolean[] row : ind) {
      for (boolean b : row) {
        if (b) {
          c++;
        }
      }
    }
    return c;
  }

  private static boolean samePattern(double[][] a, double[][] b) {
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        if ((a[i][j] != 0.0) != (b[i][j] != 0.0)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Builder; defaults are PySINDy's. */
  public static final class Builder {
    private double threshold = 0.1;
    private double alpha = 0.05;
    private int maxIter = 20;
    private boolean unbias = true;
    private boolean normalizeColumns = false;

    private Builder() {}

    /** Smallest kept coefficient magnitude (of the normalised coefficients when normalising). */
    public Builder threshold(double threshold) {
      this.threshold = threshold;
      return this;
    }

    /** Ridge weight α in {@code ‖y − Θw‖² + α‖w‖²}; 0 for plain least squares. */
    public Builder alpha(double alpha) {
      this.alpha = alpha;
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

    /** @throws IllegalArgumentException on a negative threshold or α, or {@code maxIter < 1} */
    public Stlsq build() {
      return new Stlsq(this);
    }
  }
}
