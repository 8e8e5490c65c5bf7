package io.loopforge.mpc;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.excitation.Excitation;
import io.loopforge.modeling.excitation.ExcitationKind;
import io.loopforge.modeling.plant.Pendulum;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantSimulator;
import io.loopforge.modeling.sindy.FeatureLibrary;
import io.loopforge.modeling.sindy.Sindy;
import io.loopforge.modeling.sindy.SindyModel;
import io.loopforge.modeling.sindy.Stlsq;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/** Problems, models and reference optima shared by the planner tests. */
final class PlannerFixtures {
  private static SindyModel pendulumModel;

  private PlannerFixtures() {}

  /**
   * The double integrator (dt = 0.1 s) over H steps from p = 1 at rest to the origin, quadratic cost
   * Q = (1, 0.1), Q_T = (10, 1), R = 0.01, R_Δ = 0.05, box ±5: its optimum (|u| ≤ 3.9) lies inside the box.
   */
  static MpcProblem doubleIntegrator(MpcProblem.Norm norm, int horizon) {
    return MpcProblem.builder(new DoubleIntegrator(0.1), horizon).norm(norm).stateWeights(1, 0.1)
        .terminalWeights(10, 1).inputWeights(0.01).inputRateWeights(0.05)
        .inputBounds(new double[] {-5}, new double[] {5}).build();
  }

  static PlanRequest request(MpcProblem p, double[] x0, double[][] warm) {
    return new PlanRequest(x0, p.constantWindow(p.stateReference()), new double[p.inputDim()], warm);
  }

  /** u_ref held over the horizon: what the safe fallback applies. */
  static double[][] held(MpcProblem p, double[] previous) {
    double[][] u = new double[p.horizon()][];
    double[] safe = p.safeInput(previous);
    for (int t = 0; t < u.length; t++) {
      u[t] = safe.clone();
    }
    return u;
  }

  static double cost(MpcProblem p, PlanRequest r, double[][] u) {
    return p.evaluate(r.state(), r.reference(), r.previousInput(), u, null);
  }

  /**
   * The exact minimiser of a {@link MpcProblem.Norm#QUADRATIC quadratic} problem on a linear model, the box
   * and the state box ignored: J is a sum of squares of affine functions of U (columns read off unit
   * rollouts), minimised by least squares (QR).
   */
  static double[][] leastSquaresOptimum(MpcProblem p, PlanRequest r) {
    int h = p.horizon();
    int nu = p.inputDim();
    int n = h * nu;
    double[] base = residuals(p, r, new double[h][nu]);
    DMatrixRMaj m = new DMatrixRMaj(base.length, n);
    DMatrixRMaj rhs = new DMatrixRMaj(base.length, 1);
    for (int c = 0; c < n; c++) {
      double[][] e = new double[h][nu];
      e[c / nu][c % nu] = 1;
      double[] col = residuals(p, r, e);
      for (int k = 0; k < base.length; k++) {
        m.set(k, c, col[k] - base[k]);
      }
    }
    for (int k = 0; k < base.length; k++) {
      rhs.set(k, 0, -base[k]);
    }
    DMatrixRMaj x = new DMatrixRMaj(n, 1);
    if (!CommonOps_DDRM.solve(m, rhs, x)) {
      throw new IllegalStateException("singular least-squares problem");
    }
    double[][] u = new double[h][nu];
    for (int c = 0; c < n; c++) {
      u[c / nu][c % nu] = x.get(c, 0);
    }
    return u;
  }

  /** The residuals whose squares sum to J (quadratic cost, no state box). */
  private static double[] residuals(MpcProblem p, PlanRequest r, double[][] u) {
    int h = p.horizon();
    int nx = p.stateDim();
    int nu = p.inputDim();
    double[][] x = new double[h + 1][nx];
    p.evaluate(r.state(), r.reference(), r.previousInput(), u, x);
    double[] q = p.stateWeights();
    double[] qt = p.terminalWeights();
    double[] rw = p.inputWeights();
    double[] rd = p.inputRateWeights();
    double[] uRef = p.inputReference();
    double[] out = new double[h * nx + 2 * h * nu];
    int k = 0;
    for (int t = 1; t <= h; t++) {
      for (int i = 0; i < nx; i++) {
        out[k++] = Math.sqrt(t == h ? qt[i] : q[i]) * (x[t][i] - r.reference()[t][i]);
      }
    }
    for (int t = 0; t < h; t++) {
      for (int i = 0; i < nu; i++) {
        out[k++] = Math.sqrt(rw[i]) * (u[t][i] - uRef[i]);
        out[k++] = Math.sqrt(rd[i]) * (u[t][i] - (t == 0 ? r.previousInput()[i] : u[t - 1][i]));
      }
    }
    return out;
  }

