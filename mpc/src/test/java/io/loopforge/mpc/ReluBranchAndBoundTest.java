package io.loopforge.mpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.loopforge.modeling.nn.FoldedReluNetwork;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The ReLU-phase search with its node LPs in double ({@link MipPlanner.NodeLp#DUAL_SIMPLEX}) against the same
 * search on ojAlgo's LP and against CBC on the exported program: the same optimum (1e-6 relative) on random
 * MPC programs of a residual network with two hidden layers, from random states and previous inputs.
 */
class ReluBranchAndBoundTest {
  private static MpcProblem problem(FoldedReluNetwork net) {
    return MpcProblem.builder(net, 3).stateReference(0.3, 0, 0).stateWeights(4, 1, 0.5).terminalWeights(8, 2, 1)
        .inputWeights(0.1).inputRateWeights(0.05).inputBounds(new double[] {-2}, new double[] {2}).inputRateLimit(1)
        .stateBounds(new double[] {-1, -1, -1}, new double[] {1, 1, 1}, 50).build();
  }

  /** A request from a random state and previous input in the region the tests use. */
  private static PlanRequest randomRequest(MpcProblem p, SplittableRandom rnd) {
    double[] x0 = {rnd.nextDouble(-0.8, 0.8), rnd.nextDouble(-0.8, 0.8), rnd.nextDouble(-0.8, 0.8)};
    double[] prev = {rnd.nextDouble(-1, 1)};
    return new PlanRequest(x0, p.constantWindow(p.stateReference()), prev, null);
  }

  /** A random request and its root bounds (the default tightening). */
  private record Start(MpcProblem problem, FoldedReluNetwork net, PlanRequest request, HorizonBounds bounds) {
    static Start random(MpcProblem p, FoldedReluNetwork net, SplittableRandom rnd) {
      PlanRequest r = randomRequest(p, rnd);
      return new Start(p, net, r, BoundTightener.builder().build().bound(p, net, r.state(), r.previousInput()));
    }

    /** A fresh search of the request, with the dual simplex. */
    ReluBranchAndBound search() {
      return new ReluBranchAndBound(problem, net, request, bounds, MipPlanner.NodeLp.DUAL_SIMPLEX);
    }
  }

  /** The plan that holds {@code prev} over the horizon. */
  private static double[][] held(MpcProblem p, double[] prev) {
    double[][] held = new double[p.horizon()][];
    for (int t = 0; t < held.length; t++) {
      held[t] = prev.clone();
    }
    return held;
  }

  @Test
  void theDualSimplexSearchFindsOjAlgosAndCbcsOptimum() throws IOException {
    FoldedReluNetwork net = TestNetworks.random(List.of("a", "b", "c"), List.of("u"), new int[] {6, 4}, true, 0.6,
        0.2, 7);
    MpcProblem p = problem(net);
    MipPlanner simplex = MipPlanner.builder(p).timeLimit(Duration.ofSeconds(20)).build();
    MipPlanner ojalgo = MipPlanner.builder(p).timeLimit(Duration.ofSeconds(20)).nodeLp(MipPlanner.NodeLp.OJALGO)
        .build();
    CbcRunner cbc = CbcRunnerTest.CBC;
    SplittableRandom rnd = new SplittableRandom(15);
    int withBinaries = 0;
    for (int k = 0; k < 6; k++) {
      PlanRequest r = randomRequest(p, rnd);
      Plan a = simplex.plan(r);
      Plan b = ojalgo.plan(r);
      String where = "case " + k + ": " + a.detail() + " / " + b.detail();
      assertEquals(PlanStatus.OPTIMAL, a.status(), where);
      assertEquals(PlanStatus.OPTIMAL, b.status(), where);
      assertEquals(b.objective(), a.objective(), 1e-6 * Math.max(1, Math.abs(b.objective())), where);
      if (a.stats().binariesAfter() > 0) {
        withBinaries++;
      }
      if (cbc.available() && k % 3 == 0) {
        CbcRunner.Result res = cbc.solve(simplex.lastInstance());
        assertEquals(CbcRunner.Status.OPTIMAL, res.status(), where + ": " + res.statusLine());
        assertEquals(res.objective(), a.objective(), 1e-6 * Math.max(1, Math.abs(a.objective())) + 1e-8, where);
      }
    }
    assumeTrue(withBinaries >= 3, "too few programs with binaries: " + withBinaries);
  }

  @Test
  void reliabilityBranchingWithTheDualSimplexMatchesTheSearchOnOjAlgoAndRepeatsItself() {
    // random one-hidden-layer networks, wider than above, over a horizon of 3: the search with strong branching
    // and pseudo-costs on the dual simplex (every node LP settled by the simplex, none handed to ojAlgo) finds
    // the optimum the search on ojAlgo's LP (widest gap, no strong branching) finds, and a second run the same
    // plan with the same count of LPs
    SplittableRandom rnd = new SplittableRandom(21);
    int branched = 0;
    for (int k = 0; k < 8; k++) {
      FoldedReluNetwork net = TestNetworks.random(List.of("a", "b", "c"), List.of("u"), new int[] {10}, true, 0.6,
          0.2, 100 + k);
      MpcProblem p = problem(net);
      PlanRequest r = randomRequest(p, rnd);
      HorizonBounds bounds = BoundTightener.builder().budget(Duration.ofSeconds(5)).build().bound(p, net, r.state(),
          r.previousInput());
      long far = System.nanoTime() + 60_000_000_000L;
      double[][] held = held(p, r.previousInput());
      ReluBranchAndBound simplex = new ReluBranchAndBound(p, net, r, bounds, MipPlanner.NodeLp.DUAL_SIMPLEX);
      ReluBranchAndBound.Result a = simplex.solve(held, far);
      ReluBranchAndBound.Result again = new ReluBranchAndBound(p, net, r, bounds, MipPlanner.NodeLp.DUAL_SIMPLEX)
          .solve(held, far);
      ReluBranchAndBound.Result b = new ReluBranchAndBound(p, net, r, bounds, MipPlanner.NodeLp.OJALGO)
          .solve(held, far);
      String where = "case " + k + ": " + a.objective() + " (" + a.nodes() + " nodes, " + a.strongLps()
          + " strong) vs " + b.objective() + " (" + b.nodes() + " nodes)";
      assertTrue(a.proven() && b.proven(), where);
      assertEquals(b.objective(), a.objective(), 1e-6 * Math.max(1, Math.abs(b.objective())), where);
      assertEquals(0, simplex.simplexFallbacks(), where);
      assertEquals(a.objective(), again.objective(), 0.0, where);
      assertEquals(a.nodes(), again.nodes(), where);
      assertEquals(a.strongLps(), again.strongLps(), where);
      if (a.strongLps() > 0) {
        branched++;
      }
    }
    assertTrue(branched >= 4, "strong branching ran in " + branched + " of 8 cases");
  }

  @Test
  void theRegionSearchEndsAtTheBestPlanOfItsLinearRegion() {
    // from the safe input held, the search over linear regions (no branching) reaches a plan no worse than it, and
    // no admissible plan near it in the same region is better: J is convex on a region (the network is affine
    // there), so the region's LP optimum is the region's minimum
    FoldedReluNetwork net = TestNetworks.random(List.of("a", "b", "c"), List.of("u"), new int[] {6, 4}, true, 0.6,
        0.2, 7);
    MpcProblem p = problem(net);
    SplittableRandom rnd = new SplittableRandom(33);
    int improved = 0;
    for (int k = 0; k < 8; k++) {
      Start s = Start.random(p, net, rnd);
      double[] x0 = s.request().state();
      double[] prev = s.request().previousInput();
      double[][] ref = s.request().reference();
      double[][] held = held(p, prev);
      ReluBranchAndBound search = s.search();
      double[][] u = search.searchRegions(held, false, System.nanoTime() + 60_000_000_000L);
      double j0 = p.evaluate(x0, ref, prev, held, null);
      double j = p.evaluate(x0, ref, prev, u, null);
      String where = "case " + k + ": J " + j + " from " + j0;
      assertTrue(p.admissible(u, prev, 1e-9), where);
      assertTrue(j <= j0, where);
      if (j < j0 - 1e-6 * Math.max(1, j0)) {
        improved++;
      }
      byte[] region = search.regionOf(u);
      int inRegion = 0;
      for (int trial = 0; trial < 400; trial++) {
        double[][] v = new double[u.length][];
        double[] before = prev;
        for (int t = 0; t < u.length; t++) {
          v[t] = new double[] {u[t][0] + rnd.nextDouble(-1e-3, 1e-3)};
          p.clip(v[t], before);
          before = v[t];
        }
        if (!Arrays.equals(region, search.regionOf(v))) {
          continue;
        }
        inRegion++;
        double jv = p.evaluate(x0, ref, prev, v, null);
        assertTrue(jv >= j - 1e-9 * Math.max(1, Math.abs(j)), where + ": a plan of the same region has J " + jv);
      }
      assertTrue(inRegion >= 20, where + ": only " + inRegion + " of 400 perturbations stayed in the region");
    }
    assertTrue(improved >= 4, "the region search improved on the held input in " + improved + " of 8 cases");
  }

  @Test
  void kicksReachPlansTheMovesBetweenNeighbouringRegionsDoNot() {
    // from the held input, the region search with kicks (one input moved to an end of its box, every step and
    // end) never ends worse than without and, on some of these programs, better: a basin the moves do not reach
    SplittableRandom rnd = new SplittableRandom(41);
    int better = 0;
    for (int k = 0; k < 12; k++) {
      FoldedReluNetwork net = TestNetworks.random(List.of("a", "b", "c"), List.of("u"), new int[] {6, 4}, true, 0.6,
          0.2, 200 + k);
      MpcProblem p = problem(net);
      Start s = Start.random(p, net, rnd);
      double[] x0 = s.request().state();
      double[] prev = s.request().previousInput();
      double[][] ref = s.request().reference();
      double[][] held = held(p, prev);
      long far = System.nanoTime() + 60_000_000_000L;
      double plain = p.evaluate(x0, ref, prev, s.search().searchRegions(held, false, far), null);
      double[][] u = s.search().searchRegions(held, true, far);
      double kicked = p.evaluate(x0, ref, prev, u, null);
      assertTrue(p.admissible(u, prev, 1e-9), "case " + k);
      assertTrue(kicked <= plain, "case " + k + ": " + kicked + " with kicks, " + plain + " without");
      if (kicked < plain - 1e-6 * Math.max(1, plain)) {
        better++;
      }
    }
    assertTrue(better >= 3, "the kicks found a better plan in " + better + " of 12 programs");
  }
}
