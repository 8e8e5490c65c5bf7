package io.loopforge.mpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.loopforge.modeling.excitation.Excitation;
import io.loopforge.modeling.excitation.ExcitationKind;
import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.plant.Pendulum;
import io.loopforge.modeling.plant.PlantSimulator;
import io.loopforge.modeling.sindy.FeatureLibrary;
import io.loopforge.modeling.sindy.Sindy;
import io.loopforge.modeling.sindy.SindyModel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MipPlannerTest {
  private static final List<String> X = List.of("x");
  private static final List<String> U = List.of("u");

  /** One state, one input, H = 2: every cost term, the rate limit and the soft box are in play. */
  private static MpcProblem scalarProblem(FoldedReluNetwork net, MpcProblem.Norm norm) {
    return MpcProblem.builder(net, 2).norm(norm).stateReference(0.4).stateWeights(1).terminalWeights(2)
        .inputWeights(0.1).inputReference(0.05).inputRateWeights(0.05)
        .inputBounds(new double[] {-1}, new double[] {1}).inputRateLimit(0.8)
        .stateBounds(new double[] {-0.3}, new double[] {0.3}, 2).build();
  }

  private static MipPlanner planner(MpcProblem p) {
    return planner(p, MipPlanner.Search.OJALGO);
  }

  private static MipPlanner planner(MpcProblem p, MipPlanner.Search search) {
    return MipPlanner.builder(p).deterministic(true).timeLimit(Duration.ofSeconds(10))
        .tighteningBudget(Duration.ofSeconds(5)).search(search).build();
  }

  /** The smallest J over a grid of (u0, u1), then over a finer grid around the best point. */
  private static double bruteForce(MpcProblem p, double[] x0, double[] uPrev) {
    double[][] ref = p.constantWindow(new double[] {0.4});
    double best = Double.POSITIVE_INFINITY;
    double bu0 = 0;
    double bu1 = 0;
    int n = 200;
    double[][] u = new double[2][1];
    for (int i = 0; i <= n; i++) {
      for (int k = 0; k <= n; k++) {
        u[0][0] = -1 + 2.0 * i / n;
        u[1][0] = -1 + 2.0 * k / n;
        if (!p.admissible(u, uPrev, 0)) {
          continue;
        }
        double j = p.evaluate(x0, ref, uPrev, u, null);
        if (j < best) {
          best = j;
          bu0 = u[0][0];
          bu1 = u[1][0];
        }
      }
    }
    for (int i = -100; i <= 100; i++) {
      for (int k = -100; k <= 100; k++) {
        u[0][0] = bu0 + 1e-4 * i;
        u[1][0] = bu1 + 1e-4 * k;
        if (p.admissible(u, uPrev, 0)) {
          best = Math.min(best, p.evaluate(x0, ref, uPrev, u, null));
        }
      }
    }
    return best;
  }

  @Test
  void theOptimumMatchesBruteForceOnAOneStateNetworkWithTwoSteps() {
    for (MpcProblem.Norm norm : new MpcProblem.Norm[] {MpcProblem.Norm.L1, MpcProblem.Norm.LINF}) {
      for (long seed = 1; seed <= 3; seed++) {
        FoldedReluNetwork net = TestNetworks.random(X, U, new int[] {5}, seed != 2, 1.0, 0.3, seed);
        MpcProblem p = scalarProblem(net, norm);
        double[] x0 = {0.1 * seed};
        double[] uPrev = {0.2};
        double best = bruteForce(p, x0, uPrev);
        for (MipPlanner.Search search : MipPlanner.Search.values()) {
          MipPlanner mip = planner(p, search);
          Plan plan = mip.plan(new PlanRequest(x0, p.constantWindow(new double[] {0.4}), uPrev, null));
          String where = norm + ", seed " + seed + ", " + search + ": " + plan;
          assertEquals(PlanStatus.OPTIMAL, plan.status(), where);
          assertTrue(plan.objective() <= best + 1e-9, where + " vs brute force " + best);
          // J is piecewise linear with slopes of order 10: the fine grid is within 1e-3 of the optimum
          assertTrue(plan.objective() >= best - 1e-3, where + " vs brute force " + best);
          double[][] states = new double[3][1];
          assertEquals(p.evaluate(x0, p.constantWindow(new double[] {0.4}), uPrev, plan.inputs(), states),
              plan.objective(), 0.0);
          assertArrayEquals(states[2], plan.states()[2], 0.0, "the plan's states are the network's");
          assertTrue(p.admissible(plan.inputs(), uPrev, 0));
          MipReport r = mip.lastReport();
          assertEquals(r.bounds().binariesTightened(), r.binaries());
          assertEquals(plan.stats().binariesAfter(), r.binaries());
          assertTrue(r.maxStateError() <= 1e-9, where + " " + r);
          assertEquals(plan.objective(), r.solverObjective(), 1e-9);
        }
      }
    }
  }

  @Test
  void bothSearchesFindTheSameOptimumOnARandomNetworkOverFourSteps() {
    List<String> states = List.of("p", "v");
    for (long seed = 1; seed <= 3; seed++) {
      FoldedReluNetwork net = TestNetworks.random(states, U, new int[] {6, 4}, true, 0.7, 0.3, 20 + seed);
      MpcProblem p = MpcProblem.builder(net, 4).stateReference(0.3, 0).stateWeights(2, 1).inputWeights(0.05)
          .inputBounds(new double[] {-1}, new double[] {1}).inputRateLimit(0.7)
          .stateBounds(new double[] {-0.2, -1}, new double[] {0.4, 1}, 5).build();
      PlanRequest r = new PlanRequest(new double[] {-0.1, 0.2}, p.constantWindow(new double[] {0.3, 0}),
          new double[] {0.1}, null);
      Plan a = planner(p, MipPlanner.Search.OJALGO).plan(r);
      MipPlanner relu = planner(p, MipPlanner.Search.RELU_PHASES);
      Plan b = relu.plan(r);
      assertEquals(PlanStatus.OPTIMAL, a.status(), a.toString());
      assertEquals(PlanStatus.OPTIMAL, b.status(), b.toString());
      assertEquals(a.objective(), b.objective(), 1e-6 * Math.max(1, a.objective()), "seed " + seed);
      assertTrue(b.stats().nodes() > 0);
    }
  }

  @Test
  void aTerminalMatrixIsPlannedExactly() throws java.io.IOException {
    // one state: the rows 2 and −1.5 cost 3.5 |e| in L1 and 2 |e| in L∞, against brute force on evaluate
    for (MpcProblem.Norm norm : new MpcProblem.Norm[] {MpcProblem.Norm.L1, MpcProblem.Norm.LINF}) {
      FoldedReluNetwork net = TestNetworks.random(X, U, new int[] {5}, true, 1.0, 0.3, 3);
      MpcProblem p = MpcProblem.builder(net, 2).norm(norm).stateReference(0.4).stateWeights(1)
          .terminalMatrix(new double[][] {{2}, {-1.5}}).inputWeights(0.1).inputReference(0.05)
          .inputBounds(new double[] {-1}, new double[] {1}).inputRateLimit(0.8)
          .stateBounds(new double[] {-0.3}, new double[] {0.3}, 2).build();
      double[] x0 = {0.2};
      double[] uPrev = {0.2};
      double best = bruteForce(p, x0, uPrev);
      for (MipPlanner.Search search : MipPlanner.Search.values()) {
        Plan plan = planner(p, search).plan(new PlanRequest(x0, p.constantWindow(new double[] {0.4}), uPrev, null));
        String where = norm + ", " + search + ": " + plan;
        assertEquals(PlanStatus.OPTIMAL, plan.status(), where);
        assertTrue(plan.objective() <= best + 1e-9 && plan.objective() >= best - 1e-3, where + " vs " + best);
      }
    }
    // two states, the L1 cost of an LQR tail (non-diagonal rows): both searches and CBC find the same optimum
    FoldedReluNetwork net = TestNetworks.massSpringDamper(0.1, 6, 0.05, 5);
    double[][] tail = TerminalCost.lqrTail(net, new double[2], new double[1], new double[] {2, 1},
        new double[] {0.05}, 0.1, 200);
    MpcProblem p = MpcProblem.builder(net, 4).stateReference(0.3, 0).stateWeights(2, 1).terminalMatrix(tail)
        .inputWeights(0.05).inputBounds(new double[] {-10}, new double[] {10}).inputRateLimit(7)
        .stateBounds(new double[] {-0.2, -1}, new double[] {0.4, 1}, 5).build();
    PlanRequest r = new PlanRequest(new double[] {-0.1, 0.2}, p.constantWindow(new double[] {0.3, 0}),
        new double[] {1}, null);
    MipPlanner ojalgo = planner(p, MipPlanner.Search.OJALGO);
    Plan a = ojalgo.plan(r);
    Plan b = planner(p, MipPlanner.Search.RELU_PHASES).plan(r);
    assertEquals(PlanStatus.OPTIMAL, a.status(), a.toString());
    assertEquals(PlanStatus.OPTIMAL, b.status(), b.toString());
    assertEquals(a.objective(), b.objective(), 1e-6 * Math.max(1, a.objective()));
    assertEquals(p.evaluate(r.state(), r.reference(), r.previousInput(), a.inputs(), null), a.objective(), 1e-9);
    assumeTrue(CbcRunnerTest.CBC.available(), "cbc is not installed (Debian package coinor-cbc)");
    CbcRunner.Result cbc = CbcRunnerTest.CBC.solve(ojalgo.lastInstance());
    assertEquals(CbcRunner.Status.OPTIMAL, cbc.status(), cbc.statusLine());
    assertEquals(a.objective(), cbc.objective(), 1e-6 * Math.max(1, a.objective()));
  }

  @Test
  void aDenseReluNetworkIsFoldedAndTheWarmStartIsTheFirstIncumbent() {
    ReluNetwork dense = TestNetworks.randomDense(List.of("p", "v"), U, new int[] {6}, true, 0.6, 0.3, 4);
    MpcProblem p = MpcProblem.builder(dense, 4).stateReference(0.3, 0).inputWeights(0.01)
        .inputBounds(new double[] {-1}, new double[] {1}).inputRateLimit(0.5).build();
    MipPlanner mip = planner(p);
    assertEquals(dense.reluCount(), mip.network().reluCount());
    double[] x0 = {0, 0.1};
    double[][] ref = p.constantWindow(new double[] {0.3, 0});
    Plan first = mip.plan(new PlanRequest(x0, ref, new double[] {0}, null));
    assertEquals(PlanStatus.OPTIMAL, first.status(), first.toString());
    assertFalse(mip.lastReport().warmStartGiven());
    // from the same state with the optimum as warm start: accepted, and the same optimum comes back
    Plan again = mip.plan(new PlanRequest(x0, ref, new double[] {0}, first.inputs()));
    assertTrue(mip.lastReport().warmStartAccepted(), mip.lastReport().toString());
    assertEquals(first.objective(), again.objective(), 1e-7 * Math.max(1, first.objective()));
    // an inadmissible warm start (rate limit) is not given to the solver
    double[][] bad = {{1}, {-1}, {1}, {-1}};
    mip.plan(new PlanRequest(x0, ref, new double[] {0}, bad));
    assertFalse(mip.lastReport().warmStartGiven());
  }

  @Test
  void aTimeLimitWithoutIncumbentIsNoIncumbentAndWithAWarmStartFeasible() {
    FoldedReluNetwork net = TestNetworks.random(List.of("p", "v"), U, new int[] {16, 16}, true, 1.0, 0.3, 9);
    MpcProblem p = MpcProblem.builder(net, 6).stateReference(0.5, 0)
        .inputBounds(new double[] {-1}, new double[] {1}).build();
    MipPlanner mip = MipPlanner.builder(p).search(MipPlanner.Search.OJALGO).tighten(false)
        .timeLimit(Duration.ofMillis(1)).warmStart(false).build();
    double[] x0 = {0, 0};
    double[][] ref = p.constantWindow(new double[] {0.5, 0});
    Plan plan = mip.plan(new PlanRequest(x0, ref, new double[] {0}, null));
    assertEquals(PlanStatus.NO_INCUMBENT, plan.status(), plan.toString());
    assertTrue(plan.detail().startsWith("the time limit of 1 ms ended the search before any feasible plan was found ("),
        plan.detail());
    assertTrue(mip.lastReport().binaries() > 100, mip.lastReport().toString());
    MipPlanner withStart = MipPlanner.builder(p).search(MipPlanner.Search.OJALGO).tighten(false)
        .timeLimit(Duration.ofMillis(1)).build();
    double[][] warm = {{0.5}, {0.5}, {0.5}, {0.5}, {0.5}, {0.5}};
    Plan feasible = withStart.plan(new PlanRequest(x0, ref, new double[] {0}, warm));
    assertTrue(withStart.lastReport().warmStartAccepted());
    assertEquals(PlanStatus.FEASIBLE, feasible.status(), feasible.toString());
    assertTrue(feasible.objective() <= p.evaluate(x0, ref, new double[] {0}, warm, null) + 1e-9);
    assertTrue(feasible.detail().contains("not proven optimal"), feasible.detail());
    // without a warm start in the request, the safe input held is the first incumbent
    Plan held = withStart.plan(new PlanRequest(x0, ref, new double[] {0}, null));
    assertTrue(withStart.lastReport().warmStartAccepted());
    assertTrue(held.status().usable(), held.toString());
  }

  @Test
  void aPolishedFirstIncumbentIsNoWorseThanGradientShootingFromTheWarmStart() {
    FoldedReluNetwork net = TestNetworks.random(List.of("p", "v"), U, new int[] {16, 16}, true, 1.0, 0.3, 9);
    MpcProblem p = MpcProblem.builder(net, 6).stateReference(0.5, 0).inputWeights(0.01)
        .inputBounds(new double[] {-1}, new double[] {1}).build();
    double[] x0 = {0, 0};
    double[][] ref = p.constantWindow(new double[] {0.5, 0});
    double[][] warm = {{0.5}, {0.5}, {0.5}, {0.5}, {0.5}, {0.5}};
    PlanRequest r = new PlanRequest(x0, ref, new double[] {0}, warm);
    // a time limit that ends the search at once: the plan is the first incumbent (or what the root improved)
    Plan plain = MipPlanner.builder(p).tighten(false).timeLimit(Duration.ofMillis(1)).polish(false).build().plan(r);
    Plan polished = MipPlanner.builder(p).tighten(false).timeLimit(Duration.ofMillis(1)).build().plan(r);
    Plan gd = GradientPlanner.builder(p).build().plan(r);
    assertTrue(plain.status().usable() && polished.status().usable(), plain + " / " + polished);
    double warmCost = p.evaluate(x0, ref, new double[] {0}, warm, null);
    assertTrue(gd.objective() < warmCost - 1e-6, "gradient shooting improves the warm start here: " + gd);
    assertTrue(polished.objective() <= gd.objective() + 1e-9, polished + " against " + gd);
    assertTrue(polished.objective() <= plain.objective() + 1e-9, polished + " against " + plain);
  }

  @Test
  void unreachableInputBoxIsInfeasibleWithTheReason() {
    FoldedReluNetwork net = TestNetworks.random(X, U, new int[] {3}, true, 1.0, 0.3, 1);
    MipPlanner mip = planner(scalarProblem(net, MpcProblem.Norm.L1));
    Plan plan = mip.plan(new PlanRequest(new double[] {0}, mip.problem().constantWindow(new double[] {0}),
        new double[] {3}, null));
    assertEquals(PlanStatus.INFEASIBLE, plan.status());
    assertEquals("no input sequence satisfies the hard constraints: the previous input u = 3.0 is more than its "
        + "rate limit 0.8 away from the input box [-1.0, 1.0]", plan.detail());
    assertEquals(null, mip.lastInstance());
  }

  @Test
  void badProblemsAreRefusedWithTheReason() {
    FoldedReluNetwork net = TestNetworks.random(X, U, new int[] {3}, true, 1.0, 0.3, 1);
    MpcException e = assertThrows(MpcException.class, () -> MipPlanner.builder(
        MpcProblem.builder(net, 3).norm(MpcProblem.Norm.QUADRATIC).inputBounds(new double[] {-1}, new double[] {1})
            .build()));
    assertTrue(e.getMessage().startsWith("the MIP planner needs a linear cost (norm L1 or LINF), but the problem's norm "
        + "is QUADRATIC"), e.getMessage());
    e = assertThrows(MpcException.class, () -> MipPlanner.builder(MpcProblem.builder(net, 3).build()));
    assertEquals("the MIP planner needs a finite input box, but input 'u' is bounded by [-Infinity, Infinity]; set the"
        + " bounds (e.g. the plant's)", e.getMessage());
    e = assertThrows(MpcException.class, () -> MipPlanner.builder(MpcProblem.builder(net, 3)
        .inputBounds(new double[] {-1}, new double[] {Double.POSITIVE_INFINITY}).build()));
    assertTrue(e.getMessage().contains("bounded by [-1.0, Infinity]"), e.getMessage());

    Pendulum pendulum = Pendulum.withDefaults();
    double[][] u = Excitation.generate(ExcitationKind.MULTISINE, 300, 0.01, pendulum.inputLower(),
        pendulum.inputUpper(), 1);
    SindyModel sindy = Sindy.builder().library(FeatureLibrary.polynomial(1)).build()
        .fit(PlantSimulator.withDefaults().collect(pendulum, pendulum.defaultInitialState(), u, 0.01, 1));
    e = assertThrows(MpcException.class, () -> MipPlanner.builder(MpcProblem.builder(sindy, 3)
        .inputBounds(pendulum.inputLower(), pendulum.inputUpper()).build()));
    assertEquals("the MIP planner needs a ReLU network model (a relu-network file); this is a SINDy model of states "
        + "[theta, omega], which has no mixed-integer encoding: fit a ReLU network (identify mlp, sparsify) or use "
        + "another planner (mppi, cem, random, gd, sindy-mpc)", e.getMessage());

    MipPlanner mip = planner(scalarProblem(net, MpcProblem.Norm.L1));
    double[][] ref = mip.problem().constantWindow(new double[] {0});
    e = assertThrows(MpcException.class, () -> mip.plan(new PlanRequest(new double[] {0, 1}, ref, new double[] {0},
        null)));
    assertEquals("the state has 2 values but the model has 1 states [x]", e.getMessage());
    e = assertThrows(MpcException.class, () -> mip.plan(new PlanRequest(new double[] {0}, new double[2][1],
        new double[] {0}, null)));
    assertEquals("the reference window has 2 rows, expected H + 1 = 3", e.getMessage());
    e = assertThrows(MpcException.class, () -> mip.plan(new PlanRequest(new double[] {0}, ref, new double[] {0, 0},
        null)));
    assertEquals("the previous input has 2 values but the model has 1 inputs [u]", e.getMessage());
    e = assertThrows(MpcException.class, () -> mip.plan(new PlanRequest(new double[] {0}, ref, new double[] {0},
        new double[1][1])));
    assertEquals("the warm start has 1 rows, expected H = 2 rows of 1 inputs", e.getMessage());
    e = assertThrows(MpcException.class, () -> MipPlanner.builder(mip.problem()).timeLimit(Duration.ZERO));
    assertEquals("the MIP time limit must be positive, got PT0S", e.getMessage());
    assertSame(net, mip.network());
  }
}
