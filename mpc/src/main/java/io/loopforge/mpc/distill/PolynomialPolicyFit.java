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
import java.util.List;

/**
 * Fits a {@link PolynomialPolicy} (a policy model file kind) to MPC solves: STLSQ ({@link Stlsq}) of the inputs on a polynomial library
 * of state and reference (the reference components that vary over the data), on the dataset's trainable
 * records (status OPTIMAL), as SINDy-RL does.
 */
public final class PolynomialPolicyFit {
  private PolynomialPolicyFit() {}

  /**
   * @param degree polynomial degree of the library (≥ 1)
   * @param threshold STLSQ threshold (input units per term)
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
    double[][] z = new double[rows.size()][columns.length];
    double[][] y = new double[rows.size()][];
    for (int r = 0; r < rows.size(); r++) {
      SolveRecord rec = rows.get(r);
      double[] x = rec.state();
      double[] ref = rec.reference();
      for (int k = 0; k < columns.length; k++) {
        z[r][k] = columns[k] < nx ? x[columns[k]] : ref[columns[k] - nx];
      }
      y[r] = rec.input();
    }
    double[][] coef = SparseRegression.fit(lib, z, y,
        Stlsq.builder().threshold(threshold).alpha(1e-6).build(), data.inputNames());
    if (coef.length != nu) {
      throw new IllegalStateException("STLSQ returned " + coef.length + " equations for " + nu + " inputs");
    }
    // keep the terms with a non-zero coefficient, as exponents of z = [x; x_ref]
    List<int[]> exps = new ArrayList<>();
    List<Integer> kept = new ArrayList<>();
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
      for (int k = 0; k < columns.length; k++) {
        e[columns[k]] = features.get(t).exponent(k);
      }
      exps.add(e);
      kept.add(t);
    }
    double[][] c = new double[nu][kept.size()];
    for (int i = 0; i < nu; i++) {
      for (int k = 0; k < kept.size(); k++) {
        c[i][k] = coef[i][kept.get(k)];
      }
    }
    return PolynomialPolicy.of(data.stateNames(), data.inputNames(), vars.subList(nx, 2 * nx), dt,
        exps.toArray(new int[0][]), c, bounds);
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
