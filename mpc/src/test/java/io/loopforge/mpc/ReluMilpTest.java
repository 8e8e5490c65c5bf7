package io.loopforge.mpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.NetworkBounds;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;

class ReluMilpTest {
  private static final MilpSolver SOLVER = MilpSolver.builder().timeLimit(Duration.ofSeconds(10)).deterministic(true)
      .build();

  /** min f(x) over lo ≤ x ≤ hi, encoded with the given bounds. */
  private static MilpInstance minimiseOutput(FoldedReluNetwork net, ReluBounds bounds, double lo, double hi) {
    ExpressionsBasedModel model = new ExpressionsBasedModel();
    Variable x = model.addVariable("x").lower(lo).upper(hi);
    ReluMilp enc = ReluMilp.encode(model, net, List.of(x), bounds, "n_", false);
    Expression objective = model.addExpression("f").weight(1);
    double c = enc.addOutput(objective, 0, 1.0);
    return MilpInstance.of(model, c, "scalar");
  }

  @Test
  void theMinimumOfAScalarNetworkMatchesADenseGrid() {
    for (long seed = 1; seed <= 6; seed++) {
      FoldedReluNetwork net = TestNetworks.scalar(new int[] {6, 5}, seed);
      double lo = -2;
      double hi = 1.5;
      ReluBounds interval = ReluBounds.of(NetworkBounds.of(net, new double[] {lo}, new double[] {hi}));
      MilpSolver.Solution s = SOLVER.solve(minimiseOutput(net, interval, lo, hi));
      assertEquals(Optimisation.State.OPTIMAL, s.state(), "seed " + seed);
      double xStar = s.values()[0];
      double[] f = new double[1];
      net.evaluate(new double[] {xStar}, f);
      assertEquals(f[0], s.objective(), 1e-9, "the objective is the network at the solution, seed " + seed);
      // the network is piecewise linear: a grid finer than its pieces cannot beat the optimum
      double best = Double.POSITIVE_INFINITY;
      int n = 200_000;
      for (int i = 0; i <= n; i++) {
        net.evaluate(new double[] {lo + (hi - lo) * i / n}, f);
        best = Math.min(best, f[0]);
      }
      assertTrue(s.objective() <= best + 1e-9, "seed " + seed + ": MILP " + s.objective() + " vs grid " + best);
      assertTrue(s.objective() >= best - 1e-3, "seed " + seed + ": MILP " + s.objective() + " vs grid " + best);
    }
  }

  @Test
  void stableUnitsGetNoBinary() {
    // layer 0: unit 0 always on (bias 5), unit 1 always off (bias −5), unit 2 unstable;
    // layer 1 reads x and unit 2 so that it needs the LP to be proven stable: a = s₂ − x + 0.1 ≥ 0.1
    FoldedReluNetwork net = new FoldedReluNetwork(List.of("x"), List.of(), 0.1, false,
        List.of(new double[] {0.5, 0.5, 1.0}, new double[] {-1.0, 0, 0, 1.0}),
        List.of(new double[] {5, -5, 0}, new double[] {0.1}), new double[] {1, 1, 1, 1, 1}, new double[] {0});
    ReluBounds interval = ReluBounds.of(NetworkBounds.of(net, new double[] {-1}, new double[] {1}));
    assertEquals(1, interval.stablyActiveCount());
    assertEquals(1, interval.stablyInactiveCount());
    assertEquals(2, interval.unstableCount(), "interval bounds leave the layer-1 unit unstable: " + interval);
    ExpressionsBasedModel model = new ExpressionsBasedModel();
    Variable x = model.addVariable("x").lower(-1).upper(1);
    ReluMilp enc = ReluMilp.encode(model, net, List.of(x), interval, "n_", false);
    assertEquals(2, enc.binaries());
    assertEquals(2, model.getIntegerVariables().size());
    assertNull(enc.binary(0, 0));
    assertNull(enc.postActivation(0, 1), "a stably inactive unit is the constant 0");
    BoundTightener.Single tight = BoundTightener.builder().build().bound(net, new double[] {-1}, new double[] {1});
    assertEquals(1, tight.units().unstableCount(), "the LP proves s₂ − x + 0.1 ≥ 0.1: " + tight.units());
    assertEquals(1, tight.report().removedByTightening());
    assertEquals(0.1, tight.units().lower(1, 0), 1e-5);
    assertEquals(4, tight.report().units());
  }

  @Test
  void assignGivesAPointOjAlgoAcceptsAndTheNetworkValue() {
    FoldedReluNetwork net = TestNetworks.scalar(new int[] {8, 8}, 3);
    ReluBounds b = ReluBounds.of(NetworkBounds.of(net, new double[] {-1}, new double[] {1}));
    for (double xv : new double[] {-1, -0.37, 0, 0.25, 1}) {
      ExpressionsBasedModel model = new ExpressionsBasedModel();
      Variable x = model.addVariable("x").lower(-1).upper(1);
      ReluMilp enc = ReluMilp.encode(model, net, List.of(x), b, "n_", false);
      Variable y = model.addVariable("y");
      Expression out = model.addExpression("out");
      out.add(y, 1.0);
      out.level(-enc.addOutput(out, 0, -1.0));
      x.setValue(BigDecimal.valueOf(xv));
      double[] f = enc.assign(new double[] {xv});
      y.setValue(BigDecimal.valueOf(f[0]));
      double[] expected = new double[1];
      net.evaluate(new double[] {xv}, expected);
      assertEquals(expected[0], f[0], 0.0);
      assertTrue(model.getVariableValues().getState().isFeasible(), "x = " + xv);
    }
  }

  @Test
  void badShapesAreRefused() {
    FoldedReluNetwork net = TestNetworks.scalar(new int[] {3}, 1);
    ExpressionsBasedModel model = new ExpressionsBasedModel();
    Variable x = model.addVariable("x");
    assertThrows(IllegalArgumentException.class, () -> ReluMilp.start(model, net, List.of(x, x), "a", false));
    ReluMilp enc = ReluMilp.start(model, net, List.of(x), "a", false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> enc.addLayer(new double[] {-1, -1, Double.NEGATIVE_INFINITY}, new double[] {1, 1, 1}));
    assertTrue(e.getMessage().contains("finite bounds"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> enc.addOutput(model.addExpression("o"), 0, 1.0));
  }
}
