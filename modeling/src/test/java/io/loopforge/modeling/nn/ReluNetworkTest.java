package io.loopforge.modeling.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReluNetworkTest {
  @Test
  void stepMatchesHandComputation() {
    // 2 states, 1 input, hidden layer of 3: relu, identity, zero
    ReluNetwork net = ReluNetwork.builder(List.of("a", "b"), List.of("u"), 0.1)
        .residual(true)
        .addHiddenLayer(new double[] {1, 0, 0, 0, 1, 0, 1, 1, 1}, new double[] {-1, 0, 5},
            new NeuronKind[] {NeuronKind.RELU, NeuronKind.IDENTITY, NeuronKind.ZERO})
        .output(new double[] {1, 1, 1, 0, 2, 0}, new double[] {0.5, 0})
        .build();
    // x = (3, -2), u = 1: y = (2, -2, 7) → a = (2, -2, 0); f = (0.5 + 2 - 2, -4) = (0.5, -4)
    double[] next = net.step(new double[] {3, -2}, new double[] {1});
    assertArrayEquals(new double[] {3.5, -6}, next, 0.0);
    assertEquals(1, net.reluCount());
    assertEquals(9 + 3 + 6 + 2, net.parameterCount());
    // x = (0.5, ...): the ReLU is off
    double[] next2 = net.step(new double[] {0.5, 1}, new double[] {0});
    assertArrayEquals(new double[] {0.5 + 0.5 + 1, 1 + 2}, next2, 0.0);
  }

  @Test
  void jacobianMatchesFiniteDifferences() {
    SplittableRandom rng = new SplittableRandom(7);
    for (int trial = 0; trial < 20; trial++) {
      ReluNetwork net = SyntheticData.randomNetwork(new int[] {6, 5}, 3, 2, trial % 2 == 0, true, trial);
      double[] x = SyntheticData.random(rng, 3);
      double[] u = SyntheticData.random(rng, 2);
      double[][] a = new double[3][3];
      double[][] b = new double[3][2];
      net.jacobian(x, u, a, b);
      double h = 1e-7;
      for (int j = 0; j < 5; j++) {
        double[] xp = x.clone();
        double[] up = u.clone();
        double[] xm = x.clone();
        double[] um = u.clone();
        if (j < 3) {
          xp[j] += h;
          xm[j] -= h;
        } else {
          up[j - 3] += h;
          um[j - 3] -= h;
        }
        double[] fp = net.step(xp, up);
        double[] fm = net.step(xm, um);
        for (int i = 0; i < 3; i++) {
          double fd = (fp[i] - fm[i]) / (2 * h);
          double exact = j < 3 ? a[i][j] : b[i][j - 3];
          // a kink within h of x would break this; random points avoid it with overwhelming odds
          assertEquals(fd, exact, 1e-5, "trial " + trial + " entry " + i + "," + j);
        }
      }
    }
  }

  @Test
  void builderRejectsMismatchedShapes() {
    ReluNetwork.Builder b = ReluNetwork.builder(List.of("a"), List.of("u"), 0.1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> b.addHiddenLayer(new double[5], new double[3], new NeuronKind[3]));
    assertTrue(e.getMessage().contains("expected 3 × 2 = 6"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> ReluNetwork.builder(List.of("a"), List.of(), 0.1).output(new double[2], new double[2]));
  }

  @Test
  void withKindsChangesOnlyKinds() {
    ReluNetwork net = SyntheticData.randomNetwork(new int[] {4}, 2, 1, false, false, 3);
    NeuronKind[][] kinds = {{NeuronKind.ZERO, NeuronKind.ZERO, NeuronKind.ZERO, NeuronKind.ZERO}};
    ReluNetwork zero = net.withKinds(kinds);
    assertEquals(0, zero.reluCount());
    assertArrayEquals(net.weights(1), zero.weights(1), 0.0);
    double[] out = zero.step(new double[] {0.3, -0.2}, new double[] {0.7});
    assertArrayEquals(net.biases(1), out, 0.0);
  }
}