  /**
   * A random problem on a two-input nonlinear model: random box (some inputs with rate limits), weights,
   * norm, state box, u_{−1} inside the box, reference and warm start (the warm start may leave the box).
   */
  static Case randomCase(SplittableRandom rnd) {
    TwoLinkModel model = new TwoLinkModel(0.05);
    int h = 1 + rnd.nextInt(8);
    MpcProblem.Norm norm = MpcProblem.Norm.values()[rnd.nextInt(3)];
    double[] lo = new double[2];
    double[] hi = new double[2];
    double[] rate = new double[2];
    for (int i = 0; i < 2; i++) {
      lo[i] = -0.5 - 3 * rnd.nextDouble();
      hi[i] = lo[i] + 0.01 + 4 * rnd.nextDouble();
      rate[i] = rnd.nextBoolean() ? Double.POSITIVE_INFINITY : 0.01 + rnd.nextDouble() * (hi[i] - lo[i]) / 3;
    }
    MpcProblem p = MpcProblem.builder(model, h).norm(norm)
        .stateWeights(rnd.nextDouble() * 3, rnd.nextDouble(), rnd.nextDouble(), rnd.nextDouble())
        .inputWeights(rnd.nextDouble() * 0.1, rnd.nextDouble() * 0.1)
        .inputRateWeights(rnd.nextDouble() * 0.1, 0)
        .inputBounds(lo, hi).inputRateLimit(rate)
        .stateBounds(new double[] {-1, -1, -5, -5}, new double[] {1, 1, 5, 5}, 10 * rnd.nextDouble())
        .build();
    double[] prev = new double[2];
    for (int i = 0; i < 2; i++) {
      prev[i] = lo[i] + (hi[i] - lo[i]) * rnd.nextDouble();
    }
    double[] x0 = new double[4];
    double[] ref = new double[4];
    for (int i = 0; i < 4; i++) {
      x0[i] = 2 * rnd.nextDouble() - 1;
      ref[i] = 2 * rnd.nextDouble() - 1;
    }
    double[][] warm = null;
    if (rnd.nextBoolean()) {
      warm = new double[h][2];
      for (double[] row : warm) {
        for (int i = 0; i < 2; i++) {
          row[i] = lo[i] - 1 + (hi[i] - lo[i] + 2) * rnd.nextDouble();
        }
      }
    }
    return new Case(p, new PlanRequest(x0, p.constantWindow(ref), prev, warm));
  }

  record Case(MpcProblem problem, PlanRequest request) {}

  /**
   * A SINDy model of the pendulum (polynomial 1 and Fourier 1 terms, fitted to 40 s of multisine data),
   * stepped at 0.05 s by RK4 with 5 substeps; fitted once per test JVM.
   */
  static synchronized SindyModel pendulumModel() {
    if (pendulumModel == null) {
      Plant pendulum = Pendulum.withDefaults();
      double dt = 0.01;
      double[][] u = Excitation.generate(ExcitationKind.MULTISINE, 4000, dt, pendulum.inputLower(),
          pendulum.inputUpper(), 2);
      Dataset data = PlantSimulator.withDefaults().collect(pendulum, new double[] {2.5, 0}, u, dt, 2);
      pendulumModel = Sindy.builder()
          .library(FeatureLibrary.concat(FeatureLibrary.polynomial(1), FeatureLibrary.fourier(1)))
          .optimizer(Stlsq.builder().threshold(0.05).alpha(0).build())
          .build()
          .fit(data)
          .withStep(0.05, 5);
    }
    return pendulumModel;
  }

  /**
   * Two coupled damped pendulums, Euler-discretised, two torques: a nonlinear test model with exact
   * Jacobians. States (θ₁, θ₂, ω₁, ω₂).
   */
  static final class TwoLinkModel implements DynamicsModel {
    private final double dt;

    TwoLinkModel(double dt) {
      this.dt = dt;
    }

    @Override
    public List<String> stateNames() {
      return List.of("theta1", "theta2", "omega1", "omega2");
    }

    @Override
    public List<String> inputNames() {
      return List.of("tau1", "tau2");
    }

    @Override
    public double dt() {
      return dt;
    }

    @Override
    public void step(double[] x, double[] u, double[] next) {
      double c = 0.5 * Math.sin(x[0] - x[1]);
      next[0] = x[0] + dt * x[2];
      next[1] = x[1] + dt * x[3];
      next[2] = x[2] + dt * (u[0] - 0.1 * x[2] - 2 * Math.sin(x[0]) - c + 0.3 * u[1] * Math.cos(x[0]));
      next[3] = x[3] + dt * (u[1] - 0.2 * x[3] - Math.sin(x[1]) + c);
    }

    @Override
    public void jacobian(double[] x, double[] u, double[][] a, double[][] b) {
      double dc = 0.5 * Math.cos(x[0] - x[1]);
      for (double[] row : a) {
        java.util.Arrays.fill(row, 0);
      }
      a[0][0] = 1;
      a[0][2] = dt;
      a[1][1] = 1;
      a[1][3] = dt;
      a[2][0] = dt * (-2 * Math.cos(x[0]) - dc - 0.3 * u[1] * Math.sin(x[0]));
      a[2][1] = dt * dc;
      a[2][2] = 1 - 0.1 * dt;
      a[3][0] = dt * dc;
      a[3][1] = dt * (-Math.cos(x[1]) - dc);
      a[3][3] = 1 - 0.2 * dt;
      b[0][0] = 0;
      b[0][1] = 0;
      b[1][0] = 0;
      b[1][1] = 0;
      b[2][0] = dt;
      b[2][1] = dt * 0.3 * Math.cos(x[0]);
      b[3][0] = 0;
      b[3][1] = dt;
    }
  }
}
