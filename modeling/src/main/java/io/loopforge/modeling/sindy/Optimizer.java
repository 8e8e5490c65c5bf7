package io.loopforge.modeling.sindy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A sparse regression method for SINDy: finds sparse coefficients {@code Ξ} (one row per equation,
 * one column per library term) with {@code Θ Ξᵀ ≈ Ẋ}. Implementations: {@link Stlsq} (also
 * MATLAB-style sequential thresholding), {@link Sr3}, {@link EnsembleOptimizer}. Immutable.
 *
 * <p>All of them solve least-squares problems through the QR factorisation of Θ (never the normal
 * equations), reduced once to a triangular factor, so every iteration costs O(p³) rather than O(n p²).
 */
public abstract class Optimizer {
  Optimizer() {}

  /** The spec object ({@code optimizer} key), every parameter written out. */
  public abstract ObjectNode toSpec();

  /** Fits all equations; {@code design} gives the reduced problem (and rows, for bagging). */
  double[][] fit(Design design, FitLog log) {
    return fitProblem(design.full(), log);
  }

  /** Fits all equations of a reduced problem; returns m × p coefficients. */
  abstract double[][] fitProblem(LsProblem problem, FitLog log);

  /** Whether {@link #fit} needs the rows of Θ (row bagging) and not only the reduced problem. */
  boolean needsRows() {
    return false;
  }

  @Override
  public String toString() {
    return toSpec().toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Optimizer && toSpec().equals(((Optimizer) o).toSpec());
  }

  @Override
  public int hashCode() {
    return toSpec().hashCode();
  }

  /** Reads an {@code optimizer} object of a SINDy spec; unknown keys and types are errors. */
  public static Optimizer fromSpec(JsonNode node, String source, String path) {
    return fromSpec(new SpecReader(node, source, path));
  }

  static Optimizer fromSpec(SpecReader r) {
    String type = r.requireString("type");
    try {
      switch (type) {
        case "stlsq":
          return Stlsq.fromSpec(r);
        case "sr3":
          return Sr3.fromSpec(r);
        case "ensemble":
          return EnsembleOptimizer.fromSpec(r);
        default:
          throw r.error(r.child("type"), "unknown optimizer type \"" + type + "\"; known: stlsq, sr3, ensemble");
      }
    } catch (IllegalArgumentException e) {
      throw r.error(e.getMessage());
    }
  }

  // ---- helpers shared by the optimizers ----

  /** {@code 1 / ‖Θ_j‖} per column when normalising, else null. */
  static double[] columnScale(LsProblem pr, boolean normalize) {
    if (!normalize) {
      return null;
    }
    double[] s = new double[pr.p];
    for (int j = 0; j < pr.p; j++) {
      s[j] = 1.0 / pr.colNorms[j];
    }
    return s;
  }

  /** Least squares on all columns (PySINDy's initial guess), m × p, in scaled units. */
  static double[][] leastSquares(LsProblem pr, double[] scale) {
    int[] all = new int[pr.p];
    for (int j = 0; j < pr.p; j++) {
      all[j] = j;
    }
    double[][] out = new double[pr.m][pr.p];
    for (int i = 0; i < pr.m; i++) {
      pr.solve(i, all, pr.p, 0.0, scale, out[i]);
    }
    return out;
  }

  /**
   * PySINDy's last steps of {@code BaseOptimizer.fit}: support {@code |ξ| > 1e-14}; when
   * {@code unbias}, ordinary least squares on each equation's support (zero rows stay zero); then
   * back to unscaled units.
   */
  static void finish(LsProblem pr, double[][] coef, boolean unbias, double[] scale) {
    int p = pr.p;
    int[] support = new int[p];
    double[] w = new double[p];
    if (unbias) {
      for (int i = 0; i < pr.m; i++) {
        int s = 0;
        for (int j = 0; j < p; j++) {
          if (Math.abs(coef[i][j]) > 1e-14) {
            support[s++] = j;
          }
        }
        java.util.Arrays.fill(coef[i], 0.0);
        if (s > 0) {
          pr.solve(i, support, s, 0.0, scale, w);
          for (int k = 0; k < s; k++) {
            coef[i][support[k]] = w[k];
          }
        }
      }
    }
    if (scale != null) {
      for (double[] row : coef) {
        for (int j = 0; j < p; j++) {
          row[j] *= scale[j];
        }
      }
    }
  }
}
