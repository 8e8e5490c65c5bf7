package io.loopforge.sparsify;

import io.loopforge.modeling.nn.NeuronKind;
import io.loopforge.modeling.nn.Normalization;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.nn.RolloutData;
import io.loopforge.modeling.nn.TrainableMlp;
import java.util.ArrayList;
import java.util.List;

/**
 * Baseline: magnitude (neuron-norm) pruning with fine-tuning. At each stage of the schedule the budget is
 * shared among the hidden layers in proportion to their ReLU counts ({@link #quotas}), and in each layer
 * the ReLU neurons with the smallest score {@code ‖incoming weights‖ · ‖outgoing weights‖} (normalised
 * units) are removed down to the layer's share; then the weights are fine-tuned. No neuron becomes an
 * identity. (Ranking all layers together would empty the layer whose weights happen to be smallest and
 * leave a network that ignores its input.)
 */
public final class MagnitudePruning {
  private final SparsifyConfig config;

  public MagnitudePruning(SparsifyConfig config) {
    this.config = config;
  }

  /** Prunes a copy of {@code dense} through the schedule; see {@link GatedSparsifier#run}. */
  public SparsificationResult run(ReluNetwork dense, RolloutData data, SparsifyListener listener) {
    Stages.check(dense, data, config);
    long t0 = System.nanoTime();
    TrainableMlp net = TrainableMlp.fromNetwork(dense, Normalization.fromData(data, dense.residual()));
    List<SparsificationResult.Stage> stages = new ArrayList<>();
    int stageIndex = 0;
    for (int budget : config.schedule()) {
      stageIndex++;
      int[] quota = quotas(net, budget);
      for (int l = 0; l < net.hiddenLayerCount(); l++) {
        while (reluCount(net, l) > quota[l]) {
          int worst = -1;
          double lowest = Double.POSITIVE_INFINITY;
          for (int i = 0; i < net.hiddenWidth(l); i++) {
            if (net.kind(l, i) == NeuronKind.RELU) {
              double score = net.incomingNorm(l, i) * net.outgoingNorm(l, i);
              if (score < lowest) {
                lowest = score;
                worst = i;
              }
            }
          }
          net.setKind(l, worst, NeuronKind.ZERO);
        }
      }
      listener.onPhase("budget " + budget + ": fine-tuning after magnitude pruning");
      Stages.train(net, data, config.training(), config.fineTuneLearningRate(), config.fineTuneEpochs(budget), true,
          2000 + stageIndex, null, listener);
      stages.add(Stages.record(budget, net, data, t0));
    }
    return new SparsificationResult("magnitude", stages);
  }

  private static int reluCount(TrainableMlp net, int layer) {
    int n = 0;
    for (int i = 0; i < net.hiddenWidth(layer); i++) {
      if (net.kind(layer, i) == NeuronKind.RELU) {
        n++;
      }
    }
    return n;
  }

  /**
   * ReLUs kept per hidden layer: {@code budget} shared in proportion to the layers' current ReLU counts
   * (largest remainders first), and at least one per layer while the budget allows.
   */
  static int[] quotas(TrainableMlp net, int budget) {
    int layers = net.hiddenLayerCount();
    int[] current = new int[layers];
    int total = 0;
    for (int l = 0; l < layers; l++) {
      current[l] = reluCount(net, l);
      total += current[l];
    }
    if (total <= budget) {
      return current;
    }
    int[] quota = new int[layers];
    double[] remainder = new double[layers];
    int given = 0;
    for (int l = 0; l < layers; l++) {
      double share = (double) budget * current[l] / total;
      quota[l] = (int) Math.floor(share);
      remainder[l] = share - quota[l];
      given += quota[l];
    }
    while (given < budget) {
      int best = -1;
      for (int l = 0; l < layers; l++) {
        if (quota[l] < current[l] && (best < 0 || remainder[l] > remainder[best])) {
          best = l;
        }
      }
      quota[best]++;
      remainder[best] = -1;
      given++;
    }
    for (int l = 0; l < layers; l++) {
      if (quota[l] == 0 && current[l] > 0) {
        for (int k = 0; k < layers; k++) {
          if (quota[k] > 1) {
            quota[k]--;
            quota[l]++;
            break;
          }
        }
      }
    }
    return quota;
  }
}
