package io.loopforge.mpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.Function;

/** What every sampling or gradient planner must do, asserted the same way for each. */
final class PlannerContract {
  private PlannerContract() {}

  /**
   * On the double integrator with a quadratic cost, J of the plan closes at least {@code 1 − maxGap} of the
   * gap between u_ref held (the safe input) and the exact optimum J*; returns the gap reached.
   */
  static double closesTheGapToTheExactOptimum(Function<MpcProblem, Planner> make, double maxGap) {
    MpcProblem p = PlannerFixtures.doubleIntegrator(MpcProblem.Norm.QUADRATIC, 10);
    PlanRequest r = PlannerFixtures.request(p, new double[] {1, 0}, null);
    double jStar = PlannerFixtures.cost(p, r, PlannerFixtures.leastSquaresOptimum(p, r));
    double jSafe = PlannerFixtures.cost(p, r, PlannerFixtures.held(p, r.previousInput()));
    Plan plan = make.apply(p).plan(r);
    assertEquals(PlanStatus.BEST_FOUND, plan.status(), plan.toString());
    double gap = (plan.objective() - jStar) / (jSafe - jStar);
    assertTrue(gap >= -1e-9, "below the exact optimum J* = " + jStar + ": " + plan);
    assertTrue(gap <= maxGap, "J = " + plan.objective() + ", J* = " + jStar + ", safe " + jSafe + ": gap " + gap);
    return gap;
  }

  /**
   * With an L1 cost over two steps, J of the plan is within {@code tol} (relative) of the optimum found by
   * brute force on a grid of the box refined around its best point.
   */
  static void nearTheBruteForceOptimumOfAnL1Problem(Function<MpcProblem, Planner> make, double tol) {
    MpcProblem p = MpcProblem.builder(new DoubleIntegrator(0.5), 2).stateWeights(1, 0.5).terminalWeights(4, 2)
        .inputWeights(0.1).inputBounds(new double[] {-1}, new double[] {1}).build();
    PlanRequest r = PlannerFixtures.request(p, new double[] {0.6, -0.2}, null);
    double[][] u = new double[2][1];
    double best = Double.POSITIVE_INFINITY;
    double c0 = 0;
    double c1 = 0;
    double half = 1;
    for (int round = 0; round < 6; round++) {
      double b0 = c0;
      double b1 = c1;
      for (int i = -50; i <= 50; i++) {
        for (int k = -50; k <= 50; k++) {
          u[0][0] = Math.max(-1, Math.min(1, b0 + half * i / 50));
          u[1][0] = Math.max(-1, Math.min(1, b1 + half * k / 50));
          double j = PlannerFixtures.cost(p, r, u);
          if (j < best) {
            best = j;
            c0 = u[0][0];
            c1 = u[1][0];
          }
        }
      }
      half /= 10;
    }
    double jSafe = PlannerFixtures.cost(p, r, PlannerFixtures.held(p, r.previousInput()));
    Plan plan = make.apply(p).plan(r);
    assertTrue(plan.objective() >= best - 1e-9, plan + " is below the brute-force optimum " + best);
    assertTrue(plan.objective() - best <= tol * best, plan + ", brute force " + best + " at (" + c0 + ", " + c1
        + "), safe " + jSafe);
  }

