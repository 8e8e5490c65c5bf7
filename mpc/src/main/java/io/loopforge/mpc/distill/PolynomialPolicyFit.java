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
 * of state and reference, on the dataset's trainable records (status OPTIMAL), as SINDy-RL does.
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
    BoundLibrary lib = FeatureLibrary.polynomial(degree).bind(vars, List.of());
    if (rows.size() < lib.size()) {
      throw new MpcException("the dataset has " + rows.size() + " proven-optimal solves (" + data.statusCounts()
          + "), fewer than the " + lib.size() + " terms of a degree-" + degree + " library; solve more or lower the degree");
    }
    double[][] z = new double[rows.size()][2 * nx];
    double[][] y = new double[rows.size()][];
    for (int r = 0; r < rows.size(); r++) {
      SolveRecord rec = rows.get(r);
      System.arraycopy(rec.state(), 0, z[r], 0, nx);
      System.arraycopy(rec.reference(), 0, z[r], nx, nx);
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
      for (int j = 0; j < e.length; j++) {
        e[j] = features.get(t).exponent(j);
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
}
