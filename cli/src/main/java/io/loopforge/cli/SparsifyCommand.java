package io.loopforge.cli;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.io.AtomicFile;
import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.nn.RolloutData;
import io.loopforge.modeling.nn.RolloutMetrics;
import io.loopforge.modeling.nn.TrainingConfig;
import io.loopforge.modeling.nn.TrainingListener;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFile;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.modeling.registry.ModelKind;
import io.loopforge.sparsify.GatedSparsifier;
import io.loopforge.sparsify.MagnitudePruning;
import io.loopforge.sparsify.SparsificationResult;
import io.loopforge.sparsify.SparsifyConfig;
import io.loopforge.sparsify.SparsifyException;
import io.loopforge.sparsify.SparsifyListener;
import io.loopforge.studies.SparsifyBenchmark;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code loopforge sparsify}: reduce a dense ReLU network to a ReLU budget (neurons become ReLU, identity
 * or removed) and write the result in folded form; {@code loopforge sparsify benchmark} produces the
 * comparison table of docs/benchmarks-sparsify.md.
 */
@Command(
    name = "sparsify",
    mixinStandardHelpOptions = true,
    header = "Cut a ReLU network down to a ReLU budget.",
    sortOptions = false,
    description = {
      "Sparsify a ReLU network (from 'identify mlp') to at most --relu-budget ReLUs, so that a mixed-integer"
          + " planner needs few binaries: every hidden neuron becomes ReLU, identity or removed, chosen by"
          + " learned gates (straight-through Gumbel-softmax) over a schedule of shrinking budgets with"
          + " fine-tuning in between (Liu et al., NeurIPS 2023). --method magnitude prunes by neuron norm"
          + " instead (baseline). Prints ReLUs, parameters and validation MSE before and after; writes the"
          + " folded network (ReLU units plus affine skip paths, identical function).",
      ""
    },
    subcommands = SparsifyCommand.Benchmark.class)
