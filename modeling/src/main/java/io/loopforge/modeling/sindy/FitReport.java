package io.loopforge.modeling.sindy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What happened while fitting a {@link SindyModel}: the warnings (also logged through SLF4J), the
 * number of optimizer iterations, and for ensembles the inclusion probability of every term and the
 * members' coefficients. Immutable.
 */
public final class FitReport {
  private final List<String> warnings;
  private final int iterations;
  private final int samples;
  private final double[][] inclusion;
  private final List<double[][]> members;

  FitReport(FitLog log, int samples) {
    this.warnings = List.copyOf(log.warnings());
    this.iterations = log.iterations;
    this.samples = samples;
    this.inclusion = log.inclusionProbabilities == null ? null : deepCopy(log.inclusionProbabilities);
    List<double[][]> ms = new ArrayList<>();
    if (log.memberCoefficients != null) {
      for (double[][] c : log.memberCoefficients) {
        ms.add(deepCopy(c));
      }
    }
    this.members = ms;
  }

  /** Warnings in the order they first occurred (e.g. every term thresholded away, no convergence). */
  public List<String> warnings() {
    return warnings;
  }

  /** Optimizer iterations (summed over ensemble members). */
  public int iterations() {
    return iterations;
  }

  /** Rows of the regression (samples over all trajectories, after differentiation). */
  public int samples() {
    return samples;
  }

  /**
   * For ensembles: the fraction of members in which each coefficient is nonzero (rows = equations,
   * columns = terms).
   */
  public Optional<double[][]> inclusionProbabilities() {
    return Optional.ofNullable(inclusion == null ? null : deepCopy(inclusion));
  }

  /** For ensembles: each member's coefficients; empty otherwise. */
  public List<double[][]> memberCoefficients() {
    List<double[][]> out = new ArrayList<>();
    for (double[][] c : members) {
      out.add(deepCopy(c));
    }
    return out;
  }

  static double[][] deepCopy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }
}
