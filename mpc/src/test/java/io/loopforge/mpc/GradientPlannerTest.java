package io.loopforge.mpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GradientPlannerTest {
  /** ∂J/∂u_{t,i} by central differences of {@link MpcProblem#evaluate}, or NaN across a kink. */
  private static double centralDifference(MpcProblem p, PlanRequest r, double[][] u, int t, int i, double h) {
    double u0 = u[t][i];
    double j0 = PlannerFixtures.cost(p, r, u);
    u[t][i] = u0 + h;
    double plus = PlannerFixtures.cost(p, r, u);
    u[t][i] = u0 - h;
    double minus = PlannerFixtures.cost(p, r, u);
    u[t][i] = u0;
    double forward = (plus - j0) / h;
    double backward = (j0 - minus) / h;
    // one-sided slopes that disagree beyond the O(h) curvature: a kink of |·|, max or a ReLU lies within h
    if (Math.abs(forward - backward) > 1e-4 * (1 + Math.abs(forward))) {
      return Double.NaN;
    }
    return (plus - minus) / (2 * h);
  }

  private static int checkGradient(MpcProblem.Norm norm, long seed, int cases, double tol) {
    return checkGradient(norm, seed, cases, tol, false);
  }

  /** With {@code matrix}, the terminal cost is a full matrix instead of diagonal weights. */
  private static int checkGradient(MpcProblem.Norm norm, long seed, int cases, double tol, boolean matrix) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int compared = 0;
    int entries = 0;
    for (int c = 0; c < cases; c++) {
      PlannerFixtures.Case k = PlannerFixtures.randomCase(rnd);
      MpcProblem.Builder b = MpcProblem.builder(k.problem().model(), k.problem().horizon()).norm(norm)
          .stateWeights(k.problem().stateWeights()).terminalWeights(3, 2, 1, 0.5)
          .inputWeights(k.problem().inputWeights()).inputRateWeights(0.2, 0.1)
          .stateBounds(new double[] {-0.3, -0.2, -5, -0.5}, new double[] {0.3, 0.2, 5, 0.5}, 2.5);
      if (matrix) {
        b.terminalMatrix(new double[][] {{3, 0.5, 0, 0}, {0, 2, -1, 0}, {0.2, 0, 0, 0.5}, {1, -1, 1, -1}});
      }
      MpcProblem p = b.build();
      PlanRequest r = k.request();
      double[][] u = new double[p.horizon()][2];
      for (double[] row : u) {
        row[0] = 4 * rnd.nextDouble() - 2;
        row[1] = 4 * rnd.nextDouble() - 2;
      }
      GradientPlanner gd = GradientPlanner.builder(p).build();
      double[][] g = new double[p.horizon()][2];
      double j = gd.gradient(r, u, g);
      assertEquals(PlannerFixtures.cost(p, r, u), j, 0.0, "the gradient's J is evaluate's");
      for (int t = 0; t < p.horizon(); t++) {
        for (int i = 0; i < 2; i++) {
          entries++;
          double fd = centralDifference(p, r, u, t, i, 1e-6);
          if (Double.isNaN(fd)) {
            continue;
          }
          compared++;
          assertEquals(fd, g[t][i], tol * (1 + Math.abs(fd)), norm + " case " + c + ", t = " + t + ", input " + i);
        }
      }
    }
    return compared * 100 / entries;
  }

  @Test
  void theGradientOfAQuadraticCostMatchesCentralDifferences() {
    int percent = checkGradient(MpcProblem.Norm.QUADRATIC, 1, 40, 1e-6);
    // only the soft state box has kinks in a quadratic cost
    assertTrue(percent >= 80, percent + " % of the entries were away from a kink");
  }

  @Test
  void theSubgradientOfL1AndLinfCostsMatchesCentralDifferencesAwayFromKinks() {
    int l1 = checkGradient(MpcProblem.Norm.L1, 2, 40, 1e-6);
    int linf = checkGradient(MpcProblem.Norm.LINF, 3, 40, 1e-6);
    assertTrue(l1 >= 60 && linf >= 60, l1 + " % and " + linf + " % of the entries were away from a kink");
  }

  @Test
  void theGradientWithATerminalMatrixMatchesCentralDifferences() {
    int quadratic = checkGradient(MpcProblem.Norm.QUADRATIC, 4, 40, 1e-6, true);
    int l1 = checkGradient(MpcProblem.Norm.L1, 5, 40, 1e-6, true);
    int linf = checkGradient(MpcProblem.Norm.LINF, 6, 40, 1e-6, true);
    assertTrue(quadratic >= 80 && l1 >= 60 && linf >= 60, quadratic + ", " + l1 + " and " + linf
        + " % of the entries were away from a kink");
  }

  @Test
  void convergesToTheExactOptimumOfAQuadraticProblem() {
    MpcProblem p = PlannerFixtures.doubleIntegrator(MpcProblem.Norm.QUADRATIC, 10);
    PlanRequest r = PlannerFixtures.request(p, new double[] {1, 0}, null);
    double[][] exact = PlannerFixtures.leastSquaresOptimum(p, r);
    assertTrue(p.admissible(exact, r.previousInput(), 0), "the optimum lies inside the box: " + java.util.Arrays.deepToString(exact));
    double jStar = PlannerFixtures.cost(p, r, exact);
    double jSafe = PlannerFixtures.cost(p, r, PlannerFixtures.held(p, r.previousInput()));
    Plan quick = GradientPlanner.builder(p).build().plan(r);
    assertEquals(PlanStatus.BEST_FOUND, quick.status());
    assertTrue(quick.objective() - jStar < 1e-2 * (jSafe - jStar), quick + " vs J* = " + jStar + ", safe " + jSafe);
    Plan converged = GradientPlanner.builder(p).iterations(5000).build().plan(r);
    assertEquals(jStar, converged.objective(), 1e-9 * jStar, converged.toString());
    double[][] u = converged.inputs();
    for (int t = 0; t < u.length; t++) {
      assertArrayEquals(exact[t], u[t], 1e-4, "u_" + t);
    }
  }

  @Test
  void worksWithoutAnInputBox() {
    MpcProblem p = MpcProblem.builder(new DoubleIntegrator(0.1), 10).norm(MpcProblem.Norm.QUADRATIC)
        .stateWeights(1, 0.1).terminalWeights(10, 1).inputWeights(0.01).inputRateWeights(0.05).build();
    PlanRequest r = PlannerFixtures.request(p, new double[] {1, 0}, null);
    double jStar = PlannerFixtures.cost(p, r, PlannerFixtures.leastSquaresOptimum(p, r));
    Plan plan = GradientPlanner.builder(p).iterations(5000).build().plan(r);
    assertEquals(jStar, plan.objective(), 1e-9 * jStar, plan.toString());
  }

  /**
   * With L1 costs descent along a subgradient stalls on a kink: here on the ridge where an error term is 0,
   * at J = 2.27 with the default first step and any number of iterations (2.03 with s₀ ≥ 0.25), against the
   * optimum 1.91 and 2.60 for u_ref held. Within 20 %, where the samplers come within 1 %.
   */
  @Test
  void nearTheBruteForceOptimumOfATwoStepL1Problem() {
    PlannerContract.nearTheBruteForceOptimumOfAnL1Problem(p -> GradientPlanner.builder(p).build(), 0.2);
    PlannerContract.nearTheBruteForceOptimumOfAnL1Problem(p -> GradientPlanner.builder(p).step(0.25).build(), 0.07);
  }

  @Test
  void plansAreAdmissibleAndValidatedOnRandomProblems() {
    PlannerContract.plansAreAdmissibleAndValidated(p -> GradientPlanner.builder(p).iterations(10).build(), 4, 300);
  }

  @Test
  void deterministic() {
    MpcProblem p = PlannerFixtures.doubleIntegrator(MpcProblem.Norm.L1, 8);
    PlanRequest r = PlannerFixtures.request(p, new double[] {1, -0.5}, null);
    GradientPlanner gd = GradientPlanner.builder(p).build();
    Plan a = gd.plan(r);
    assertArrayEquals(a.inputs(), gd.plan(r).inputs());
    assertEquals(a.objective(), GradientPlanner.builder(p).build().plan(r).objective(), 0.0);
  }

  @Test
  void badRequestsAndOptionsAreRefused() {
    PlannerContract.badRequestsAreRefused(p -> GradientPlanner.builder(p).build());
    MpcProblem p = PlannerFixtures.doubleIntegrator(MpcProblem.Norm.L1, 3);
    MpcException e = assertThrows(MpcException.class, () -> GradientPlanner.builder(p).step(0));
    assertEquals("gd: step must be in (0, 1] box widths, got 0.0", e.getMessage());
    e = assertThrows(MpcException.class, () -> GradientPlanner.builder(p).backtracking(1));
    assertEquals("gd: backtracking must be in (0.0, 1.0), got 1.0", e.getMessage());
    e = assertThrows(MpcException.class, () -> GradientPlanner.builder(p).armijo(-0.1));
    assertEquals("gd: armijo must be in [0.0, 1.0), got -0.1", e.getMessage());
    e = assertThrows(MpcException.class, () -> GradientPlanner.builder(p).iterations(0));
    assertEquals("gd: iterations must be at least 1, got 0", e.getMessage());
  }

  @Test
  void allocatesNothingPerIteration() {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    MpcProblem p = PlannerFixtures.doubleIntegrator(MpcProblem.Norm.QUADRATIC, 10);
    PlanRequest r = PlannerFixtures.request(p, new double[] {1, 0}, null);
    long[] bytes = new long[2];
    int[] iterations = {2, 200};
    for (int k = 0; k < 2; k++) {
      GradientPlanner gd = GradientPlanner.builder(p).iterations(iterations[k]).build();
      for (int warm = 0; warm < 3; warm++) {
        gd.plan(r);
      }
      long id = Thread.currentThread().getId();
      long before = mx.getThreadAllocatedBytes(id);
      Plan plan = gd.plan(r);
      bytes[k] = mx.getThreadAllocatedBytes(id) - before;
      assertTrue(plan.stats().nodes() > iterations[k] / 2, "most iterations ran: " + plan);
    }
    assertTrue(Math.abs(bytes[1] - bytes[0]) < 4096, "2 iterations allocated " + bytes[0] + " bytes, 200 iterations "
        + bytes[1]);
  }
}
