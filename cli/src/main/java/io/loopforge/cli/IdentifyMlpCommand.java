package io.loopforge.cli;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.nn.MlpTrainer;
import io.loopforge.modeling.nn.Normalization;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.nn.RolloutData;
import io.loopforge.modeling.nn.RolloutMetrics;
import io.loopforge.modeling.nn.TrainableMlp;
import io.loopforge.modeling.nn.TrainingConfig;
import io.loopforge.modeling.nn.TrainingResult;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code loopforge identify mlp}: train a ReLU network of the discrete-time dynamics on trajectory CSV
 * data with a multi-step rollout loss and write the model file ({@code "type": "relu-network"}).
 */
@Command(
    name = "mlp",
    mixinStandardHelpOptions = true,
    header = "Train a ReLU network model of the dynamics.",
    sortOptions = false,
    description = {
      "Train a ReLU network x[k+1] = f(x[k], u[k]) (or x[k] + f with --residual) on trajectory data and write"
          + " its model file. The loss is the mean squared error of an open-loop rollout over --rollout steps"
          + " from each measured state (states scaled by the spread of their increments or values);"
          + " training uses Adam on minibatches, stops early on a validation part of the data and keeps the"
          + " best epoch. The same data and --seed give the same network.",
      ""
    })
final class IdentifyMlpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--data", required = true, arity = "1..*", paramLabel = "FILE.csv",
      description = "Trajectory CSV file(s): header t, states, inputs (u…); uniformly sampled.")
  List<Path> data;

  @Option(names = "--inputs", split = ",", paramLabel = "NAME",
      description = "Input columns, comma-separated (default: the columns whose name starts with u).")
  List<String> inputs;

  @Option(names = "--out", required = true, paramLabel = "MODEL.json", description = "Where to write the model file.")
  Path out;

  @Option(names = "--hidden", split = ",", defaultValue = "64,64", paramLabel = "N",
      description = "Hidden layer widths, comma-separated (default: ${DEFAULT-VALUE}).")
  int[] hidden;

  @Option(names = "--residual", description = "Learn the increment: x[k+1] = x[k] + f(x[k], u[k]).")
  boolean residual;

  @Option(names = "--rollout", defaultValue = "1", paramLabel = "H",
      description = "Steps of the rollout loss (default: ${DEFAULT-VALUE}: one-step prediction).")
  int rollout;

  @Option(names = "--epochs", defaultValue = "400", paramLabel = "N",
      description = "Most epochs; early stopping (--patience) usually ends training sooner (default:"
          + " ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--learning-rate", defaultValue = "0.002", paramLabel = "LR",
      description = "Adam step size, halved after --plateau epochs without progress (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--patience", defaultValue = "12", paramLabel = "N",
      description = "Stop after N epochs without a 0.1 %% better validation loss (default: ${DEFAULT-VALUE}).")
  int patience;

  @Option(names = "--plateau", defaultValue = "4", paramLabel = "N",
      description = "Halve the learning rate after N epochs without progress; 0: never (default: ${DEFAULT-VALUE}).")
  int plateau;

  @Option(names = "--weight-decay", defaultValue = "0", paramLabel = "W",
      description = "Decoupled weight decay, AdamW (default: ${DEFAULT-VALUE}).")
  double weightDecay;

  @Mixin TrainingOptions training;

  @Override
  public Integer call() {
    OutputPaths.refuseOverwrite(spec, out, data.toArray(new Path[0]));
    OutputPaths.checkWritable(spec, "--out", out);
    PrintWriter o = spec.commandLine().getOut();
    if (hidden.length == 0) {
      throw new ParameterException(spec.commandLine(), "--hidden needs at least one width, e.g. --hidden 64,64");
    }
    for (int h : hidden) {
      if (h < 1) {
        throw new ParameterException(spec.commandLine(), "--hidden widths must be ≥ 1, got " + h);
      }
    }
    // parameters: weights and biases of every layer; training keeps about eight arrays of them (the weights,
    // their gradient per thread, Adam's two moments, the averaged and the best weights)
    Dataset dataset = DataFiles.read(data, inputs, spec.commandLine().getOut(), spec.commandLine().getErr());
    long parameters = 0;
    int previous = dataset.stateNames().size() + dataset.inputNames().size();
    for (int h : hidden) {
      parameters += (long) previous * h + h;
      previous = h;
    }
    parameters += (long) previous * dataset.stateNames().size() + dataset.stateNames().size();
    String widths = java.util.Arrays.stream(hidden).mapToObj(String::valueOf).collect(Collectors.joining(","));
    SizeChecks.fits(spec, "--hidden " + widths + " (" + parameters + " parameters)", parameters, 8 * 8,
        "training the network", "parameter", "use smaller layers (at most %d parameters)");
    if (parameters > Integer.MAX_VALUE - 8) {
      throw new ParameterException(spec.commandLine(), "--hidden: the network would have " + parameters
          + " parameters; at most " + (Integer.MAX_VALUE - 8) + " fit in one array: use smaller layers");
    }
    TrainingConfig config;
    try {
      config = training.configBuilder().learningRate(learningRate).maxEpochs(epochs).patience(patience)
          .plateauEpochs(plateau).weightDecay(weightDecay).build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    RolloutData train = RolloutData.of(dataset, rollout, training.validation);
    RolloutData eval = RolloutData.of(dataset, training.evalHorizon, training.validation);
    o.printf(Locale.ROOT, "%d trajectories, %d samples, states %s, inputs %s, dt %.6g s%n", dataset.size(),
        dataset.sampleCount(), dataset.stateNames(), dataset.inputNames(), train.dt());
    o.printf(Locale.ROOT, "%d training and %d validation windows of %d steps%n", train.trainingWindows(),
        train.validationWindows(), rollout);
    TrainableMlp net = TrainableMlp.random(dataset.stateNames(), dataset.inputNames(), train.dt(), hidden,
        residual, Normalization.fromData(train, residual), training.seed);
    TrainingResult result = new MlpTrainer(config).train(net, train, training.progress(o));
    ReluNetwork model = net.toNetwork();
    double[] mse = RolloutMetrics.mseByStep(model, eval, training.validates(), train.stateStd());
    o.printf(Locale.ROOT, "best epoch %d of %d (%s), %.1f s%n", result.bestEpoch(), result.epochs(),
        result.stoppedEarly() ? "stopped early" : "epoch limit", result.seconds());
    if (!result.stoppedEarly()) {
      o.printf(Locale.ROOT, "the validation loss was still improving when the epoch limit ended training:"
          + " more --epochs (now %d) gives a better model%n", epochs);
    }
    o.printf(Locale.ROOT, "%s: %d ReLUs, %d parameters%n", model, model.reluCount(), model.parameterCount());
    o.printf(Locale.ROOT, "%s MSE (states / their std): 1-step %.4g, %d-step %.4g%n",
        training.validates() ? "validation" : "training", mse[0], training.evalHorizon, mse[mse.length - 1]);
    // MSEs are of states divided by their spread: predicting a constant scores about 1, so a million means the
    // predictions are a thousand spreads off, or not numbers at all
    if (!Double.isFinite(result.bestValidationLoss()) || java.util.Arrays.stream(mse).anyMatch(v -> !(v < 1e6))) {
      o.flush();
      throw new CliException(String.format(Locale.ROOT, "training diverged: the %s %d-step MSE is %.3g (of states"
          + " divided by their standard deviation), so no model was written to %s; lower --learning-rate (now %s)"
          + " or check the data for outliers",
          training.validates() ? "validation" : "training", training.evalHorizon, mse[mse.length - 1], out,
          learningRate));
    }
    ModelFiles.write(Model.of(model), out);
    o.println("model written to " + out);
    o.flush();
    return 0;
  }
}