  /**
   * On random problems (norms, boxes, rate limits, state boxes, warm starts inside and outside the box):
   * every plan is BEST_FOUND, admissible, its states are the model's rollout, its J is evaluate's, and it is
   * no worse than the start (the warm start made admissible, or u_ref held).
   */
  static void plansAreAdmissibleAndValidated(Function<MpcProblem, Planner> make, long seed, int cases) {
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int c = 0; c < cases; c++) {
      PlannerFixtures.Case k = PlannerFixtures.randomCase(rnd);
      MpcProblem p = k.problem();
      PlanRequest r = k.request();
      Plan plan = make.apply(p).plan(r);
      String where = "case " + c + ": " + p + ", " + plan;
      assertEquals(PlanStatus.BEST_FOUND, plan.status(), where);
      double[][] u = plan.inputs();
      assertTrue(p.admissible(u, r.previousInput(), 1e-9), where);
      double[][] states = new double[p.horizon() + 1][p.stateDim()];
      assertEquals(p.evaluate(r.state(), r.reference(), r.previousInput(), u, states), plan.objective(), 0.0, where);
      double[][] predicted = plan.states();
      for (int t = 0; t <= p.horizon(); t++) {
        assertArrayEquals(states[t], predicted[t], 0.0, where + ", state " + t);
      }
      double[][] start = new double[p.horizon()][p.inputDim()];
      InputSequences.start(p, r, start);
      assertTrue(plan.objective() <= PlannerFixtures.cost(p, r, start), where + " is worse than its start");
    }
  }

  /**
   * The same request and seed give the same plan, whatever the planner planned before; another seed, or
   * another state, another plan.
   */
  static void seededAndReproducible(Function<Long, Planner> make) {
    Planner a = make.apply(7L);
    MpcProblem p = a.problem();
    PlanRequest r = PlannerFixtures.request(p, new double[] {1, -0.5}, null);
    Plan first = a.plan(r);
    Plan again = make.apply(7L).plan(r);
    assertEquals(first.objective(), again.objective(), 0.0);
    assertArrayEquals(first.inputs(), again.inputs());
    Plan elsewhere = a.plan(PlannerFixtures.request(p, new double[] {0.5, 0.2}, null));
    assertArrayEquals(first.inputs(), a.plan(r).inputs(), "the same request on a planner used in between");
    Plan other = make.apply(8L).plan(r);
    assertTrue(first.objective() != other.objective(), "seeds 7 and 8 gave the same J " + first.objective());
    double[][] u = elsewhere.inputs();
    double[][] v = make.apply(7L).plan(PlannerFixtures.request(p, new double[] {0.5, 0.2 + 1e-12}, null)).inputs();
    assertTrue(!java.util.Arrays.deepEquals(u, v), "a state 1e-12 away draws other samples");
  }

  /** Requests that do not fit the problem, and a problem without a finite input box, are refused by name. */
  static void badRequestsAreRefused(Function<MpcProblem, Planner> make) {
    MpcProblem p = PlannerFixtures.doubleIntegrator(MpcProblem.Norm.L1, 3);
    Planner planner = make.apply(p);
    double[][] window = p.constantWindow(new double[2]);
    MpcException e = assertThrows(MpcException.class,
        () -> planner.plan(new PlanRequest(new double[3], window, new double[1], null)));
    assertEquals("the state has 3 values but the model has 2 states [p, v]", e.getMessage());
    e = assertThrows(MpcException.class,
        () -> planner.plan(new PlanRequest(new double[2], new double[3][2], new double[1], null)));
    assertEquals("the reference window has 3 rows, expected H + 1 = 4", e.getMessage());
    e = assertThrows(MpcException.class,
        () -> planner.plan(new PlanRequest(new double[2], window, new double[2], null)));
    assertEquals("the previous input has 2 values but the model has 1 inputs [f]", e.getMessage());
    e = assertThrows(MpcException.class,
        () -> planner.plan(new PlanRequest(new double[2], window, new double[1], new double[2][1])));
    assertEquals("the warm start has 2 rows, expected H = 3 rows of 1 inputs", e.getMessage());
  }

  /** A problem whose input box is unbounded on one side: the planner's builder names the input. */
  static MpcException infiniteBoxRefused(Function<MpcProblem, Planner> make) {
    MpcProblem p = MpcProblem.builder(new DoubleIntegrator(0.1), 3)
        .inputBounds(new double[] {-1}, new double[] {Double.POSITIVE_INFINITY}).build();
    return assertThrows(MpcException.class, () -> make.apply(p));
  }

  /** Plans on the two-link model are the same bit for bit with 1, 2 and 3 threads. */
  static void threadsDoNotChangeThePlan(java.util.function.BiFunction<MpcProblem, Integer, Planner> make) {
    SplittableRandom rnd = new SplittableRandom(5);
    for (int c = 0; c < 5; c++) {
      PlannerFixtures.Case k = PlannerFixtures.randomCase(rnd);
      Plan one = make.apply(k.problem(), 1).plan(k.request());
      for (int threads = 2; threads <= 3; threads++) {
        Plan more = make.apply(k.problem(), threads).plan(k.request());
        assertEquals(one.objective(), more.objective(), 0.0, threads + " threads");
        assertArrayEquals(one.inputs(), more.inputs(), threads + " threads");
      }
    }
  }

  /**
   * The bytes one plan call allocates do not grow with the sample count: storage is allocated when the
   * planner is built, not per sample ({@code samples → planner}).
   */
  static void allocatesNothingPerSample(Function<Integer, Planner> make) {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long[] bytes = new long[2];
    int[] sizes = {32, 512};
    for (int k = 0; k < 2; k++) {
      Planner planner = make.apply(sizes[k]);
      PlanRequest r = PlannerFixtures.request(planner.problem(), new double[] {1, -0.5}, null);
      for (int warm = 0; warm < 3; warm++) {
        planner.plan(r);
      }
      long id = Thread.currentThread().getId();
      long before = mx.getThreadAllocatedBytes(id);
      planner.plan(r);
      bytes[k] = mx.getThreadAllocatedBytes(id) - before;
    }
    assertTrue(Math.abs(bytes[1] - bytes[0]) < 4096, "a plan with 32 samples allocated " + bytes[0]
        + " bytes, with 512 samples " + bytes[1]);
  }
}
