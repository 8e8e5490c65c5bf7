package io.loopforge.sparsify;

import io.loopforge.modeling.nn.MlpTrainer;
import io.loopforge.modeling.nn.Normalization;
import io.loopforge.modeling.nn.NeuronKind;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.nn.RolloutData;
import io.loopforge.modeling.nn.TrainableMlp;
import java.util.ArrayList;
import java.util.List;

/**
 * Sparsification by learned neuron gates (Liu et al., NeurIPS 2023): every hidden neuron carries
 * logits over {ReLU, identity, zero}, relaxed with the straight-through Gumbel-softmax and trained with
 * the weights on the rollout loss. After a warm-up with every choice open, each stage of the schedule
 * keeps the ReLU option only for the {@code budget} neurons with the highest ReLU probability, trains
 * gates and weights, fixes the hard choice (argmax of the logits) and fine-tunes the weights. Kinds only
 * move towards fewer ReLUs: a neuron that left ReLU does not come back, a removed one stays removed.
 */
public final class GatedSparsifier {
  private final SparsifyConfig config;

  public GatedSparsifier(SparsifyConfig config) {
    this.config = config;
  }

  /**
   * Sparsifies {@code dense} (not modified) on {@code data}; the normalisation is learned again from
   * the data's training part.
   *
   * @throws SparsifyException when the budget exceeds the network's ReLUs, the data do not match the
   *     network, or training diverges
   */
  public SparsificationResult run(ReluNetwork dense, RolloutData data, SparsifyListener listener) {
    Stages.check(dense, data, config);
    long t0 = System.nanoTime();
    TrainableMlp net = TrainableMlp.fromNetwork(dense, Normalization.fromData(data, dense.residual()));
    double reference = MlpTrainer.loss(net, data, true);
    GumbelSoftmaxGates gates = new GumbelSoftmaxGates(net, config.initialReluLogit(), config.temperature(),
        config.gateLearningRate(), config.identityPenalty() * reference, config.reluPenalty() * reference);
    double gateRate = config.gatedLearningRate();
    if (config.warmupEpochs() > 0) {
      listener.onPhase("gated warm-up, every neuron free");
      Stages.train(net, data, config.training(), gateRate, config.warmupEpochs(), false, 1000, gates, listener);
    }
    List<SparsificationResult.Stage> stages = new ArrayList<>();
    int stageIndex = 0;
    for (int budget : config.schedule()) {
      stageIndex++;
      restrict(gates, budget);
      listener.onPhase("budget " + budget + ": gated training");
      Stages.train(net, data, config.training(), gateRate, config.gateEpochs(), false, 1000 + 2 * stageIndex,
          gates, listener);
      NeuronKind[][] kinds = gates.hardKinds();
      for (int l = 0; l < kinds.length; l++) {
        for (int i = 0; i < kinds[l].length; i++) {
          net.setKind(l, i, kinds[l][i]);
          if (kinds[l][i] != NeuronKind.RELU) {
            gates.forbidRelu(l, i);
          }
          if (kinds[l][i] == NeuronKind.ZERO) {
            gates.forbidIdentity(l, i);
          }
        }
      }
      listener.onPhase("budget " + budget + ": fine-tuning " + net.reluCount() + " ReLU, "
          + net.count(NeuronKind.IDENTITY) + " identity, " + net.count(NeuronKind.ZERO) + " removed");
      Stages.train(net, data, config.training(), config.fineTuneLearningRate(), config.fineTuneEpochs(budget), true,
          1001 + 2 * stageIndex, null, listener);
      stages.add(Stages.record(budget, net, data, t0));
    }
    return new SparsificationResult("gated", stages);
  }

  /** Leaves the ReLU option open only on the {@code budget} most ReLU-inclined neurons. */
  private static void restrict(GumbelSoftmaxGates gates, int budget) {
    int open = 0;
    for (int l = 0; l < gates.layerCount(); l++) {
      for (int i = 0; i < gates.width(l); i++) {
        if (gates.reluAllowed(l, i)) {
          open++;
        }
      }
    }
    while (open > budget) {
      int bl = -1;
      int bi = -1;
      double lowest = Double.POSITIVE_INFINITY;
      for (int l = 0; l < gates.layerCount(); l++) {
        for (int i = 0; i < gates.width(l); i++) {
          if (gates.reluAllowed(l, i)) {
            double p = gates.reluProbability(l, i);
            if (p < lowest) {
              lowest = p;
              bl = l;
              bi = i;
            }
          }
        }
      }
      gates.forbidRelu(bl, bi);
      open--;
    }
  }
}
