package io.loopforge.sparsify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.nn.NeuronKind;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.nn.RolloutData;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GatedSparsifierTest {
  private static SparsifyConfig config(int... schedule) {
    return SparsifyConfig.builder(schedule).warmupEpochs(1).gateEpochs(1).fineTuneEpochs(2)
        .intermediateFineTuneEpochs(2).training(TestNetworks.training()).build();
  }

  @Test
  void everyStageMeetsItsBudgetAndFoldsExactly() {
    RolloutData data = TestNetworks.data();
    ReluNetwork dense = TestNetworks.dense(data);
    List<String> phases = new ArrayList<>();
    SparsifyListener listener = new SparsifyListener() {
      @Override
      public void onEpoch(EpochReport report) {}

      @Override
      public void onPhase(String description) {
        phases.add(description);
      }
    };
    SparsificationResult r = new GatedSparsifier(config(8, 4, 2)).run(dense, data, listener);
    assertEquals("gated", r.method());
    assertEquals(3, r.stages().size());
    SplittableRandom rng = new SplittableRandom(4);
    int previous = Integer.MAX_VALUE;
    for (SparsificationResult.Stage s : r.stages()) {
      ReluNetwork net = s.network();
      assertTrue(net.reluCount() <= s.budget(), "stage " + s.budget() + ": " + net.reluCount() + " ReLUs");
      assertTrue(net.reluCount() <= previous);
      previous = net.reluCount();
      assertTrue(s.folded().reluCount() <= net.reluCount());
      assertTrue(Double.isFinite(s.validationLoss()));
      for (int k = 0; k < 100; k++) {
        double[] x = {2 * rng.nextDouble() - 1, 2 * rng.nextDouble() - 1};
        double[] u = {2 * rng.nextDouble() - 1};
        double[] a = net.step(x, u);
        double[] b = s.folded().step(x, u);
        for (int i = 0; i < 2; i++) {
          assertEquals(a[i], b[i], 1e-9 * Math.max(1, Math.abs(a[i])));
        }
      }
    }
    assertTrue(phases.contains("budget 2: gated training"), phases.toString());
    // the dense network is left alone
    assertEquals(16, dense.reluCount());
  }

  @Test
  void resultsAreReproducible() {
    RolloutData data = TestNetworks.data();
    ReluNetwork dense = TestNetworks.dense(data);
    ReluNetwork a = new GatedSparsifier(config(4)).run(dense, data, SparsifyListener.NONE).last().network();
    ReluNetwork b = new GatedSparsifier(config(4)).run(dense, data, SparsifyListener.NONE).last().network();
    assertEquals(a, b);
  }

  @Test
  void aBudgetLargerThanTheNetworkIsRejected() {
    RolloutData data = TestNetworks.data();
    ReluNetwork dense = TestNetworks.dense(data);
    SparsifyException e = assertThrows(SparsifyException.class,
        () -> new GatedSparsifier(config(20)).run(dense, data, SparsifyListener.NONE));
    assertTrue(e.getMessage().contains("ReLU budget 20 is larger than the network, which has 16 ReLUs"),
        e.getMessage());
  }

  @Test
  void dataWithOtherColumnsAreRejected() {
    RolloutData data = TestNetworks.data();
    ReluNetwork dense = TestNetworks.dense(data);
    ReluNetwork renamed = ReluNetwork.builder(List.of("a", "b"), TestNetworks.INPUTS, TestNetworks.DT)
        .addHiddenLayer(dense.weights(0), dense.biases(0), dense.kinds(0))
        .addHiddenLayer(dense.weights(1), dense.biases(1), dense.kinds(1))
        .output(dense.weights(2), dense.biases(2)).build();
    SparsifyException e = assertThrows(SparsifyException.class,
        () -> new GatedSparsifier(config(4)).run(renamed, data, SparsifyListener.NONE));
    assertTrue(e.getMessage().contains("[a, b]") && e.getMessage().contains("[p, v]"), e.getMessage());
  }

  @Test
  void neuronsOnlyMoveTowardsFewerReLUs() {
    RolloutData data = TestNetworks.data();
    ReluNetwork dense = TestNetworks.dense(data);
    SparsificationResult r = new GatedSparsifier(config(6, 3)).run(dense, data, SparsifyListener.NONE);
    NeuronKind[][] first = {r.stages().get(0).network().kinds(0), r.stages().get(0).network().kinds(1)};
    NeuronKind[][] second = {r.stages().get(1).network().kinds(0), r.stages().get(1).network().kinds(1)};
    for (int l = 0; l < 2; l++) {
      for (int i = 0; i < first[l].length; i++) {
        if (first[l][i] != NeuronKind.RELU) {
          assertTrue(second[l][i] != NeuronKind.RELU, "neuron " + l + "," + i + " came back as ReLU");
        }
        if (first[l][i] == NeuronKind.ZERO) {
          assertEquals(NeuronKind.ZERO, second[l][i]);
        }
      }
    }
    assertArrayEquals(new int[] {6, 3}, new int[] {r.stages().get(0).budget(), r.stages().get(1).budget()});
  }
}
