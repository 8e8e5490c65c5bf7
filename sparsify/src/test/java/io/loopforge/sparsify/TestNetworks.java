package io.loopforge.sparsify;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.Trajectory;
import io.loopforge.modeling.nn.MlpTrainer;
import io.loopforge.modeling.nn.Normalization;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.nn.RolloutData;
import io.loopforge.modeling.nn.TrainableMlp;
import io.loopforge.modeling.nn.TrainingConfig;
import io.loopforge.modeling.nn.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small data and a briefly trained dense network for the sparsify tests. */
final class TestNetworks {
  static final List<String> STATES = List.of("p", "v");
  static final List<String> INPUTS = List.of("f");
  static final double DT = 0.05;

  private TestNetworks() {}

  /** A mass between two soft walls at ±0.5: piecewise affine, like cartpole-walls. */
  static Dataset walls(int trajectories, int samples, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Trajectory> list = new ArrayList<>();
    for (int k = 0; k < trajectories; k++) {
      double[] t = new double[samples];
      double[][] x = new double[samples][2];
      double[][] u = new double[samples][1];
      x[0][0] = rng.nextDouble() - 0.5;
      x[0][1] = rng.nextDouble() - 0.5;
      for (int i = 0; i < samples; i++) {
        t[i] = i * DT;
        u[i][0] = i % 4 == 0 ? 2 * rng.nextDouble() - 1 : u[i - 1][0];
        if (i + 1 < samples) {
          double p = x[i][0];
          double wall = p > 0.5 ? -20 * (p - 0.5) : p < -0.5 ? 20 * (-0.5 - p) : 0;
          x[i + 1][0] = p + DT * x[i][1];
          x[i + 1][1] = x[i][1] + DT * (wall - 0.5 * x[i][1] - 0.5 * p + u[i][0]);
        }
      }
      list.add(new Trajectory(t, x, u, STATES, INPUTS));
    }
    return new Dataset(list);
  }

  static RolloutData data() {
    return RolloutData.of(walls(6, 120, 3), 3, 0.2);
  }

  static TrainingConfig training() {
    return TrainingConfig.builder().learningRate(3e-3).batchSize(32).maxEpochs(6).seed(5).build();
  }

  static ReluNetwork dense(RolloutData data) {
    TrainableMlp net = TrainableMlp.random(STATES, INPUTS, DT, new int[] {8, 8}, true,
        Normalization.fromData(data, true), 2);
    new MlpTrainer(training()).train(net, data, TrainingListener.NONE);
    return net.toNetwork();
  }
}
