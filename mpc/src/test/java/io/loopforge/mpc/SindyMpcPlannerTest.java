package io.loopforge.mpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.excitation.Excitation;
import io.loopforge.modeling.excitation.ExcitationKind;
import io.loopforge.modeling.loop.ClosedLoop;
import io.loopforge.modeling.loop.ClosedLoopResult;
import io.loopforge.modeling.plant.Pendulum;
import io.loopforge.modeling.plant.PlantSimulator;
import io.loopforge.modeling.sindy.FeatureLibrary;
import io.loopforge.modeling.sindy.Sindy;
import io.loopforge.modeling.sindy.SindyModel;
import io.loopforge.modeling.sindy.Stlsq;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SindyMpcPlannerTest {
  private static double[] fill(int n, double v) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  /**
   * On a linear model the subproblem is the problem: the first step reaches the QP optimum, which the
   * normal equations (assembled here from the stacked prediction matrices, solved with EJML) give in closed
   * form; the second subproblem predicts no decrease and the scheme reports OPTIMAL.
   */
  @Test
  void onALinearModelTheFirstStepIsTheExactQpOptimum() {
    SplittableRandom rng = new SplittableRandom(3);
    LinearModel m = LinearModel.random(3, 2, rng);
    int h = 5;
    double[] q = {1, 2, 0.5};
    double[] qt = {4, 4, 4};
    double[] r = {0.3, 0.1};
    double[] xr = {0.5, -0.2, 0.1};
    MpcProblem p = MpcProblem.builder(m, h).norm(MpcProblem.Norm.QUADRATIC).stateReference(xr).stateWeights(q)
        .terminalWeights(qt).inputWeights(r).inputBounds(fill(2, -100), fill(2, 100)).build();
    double[] x0 = {1, -1, 0.5};
    PlanRequest request = new PlanRequest(x0, p.constantWindow(xr), new double[2], null);

    double[] expected = closedForm(m, h, x0, q, qt, r, xr);
    Plan one = SindyMpcPlanner.builder(p).trustRegion(1).maxIterations(1).build().plan(request);
    assertEquals(PlanStatus.BEST_FOUND, one.status(), one.detail());
    Plan plan = SindyMpcPlanner.builder(p).trustRegion(1).build().plan(request);
    assertEquals(PlanStatus.OPTIMAL, plan.status(), plan.detail());
    assertEquals(2, plan.stats().nodes(), "one step, then a subproblem that predicts no decrease");
    for (Plan pl : List.of(one, plan)) {
      double[][] u = pl.inputs();
      for (int t = 0; t < h; t++) {
        for (int j = 0; j < 2; j++) {
          assertEquals(expected[t * 2 + j], u[t][j], 1e-7, "u_" + t + "," + j);
        }
      }
    }
  }

  /**
   * min Σ_t ‖x_t − r‖²_Q + ‖u_t‖²_R with x = Φ x₀ + Γ U + κ stacked over the horizon:
   * (Γᵀ W Γ + R̄) U = Γᵀ W (r − Φ x₀ − κ).
   */
  private static double[] closedForm(LinearModel m, int h, double[] x0, double[] q, double[] qt, double[] r,
      double[] xr) {
    int nx = 3;
    int nu = 2;
    // columns of Γ and the free response by rollouts of the (affine) model
    double[][] free = rollout(m, h, x0, new double[h * nu]);
    DMatrixRMaj gamma = new DMatrixRMaj(h * nx, h * nu);
    for (int k = 0; k < h * nu; k++) {
      double[] e = new double[h * nu];
      e[k] = 1;
      double[][] xs = rollout(m, h, x0, e);
      for (int t = 1; t <= h; t++) {
        for (int i = 0; i < nx; i++) {
          gamma.set((t - 1) * nx + i, k, xs[t][i] - free[t][i]);
        }
      }
    }
    DMatrixRMaj w = new DMatrixRMaj(h * nx, h * nx);
    DMatrixRMaj target = new DMatrixRMaj(h * nx, 1);
    for (int t = 1; t <= h; t++) {
      for (int i = 0; i < nx; i++) {
        int row = (t - 1) * nx + i;
        w.set(row, row, t == h ? qt[i] : q[i]);
        target.set(row, 0, xr[i] - free[t][i]);
      }
    }
    DMatrixRMaj gtw = new DMatrixRMaj(h * nu, h * nx);
    CommonOps_DDRM.multTransA(gamma, w, gtw);
    DMatrixRMaj lhs = new DMatrixRMaj(h * nu, h * nu);
    CommonOps_DDRM.mult(gtw, gamma, lhs);
    for (int k = 0; k < h * nu; k++) {
      lhs.add(k, k, r[k % nu]);
    }
    DMatrixRMaj rhs = new DMatrixRMaj(h * nu, 1);
    CommonOps_DDRM.mult(gtw, target, rhs);
    DMatrixRMaj u = new DMatrixRMaj(h * nu, 1);
    assertTrue(CommonOps_DDRM.solve(lhs, rhs, u));
    return u.getData();
  }

  private static double[][] rollout(LinearModel m, int h, double[] x0, double[] u) {
    double[][] xs = new double[h + 1][];
    xs[0] = x0.clone();
    for (int t = 0; t < h; t++) {
      xs[t + 1] = m.step(xs[t], new double[] {u[2 * t], u[2 * t + 1]});
    }
    return xs;
  }

  /**
   * Seeded random problems, states and warm starts: every plan is admissible, and its states and J are the model's.
   * A MILP's setting comes first, as in a JVM that has solved one: ojAlgo's JVM-wide presolver set is
   * emptied for MILPs, and when it stayed empty some of these QPs never ended (OjAlgo).
   */
  @Test
  @Timeout(120)
  void plansRespectTheBoxAndTheRateLimitsAndAreValidated() {
    OjAlgo.withoutPresolvers(() -> null);
    SplittableRandom rng = new SplittableRandom(5);
    TwoInputPendulum m = new TwoInputPendulum();
    int optimal = 0;
    for (int rep = 0; rep < 60; rep++) {
      MpcProblem.Norm norm = MpcProblem.Norm.values()[rep % 3];
      int h = 1 + rng.nextInt(6);
      double[] lo = {-0.5 - rng.nextDouble(), -rng.nextDouble()};
      double[] hi = {0.5 + rng.nextDouble(), rng.nextDouble()};
      double[] rate = {0.05 + 0.5 * rng.nextDouble(), rng.nextBoolean() ? Double.POSITIVE_INFINITY : 0.1};
      MpcProblem p = MpcProblem.builder(m, h).norm(norm).stateReference(rng.nextDouble(), 0)
          .stateWeights(1 + rng.nextDouble(), 0.1).inputWeights(0.01, 0.01).inputRateWeights(0.1 * rng.nextDouble(), 0)
          .inputBounds(lo, hi).inputRateLimit(rate)
          .stateBounds(new double[] {-1, -0.5}, new double[] {1, 0.5}, 5).build();
      double[] prev = {lo[0] + (hi[0] - lo[0]) * rng.nextDouble(), lo[1] + (hi[1] - lo[1]) * rng.nextDouble()};
      double[][] warm = null;
      if (rng.nextBoolean()) {
        warm = new double[h][2];
        for (double[] row : warm) {
          row[0] = 3 * (2 * rng.nextDouble() - 1); // often outside the box and the rate limits
          row[1] = 3 * (2 * rng.nextDouble() - 1);
        }
      }
      double[] x0 = {2 * rng.nextDouble() - 1, 2 * rng.nextDouble() - 1};
      PlanRequest request = new PlanRequest(x0, p.constantWindow(p.stateReference()), prev, warm);
      Plan plan = SindyMpcPlanner.builder(p).build().plan(request);
      String where = "case " + rep + " (" + norm + ", H = " + h + "): " + plan;
      assertTrue(plan.status() == PlanStatus.OPTIMAL || plan.status() == PlanStatus.BEST_FOUND, where);
      optimal += plan.status() == PlanStatus.OPTIMAL ? 1 : 0;
      double[][] u = plan.inputs();
      assertTrue(p.admissible(u, prev, 1e-12), where);
      for (int t = 0; t < h; t++) {
        for (int j = 0; j < 2; j++) {
          double before = t == 0 ? prev[j] : u[t - 1][j];
          assertTrue(u[t][j] >= lo[j] && u[t][j] <= hi[j], where);
          assertTrue(Math.abs(u[t][j] - before) <= rate[j] + 1e-12, where);
        }
      }
      double[][] states = new double[h + 1][2];
      double j = p.evaluate(x0, request.reference(), prev, u, states);
      assertEquals(j, plan.objective(), 0.0, where);
      assertArrayEquals(states, plan.states(), where);
      // no worse than the start it came from (u_ref repeated, clipped)
      double[][] ref = new double[h][2];
      for (int t = 0; t < h; t++) {
        p.clip(ref[t], t == 0 ? prev : ref[t - 1]);
      }
      assertTrue(j <= p.evaluate(x0, request.reference(), prev, ref, null) + 1e-12, where);
    }
    assertTrue(optimal >= 40, "most of these small problems converge, saw " + optimal + " of 60");
  }

  @Test
  void aFirstInputThatCannotMeetBoxAndRateLimitIsInfeasible() {
    MpcProblem p = MpcProblem.builder(new DoubleIntegrator(0.1), 3).norm(MpcProblem.Norm.QUADRATIC)
        .inputBounds(new double[] {-1}, new double[] {1}).inputRateLimit(0.5).build();
    Plan plan = SindyMpcPlanner.builder(p).build()
        .plan(new PlanRequest(new double[] {0, 0}, p.constantWindow(new double[] {1, 0}), new double[] {2}, null));
    assertEquals(PlanStatus.INFEASIBLE, plan.status());
    assertEquals("input 'f': the previous input 2.0 is farther than the rate limit 0.5 from the box [-1.0, 1.0], so"
        + " no first input satisfies both", plan.detail());
  }

  @Test
  void aRolloutThatLeavesTheFiniteNumbersFails() {
    LinearModel m = new LinearModel(new double[][] {{1e300}}, new double[][] {{1}}, new double[] {0});
    MpcProblem p = MpcProblem.builder(m, 2).norm(MpcProblem.Norm.QUADRATIC)
        .inputBounds(new double[] {-1}, new double[] {1}).build();
    Plan plan = SindyMpcPlanner.builder(p).build()
        .plan(new PlanRequest(new double[] {10}, p.constantWindow(new double[] {0}), new double[] {0}, null));
    assertEquals(PlanStatus.FAILED, plan.status());
    assertEquals("the model's rollout from the state [10.0] leaves the finite numbers under the warm start and under"
        + " u_ref: there is nothing to linearise about", plan.detail());
    assertEquals(0, plan.inputs().length);
  }

  @Test
  void badProblemsAndRequestsAreRefusedWithAMessage() {
    DoubleIntegrator m = new DoubleIntegrator(0.1);
    MpcException e = assertThrows(MpcException.class,
        () -> SindyMpcPlanner.builder(MpcProblem.builder(m, 3).build()).build());
    assertEquals("sindy-mpc needs a finite input box, but input 'f' is bounded by [-Infinity, Infinity]; set the"
        + " bounds (e.g. the plant's)", e.getMessage());
    MpcProblem p = MpcProblem.builder(m, 3).inputBounds(new double[] {-1}, new double[] {1}).build();
    SindyMpcPlanner planner = SindyMpcPlanner.builder(p).build();
    double[][] window = p.constantWindow(new double[] {1, 0});
    window[2][1] = Double.NaN;
    e = assertThrows(MpcException.class,
        () -> planner.plan(new PlanRequest(new double[] {0, 0}, window, new double[] {0}, null)));
    assertEquals("sindy-mpc: the reference window holds a non-finite value at row 2, state 'v': NaN", e.getMessage());
    e = assertThrows(MpcException.class, () -> planner.plan(
        new PlanRequest(new double[] {0, 0, 0}, p.constantWindow(new double[] {1, 0}), new double[] {0}, null)));
    assertEquals("the state has 3 values but the model has 2 states [p, v]", e.getMessage());
    e = assertThrows(MpcException.class, () -> planner.plan(
        new PlanRequest(new double[] {0, 0}, new double[2][2], new double[] {0}, null)));
    assertEquals("the reference window has 2 rows, expected H + 1 = 4", e.getMessage());
    e = assertThrows(MpcException.class, () -> planner.plan(
        new PlanRequest(new double[] {0, 0}, p.constantWindow(new double[] {1, 0}), new double[] {0}, new double[2][1])));
    assertEquals("the warm start has 2 rows, expected H = 3 rows of 1 inputs", e.getMessage());
    e = assertThrows(MpcException.class, () -> SindyMpcPlanner.builder(p).trustRegion(0));
    assertEquals("sindy-mpc: the trust region must be a fraction of the box width in (0, 1], got 0.0", e.getMessage());
    e = assertThrows(MpcException.class, () -> SindyMpcPlanner.builder(p).maxIterations(0));
    assertEquals("sindy-mpc: maxIterations must be at least 1, got 0", e.getMessage());
    e = assertThrows(MpcException.class, () -> SindyMpcPlanner.builder(p).tolerance(Double.NaN));
    assertEquals("sindy-mpc: the tolerance must be in (0, 1), got NaN", e.getMessage());
    e = assertThrows(MpcException.class, () -> SindyMpcPlanner.builder(p).timeLimit(Duration.ZERO));
    assertEquals("sindy-mpc: the time limit must be positive, got PT0S", e.getMessage());
    MpcProblem rows = MpcProblem.builder(m, 3).inputBounds(new double[] {-1}, new double[] {1})
        .terminalMatrix(new double[][] {{1, 1}}).build();
    e = assertThrows(MpcException.class, () -> SindyMpcPlanner.builder(rows).build());
    assertEquals("SINDy-MPC takes diagonal terminal weights (Q_T), not a terminal matrix; the matrix is for the mip,"
        + " sampling and gradient planners", e.getMessage());
  }

  @Test
  void aTimeLimitEndsTheSchemeWithTheBestIterate() {
    TwoInputPendulum m = new TwoInputPendulum();
    MpcProblem p = MpcProblem.builder(m, 30).norm(MpcProblem.Norm.QUADRATIC).stateReference(Math.PI, 0)
        .inputWeights(0.01, 0.01).inputBounds(new double[] {-1, -1}, new double[] {1, 1}).build();
    SindyMpcPlanner planner = SindyMpcPlanner.builder(p).timeLimit(Duration.ofNanos(1)).build();
    Plan plan = planner.plan(new PlanRequest(new double[] {0, 0}, p.constantWindow(p.stateReference()),
        new double[2], null));
    assertEquals(PlanStatus.BEST_FOUND, plan.status());
    assertEquals("the time limit of 1.00e-06 ms was reached", plan.detail());
    assertEquals(0, plan.stats().nodes());
  }

  /**
   * A SINDy model fitted to simulated pendulum data, planned on at 20 Hz, balances the real (simulated)
   * pendulum from 0.2 rad off upright, through the closed-loop simulator. (Not a swing-up: from hanging,
   * with H = 30 steps of 0.05 s, the scheme settles at a stationary point that pushes at the torque limit
   * and never pumps; a local method needs a longer horizon or a better start for that.)
   */
  @Test
  void onASindyModelOfThePendulumItBalancesTheRealPendulum() {
    Pendulum pendulum = Pendulum.withDefaults();
    double dt = 0.01;
    double[][] u = Excitation.generate(ExcitationKind.MULTISINE, 4000, dt, pendulum.inputLower(),
        pendulum.inputUpper(), 2);
    Dataset data = PlantSimulator.withDefaults().collect(pendulum, new double[] {2.5, 0}, u, dt, 2);
    SindyModel fitted = Sindy.builder()
        .library(FeatureLibrary.concat(FeatureLibrary.polynomial(1), FeatureLibrary.fourier(1)))
        .optimizer(Stlsq.builder().threshold(0.05).alpha(0).build()).build().fit(data);
    SindyModel model = fitted.withStep(0.05, 5);
    MpcProblem p = MpcProblem.builder(model, 20).norm(MpcProblem.Norm.QUADRATIC).stateReference(Math.PI, 0)
        .stateWeights(10, 1).inputWeights(0.01).inputBounds(pendulum.inputLower(), pendulum.inputUpper()).build();
    List<RecedingHorizonController.Step> steps = new ArrayList<>();
    RecedingHorizonController controller = RecedingHorizonController.builder(SindyMpcPlanner.builder(p).build())
        .listener(steps::add).build();
    ClosedLoopResult r = ClosedLoop.builder(pendulum, controller).steps(80).initialState(Math.PI - 0.2, 0).build().run();
    assertEquals(ClosedLoopResult.StopReason.COMPLETED, r.stopReason(), r.stopDetail());
    double[] end = r.finalState();
    assertEquals(Math.PI, end[0], 1e-3, "theta after 4 s");
    assertEquals(0, end[1], 1e-3, "omega after 4 s");
    assertTrue(steps.stream().noneMatch(RecedingHorizonController.Step::fallback), "no fallback");
    assertTrue(steps.stream().allMatch(s -> s.applied().status() == PlanStatus.OPTIMAL
        || s.applied().status() == PlanStatus.BEST_FOUND));
  }
}
