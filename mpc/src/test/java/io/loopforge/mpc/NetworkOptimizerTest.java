package io.loopforge.mpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.mpc.NetworkOptimizer.Result;
import io.loopforge.mpc.NetworkOptimizer.Sense;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NetworkOptimizerTest {
  private static final NetworkOptimizer OPTIMIZER = NetworkOptimizer.builder().timeLimit(Duration.ofSeconds(60))
      .build();

  /**
   * OMLT's example shape: 1 → 30 → 30 → 1, minimised over [−1, 1] with the default search (ReLU phases; 0.7 s
   * here, ojAlgo's generic search 19 s). CBC solves the MILP as written to MPS.
   */
  @Test
  void omltShapeAgreesWithCbcAndWithDenseSampling() throws IOException {
    FoldedReluNetwork net = TestNetworks.scalar(new int[] {30, 30}, 3);
    double[] lo = {-1};
    double[] hi = {1};
    for (Sense sense : List.of(Sense.MINIMIZE)) { // maximising: twoInputsAndAResidualNetwork
      Result r = OPTIMIZER.optimize(net, lo, hi, 0, sense);
      assertEquals(NetworkOptimizer.Status.OPTIMAL, r.status(), sense.toString());
      assertTrue(r.validated(), r.toString());
      double sign = sense == Sense.MINIMIZE ? 1 : -1;
      // dense sampling: never better than the proven optimum, and close to it
      double best = Double.POSITIVE_INFINITY;
      double[] f = new double[1];
      int samples = 200_001;
      for (int i = 0; i < samples; i++) {
        double x = -1 + 2.0 * i / (samples - 1);
        net.evaluate(new double[] {x}, f);
        best = Math.min(best, sign * f[0]);
      }
      double tol = 1e-7 * Math.max(1, Math.abs(r.optimum()));
      assertTrue(best >= sign * r.optimum() - tol, sense + ": sampling found " + sign * best + " beyond the optimum "
          + r.optimum());
      assertTrue(best - sign * r.optimum() <= 1e-3, sense + ": sampling's best " + sign * best + " is far from "
          + r.optimum());
      // the same problem written as MPS and solved by CBC
      CbcRunner cbc = CbcRunner.builder().timeLimit(Duration.ofSeconds(30)).build();
      assumeTrue(cbc.available(), "cbc is not installed (Debian package coinor-cbc)");
      CbcRunner.Result c = cbc.solve(OPTIMIZER.problem(net, lo, hi, 0, sense).instance());
      assertEquals(CbcRunner.Status.OPTIMAL, c.status(), c.statusLine());
      assertEquals(r.milpObjective(), sign * c.objective(), 1e-6 * Math.max(1, Math.abs(r.milpObjective())));
    }
  }

  /** Either search: the same optimum, never beaten by a grid over the box. */
  @ParameterizedTest
  @EnumSource(NetworkOptimizer.Search.class)
  void twoInputsAndAResidualNetwork(NetworkOptimizer.Search search) {
    FoldedReluNetwork net = TestNetworks.random(List.of("x", "v"), List.of("u"), new int[] {8, 8}, true, 1.0, 0.3, 5);
    double[] lo = {-1, -0.5, -2};
    double[] hi = {1, 0.5, 2};
    Result r = NetworkOptimizer.builder().search(search).build().optimize(net, lo, hi, 1, Sense.MAXIMIZE);
    assertEquals(2.884597238877713, r.optimum(), 1e-9, "the optimum both searches find");
    assertEquals(NetworkOptimizer.Status.OPTIMAL, r.status());
    assertTrue(r.validated(), r.toString());
    double[] next = new double[2];
    net.step(new double[] {r.input()[0], r.input()[1]}, new double[] {r.input()[2]}, next);
    assertEquals(next[1], r.optimum(), 1e-12, "the optimum is the predicted next state x + f");
    double best = Double.NEGATIVE_INFINITY;
    int n = 60;
    for (int i = 0; i <= n; i++) {
      for (int j = 0; j <= n; j++) {
        for (int k = 0; k <= n; k++) {
          double[] x = {lo[0] + (hi[0] - lo[0]) * i / n, lo[1] + (hi[1] - lo[1]) * j / n};
          net.step(x, new double[] {lo[2] + (hi[2] - lo[2]) * k / n}, next);
          best = Math.max(best, next[1]);
        }
      }
    }
    assertTrue(best <= r.optimum() + 1e-7 * Math.max(1, Math.abs(r.optimum())), best + " > " + r.optimum());
    assertTrue(r.optimum() <= r.bound() + 1e-6, "the bound is no better than the optimum");
  }

  @Test
  void badBoxesAndOutputsAreReported() {
    FoldedReluNetwork net = TestNetworks.scalar(new int[] {4}, 1);
    MpcException e = assertThrows(MpcException.class,
        () -> OPTIMIZER.optimize(net, new double[] {0, 0}, new double[] {1, 1}, 0, Sense.MINIMIZE));
    assertEquals("the box has 2 intervals, the network has 1 inputs [x]", e.getMessage());
    e = assertThrows(MpcException.class,
        () -> OPTIMIZER.optimize(net, new double[] {1}, new double[] {0}, 0, Sense.MINIMIZE));
    assertEquals("interval 1 of the box (x) is [1.0, 0.0]; it must be finite with lower ≤ upper", e.getMessage());
    e = assertThrows(MpcException.class,
        () -> OPTIMIZER.optimize(net, new double[] {0}, new double[] {1}, 1, Sense.MINIMIZE));
    assertEquals("output 1 does not exist; the network has 1 outputs [x]", e.getMessage());
  }
}