final class SparsifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", paramLabel = "MODEL.json", description = "The dense network (required).")
  Path model;

  @Option(names = "--data", arity = "1..*", paramLabel = "FILE.csv",
      description = "Trajectory CSV file(s) with the network's states and inputs (required).")
  List<Path> data;

  @Option(names = "--inputs", split = ",", paramLabel = "NAME",
      description = "Input columns, comma-separated (default: the columns whose name starts with u).")
  List<String> inputs;

  @Option(names = "--relu-budget", paramLabel = "N", description = "Most ReLUs left (required).")
  Integer budget;

  @Option(names = "--out", paramLabel = "MODEL.json", description = "Where to write the sparse network (required).")
  Path out;

  @Option(names = "--layout", defaultValue = "folded", paramLabel = "L",
      description = "folded (ReLU units plus skip paths, for MIP and C) or mlp (the network with its neuron"
          + " kinds) (default: ${DEFAULT-VALUE}).")
  String layout;

  @Option(names = "--method", defaultValue = "gated", paramLabel = "M",
      description = "gated or magnitude (default: ${DEFAULT-VALUE}).")
  String method;

  @Option(names = "--schedule", split = ",", paramLabel = "N",
      description = "Budgets of the stages, decreasing, ending with --relu-budget (default: halving from half"
          + " the network's ReLUs).")
  int[] schedule;

  @Option(names = "--rollout", defaultValue = "5", paramLabel = "H",
      description = "Steps of the rollout loss (default: ${DEFAULT-VALUE}).")
  int rollout;

  @Option(names = "--warmup-epochs", defaultValue = "3", paramLabel = "N",
      description = "Gated epochs with every choice open (default: ${DEFAULT-VALUE}).")
  int warmupEpochs;

  @Option(names = "--gate-epochs", defaultValue = "4", paramLabel = "N",
      description = "Gated epochs per stage (default: ${DEFAULT-VALUE}).")
  int gateEpochs;

  @Option(names = "--fine-tune-epochs", defaultValue = "400", paramLabel = "N",
      description = "Most fine-tuning epochs at the target budget; early stopping on the validation loss usually"
          + " ends it sooner (default: ${DEFAULT-VALUE}).")
  int fineTuneEpochs;

  @Option(names = "--intermediate-fine-tune-epochs", defaultValue = "60", paramLabel = "N",
      description = "Most fine-tuning epochs at each budget of the schedule before the target (default:"
          + " ${DEFAULT-VALUE}).")
  int intermediateFineTuneEpochs;

  @Option(names = "--gated-learning-rate", defaultValue = "0.0001", paramLabel = "LR",
      description = "Weights' step size during gated training (default: ${DEFAULT-VALUE}).")
  double gatedLearningRate;

  @Option(names = "--gate-learning-rate", defaultValue = "0.003", paramLabel = "LR",
      description = "Step size of the gate logits (default: ${DEFAULT-VALUE}).")
  double gateLearningRate;

  @Option(names = "--fine-tune-learning-rate", defaultValue = "0.002", paramLabel = "LR",
      description = "Initial step size of fine-tuning, halved on plateaus (default: ${DEFAULT-VALUE}).")
  double fineTuneLearningRate;

  @Option(names = "--temperature", defaultValue = "0.5", paramLabel = "T",
      description = "Gumbel-softmax temperature (default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--identity-penalty", defaultValue = "0.001", paramLabel = "P",
      description = "Penalty per identity neuron, relative to the dense validation loss (default: ${DEFAULT-VALUE}).")
  double identityPenalty;

  @Option(names = "--relu-penalty", defaultValue = "0.001", paramLabel = "P",
      description = "Penalty per ReLU neuron, relative to the dense validation loss (default: ${DEFAULT-VALUE}).")
  double reluPenalty;

  @Option(names = "--l1", defaultValue = "0", paramLabel = "W", description = "L1 penalty on the weights (default: ${DEFAULT-VALUE}).")
  double l1;

  @Mixin TrainingOptions training;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    require(spec, model, "--model MODEL.json");
    require(spec, data, "--data FILE.csv");
    require(spec, budget, "--relu-budget N");
    require(spec, out, "--out MODEL.json");
    if (!layout.equals("folded") && !layout.equals("mlp")) {
      throw new ParameterException(spec.commandLine(), "--layout must be folded or mlp, got " + layout);
    }
    if (!method.equals("gated") && !method.equals("magnitude")) {
      throw new ParameterException(spec.commandLine(), "--method must be gated or magnitude, got " + method);
    }
    if (budget < 0) {
      throw new ParameterException(spec.commandLine(), "--relu-budget must be ≥ 0, got " + budget);
    }
    OutputPaths.refuseOverwrite(spec, out, model);
    if (data != null) {
      OutputPaths.refuseOverwrite(spec, out, data.toArray(new Path[0]));
    }
    OutputPaths.checkWritable(spec, "--out", out);
    ModelFile file = ModelFiles.read(model);
    if (file.kind() != ModelKind.RELU_NETWORK) {
      throw new CliException("model file " + model + " holds " + file.kind().withArticle() + "; sparsify needs an"
          + " unfolded ReLU network (\"layout\": \"mlp\"): use the dense model written by 'identify mlp'");
    }
    ReluNetwork dense = (ReluNetwork) file.model().value();
    if (budget > dense.reluCount()) {
      throw new CliException("--relu-budget " + budget + " is larger than the network in " + model + ", which has "
          + dense.reluCount() + " ReLUs; choose at most " + dense.reluCount());
    }
    Dataset dataset = DataFiles.read(data, inputs, spec.commandLine().getOut(), spec.commandLine().getErr());
    if (!dataset.stateNames().equals(dense.stateNames()) || !dataset.inputNames().equals(dense.inputNames())) {
      throw new CliException("the network in " + model + " has states " + dense.stateNames() + " and inputs "
          + dense.inputNames() + ", but " + data.get(0) + " has states " + dataset.stateNames() + " and inputs "
          + dataset.inputNames() + "; use data with the network's columns (or --inputs)");
    }
    RolloutData train = RolloutData.of(dataset, rollout, training.validation);
    RolloutData eval = RolloutData.of(dataset, training.evalHorizon, training.validation);
    double[] scale = train.stateStd();
    int[] stages = schedule != null ? schedule : SparsifyConfig.halvingSchedule(dense.reluCount(), budget);
    if (stages[stages.length - 1] != budget) {
      throw new ParameterException(spec.commandLine(), "--schedule " + Arrays.toString(stages) + " must end with --relu-budget " + budget);
    }
    SparsificationResult result;
    try {
      TrainingConfig trainingConfig = training.configBuilder().l1Penalty(l1).patience(12).plateauEpochs(4).build();
      SparsifyConfig config = SparsifyConfig.builder(stages).warmupEpochs(warmupEpochs).gateEpochs(gateEpochs)
          .fineTuneEpochs(fineTuneEpochs).intermediateFineTuneEpochs(intermediateFineTuneEpochs)
          .fineTuneLearningRate(fineTuneLearningRate)
          .gatedLearningRate(gatedLearningRate).gateLearningRate(gateLearningRate).temperature(temperature)
          .identityPenalty(identityPenalty).reluPenalty(reluPenalty).training(trainingConfig).build();
      SparsifyListener listener = listener(o, training.progress(o));
      result = method.equals("gated")
          ? new GatedSparsifier(config).run(dense, train, listener)
          : new MagnitudePruning(config).run(dense, train, listener);
    } catch (SparsifyException | IllegalArgumentException e) {
      throw new CliException(e.getMessage(), e);
    }
    SparsificationResult.Stage last = result.last();
    FoldedReluNetwork folded = last.folded();
    boolean onValidation = training.validates();
    o.printf(Locale.ROOT, "%-8s %6s %11s %14s %14s%n", "", "ReLUs", "parameters", "1-step MSE",
        training.evalHorizon + "-step MSE");
    row(o, "before", dense.reluCount(), dense.parameterCount(), dense, eval, onValidation, scale);
    row(o, "after", folded.reluCount(), folded.nonzeroParameterCount(), folded, eval, onValidation, scale);
    o.printf(Locale.ROOT, "(MSE of states divided by their std, on the %s data; after: non-zero parameters of"
        + " the folded network; %.0f s)%n", onValidation ? "validation" : "training", last.seconds());
    if (layout.equals("folded")) {
      ModelFiles.write(Model.of(folded), out);
    } else {
      ModelFiles.write(Model.of(last.network()), out);
    }
    o.println("sparse network (" + layout + ") written to " + out);
    o.flush();
    return 0;
  }

  private static void row(PrintWriter o, String label, int relus, int params, DynamicsModel m, RolloutData eval,
      boolean validation, double[] scale) {
    double[] mse = RolloutMetrics.mseByStep(m, eval, validation, scale);
    o.printf(Locale.ROOT, "%-8s %6d %11d %14.4g %14.4g%n", label, relus, params, mse[0], mse[mse.length - 1]);
  }

  private static void require(CommandSpec spec, Object value, String option) {
    if (value == null) {
      throw new ParameterException(spec.commandLine(), "missing " + option + " (see loopforge sparsify --help)");
    }
  }

  /** Prints each phase on {@code o} and hands the epochs to {@code epochs}. */
  private static SparsifyListener listener(PrintWriter o, TrainingListener epochs) {
    return new SparsifyListener() {
      @Override
      public void onEpoch(EpochReport r) {
        epochs.onEpoch(r);
      }

      @Override
      public void onPhase(String description) {
        o.println(description);
        o.flush();
      }
    };
  }

  /** {@code loopforge sparsify benchmark}: the comparison table of gated, magnitude and small-dense. */
  @Command(
      name = "benchmark",
      mixinStandardHelpOptions = true,
      description = {
        "Simulate cartpole-walls and pendulum data (24 000 transitions each for training and validation,"
            + " every fifth trajectory validating; 100 000 more, from another seed, as the test set), train a"
            + " dense residual network (128-128), then compare at 32, 16, 8 and 4 ReLUs: gated sparsification,"
            + " magnitude pruning and a small dense network trained from scratch, by 1-step and 10-step MSE on"
            + " the test and the validation data, and time. Writes Markdown tables and says whether the goal"
            + " (≥ 8x fewer ReLUs, 10-step MSE within 10 %% of dense, better than both baselines) is met."
            + " Long: every network trains until early stopping or 400 epochs; a plant took 31-36 minutes with the"
            + " default budgets (two runs sharing 2 cores; 22-32 with --budgets 32); --quick takes seconds.",
        ""
      })
  static final class Benchmark implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", paramLabel = "FILE.md", description = "Also write the tables to this file.")
    Path out;

    @Option(names = "--plants", split = ",", paramLabel = "NAME",
        description = "Catalog plants (default: cartpole-walls,pendulum).")
    List<String> plants;

    @Option(names = "--hidden", split = ",", paramLabel = "N",
        description = "Hidden widths of the dense network (default: 128,128).")
    int[] hidden;

    @Option(names = "--budgets", split = ",", paramLabel = "N",
        description = "ReLU budgets reported, decreasing (default: 32,16,8,4).")
    int[] budgets;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of data and training (default: 1).")
    Long seed;

    @Option(names = "--models", paramLabel = "DIR",
        description = "Write every network trained (dense, gated, magnitude, small-dense per budget) as a model"
            + " file into this directory.")
    Path models;

    @Option(names = "--rollout", paramLabel = "H",
        description = "Rollout horizon of the training loss, steps (default: 5).")
    Integer rollout;

    @Option(names = "--fine-tune-epochs", paramLabel = "N",
        description = "Most fine-tuning epochs of the sparsifiers at a reported budget (default: 400; early"
            + " stopping usually ends it sooner).")
    Integer fineTuneEpochs;

    @Option(names = "--averaging", paramLabel = "D",
        description = "Decay per minibatch of the moving average of the weights that every training validates"
            + " and keeps; 0: the last step's weights (default: 0.999).")
    Double averaging;

    @Option(names = "--quick", description = "A tiny configuration (smoke test).")
    boolean quick;

    @Override
    public Integer call() throws IOException {
      PrintWriter o = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      // checked before the work: a benchmark takes half an hour per plant
      OutputPaths.checkWritable(spec, "--out", out);
      OutputPaths.checkWritableFolder(spec, "--models", models);
      SparsifyBenchmark.Options options = quick ? SparsifyBenchmark.Options.quick()
          : SparsifyBenchmark.Options.standard();
      if (plants != null) {
        options = options.withPlants(plants);
      }
      if (hidden != null || budgets != null) {
        int[] b = budgets != null ? budgets : options.budgets();
        for (int i = 1; i < b.length; i++) {
          if (b[i] >= b[i - 1] || b[i] < 1) {
            throw new ParameterException(spec.commandLine(),
                "--budgets must be positive and strictly decreasing, got " + Arrays.toString(b));
          }
        }
        int[] h = hidden != null ? hidden : options.hidden();
        if (Arrays.stream(h).anyMatch(w -> w < 1)) {
          throw new ParameterException(spec.commandLine(), "--hidden widths must be ≥ 1, got " + Arrays.toString(h));
        }
        options = options.withNetwork(h, b);
      }
      if (seed != null) {
        options = options.withSeed(seed);
      }
      if (rollout != null) {
        options = options.withTrainHorizon(rollout);
      }
      if (fineTuneEpochs != null) {
        options = options.withSparsify(options.sparsify().toBuilder().fineTuneEpochs(fineTuneEpochs).build());
      }
      if (averaging != null) {
        try {
          options = options.withAveraging(averaging);
        } catch (IllegalArgumentException e) {
          throw new ParameterException(spec.commandLine(), "--averaging: " + e.getMessage());
        }
      }
      SparsifyListener progress = listener(err, TrainingOptions.everyEpoch(err));
      long t0 = System.nanoTime();
      List<SparsifyBenchmark.PlantReport> reports = new ArrayList<>();
      if (models != null) {
        Files.createDirectories(models);
      }
      try {
        for (String p : options.plants()) {
          reports.add(SparsifyBenchmark.run(p, options, progress, models));
        }
      } catch (SparsifyException e) {
        throw new CliException(e.getMessage(), e);
      }
      String md = SparsifyBenchmark.markdown(reports, options, (System.nanoTime() - t0) * 1e-9);
      o.print(md);
      o.flush();
      if (out != null) {
        AtomicFile.writeString(out, md);
      }
      return 0;
    }
  }
}
