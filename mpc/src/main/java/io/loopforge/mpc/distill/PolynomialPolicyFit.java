package io.loopforge.mpc.distill;

import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.policy.PolynomialPolicy;
import io.loopforge.modeling.sindy.Feature;
import io.loopforge.modeling.sindy.BoundLibrary;
import io.loopforge.modeling.sindy.FeatureLibrary;
import io.loopforge.modeling.sindy.SparseRegression;
import io.loopforge.modeling.sindy.Stlsq;
import io.loopforge.mpc.MpcException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fits a {@link PolynomialPolicy} (a policy model file kind) to MPC solves: STLSQ ({@link Stlsq}) of the inputs on a polynomial library
 * of state and reference (the reference components that vary over the data), on the dataset's trainable
 * records (status OPTIMAL), as SINDy-RL does, with two differences that matter for an MPC's law:
 *
 * <ul>
 *   <li><b>scaled variables</b>: the library is built on each variable divided by its largest magnitude in
 *       the data (so every variable spans at most [−1, 1]), and the coefficients are scaled back for the
 *       file; the threshold is then "input units per term" whatever the variables' units, and degrees 5 and 6
 *       stay well conditioned;
 *   <li><b>saturation-aware (censored)</b>: the policy's output is clipped to the input box, so a solve whose
 *       input sits on a bound is matched by any polynomial value beyond that bound. Each input's fit is
 *       repeated without the solves at a bound that the last fit already puts beyond it, until that set no
 *       longer changes (at most 50 fits): the polynomial spends its terms on the unsaturated part of the law
 *       instead of bending towards the bound values.
 * </ul>
 *
 * <p>Measured on the cartpole-walls distillation (BENCHMARKS.md, issue 19): each brings the closed loop about
 * a point closer to the MPC's.
 */
public final class PolynomialPolicyFit {
  private PolynomialPolicyFit() {}

  /**
   * @param degree polynomial degree of the library (≥ 1)
   * @param threshold STLSQ threshold (input units per term, on the scaled variables)
   */
  public static PolynomialPolicy fit(SolveDataset data, int degree, double threshold, InputBounds bounds, double dt) {
    if (degree < 1) {
      throw new MpcException("the polynomial degree must be at least 1, got " + degree);
    }
    List<SolveRecord> rows = data.training();
    int nx = data.stateNames().size();
    int nu = data.inputNames().size();
    List<String> vars = new ArrayList<>(data.stateNames());
    for (String s : data.stateNames()) {
      vars.add(s + "_ref");
    }
    // A reference component that is the same in every training row (a fixed set-point) is left out of the
    // library: its monomials are multiples of lower-degree ones (zero columns for a set-point of 0), so they
    // change no coefficient (measured on 298 cartpole-walls solves, degrees 2 and 3: the same fit to 3e-13)
    // and only cost terms and samples (degree 4 on 4 states + 4 references: 495 terms, on 4 states: 70).
    int[] columns = libraryColumns(rows, nx);
    List<String> libVars = new ArrayList<>();
    for (int j : columns) {
      libVars.add(vars.get(j));
    }
    BoundLibrary lib = FeatureLibrary.polynomial(degree).bind(libVars, List.of());
    if (rows.size() < lib.size()) {
      throw new MpcException("the dataset has " + rows.size() + " proven-optimal solves (" + data.statusCounts()
          + "), fewer than the " + lib.size() + " terms of a degree-" + degree + " library; solve more or lower the degree");
    }
    double[] scale = new double[columns.length];
    double[][] z = new double[rows.size()][columns.length];
    double[][] y = new double[rows.size()][];
    for (int r = 0; r < rows.size(); r++) {
      SolveRecord rec = rows.get(r);
      double[] x = rec.state();
      double[] ref = rec.reference();
      for (int k = 0; k < columns.length; k++) {
        z[r][k] = columns[k] < nx ? x[columns[k]] : ref[columns[k] - nx];
        scale[k] = Math.max(scale[k], Math.abs(z[r][k]));
      }
      y[r] = rec.input();
    }
    for (int k = 0; k < columns.length; k++) {
      scale[k] = scale[k] > 0 ? scale[k] : 1;
    }
    for (double[] row : z) {
      for (int k = 0; k < columns.length; k++) {
        row[k] /= scale[k];
      }
    }
    Stlsq stlsq = Stlsq.builder().threshold(threshold).alpha(1e-6).build();
    double[][] coef = new double[nu][];
    for (int i = 0; i < nu; i++) {
      coef[i] = censoredFit(lib, z, y, i, bounds, stlsq, data.inputNames().get(i));
    }
    // keep the terms with a non-zero coefficient, as exponents of z = [x; x_ref]
    List<int[]> exps = new ArrayList<>();
    List<Integer> kept = new ArrayList<>();
    List<Double> unscale = new ArrayList<>();
    List<Feature> features = lib.features();
    for (int t = 0; t < features.size(); t++) {
      boolean used = false;
      for (double[] row : coef) {
        used |= row[t] != 0;
      }
      if (!used) {
        continue;
      }
      int[] e = new int[2 * nx];
      double f = 1;
      for (int k = 0; k < columns.length; k++) {
        e[columns[k]] = features.get(t).exponent(k);
        f /= Math.pow(scale[k], e[columns[k]]);
      }
      exps.add(e);
      kept.add(t);
      unscale.add(f);
    }
    double[][] c = new double[nu][kept.size()];
    for (int i = 0; i < nu; i++) {
      for (int k = 0; k < kept.size(); k++) {
        c[i][k] = coef[i][kept.get(k)] * unscale.get(k);
      }
    }
    return PolynomialPolicy.of(data.stateNames(), data.inputNames(), vars.subList(nx, 2 * nx), dt,
        exps.toArray(new int[0][]), c, bounds);
  }

