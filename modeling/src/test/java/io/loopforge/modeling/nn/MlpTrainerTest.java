package io.loopforge.modeling.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.Trajectory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MlpTrainerTest {
  private static TrainableMlp mixedNet(RolloutData data, boolean residual) {
    TrainableMlp net = TrainableMlp.random(SyntheticData.STATES, SyntheticData.INPUTS, SyntheticData.DT,
        new int[] {6, 5}, residual, Normalization.fromData(data, residual), 3);
    net.setKind(0, 1, NeuronKind.IDENTITY);
    net.setKind(0, 4, NeuronKind.ZERO);
    net.setKind(1, 2, NeuronKind.IDENTITY);
    // non-trivial biases so that some ReLUs are off
    double[] p = net.parameters();
    for (int i = 0; i < p.length; i++) {
      p[i] += 0.1 * Math.sin(i);
    }
    net.setParameters(p);
    return net;
  }

  @Test
  void backPropagationThroughTheRolloutMatchesFiniteDifferences() {
    for (boolean residual : new boolean[] {true, false}) {
      RolloutData data = RolloutData.of(SyntheticData.pendulum(2, 12, 5), 3, 0.0);
      TrainableMlp net = mixedNet(data, residual);
      int n = data.trainingWindows();
      MlpTrainer.Shard shard = new MlpTrainer.Shard(net, data);
      double[][] cR = coefficients(net, NeuronKind.RELU);
      double[][] cI = coefficients(net, NeuronKind.IDENTITY);
      shard.configure(null, 0, n, false, true, cR, cI, 1.0 / n);
      shard.run();
      double base = shard.loss / n;
      assertEquals(MlpTrainer.loss(net, data, false), base, 1e-15);
      double h = 1e-6;
      for (int i = 0; i < net.parameterCount(); i++) {
        double[] p = net.parameters();
        double orig = p[i];
        p[i] = orig + h;
        net.setParameters(p);
        double up = MlpTrainer.loss(net, data, false);
        p[i] = orig - h;
        net.setParameters(p);
        double down = MlpTrainer.loss(net, data, false);
        p[i] = orig;
        net.setParameters(p);
        double fd = (up - down) / (2 * h);
        assertEquals(fd, shard.grad[i], 1e-6 * Math.max(1, Math.abs(fd)), "parameter " + i + " residual " + residual);
      }
      // gradients with respect to the activation coefficients
      for (int l = 0; l < cR.length; l++) {
        for (int j = 0; j < cR[l].length; j++) {
          for (double[][] c : new double[][][] {cR, cI}) {
            double orig = c[l][j];
            c[l][j] = orig + h;
            double up = lossWith(net, data, cR, cI);
            c[l][j] = orig - h;
            double down = lossWith(net, data, cR, cI);
            c[l][j] = orig;
            double fd = (up - down) / (2 * h);
            double analytic = c == cR ? shard.gR[l][j] : shard.gI[l][j];
            assertEquals(fd, analytic, 1e-6 * Math.max(1, Math.abs(fd)), "coefficient " + l + "," + j);
          }
        }
      }
    }
  }

  private static double lossWith(TrainableMlp net, RolloutData data, double[][] cR, double[][] cI) {
    MlpTrainer.Shard s = new MlpTrainer.Shard(net, data);
    int n = data.trainingWindows();
    s.configure(null, 0, n, false, false, cR, cI, 1.0);
    s.run();
    return s.loss / n;
  }

  private static double[][] coefficients(TrainableMlp net, NeuronKind kind) {
    double[][] c = new double[net.hiddenLayerCount()][];
    for (int l = 0; l < c.length; l++) {
      c[l] = new double[net.hiddenWidth(l)];
      for (int i = 0; i < c[l].length; i++) {
        c[l][i] = net.kind(l, i) == kind ? 1.0 : 0.0;
      }
    }
    return c;
  }

  @Test
  void exportedNetworkPredictsWhatTheTrainerSees() {
    RolloutData data = RolloutData.of(SyntheticData.pendulum(3, 40, 8), 4, 0.25);
    for (boolean residual : new boolean[] {true, false}) {
      TrainableMlp net = mixedNet(data, residual);
      ReluNetwork exported = net.toNetwork();
      double[] byStep = RolloutMetrics.mseByStep(exported, data, true, net.normalization().outputScale());
      double mean = 0;
      for (double d : byStep) {
        mean += d / byStep.length;
      }
      assertEquals(MlpTrainer.loss(net, data, true), mean, 1e-10 * mean);
      // unfolding the exported network gives back the working parameters
      TrainableMlp back = TrainableMlp.fromNetwork(exported, net.normalization());
      assertArrayEquals(net.parameters(), back.parameters(), 1e-12);
    }
  }

  @Test
  void trainingLearnsThePendulumAndIsReproducible() {
    Dataset d = SyntheticData.pendulum(6, 150, 1);
    RolloutData data = RolloutData.of(d, 3, 0.2);
    TrainingConfig cfg = TrainingConfig.builder().maxEpochs(25).learningRate(3e-3).batchSize(32).seed(42).build();
    Normalization norm = Normalization.fromData(data, true);
    TrainableMlp a = TrainableMlp.random(SyntheticData.STATES, SyntheticData.INPUTS, SyntheticData.DT,
        new int[] {16, 16}, true, norm, 9);
    double before = MlpTrainer.loss(a, data, true);
    List<TrainingListener.EpochReport> reports = new ArrayList<>();
    TrainingResult r = new MlpTrainer(cfg).train(a, data, reports::add);
    double after = MlpTrainer.loss(a, data, true);
    assertTrue(after < 0.05 * before, "validation loss " + before + " → " + after);
    assertEquals(r.bestValidationLoss(), after, 1e-12 * after);
    assertEquals(r.epochs(), reports.size());
    assertTrue(reports.get(0).elapsedSeconds() >= 0);

    TrainableMlp b = TrainableMlp.random(SyntheticData.STATES, SyntheticData.INPUTS, SyntheticData.DT,
        new int[] {16, 16}, true, norm, 9);
    new MlpTrainer(cfg.toBuilder().threads(1).build()).train(b, data, TrainingListener.NONE);
    assertArrayEquals(a.parameters(), b.parameters(), 0.0, "one or two threads, same seed: same network");
  }

  @Test
  void averagedParametersAreWhatIsValidatedAndReturned() {
    RolloutData data = RolloutData.of(SyntheticData.pendulum(6, 150, 1), 3, 0.2);
    Normalization norm = Normalization.fromData(data, true);
    TrainingConfig plain = TrainingConfig.builder().maxEpochs(20).learningRate(2e-2).batchSize(16).averaging(0).seed(5)
        .build();
    TrainingConfig averaged = plain.toBuilder().averaging(0.99).build();
    TrainableMlp a = TrainableMlp.random(SyntheticData.STATES, SyntheticData.INPUTS, SyntheticData.DT,
        new int[] {16, 16}, true, norm, 9);
    TrainableMlp b = TrainableMlp.random(SyntheticData.STATES, SyntheticData.INPUTS, SyntheticData.DT,
        new int[] {16, 16}, true, norm, 9);
    List<TrainingListener.EpochReport> reports = new ArrayList<>();
    TrainingResult plainResult = new MlpTrainer(plain).train(a, data, TrainingListener.NONE);
    TrainingResult averagedResult = new MlpTrainer(averaged).train(b, data, reports::add);
    double after = MlpTrainer.loss(b, data, true);
    assertEquals(averagedResult.bestValidationLoss(), after, 1e-12 * after, "the returned network is the validated one");
    assertEquals(reports.get(averagedResult.bestEpoch() - 1).validationLoss(), after, 1e-12 * after);
    assertTrue(Math.abs(averagedResult.bestValidationLoss() - plainResult.bestValidationLoss())
        > 1e-6 * plainResult.bestValidationLoss(), "same seed, but the averaged parameters are another network");
    assertThrows(IllegalArgumentException.class, () -> TrainingConfig.builder().averaging(1.0));
  }

  @Test
  void withoutValidationTheAveragedNetworkIsChosenByItsOwnTrainingLoss() {
    RolloutData data = RolloutData.of(SyntheticData.pendulum(6, 150, 1), 3, 0.0);
    TrainingConfig config = TrainingConfig.builder().maxEpochs(8).learningRate(2e-2).batchSize(16).averaging(0.99)
        .seed(5).build();
    TrainableMlp net = TrainableMlp.random(SyntheticData.STATES, SyntheticData.INPUTS, SyntheticData.DT,
        new int[] {16, 16}, true, Normalization.fromData(data, true), 9);
    TrainingResult result = new MlpTrainer(config).train(net, data, TrainingListener.NONE);
    double kept = MlpTrainer.loss(net, data, false);
    assertEquals(result.bestValidationLoss(), kept, 1e-12 * kept,
        "the loss that chose the returned network is that network's training loss");
  }

  @Test
  void nanLossStopsWithEpochAndLearningRate() {
    List<Trajectory> list = new ArrayList<>(SyntheticData.pendulum(2, 60, 3).trajectories());
    RolloutData data = RolloutData.of(new Dataset(list), 5, 0.2);
    TrainableMlp net = TrainableMlp.random(SyntheticData.STATES, SyntheticData.INPUTS, SyntheticData.DT,
        new int[] {8}, false, Normalization.fromData(data, false), 1);
    TrainingConfig cfg = TrainingConfig.builder().learningRate(1e150).gradientClip(0).maxEpochs(50).build();
    ModelingException e = assertThrows(ModelingException.class,
        () -> new MlpTrainer(cfg).train(net, data, TrainingListener.NONE));
    assertTrue(e.getMessage().contains("epoch 1") && e.getMessage().contains("learning rate 1.0E150"),
        e.getMessage());
  }

  @Test
  void mismatchedDataAreRejected() {
    RolloutData data = RolloutData.of(SyntheticData.pendulum(2, 30, 3), 2, 0.2);
    TrainableMlp net = TrainableMlp.random(List.of("a", "b"), SyntheticData.INPUTS, SyntheticData.DT,
        new int[] {4}, true, Normalization.identity(3, 2), 1);
    ModelingException e = assertThrows(ModelingException.class,
        () -> new MlpTrainer(TrainingConfig.builder().build()).train(net, data, TrainingListener.NONE));
    assertTrue(e.getMessage().contains("[a, b]") && e.getMessage().contains("[theta, omega]"), e.getMessage());
  }
}
