package io.loopforge.sparsify;

import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.MlpTrainer;
import io.loopforge.modeling.nn.NeuronGates;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.nn.RolloutData;
import io.loopforge.modeling.nn.TrainableMlp;
import io.loopforge.modeling.nn.TrainingConfig;

/** What the sparsifiers share: input checks, short training runs and stage records. */
final class Stages {
  private Stages() {}

  static void check(ReluNetwork dense, RolloutData data, SparsifyConfig config) {
    if (!dense.stateNames().equals(data.stateNames()) || !dense.inputNames().equals(data.inputNames())) {
      throw new SparsifyException("the network has states " + dense.stateNames() + " and inputs "
          + dense.inputNames() + " but the data have states " + data.stateNames() + " and inputs "
          + data.inputNames() + "; use the data the network was trained on (same columns)");
    }
    if (Math.abs(dense.dt() - data.dt()) > 1e-9 * dense.dt()) {
      throw new SparsifyException("the network has time step " + dense.dt() + " s but the data "
          + data.dt() + " s");
    }
    int relus = dense.reluCount();
    if (config.schedule()[0] > relus) {
      throw new SparsifyException("ReLU budget " + config.schedule()[0] + " is larger than the network, which has "
          + relus + " ReLUs; choose at most " + relus);
    }
    if (config.budget() == relus && config.schedule().length == 1 && relus == 0) {
      throw new SparsifyException("the network has no ReLU left to remove");
    }
  }

  /** Trains for exactly {@code epochs} epochs (no early stop, fixed learning rate) or with early stopping. */
  static void train(TrainableMlp net, RolloutData data, TrainingConfig base, double learningRate, int epochs,
      boolean earlyStopping, long seedOffset, NeuronGates gates, SparsifyListener listener) {
    if (epochs == 0) {
      return;
    }
    TrainingConfig.Builder b = base.toBuilder().maxEpochs(epochs).seed(base.seed() + seedOffset)
        .learningRate(learningRate);
    if (!earlyStopping) {
      b.patience(epochs).plateauEpochs(0);
    }
    try {
      new MlpTrainer(b.build()).train(net, data, gates, listener);
    } catch (ModelingException e) {
      throw new SparsifyException(e.getMessage(), e);
    }
  }

  static SparsificationResult.Stage record(int budget, TrainableMlp net, RolloutData data, long t0) {
    ReluNetwork network = net.toNetwork();
    return new SparsificationResult.Stage(budget, network, FoldedReluNetwork.fold(network),
        MlpTrainer.loss(net, data, true), (System.nanoTime() - t0) * 1e-9);
  }
}
