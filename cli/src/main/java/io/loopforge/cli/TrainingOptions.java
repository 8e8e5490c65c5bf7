package io.loopforge.cli;

import io.loopforge.modeling.nn.TrainingConfig;
import io.loopforge.modeling.nn.TrainingListener;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The training options that {@code identify mlp} and {@code sparsify} share (a picocli mixin): how the
 * data are split and batched, the weight averaging, the seed, the threads and the progress lines.
 */
final class TrainingOptions {
  @Option(names = "--batch", defaultValue = "64", paramLabel = "N",
      description = "Rollout windows per minibatch (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--averaging", defaultValue = "0.999", paramLabel = "D",
      description = "Validate and keep an exponential moving average of the weights, decay D per minibatch;"
          + " 0: the last step's weights (default: ${DEFAULT-VALUE}).")
  double averaging;

  @Option(names = "--validation", defaultValue = "0.2", paramLabel = "F",
      description = "Fraction of the data held out for validation: whole trajectories when there are 5 or more,"
          + " else the end of each (default: ${DEFAULT-VALUE}).")
  double validation;

  @Option(names = "--eval-horizon", defaultValue = "10", paramLabel = "H",
      description = "Horizon of the reported long-range validation MSE (default: ${DEFAULT-VALUE}).")
  int evalHorizon;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", defaultValue = "2", paramLabel = "N",
      description = "1 or 2; the result does not depend on it (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--quiet", description = "Do not print a line per epoch.")
  boolean quiet;

  /** A training configuration with these options set; the caller sets the rest and builds it. */
  TrainingConfig.Builder configBuilder() {
    return TrainingConfig.builder().batchSize(batch).averaging(averaging).seed(seed).threads(threads);
  }

  /** True when MSEs are reported on held-out data, false when on the training data. */
  boolean validates() {
    return validation > 0;
  }

  /** One line per epoch on {@code o}, or nothing with {@code --quiet}. */
  TrainingListener progress(PrintWriter o) {
    return quiet ? TrainingListener.NONE : everyEpoch(o);
  }

  /** Prints one line per epoch on {@code o}. */
  static TrainingListener everyEpoch(PrintWriter o) {
    return r -> {
      o.printf(Locale.ROOT, "epoch %d/%d  training loss %.4g  validation loss %.4g  learning rate %.2g  %.0f s%s%n",
          r.epoch(), r.maxEpochs(), r.trainingLoss(), r.validationLoss(), r.learningRate(), r.elapsedSeconds(),
          r.improved() ? "  *" : "");
      o.flush();
    };
  }
}
