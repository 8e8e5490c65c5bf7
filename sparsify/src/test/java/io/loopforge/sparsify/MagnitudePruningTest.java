package io.loopforge.sparsify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.nn.NeuronKind;
import io.loopforge.modeling.nn.Normalization;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.nn.RolloutData;
import io.loopforge.modeling.nn.TrainableMlp;
import org.junit.jupiter.api.Test;

class MagnitudePruningTest {
  @Test
  void quotasFollowTheLayersReluCounts() {
    TrainableMlp net = TrainableMlp.random(TestNetworks.STATES, TestNetworks.INPUTS, TestNetworks.DT,
        new int[] {12, 4}, true, Normalization.identity(3, 2), 1);
    assertArrayEquals(new int[] {6, 2}, MagnitudePruning.quotas(net, 8));
    assertArrayEquals(new int[] {2, 1}, MagnitudePruning.quotas(net, 3));
    assertArrayEquals(new int[] {1, 1}, MagnitudePruning.quotas(net, 2), "no layer is emptied");
    assertArrayEquals(new int[] {12, 4}, MagnitudePruning.quotas(net, 20));
  }

  @Test
  void prunesTheSmallestNeuronsToTheBudget() {
    RolloutData data = TestNetworks.data();
    ReluNetwork dense = TestNetworks.dense(data);
    SparsifyConfig config = SparsifyConfig.builder(8, 4).fineTuneEpochs(1).intermediateFineTuneEpochs(1)
        .training(TestNetworks.training()).build();
    SparsificationResult r = new MagnitudePruning(config).run(dense, data, SparsifyListener.NONE);
    assertEquals("magnitude", r.method());
    for (SparsificationResult.Stage s : r.stages()) {
      assertTrue(s.network().reluCount() <= s.budget());
      assertEquals(0, s.network().count(NeuronKind.IDENTITY));
      assertEquals(s.network().reluCount(), s.network().kinds(0).length + s.network().kinds(1).length
          - s.network().count(NeuronKind.ZERO));
    }
    assertEquals(4, r.last().network().reluCount());
    assertEquals(2, count(r.last().network().kinds(0)));
    assertEquals(2, count(r.last().network().kinds(1)));
  }

  private static int count(NeuronKind[] kinds) {
    int n = 0;
    for (NeuronKind k : kinds) {
      if (k == NeuronKind.RELU) {
        n++;
      }
    }
    return n;
  }
}
