package io.loopforge.mpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.nn.FoldedReluNetwork;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BoundTightenerTest {
  private static final List<String> STATES = List.of("p", "v");
  private static final List<String> INPUTS = List.of("f");

  private static MpcProblem problem(FoldedReluNetwork net, int h) {
    return MpcProblem.builder(net, h).inputBounds(new double[] {-1}, new double[] {1}).inputRateLimit(0.5)
        // a soft box that the states leave: it must play no part in the bounds
        .stateBounds(new double[] {-0.01, -0.01}, new double[] {0.01, 0.01}, 10).build();
  }

  /** Every pre-activation and state of random admissible input sequences lies inside the bounds. */
  @Test
  void tightenedBoundsContainEveryReachableValue() {
    SplittableRandom rng = new SplittableRandom(5);
    for (long seed = 1; seed <= 4; seed++) {
      FoldedReluNetwork net = TestNetworks.random(STATES, INPUTS, new int[] {6, 5}, seed % 2 == 0, 0.8, 0.3, seed);
      int h = 4;
      MpcProblem p = problem(net, h);
      double[] x0 = {0.3 * (seed - 2), -0.2};
      double[] uPrev = {0.2};
      HorizonBounds interval = BoundTightener.intervalOnly().bound(p, net, x0, uPrev);
      HorizonBounds tight = BoundTightener.builder().budget(Duration.ofSeconds(5)).build().bound(p, net, x0, uPrev);
      assertNull(tight.infeasible());
      assertTrue(!tight.report().budgetExhausted(), "seed " + seed);
      assertEquals(tight.report().binariesTightened(), tight.binaries());
      assertTrue(tight.binaries() <= interval.binaries());
      for (int t = 0; t < h; t++) {
        assertTrue(tight.units(t).within(interval.units(t)), "tightened bounds lie inside the interval ones, step " + t);
      }
      for (int sample = 0; sample < 400; sample++) {
        double[][] u = admissible(rng, p, uPrev, sample);
        assertTrue(p.admissible(u, uPrev, 0));
        double[] x = x0.clone();
        for (int t = 0; t < h; t++) {
          double[] z = {x[0], x[1], u[t][0]};
          checkUnits(net, z, tight.units(t), "seed " + seed + ", sample " + sample + ", step " + t);
          x = net.step(x, u[t]);
          for (int i = 0; i < 2; i++) {
            assertTrue(x[i] >= tight.stateLower(t + 1)[i] && x[i] <= tight.stateUpper(t + 1)[i],
                "state " + i + " at step " + (t + 1) + " = " + x[i] + " outside the bounds, seed " + seed);
          }
        }
      }
    }
  }

  /** Random steps within the rate limits, every tenth sample bang-bang (the corners of the box). */
  static double[][] admissible(SplittableRandom rng, MpcProblem p, double[] uPrev, int sample) {
    int h = p.horizon();
    double[][] u = new double[h][1];
    double prev = uPrev[0];
    for (int t = 0; t < h; t++) {
      double step = sample % 10 == 0 ? (rng.nextBoolean() ? 0.5 : -0.5) : 0.5 * (2 * rng.nextDouble() - 1);
      u[t][0] = Math.max(-1, Math.min(1, prev + step));
      prev = u[t][0];
    }
    return u;
  }

  static void checkUnits(FoldedReluNetwork net, double[] z, ReluBounds b, String where) {
    double[] v = new double[net.offset(net.reluLayerCount())];
    System.arraycopy(z, 0, v, 0, z.length);
    for (int k = 0; k < net.reluLayerCount(); k++) {
      double[] w = net.weights(k);
      double[] bias = net.biases(k);
      int cols = net.offset(k);
      for (int j = 0; j < net.units(k); j++) {
        double a = bias[j];
        for (int c = 0; c < cols; c++) {
          a += w[j * cols + c] * v[c];
        }
        assertTrue(a >= b.lower(k, j) && a <= b.upper(k, j),
            where + ": unit " + j + " of layer " + k + " = " + a + " outside [" + b.lower(k, j) + ", " + b.upper(k, j) + "]");
        v[cols + j] = Math.max(0, a);
      }
    }
  }

  @Test
  void tighteningRemovesBinariesOnAResidualModelOverALongerHorizon() {
    FoldedReluNetwork net = TestNetworks.random(STATES, INPUTS, new int[] {8}, true, 0.5, 0.3, 12);
    MpcProblem p = problem(net, 6);
    HorizonBounds interval = BoundTightener.intervalOnly().bound(p, net, new double[] {0.1, 0}, new double[] {0});
    HorizonBounds tight = BoundTightener.builder().budget(Duration.ofSeconds(5)).build()
        .bound(p, net, new double[] {0.1, 0}, new double[] {0});
    TighteningReport r = tight.report();
    assertEquals(48, r.units());
    assertEquals(interval.binaries(), r.binariesInterval());
    assertTrue(r.removedByTightening() > 0, r.toString());
    assertTrue(r.linearPrograms() > 0);
    assertEquals(0, r.failedLinearPrograms());
    // the last state's box: the LP stage bounds it from the tightened units, tighter than intervals
    for (int i = 0; i < 2; i++) {
      assertTrue(tight.stateUpper(6)[i] - tight.stateLower(6)[i] <= interval.stateUpper(6)[i] - interval.stateLower(6)[i]);
    }
  }

  @Test
  void aZeroBudgetGivesIntervalBounds() {
    FoldedReluNetwork net = TestNetworks.random(STATES, INPUTS, new int[] {8}, true, 0.5, 0.3, 12);
    MpcProblem p = problem(net, 4);
    HorizonBounds none = BoundTightener.builder().budget(Duration.ZERO).build()
        .bound(p, net, new double[] {0.1, 0}, new double[] {0});
    assertTrue(none.report().budgetExhausted());
    assertEquals(none.report().binariesInterval(), none.report().binariesTightened());
    assertEquals(0, none.report().linearPrograms());
  }

  @Test
  void aPreviousInputTooFarOutsideTheBoxIsInfeasible() {
    FoldedReluNetwork net = TestNetworks.random(STATES, INPUTS, new int[] {4}, true, 0.5, 0.3, 1);
    HorizonBounds b = BoundTightener.intervalOnly().bound(problem(net, 3), net, new double[] {0, 0}, new double[] {2});
    assertNotNull(b.infeasible());
    assertTrue(b.infeasible().contains("the previous input f = 2.0 is more than its rate limit 0.5 away from the input "
        + "box [-1.0, 1.0]"), b.infeasible());
  }
}
