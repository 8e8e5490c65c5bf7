package io.loopforge.sparsify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.nn.NeuronKind;
import io.loopforge.modeling.nn.Normalization;
import io.loopforge.modeling.nn.TrainableMlp;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GumbelSoftmaxGatesTest {
  private static TrainableMlp net() {
    return TrainableMlp.random(TestNetworks.STATES, TestNetworks.INPUTS, TestNetworks.DT, new int[] {3}, true,
        Normalization.identity(3, 2), 1);
  }

  @Test
  void hardSamplesFollowTheSoftmaxOfTheLogits() {
    GumbelSoftmaxGates gates = new GumbelSoftmaxGates(net(), Math.log(2), 0.5, 0.01, 0, 0);
    // logits (ln 2, 0, 0): P(ReLU) = 1/2, P(identity) = P(zero) = 1/4
    double[][] cR = new double[1][3];
    double[][] cI = new double[1][3];
    SplittableRandom rng = new SplittableRandom(1);
    int n = 20_000;
    int relu = 0;
    int identity = 0;
    for (int k = 0; k < n; k++) {
      gates.sample(cR, cI, rng);
      relu += (int) cR[0][0];
      identity += (int) cI[0][0];
      assertTrue(cR[0][0] + cI[0][0] <= 1.0);
    }
    assertEquals(0.5, relu / (double) n, 0.015);
    assertEquals(0.25, identity / (double) n, 0.015);
    assertEquals(0.5, gates.reluProbability(0, 0), 1e-12);
  }

  @Test
  void forbiddenChoicesAreNeverSampledNorChosen() {
    TrainableMlp net = net();
    net.setKind(0, 2, NeuronKind.ZERO);
    GumbelSoftmaxGates gates = new GumbelSoftmaxGates(net, 5, 0.5, 0.01, 0, 0);
    gates.forbidRelu(0, 1);
    double[][] cR = new double[1][3];
    double[][] cI = new double[1][3];
    SplittableRandom rng = new SplittableRandom(2);
    for (int k = 0; k < 2000; k++) {
      gates.sample(cR, cI, rng);
      assertEquals(0.0, cR[0][1]);
      assertEquals(0.0, cR[0][2]);
      assertEquals(0.0, cI[0][2]);
    }
    NeuronKind[][] kinds = gates.hardKinds();
    assertEquals(NeuronKind.RELU, kinds[0][0]);
    assertTrue(kinds[0][1] != NeuronKind.RELU);
    assertEquals(NeuronKind.ZERO, kinds[0][2]);
  }

  @Test
  void aLossThatPrefersIdentityMovesTheLogitsThere() {
    GumbelSoftmaxGates gates = new GumbelSoftmaxGates(net(), 0, 0.5, 0.05, 0, 0);
    double[][] cR = new double[1][3];
    double[][] cI = new double[1][3];
    SplittableRandom rng = new SplittableRandom(3);
    for (int k = 0; k < 300; k++) {
      gates.sample(cR, cI, rng);
      // dL/dc: identity lowers the loss, ReLU raises it
      gates.update(new double[][] {{1, 1, 1}}, new double[][] {{-1, -1, -1}}, 1e-3);
    }
    NeuronKind[][] kinds = gates.hardKinds();
    for (NeuronKind k : kinds[0]) {
      assertEquals(NeuronKind.IDENTITY, k);
    }
    gates.markBest();
    for (int k = 0; k < 1000; k++) {
      gates.sample(cR, cI, rng);
      gates.update(new double[][] {{-1, -1, -1}}, new double[][] {{1, 1, 1}}, 1e-3);
    }
    assertEquals(NeuronKind.RELU, gates.hardKinds()[0][0]);
    gates.restoreBest();
    assertEquals(NeuronKind.IDENTITY, gates.hardKinds()[0][0]);
  }
}
