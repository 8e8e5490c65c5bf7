package io.loopforge.modeling.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FoldedReluNetworkTest {
  @Test
  void foldingIsExactOnRandomNetworksAndInputs() {
    SplittableRandom rng = new SplittableRandom(11);
    for (int trial = 0; trial < 40; trial++) {
      int[] hidden = trial % 3 == 0 ? new int[] {8} : trial % 3 == 1 ? new int[] {7, 6} : new int[] {5, 6, 4};
      ReluNetwork net = SyntheticData.randomNetwork(hidden, 3, 2, trial % 2 == 0, true, 100 + trial);
      FoldedReluNetwork folded = FoldedReluNetwork.fold(net);
      assertTrue(folded.reluCount() <= net.reluCount());
      for (int k = 0; k < 50; k++) {
        double[] x = scaled(SyntheticData.random(rng, 3), 3);
        double[] u = scaled(SyntheticData.random(rng, 2), 3);
        double[] expected = net.step(x, u);
        double[] actual = folded.step(x, u);
        for (int i = 0; i < 3; i++) {
          assertEquals(expected[i], actual[i], 1e-9 * Math.max(1, Math.abs(expected[i])),
              "trial " + trial + ", point " + k);
        }
        double[][] a1 = new double[3][3];
        double[][] b1 = new double[3][2];
        double[][] a2 = new double[3][3];
        double[][] b2 = new double[3][2];
        net.jacobian(x, u, a1, b1);
        folded.jacobian(x, u, a2, b2);
        for (int i = 0; i < 3; i++) {
          assertArrayEquals(a1[i], a2[i], 1e-9);
          assertArrayEquals(b1[i], b2[i], 1e-9);
        }
      }
    }
  }

  private static double[] scaled(double[] v, double s) {
    for (int i = 0; i < v.length; i++) {
      v[i] *= s;
    }
    return v;
  }

  @Test
  void identityAndZeroNeuronsLeaveOnlyTheReluUnits() {
    ReluNetwork net = SyntheticData.randomNetwork(new int[] {6, 6}, 2, 1, true, false, 5);
    NeuronKind[][] kinds = {
        {NeuronKind.RELU, NeuronKind.IDENTITY, NeuronKind.ZERO, NeuronKind.IDENTITY, NeuronKind.RELU, NeuronKind.ZERO},
        {NeuronKind.IDENTITY, NeuronKind.IDENTITY, NeuronKind.RELU, NeuronKind.ZERO, NeuronKind.IDENTITY, NeuronKind.ZERO}};
    ReluNetwork sparse = net.withKinds(kinds);
    FoldedReluNetwork folded = FoldedReluNetwork.fold(sparse);
    assertEquals(3, folded.reluCount());
    assertEquals(2, folded.reluLayerCount());
    assertEquals(2, folded.units(0));
    assertEquals(1, folded.units(1));
    assertEquals(3, folded.offset(0));
    assertEquals(5, folded.offset(1));
    assertEquals(6, folded.offset(2));
  }

  @Test
  void aNetworkWithoutReluIsAffine() {
    ReluNetwork net = SyntheticData.randomNetwork(new int[] {4, 4}, 2, 1, false, false, 9);
    NeuronKind[] id = {NeuronKind.IDENTITY, NeuronKind.IDENTITY, NeuronKind.ZERO, NeuronKind.IDENTITY};
    FoldedReluNetwork folded = FoldedReluNetwork.fold(net.withKinds(new NeuronKind[][] {id, id}));
    assertEquals(0, folded.reluLayerCount());
    assertEquals(0, folded.reluCount());
    assertEquals(2 * 3 + 2, folded.parameterCount());
    double[] x = {0.4, -1.2};
    double[] u = {2.0};
    assertArrayEquals(net.withKinds(new NeuronKind[][] {id, id}).step(x, u), folded.step(x, u), 1e-12);
  }

  @Test
  void unitsNothingReadsAreRemoved() {
    // second hidden layer all zero: every first-layer ReLU is unread
    ReluNetwork net = SyntheticData.randomNetwork(new int[] {3, 2}, 1, 1, false, false, 2);
    NeuronKind[] relu = {NeuronKind.RELU, NeuronKind.RELU, NeuronKind.RELU};
    NeuronKind[] zero = {NeuronKind.ZERO, NeuronKind.ZERO};
    FoldedReluNetwork folded = FoldedReluNetwork.fold(net.withKinds(new NeuronKind[][] {relu, zero}));
    assertEquals(0, folded.reluCount());
    assertArrayEquals(net.biases(2), folded.step(new double[] {0.3}, new double[] {-0.1}), 0.0);
    assertEquals(List.of("x0"), folded.stateNames());
  }
}
