package io.loopforge.modeling.sindy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.Trajectory;
import io.loopforge.modeling.ode.DormandPrince54;
import io.loopforge.modeling.ode.OdeSystem;
import io.loopforge.modeling.ode.Rk4;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A fitted SINDy model: {@code ẋ = Ξ Θ(x, u)} (continuous time, state units per second) or
 * {@code x[k+1] = Ξ Θ(x[k], u[k])} (discrete time), with {@code Ξ} = {@link #coefficients()} (rows =
 * equations, columns = library terms) and Θ the {@link FeatureLibrary}.
 *
 * <p>As a {@link DynamicsModel} over one interval {@link #dt()} (s) with the input held: a discrete
 * model steps by {@code Ξ Θ(x, u)}; a continuous model by {@link #substeps()} steps of the classic
 * fourth-order Runge–Kutta method ({@link Rk4}), and {@link #jacobian} is the exact derivative of that
 * discretisation (the library's analytic term derivatives propagated through the RK4 stages).
 *
 * <p>Immutable and thread-safe (scratch space is per thread); {@link #step}, {@link #predict} and
 * {@link #jacobian} allocate nothing after a thread's first call.
 */
public final class SindyModel implements DynamicsModel {
  private final List<String> stateNames;
  private final List<String> inputNames;
  private final FeatureLibrary library;
  private final List<String> featureNames;
  private final double[][] coefficients;
  private final double dt;
  private final boolean discreteTime;
  private final Differentiation differentiation; // null for discrete-time or unknown
  private final ObjectNode spec; // null when unknown
  private final int substeps;
  private final FitReport report; // null for loaded models
  // sparse form of the coefficients, per equation: term indices and values, in term order
  private final int[][] terms;
  private final double[][] values;
  private final ThreadLocal<Workspace> workspace;
  private final List<Feature> features;

  SindyModel(
      List<String> stateNames,
      List<String> inputNames,
      FeatureLibrary library,
      List<String> featureNames,
      double[][] coefficients,
      double dt,
      boolean discreteTime,
      Differentiation differentiation,
      ObjectNode spec,
      int substeps,
      FitReport report) {
    this.stateNames = List.copyOf(stateNames);
    this.inputNames = List.copyOf(inputNames);
    this.library = Objects.requireNonNull(library);
    this.featureNames = List.copyOf(featureNames);
    this.coefficients = FitReport.deepCopy(coefficients);
    this.dt = dt;
    this.discreteTime = discreteTime;
    this.differentiation = differentiation;
    this.spec = spec == null ? null : spec.deepCopy();
    this.substeps = substeps;
    this.report = report;
    int m = coefficients.length;
    if (m != stateNames.size()) {
      throw new IllegalArgumentException(m + " equations for " + stateNames.size() + " states");
    }
    this.terms = new int[m][];
    this.values = new double[m][];
    for (int i = 0; i < m; i++) {
      if (coefficients[i].length != featureNames.size()) {
        throw new IllegalArgumentException(
            "equation " + i + " has " + coefficients[i].length + " coefficients for " + featureNames.size() + " terms");
      }
      int nnz = 0;
      for (double c : coefficients[i]) {
        if (c != 0.0) {
          nnz++;
        }
      }
      terms[i] = new int[nnz];
      values[i] = new double[nnz];
      int k = 0;
      for (int j = 0; j < coefficients[i].length; j++) {
        if (coefficients[i][j] != 0.0) {
          terms[i][k] = j;
          values[i][k] = coefficients[i][j];
          k++;
        }
      }
    }
    this.workspace = ThreadLocal.withInitial(this::newWorkspace);
    this.features = library.bind(stateNames, inputNames).features();
  }

  @Override
  public List<String> stateNames() {
    return stateNames;
  }

  @Override
  public List<String> inputNames() {
    return inputNames;
  }

  /** Sample interval, s: the step of {@link #step}. */
  @Override
  public double dt() {
    return dt;
  }

  public boolean discreteTime() {
    return discreteTime;
  }

  public FeatureLibrary library() {
    return library;
  }

  /** Library term names (PySINDy's {@code get_feature_names()}). */
  public List<String> featureNames() {
    return featureNames;
  }

  /**
   * The library terms as typed products of factors, in the order of {@link #featureNames()} and of the
   * coefficient columns; a factor's variable {@code j} is entry {@code j} of {@code z = [x, u]} (the
   * states, then the inputs). Each term has its exact symbolic derivatives ({@link Feature#derivative}).
   */
  public List<Feature> features() {
    return features;
  }

  /** Ξ: one row per equation (state), one column per term; a copy. */
  public double[][] coefficients() {
    return FitReport.deepCopy(coefficients);
  }

  /** Number of nonzero coefficients. */
  public int complexity() {
    int c = 0;
    for (int[] t : terms) {
      c += t.length;
    }
    return c;
  }

  /** RK4 steps per {@link #dt()} in {@link #step} (continuous models). */
  public int substeps() {
    return substeps;
  }

  /**
   * This continuous-time model with another discretisation for {@link #step}: sample interval
   * {@code dt} (s), RK4 substeps.
   *
   * @throws ModelingException for a discrete-time model, whose step is the fitted map x[k+1] = Ξ Θ(x[k],
   *     u[k]) at the data's sample interval: relabelling its dt would change the time without changing
   *     the map
   */
  public SindyModel withStep(double dt, int substeps) {
    if (discreteTime) {
      throw new ModelingException("a discrete-time SINDy model steps by its fitted map at dt = " + this.dt
          + " s and cannot be re-timed to " + dt + " s; fit a continuous-time model, or resample the data and fit"
          + " again at the new sample interval");
    }
    if (!(dt > 0) || Double.isInfinite(dt)) {
      throw new IllegalArgumentException("dt must be a positive number of seconds, got " + dt);
    }
    if (substeps < 1) {
      throw new IllegalArgumentException("substeps must be at least 1, got " + substeps);
    }
    return new SindyModel(stateNames, inputNames, library, featureNames, coefficients, dt, discreteTime,
        differentiation, spec, substeps, report);
  }

  /** The differentiation method the model was fitted with (continuous models from a fit or a spec). */
  public Optional<Differentiation> differentiation() {
    return Optional.ofNullable(differentiation);
  }

  /** The spec the model was fitted with, when known. */
  public Optional<ObjectNode> spec() {
    return Optional.ofNullable(spec == null ? null : spec.deepCopy());
  }

  /** Warnings and statistics of the fit; empty for a model read from a file. */
  public Optional<FitReport> fitReport() {
    return Optional.ofNullable(report);
  }

  /** Right-hand sides in PySINDy's format with 3 decimals, e.g. {@code -9.999 x0 +  9.999 x1}. */
  public List<String> equations() {
    return equations(3);
  }

  /** Right-hand sides in PySINDy's {@code equations(precision)} format. */
  public List<String> equations(int precision) {
    List<String> names = featureNames;
    if (discreteTime) {
      List<String> xs = new ArrayList<>();
      for (String s : stateNames) {
        xs.add(s + "[k]");
      }
      List<String> us = new ArrayList<>();
      for (String s : inputNames) {
        us.add(s + "[k]");
      }
      names = library.bind(xs, us).featureNames();
    }
    return EquationFormat.equations(coefficients, names, precision);
  }

  /** PySINDy's {@code print()}: {@code (x0)' = …} or {@code (x0)[k+1] = …}, one line per equation. */
  public List<String> printLines() {
    List<String> eq = equations();
    List<String> out = new ArrayList<>(eq.size());
    for (int i = 0; i < eq.size(); i++) {
      out.add("(" + stateNames.get(i) + ")" + (discreteTime ? "[k+1]" : "'") + " = " + eq.get(i));
    }
    return out;
  }

  @Override
  public String toString() {
    return String.join("\n", printLines());
  }

  /**
   * The model's right-hand side at (x, u): {@code ẋ} for a continuous model, {@code x[k+1]} for a
   * discrete one.
   */
  public void predict(double[] x, double[] u, double[] out) {
    Workspace ws = workspace.get();
    checkDims(x, u);
    rhs(ws, x, u, out);
  }

  public double[] predict(double[] x, double[] u) {
    double[] out = new double[stateNames.size()];
    predict(x, u, out);
    return out;
  }

  /** {@link #predict} of every row. */
  public double[][] predict(double[][] x, double[][] u) {
    if (x.length != u.length) {
      throw new ModelingException("predict: " + x.length + " state rows but " + u.length + " input rows");
    }
    double[][] out = new double[x.length][stateNames.size()];
    for (int i = 0; i < x.length; i++) {
      predict(x[i], u[i], out[i]);
    }
    return out;
  }

  @Override
  public void step(double[] x, double[] u, double[] next) {
    Workspace ws = workspace.get();
    checkDims(x, u);
    if (discreteTime) {
      rhs(ws, x, u, next);
      return;
    }
    System.arraycopy(u, 0, ws.u, 0, u.length);
    double h = dt / substeps;
    System.arraycopy(x, 0, next, 0, x.length);
    for (int s = 0; s < substeps; s++) {
      ws.rk4.step(ws.ode, s * h, next, h, next);
    }
  }

  @Override
  public void jacobian(double[] x, double[] u, double[][] a, double[][] b) {
    Workspace ws = workspace.get();
    checkDims(x, u);
    int nx = stateNames.size();
    int nu = inputNames.size();
    if (discreteTime) {
      derivatives(ws, x, u, ws.f1, ws.jx, ws.ju);
      for (int i = 0; i < nx; i++) {
        System.arraycopy(ws.jx, i * nx, a[i], 0, nx);
        if (nu > 0) {
          System.arraycopy(ws.ju, i * nu, b[i], 0, nu);
        }
      }
      return;
    }
    // tangent propagation through the RK4 stages: S = ∂x/∂x0 (nx × nx), P = ∂x/∂u (nx × nu)
    double h = dt / substeps;
    double[] s = ws.s;
    double[] pm = ws.pm;
    java.util.Arrays.fill(s, 0.0);
    java.util.Arrays.fill(pm, 0.0);
    for (int i = 0; i < nx; i++) {
      s[i * nx + i] = 1.0;
    }
    double[] xc = ws.xc;
    System.arraycopy(x, 0, xc, 0, nx);
    for (int step = 0; step < substeps; step++) {
      // stage 1
      stage(ws, xc, u, s, pm, ws.f1, ws.dk1x, ws.dk1u);
      combine(ws, xc, s, pm, 0.5 * h, ws.f1, ws.dk1x, ws.dk1u);
      stage(ws, ws.xs, u, ws.ss, ws.ps, ws.f2, ws.dk2x, ws.dk2u);
      combine(ws, xc, s, pm, 0.5 * h, ws.f2, ws.dk2x, ws.dk2u);
      stage(ws, ws.xs, u, ws.ss, ws.ps, ws.f3, ws.dk3x, ws.dk3u);
      combine(ws, xc, s, pm, h, ws.f3, ws.dk3x, ws.dk3u);
      stage(ws, ws.xs, u, ws.ss, ws.ps, ws.f4, ws.dk4x, ws.dk4u);
      double sixth = h / 6.0;
      for (int i = 0; i < nx; i++) {
        xc[i] = xc[i] + sixth * (ws.f1[i] + 2.0 * (ws.f2[i] + ws.f3[i]) + ws.f4[i]);
      }
      for (int i = 0; i < nx * nx; i++) {
        s[i] += sixth * (ws.dk1x[i] + 2.0 * (ws.dk2x[i] + ws.dk3x[i]) + ws.dk4x[i]);
      }
      for (int i = 0; i < nx * nu; i++) {
        pm[i] += sixth * (ws.dk1u[i] + 2.0 * (ws.dk2u[i] + ws.dk3u[i]) + ws.dk4u[i]);
      }
    }
    for (int i = 0; i < nx; i++) {
      System.arraycopy(s, i * nx, a[i], 0, nx);
      if (nu > 0) {
        System.arraycopy(pm, i * nu, b[i], 0, nu);
      }
    }
  }

  /** One RK4 stage at {@code xs} with tangents (S, P): f, dK/dx0 = Jx S, dK/du = Jx P + Ju. */
  private void stage(Workspace ws, double[] xs, double[] u, double[] s, double[] pm, double[] f, double[] dkx,
      double[] dku) {
    int nx = stateNames.size();
    int nu = inputNames.size();
    derivatives(ws, xs, u, f, ws.jx, ws.ju);
    for (int i = 0; i < nx; i++) {
      for (int j = 0; j < nx; j++) {
        double acc = 0.0;
        for (int k = 0; k < nx; k++) {
          acc += ws.jx[i * nx + k] * s[k * nx + j];
        }
        dkx[i * nx + j] = acc;
      }
      for (int j = 0; j < nu; j++) {
        double acc = ws.ju[i * nu + j];
        for (int k = 0; k < nx; k++) {
          acc += ws.jx[i * nx + k] * pm[k * nu + j];
        }
        dku[i * nu + j] = acc;
      }
    }
  }

  /** The next stage's point and tangents: {@code xs = xc + c f}, {@code ss = S + c dkx}, {@code ps = P + c dku}. */
  private void combine(Workspace ws, double[] xc, double[] s, double[] pm, double c, double[] f, double[] dkx,
      double[] dku) {
    for (int i = 0; i < xc.length; i++) {
      ws.xs[i] = xc[i] + c * f[i];
    }
    for (int i = 0; i < s.length; i++) {
      ws.ss[i] = s[i] + c * dkx[i];
    }
    for (int i = 0; i < pm.length; i++) {
      ws.ps[i] = pm[i] + c * dku[i];
    }
  }

  /** f = Ξ Θ(x, u) and its Jacobians jx = ∂f/∂x (nx × nx), ju = ∂f/∂u (nx × nu), row-major. */
  private void derivatives(Workspace ws, double[] x, double[] u, double[] f, double[] jx, double[] ju) {
    int nx = stateNames.size();
    int nu = inputNames.size();
    int nz = nx + nu;
    System.arraycopy(x, 0, ws.z, 0, nx);
    System.arraycopy(u, 0, ws.z, nx, nu);
    ws.lib.evaluateWithJacobian(ws.z, ws.theta, ws.dtheta);
    for (int i = 0; i < nx; i++) {
      double acc = 0.0;
      for (int j = 0; j < nx; j++) {
        jx[i * nx + j] = 0.0;
      }
      for (int j = 0; j < nu; j++) {
        ju[i * nu + j] = 0.0;
      }
      int[] ti = terms[i];
      double[] vi = values[i];
      for (int k = 0; k < ti.length; k++) {
        int t = ti[k];
        double c = vi[k];
        acc += c * ws.theta[t];
        int row = t * nz;
        for (int j = 0; j < nx; j++) {
          jx[i * nx + j] += c * ws.dtheta[row + j];
        }
        for (int j = 0; j < nu; j++) {
          ju[i * nu + j] += c * ws.dtheta[row + nx + j];
        }
      }
      f[i] = acc;
    }
  }

  private void rhs(Workspace ws, double[] x, double[] u, double[] out) {
    int nx = stateNames.size();
    System.arraycopy(x, 0, ws.z, 0, nx);
    System.arraycopy(u, 0, ws.z, nx, inputNames.size());
    ws.lib.evaluate(ws.z, ws.theta);
    for (int i = 0; i < nx; i++) {
      int[] ti = terms[i];
      double[] vi = values[i];
      double acc = 0.0;
      for (int k = 0; k < ti.length; k++) {
        acc += vi[k] * ws.theta[ti[k]];
      }
      out[i] = acc;
    }
  }

  private void checkDims(double[] x, double[] u) {
    if (x.length != stateNames.size()) {
      throw new ModelingException(
          "the model has " + stateNames.size() + " states " + stateNames + " but the state given has " + x.length
              + " values");
    }
    if (u.length != inputNames.size()) {
      throw new ModelingException(
          "the model has " + inputNames.size() + " inputs " + inputNames + " but the input given has " + u.length
              + " values");
    }
  }

  private void checkColumns(Dataset data, String what) {
    if (!data.stateNames().equals(stateNames) || !data.inputNames().equals(inputNames)) {
      throw new ModelingException(what + ": the data has states " + data.stateNames() + " and inputs "
          + data.inputNames() + ", but the model was fitted with states " + stateNames + " and inputs " + inputNames
          + "; give data with the same columns");
    }
  }

  /**
   * R² of the model on the data (scikit-learn's {@code r2_score}, averaged over equations): continuous
   * models compare {@code predict(x, u)} with the derivative from the model's differentiation method
   * (finite differences of order 2 when unknown), discrete models {@code predict(x[k], u[k])} with
   * {@code x[k+1]}.
   */
  public double score(Dataset data) {
    checkColumns(data, "score");
    int nx = stateNames.size();
    List<double[]> truth = new ArrayList<>();
    List<double[]> pred = new ArrayList<>();
    for (int k = 0; k < data.size(); k++) {
      Trajectory tr = data.get(k);
      double[][] xs = tr.statesUnsafe();
      double[][] us = tr.inputsUnsafe();
      int n = tr.size();
      if (discreteTime) {
        for (int i = 0; i + 1 < n; i++) {
          truth.add(xs[i + 1]);
          pred.add(predict(xs[i], us[i]));
        }
      } else {
        Differentiation d = differentiation != null ? differentiation : Differentiation.finiteDifference(2);
        double u = tr.uniformDt();
        double[][] dx = Double.isNaN(u) ? d.differentiate(xs, tr.timesUnsafe()) : d.differentiate(xs, u);
        for (int i = 0; i < n; i++) {
          truth.add(dx[i]);
          pred.add(predict(xs[i], us[i]));
        }
      }
    }
    return r2(truth, pred, nx);
  }

  static double r2(List<double[]> truth, List<double[]> pred, int nx) {
    int n = truth.size();
    double total = 0.0;
    for (int j = 0; j < nx; j++) {
      double mean = 0.0;
      for (double[] t : truth) {
        mean += t[j];
      }
      mean /= n;
      double ssRes = 0.0;
      double ssTot = 0.0;
      for (int i = 0; i < n; i++) {
        double r = truth.get(i)[j] - pred.get(i)[j];
        double d = truth.get(i)[j] - mean;
        ssRes += r * r;
        ssTot += d * d;
      }
      total += ssTot != 0.0 ? 1.0 - ssRes / ssTot : (ssRes == 0.0 ? 1.0 : 0.0);
    }
    return total / nx;
  }

  /**
   * Simulates the model from {@code x0} at the given times (s) with inputs {@code u[i]} held from
   * {@code times[i]} to {@code times[i+1]} (zero-order hold). Continuous models are integrated with
   * Dormand–Prince 5(4) at rtol = atol = 1e-10, restarted at every input change; discrete models are
   * iterated, one step per time.
   *
   * @param u one row per time (may be null or have zero columns for a model without inputs)
   */
  public Trajectory simulate(double[] x0, double[] times, double[][] u) {
    return simulate(x0, times, u, DormandPrince54.withTolerances(1e-10, 1e-10));
  }

  /** As {@link #simulate(double[], double[], double[][])} with the given integrator (continuous models). */
  public Trajectory simulate(double[] x0, double[] times, double[][] u, DormandPrince54 integrator) {
    int nx = stateNames.size();
    int nu = inputNames.size();
    int n = times.length;
    if (x0.length != nx) {
      throw new ModelingException("simulate: x0 has " + x0.length + " values but the model has states " + stateNames);
    }
    double[][] inputs = new double[n][nu];
    if (nu > 0) {
      if (u == null || u.length != n) {
        throw new ModelingException("simulate: the model has inputs " + inputNames + "; give one input row per time ("
            + n + "), got " + (u == null ? "none" : u.length));
      }
      for (int i = 0; i < n; i++) {
        if (u[i].length != nu) {
          throw new ModelingException(
              "simulate: input row " + i + " has " + u[i].length + " values, the model has inputs " + inputNames);
        }
        inputs[i] = u[i].clone();
      }
    }
    double[][] xs = new double[n][nx];
    if (n == 0) {
      return new Trajectory(times, xs, inputs, stateNames, inputNames);
    }
    System.arraycopy(x0, 0, xs[0], 0, nx);
    if (discreteTime) {
      for (int i = 1; i < n; i++) {
        predict(xs[i - 1], inputs[i - 1], xs[i]);
      }
    } else if (nu == 0) {
      Workspace ws = workspace.get();
      integrator.integrate(ws.ode, times, x0, xs, integrator.workspace(nx));
    } else {
      Workspace ws = workspace.get();
      DormandPrince54.Workspace iw = integrator.workspace(nx);
      double[] span = new double[2];
      double[][] seg = new double[2][nx];
      for (int i = 0; i + 1 < n; i++) {
        System.arraycopy(inputs[i], 0, ws.u, 0, nu);
        span[0] = times[i];
        span[1] = times[i + 1];
        integrator.integrate(ws.ode, span, xs[i], seg, iw);
        System.arraycopy(seg[1], 0, xs[i + 1], 0, nx);
      }
    }
    return new Trajectory(times, xs, inputs, stateNames, inputNames);
  }

  private Workspace newWorkspace() {
    return new Workspace(this);
  }

  /** Per-thread scratch: a bound library (it owns scratch too), buffers, the RK4 stepper. */
  private static final class Workspace {
    final BoundLibrary lib;
    final double[] z;
    final double[] theta;
    final double[] dtheta;
    final double[] u;
    final double[] f1;
    final double[] f2;
    final double[] f3;
    final double[] f4;
    final double[] jx;
    final double[] ju;
    final double[] s;
    final double[] pm;
    final double[] ss;
    final double[] ps;
    final double[] xs;
    final double[] xc;
    final double[] dk1x;
    final double[] dk2x;
    final double[] dk3x;
    final double[] dk4x;
    final double[] dk1u;
    final double[] dk2u;
    final double[] dk3u;
    final double[] dk4u;
    final Rk4 rk4;
    final OdeSystem ode;

    Workspace(SindyModel model) {
      int nx = model.stateNames.size();
      int nu = model.inputNames.size();
      int nz = nx + nu;
      this.lib = model.library.bind(model.stateNames, model.inputNames);
      int p = lib.size();
      z = new double[nz];
      theta = new double[p];
      dtheta = new double[p * nz];
      u = new double[nu];
      f1 = new double[nx];
      f2 = new double[nx];
      f3 = new double[nx];
      f4 = new double[nx];
      jx = new double[nx * nx];
      ju = new double[nx * nu];
      s = new double[nx * nx];
      pm = new double[nx * nu];
      ss = new double[nx * nx];
      ps = new double[nx * nu];
      xs = new double[nx];
      xc = new double[nx];
      dk1x = new double[nx * nx];
      dk2x = new double[nx * nx];
      dk3x = new double[nx * nx];
      dk4x = new double[nx * nx];
      dk1u = new double[nx * nu];
      dk2u = new double[nx * nu];
      dk3u = new double[nx * nu];
      dk4u = new double[nx * nu];
      rk4 = new Rk4(nx);
      ode = (t, x, dx) -> model.rhs(this, x, this.u, dx);
    }
  }
}