  /** STLSQ of input {@code input} on the rows {@code use} marks. */
  private static double[] fitOne(BoundLibrary lib, double[][] z, double[][] y, int input, boolean[] use, Stlsq stlsq,
      String name) {
    int n = 0;
    for (boolean u : use) {
      n += u ? 1 : 0;
    }
    double[][] zs = new double[n][];
    double[][] ys = new double[n][1];
    for (int r = 0, k = 0; r < z.length; r++) {
      if (use[r]) {
        zs[k] = z[r];
        ys[k++][0] = y[r][input];
      }
    }
    return SparseRegression.fit(lib, zs, ys, stlsq, List.of(name))[0];
  }

  /**
   * The fit of one input without the solves at a bound that the fit puts beyond that bound (see the class
   * comment); stops when that set repeats, after 50 fits, or before it would leave fewer rows than terms.
   */
  private static double[] censoredFit(BoundLibrary lib, double[][] z, double[][] y, int input, InputBounds bounds,
      Stlsq stlsq, String name) {
    double lo = bounds.lower(input);
    double hi = bounds.upper(input);
    boolean[] use = new boolean[z.length];
    Arrays.fill(use, true);
    double[] coef = fitOne(lib, z, y, input, use, stlsq, name);
    double[] phi = new double[lib.size()];
    for (int it = 0; it < 50; it++) {
      boolean[] next = new boolean[z.length];
      int n = 0;
      for (int r = 0; r < z.length; r++) {
        lib.evaluate(z[r], phi);
        double p = 0;
        for (int t = 0; t < phi.length; t++) {
          p += coef[t] * phi[t];
        }
        double u = y[r][input];
        next[r] = !(atBound(u, hi) && p >= hi) && !(atBound(u, lo) && p <= lo);
        n += next[r] ? 1 : 0;
      }
      if (Arrays.equals(next, use) || n < lib.size()) {
        break;
      }
      use = next;
      coef = fitOne(lib, z, y, input, use, stlsq, name);
    }
    return coef;
  }

  /** Whether an input is on a finite bound (to 1e-9 relative: the planner's inputs are clipped to the box). */
  private static boolean atBound(double u, double bound) {
    return Double.isFinite(bound) && Math.abs(u - bound) <= 1e-9 * Math.max(1, Math.abs(bound));
  }

  /** The columns of z = [x; x_ref] in the library: every state, and the reference components that vary. */
  private static int[] libraryColumns(List<SolveRecord> rows, int nx) {
    List<Integer> cols = new ArrayList<>();
    for (int j = 0; j < nx; j++) {
      cols.add(j);
    }
    double[] first = rows.isEmpty() ? null : rows.get(0).reference();
    for (int j = 0; j < nx; j++) {
      boolean varies = rows.isEmpty();
      for (int r = 1; r < rows.size() && !varies; r++) {
        varies = Double.compare(rows.get(r).reference()[j], first[j]) != 0;
      }
      if (varies) {
        cols.add(nx + j);
      }
    }
    int[] c = new int[cols.size()];
    for (int i = 0; i < c.length; i++) {
      c[i] = cols.get(i);
    }
    return c;
  }
}
