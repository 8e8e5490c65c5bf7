package io.loopforge.cli;

import io.loopforge.codegen.CodeGenerator;
import io.loopforge.codegen.CodegenOptions;
import io.loopforge.codegen.GeneratedCode;
import io.loopforge.codegen.Language;
import io.loopforge.codegen.TwinController;
import io.loopforge.hil.HilResult;
import io.loopforge.hil.HilSession;
import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.Trajectory;
import io.loopforge.modeling.io.AtomicFile;
import io.loopforge.modeling.io.TrajectoryCsv;
import io.loopforge.modeling.loop.ClosedLoop;
import io.loopforge.modeling.loop.ClosedLoopResult;
import io.loopforge.modeling.loop.StageCost;
import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.MlpTrainer;
import io.loopforge.modeling.nn.Normalization;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.nn.RolloutData;
import io.loopforge.modeling.nn.RolloutMetrics;
import io.loopforge.modeling.nn.TrainableMlp;
import io.loopforge.modeling.nn.TrainingConfig;
import io.loopforge.modeling.nn.TrainingListener;
import io.loopforge.modeling.nn.TrainingResult;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.policy.AffinePolicy;
import io.loopforge.modeling.policy.Controller;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.policy.MpcPolicy;
import io.loopforge.modeling.policy.NetworkPolicy;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.modeling.sindy.Sindy;
import io.loopforge.modeling.sindy.SindyModel;
import io.loopforge.modeling.sindy.Stlsq;
import io.loopforge.mpc.LqrDesign;
import io.loopforge.mpc.MipPlanner;
import io.loopforge.mpc.MpcProblem;
import io.loopforge.mpc.PlanLog;
import io.loopforge.mpc.PlanStatus;
import io.loopforge.mpc.Planner;
import io.loopforge.mpc.PlannerKind;
import io.loopforge.mpc.RecedingHorizonController;
import io.loopforge.mpc.TerminalCost;
import io.loopforge.mpc.distill.Distillation;
import io.loopforge.mpc.distill.ExecutorFanOut;
import io.loopforge.mpc.distill.ReluPolicyTrainer;
import io.loopforge.mpc.distill.SampleRegion;
import io.loopforge.sparsify.GatedSparsifier;
import io.loopforge.sparsify.SparsificationResult;
import io.loopforge.sparsify.SparsifyConfig;
import io.loopforge.sparsify.SparsifyListener;
import io.loopforge.targets.ControllerSource;
import io.loopforge.targets.Firmware;
import io.loopforge.targets.FirmwareBuilder;
import io.loopforge.targets.SizeReport;
import io.loopforge.targets.Target;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code loopforge demo}: the whole pipeline on a built-in plant, in eight stages: data; a SINDy model; a
 * ReLU network and its sparsification; host closed loops of the mixed-integer MPC on the sparse network,
 * MPPI on the dense one and an LQR on the SINDy model, on the same seeded episodes; the chip controllers
 * (a ReLU policy distilled from the MIP-MPC and a Gauss–Newton MPC on the sparse network), generated as C
 * and Java twin; their Cortex-M4 firmware; HIL under QEMU against the simulated plant; and {@code
 * report.html} with every table and plot. A stage that fails says which and why; the report of the stages
 * before it is still written, and the command exits 1.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    header = "Run the whole pipeline on a built-in plant and write an HTML report.",
    description = {
      "Run the Loopforge pipeline end to end on a built-in plant (default: cartpole-walls, the contact benchmark):",
      "  1 data          excite the plant, simulate training and held-out data",
      "  2 sindy         a SINDy model: equations, prediction against the truth on held-out data",
      "  3 networks      a dense ReLU network, sparsified to 16, 8 and 4 ReLUs (error against ReLU count)",
      "  4 closed loops  MIP-MPC on the sparse network, MPPI on the dense one, LQR on the SINDy model,",
      "                  on the same seeded episodes against the simulated plant",
      "  5 chip          a ReLU policy distilled from the MIP-MPC and an on-device MPC, as C + Java twin",
      "  6 firmware      Cortex-M4 firmware for each, flash and RAM against the STM32F407's",
      "  7 hil           each closed loop under QEMU: bit-exact with the twin, instructions per step",
      "  8 report        DIR/report.html (tables, plots, the commands behind each stage) and a summary",
      "Every artefact (CSV, model and controller files, generated code, ELF files, plots, JSON) goes into --out."
    })
final class DemoCommand implements Callable<Integer> {
  /** Cycles per instruction assumed for a rate on silicon (DESIGN.md: 1.1–1.5 on the M4; the slow end). */
  static final double CPI = 1.5;

  /** Clock of the STM32F407, Hz. */
  static final double CLOCK_HZ = 168e6;

  /** The chip whose flash and RAM the firmware is measured against. */
  private static final String BUDGET_TARGET = "stm32f4-discovery";

  private static final int[] BUDGETS = {16, 8, 4};


  private static final int STAGES = 8;

  /** The spec files the demo writes for its commands (indented, for people). */
  private static final com.fasterxml.jackson.databind.ObjectWriter JSON = new com.fasterxml.jackson.databind
      .ObjectMapper().writerWithDefaultPrettyPrinter();

  /** Steps of the open-loop prediction plots. */
  private static final int PREDICTION_STEPS = 40;

  @Spec CommandSpec spec;

  @Option(names = "--plant", defaultValue = "cartpole-walls", paramLabel = "NAME",
      description = "Built-in plant: cartpole-walls, cartpole, pendulum, mass-spring-damper or lorenz-control"
          + " (default: ${DEFAULT-VALUE}).")
  String plant;

  @Option(names = "--out", defaultValue = "demo-out", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--quick", description = "Smaller data, networks, episodes and distillation: a smoke run of"
      + " every stage in well under a minute.")
  boolean quick;

  @Option(names = "--target", defaultValue = "mps2-an386", paramLabel = "NAME", description = "QEMU board of the"
      + " firmware and the HIL runs (default: ${DEFAULT-VALUE}).")
  String target;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the data, training,"
      + " episodes and samples (default: ${DEFAULT-VALUE}).")
  long seed;

  /** How much of everything: the full demo or {@code --quick}. */
  private record Sizes(int transitions, int testTransitions, int[] hidden, int denseEpochs, int fineTuneEpochs,
      int episodes, int steps, int horizon, Duration mipLimit, int samples, int daggerEpisodes, int policyEpochs,
      int mpcHorizon, int mipRelus) {
    static Sizes of(boolean quick) {
      return quick
          ? new Sizes(6_000, 2_000, new int[] {32, 32}, 150, 15, 2, 25, 3, Duration.ofSeconds(1), 80, 0, 200, 6, 4)
          : new Sizes(12_000, 5_000, new int[] {64, 64}, 300, 30, 10, 60, 5, Duration.ofSeconds(2), 400, 5, 300, 10, 8);
    }
  }

  /** One network of stage 3. */
  private record Net(String name, DynamicsModel model, int relus, long parameters, double mse1, double mse10,
      double seconds, Path file) {}

  /** One controller's closed loops on the episodes. */
  private record Loops(String name, String model, List<ClosedLoopResult> runs, double solveMedianMs,
      double solveP95Ms, int fallbacks, int optimal, int plans) {
    double[] costs() {
      return runs.stream().mapToDouble(ClosedLoopResult::totalCost).toArray();
    }

    double mean() {
      return Arrays.stream(costs()).average().orElse(Double.NaN);
    }
  }

  /** One chip controller: its file, code prefix, and later its firmware and HIL run. */
  private static final class Chip {
    final String title;
    final String prefix;
    final Path file;
    final GeneratedCode code;
    Firmware firmware;
    SizeReport budget;
    HilResult hil;

    Chip(String title, String prefix, Path file, GeneratedCode code) {
      this.title = title;
      this.prefix = prefix;
      this.file = file;
      this.code = code;
    }
  }

  private PrintWriter w;
  private final DemoReport report = new DemoReport();
  private final List<String[]> summary = new ArrayList<>();
  /** The commands.sh lines: a comment per stage, then its commands. */
  private final List<String> commands = new ArrayList<>();
  private Plant p;
  private DemoRecipe recipe;
  private Sizes sizes;
  private String name;
  private Dataset data;
  private Dataset heldOut;
  private RolloutData train;
  private RolloutData test;
  private SindyModel sindy;
  private Net dense;
  private final List<Net> sparse = new ArrayList<>();
  private Net chosen;
  private MpcProblem problem;
  private StageCost cost;
  private List<double[]> starts;
  private final Map<String, Loops> loops = new LinkedHashMap<>();
  private final List<Chip> chips = new ArrayList<>();
  private Target board;

  @Override
  public Integer call() throws IOException {
    recipe = DemoRecipe.of(plant);
    if (recipe == null) {
      throw new ParameterException(spec.commandLine(), "--plant: the demo knows the plants "
          + String.join(", ", DemoRecipe.plants()) + "; got " + plant);
    }
    p = PlantsCommand.create(spec, plant);
    try {
      board = Target.forName(target);
    } catch (io.loopforge.targets.TargetException e) {
      throw new ParameterException(spec.commandLine(), "--target: " + e.getMessage());
    }
    OutputPaths.checkWritableFolder(spec, "--out", out);
    sizes = Sizes.of(quick);
    name = p.name().replace('-', '_');
    w = spec.commandLine().getOut();
    long t0 = System.nanoTime();
    report.title = "Loopforge demo: " + p.name();
    report.subtitle = p.defaultTask().description();
    report.meta.putAll(Versions.all());
    report.meta.put("command", "./loopforge demo --plant " + p.name() + " --seed " + seed + (quick ? " --quick" : "")
        + " --out " + shellWord(out.toString()));
    report.meta.put("machine", Runtime.getRuntime().availableProcessors() + " cores, Java "
        + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    report.meta.put("date", java.time.LocalDate.now().toString());

    List<Stage> stages = List.of(
        new Stage("data", "data", this::data),
        new Stage("sindy", "SINDy model", this::sindy),
        new Stage("networks", "ReLU network and its sparsification", this::networks),
        new Stage("loops", "host closed loops", this::closedLoops),
        new Stage("chip", "controllers for the chip", this::chipControllers),
        new Stage("firmware", "firmware", this::firmware),
        new Stage("hil", "hardware in the loop under QEMU", this::hil));
    String failure = null;
    for (int i = 0; i < stages.size() && failure == null; i++) {
      Stage s = stages.get(i);
      DemoReport.Section section = report.section(s.id(), (i + 1) + ". " + s.title());
      commands.add("");
      commands.add("# " + (i + 1) + ". " + s.title());
      w.printf(Locale.ROOT, "[%d/%d] %s%n", i + 1, STAGES, s.title());
      w.flush();
      long s0 = System.nanoTime();
      try {
        s.body().run(section);
        section.seconds = (System.nanoTime() - s0) / 1e9;
        if (section.outcome == DemoReport.Outcome.FAILED) {
          failure = "stage " + (i + 1) + " (" + s.title() + ") failed: " + section.outcomeText;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        section.outcome = DemoReport.Outcome.FAILED;
        section.outcomeText = "interrupted";
        failure = "stage " + (i + 1) + " (" + s.title() + ") was interrupted";
      } catch (IOException | RuntimeException e) {
        section.seconds = (System.nanoTime() - s0) / 1e9;
        section.outcome = DemoReport.Outcome.FAILED;
        section.outcomeText = message(e);
        section.text("This stage failed: " + section.outcomeText);
        failure = "stage " + (i + 1) + " (" + s.title() + ") failed: " + section.outcomeText;
      }
      w.printf(Locale.ROOT, "      (%.1f s)%n", section.seconds);
      w.flush();
    }
    w.printf(Locale.ROOT, "[%d/%d] report%n", STAGES, STAGES);
    double total = (System.nanoTime() - t0) / 1e9;
    report.meta.put("run time", String.format(Locale.ROOT, "%.0f s", total));
    Path html = out.resolve("report.html");
    if (!loops.isEmpty()) {
      report.resultsHeader = List.of("controller", "model", "mean cost", "worst episode");
      report.results = loops.values().stream().map(l -> List.of(l.name(), l.model(), fmt(l.mean()),
          fmt(Arrays.stream(l.costs()).max().orElse(Double.NaN)))).toList();
    }
    DemoHtml.write(report, html);
    Path script = out.resolve("commands.sh");
    writeCommands(script);
    w.printf("      wrote %s and %s%n", html, script);
    printSummary(total);
    if (failure != null) {
      PrintWriter e = spec.commandLine().getErr();
      e.println("error: the demo's " + failure + " (what ran is in " + html + ")");
      e.flush();
      return 1;
    }
    w.println("demo finished: every stage ran and every check passed.");
    w.flush();
    return 0;
  }

  private record Stage(String id, String title, StageBody body) {}

  @FunctionalInterface
  private interface StageBody {
    void run(DemoReport.Section s) throws IOException, InterruptedException;
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return Loopforge.isUserError(e) || e instanceof IOException
        ? (m == null ? e.getClass().getSimpleName() : m)
        : e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  // ---------------------------------------------------------------------------------------------------- 1

  private void data(DemoReport.Section s) throws IOException {
    long t0 = System.nanoTime();
    data = recipe.data(p, sizes.transitions(), seed);
    heldOut = recipe.data(p, sizes.testTransitions(), seed ^ 0x5DEECE66DL);
    train = RolloutData.of(data, 5, 0.2, RolloutData.Split.TRAJECTORIES);
    test = RolloutData.of(heldOut, 10, 0.0, RolloutData.Split.TRAJECTORIES);
    Path csv = out.resolve(p.name() + "-data.csv");
    TrajectoryCsv.write(data, csv);
    Path png = out.resolve(p.name() + "-data.png");
    TimeSeriesPlot.of(p.name() + ": training data", data).write(png);
    String how = p.name().startsWith("cartpole")
        ? "a stabilising state feedback plus random force steps (open loop the pole falls within a second)"
        : "a " + recipe.excitation().cliName() + " signal between the input bounds, from random states in the"
            + " central half of the operating region";
    w.printf(Locale.ROOT, "      %d transitions in %d trajectories at dt = %s s under %s; %d held out (another"
        + " seed); %.1f s%n", data.sampleCount() - data.size(), data.size(), DemoRecipe.DT, how,
        heldOut.sampleCount() - heldOut.size(), (System.nanoTime() - t0) / 1e9);
    w.printf("      wrote %s, %s%n", csv, png);
    s.text(String.format(Locale.ROOT, "%d transitions in %d trajectories at dt = %s s, under %s; each trajectory is"
        + " cut where it leaves the operating region. %d more transitions from another seed are held out for the"
        + " prediction errors below.", data.sampleCount() - data.size(), data.size(), DemoRecipe.DT, how,
        heldOut.sampleCount() - heldOut.size()));
    s.image(png, "training data", "The training data, trajectories back to back.");
    s.text("The data recipe (" + how + ") is the demo's own; the demo command at the top reproduces it with its"
        + " seed. One trajectory of a plant under an excitation: ./loopforge simulate --help.");
    headline(s, new String[] {"data", String.format(Locale.ROOT, "%d transitions", data.sampleCount() - data.size())});
  }

  // ---------------------------------------------------------------------------------------------------- 2

  private void sindy(DemoReport.Section s) throws IOException {
    Sindy.Builder b = Sindy.builder().library(recipe.library())
        .optimizer(Stlsq.builder().threshold(recipe.threshold()).alpha(0).build());
    if (recipe.discreteSindy()) {
      b.discreteTime(true).dt(DemoRecipe.DT);
    }
    long t0 = System.nanoTime();
    Sindy fit = b.build();
    sindy = fit.fit(data);
    double ms = (System.nanoTime() - t0) / 1e6;
    Path file = out.resolve(name + "_sindy.json");
    ModelFiles.write(Model.of(sindy), file);
    double[] e = RolloutMetrics.mseByStep(sindy, test, false, train.stateStd());
    for (String line : sindy.printLines()) {
      w.println("      " + line);
    }
    w.printf(Locale.ROOT, "      %s, fitted in %.0f ms; held-out MSE (states scaled by their spread) 1-step %.3g,"
        + " 10-step %.3g; wrote %s%n", recipe.discreteSindy() ? "a map x[k+1] = f(x[k], u[k])" : "an ODE dx/dt = f(x, u)",
        ms, e[0], e[9], file);
    Trajectory truth = longest(heldOut);
    Path png = out.resolve("sindy-prediction.png");
    predictionPlot("SINDy prediction against the truth (held-out trajectory, open loop from its first state)",
        sindy, truth).write(png);
    s.text(String.format(Locale.ROOT, "STLSQ (threshold %s) on a %s library, learned as %s in %.0f ms.",
        recipe.threshold(), recipe.library(), recipe.discreteSindy() ? "a map x[k+1] = Θ(x[k], u[k]) ξ"
            : "an ODE dx/dt = Θ(x, u) ξ", ms));
    s.preformatted(String.join("\n", sindy.printLines()));
    s.table(List.of("held-out MSE", "1 step", "10 steps"), List.of(List.of("SINDy", sci(e[0]), sci(e[9]))));
    s.image(png, "SINDy prediction against the truth", "Open-loop prediction of a held-out trajectory (dashed)"
        + " against the simulated plant.");
    Path specFile = out.resolve("sindy-spec.json");
    AtomicFile.writeString(specFile, JSON.writeValueAsString(fit.toSpec()));
    reproduce(s, "identify", "sindy", "--data", out.resolve(p.name() + "-data.csv").toString(), "--inputs",
        String.join(",", p.inputNames()), "--spec", specFile.toString(), "--out",
        again().resolve("sindy.json").toString());
    headline(s, new String[] {"SINDy model", String.format(Locale.ROOT, "10-step MSE %s", sci(e[9]))});
  }

  private static Trajectory longest(Dataset d) {
    return d.trajectories().stream().max((a, b) -> Integer.compare(a.size(), b.size())).orElseThrow();
  }

  private TimeSeriesPlot predictionPlot(String title, DynamicsModel model, Trajectory truth) {
    TimeSeriesPlot plot = new TimeSeriesPlot(title);
    int n = Math.min(truth.size(), PREDICTION_STEPS + 1);
    double[] t = Arrays.copyOf(truth.times(), n);
    double[][] x = Arrays.copyOf(truth.statesUnsafe(), n);
    // the prediction is drawn until it leaves the operating region widened to twice its size (or diverges)
    double[][] wide = recipe.region(2);
    double[][] pred = new double[n][];
    pred[0] = truth.state(0);
    int shown = 1;
    while (shown < n) {
      double[] next = model.step(pred[shown - 1], truth.input(shown - 1));
      boolean inside = true;
      for (int j = 0; j < next.length; j++) {
        inside &= next[j] >= wide[0][j] && next[j] <= wide[1][j];
      }
      if (!inside) {
        break;
      }
      pred[shown++] = next;
    }
    double[] tp = Arrays.copyOf(t, shown);
    double[][] xp = Arrays.copyOf(pred, shown);
    for (int j = 0; j < truth.stateDim(); j++) {
      String name = truth.stateNames().get(j);
      plot.add(name, "state", t, TimeSeriesPlot.column(x, j));
      plot.overlay(name, "prediction", tp, TimeSeriesPlot.column(xp, j));
    }
    return plot;
  }

  // ---------------------------------------------------------------------------------------------------- 3

  private void networks(DemoReport.Section s) throws IOException {
    TrainingConfig training = TrainingConfig.builder().learningRate(3e-3).batchSize(64).patience(8).plateauEpochs(3)
        .averaging(0.99).maxEpochs(sizes.denseEpochs()).seed(seed).build();
    TrainableMlp net = TrainableMlp.random(data.stateNames(), data.inputNames(), train.dt(), sizes.hidden(), true,
        Normalization.fromData(train, true), seed);
    long[] last = {System.nanoTime()};
    TrainingListener progress = r -> {
      if (System.nanoTime() - last[0] > 3e9) {
        last[0] = System.nanoTime();
        w.printf(Locale.ROOT, "      dense: epoch %d of at most %d, validation loss %.3g, %.0f s%n", r.epoch(),
            r.maxEpochs(), r.validationLoss(), r.elapsedSeconds());
        w.flush();
      }
    };
    TrainingResult tr = new MlpTrainer(training).train(net, train, progress);
    ReluNetwork denseNet = net.toNetwork();
    dense = score("dense", denseNet, denseNet.reluCount(), denseNet.parameterCount(), tr.seconds(),
        out.resolve(name + "_dense.json"));
    ModelFiles.write(Model.of(denseNet), dense.file());
    w.printf(Locale.ROOT, "      dense %s: %d ReLUs, %d epochs (%s), held-out MSE 1-step %s, 10-step %s (%.1f s)%n",
        Arrays.toString(sizes.hidden()), dense.relus(), tr.epochs(), tr.stoppedEarly() ? "stopped early: converged"
            : "epoch limit", sci(dense.mse1()), sci(dense.mse10()), tr.seconds());
    int[] keep = Arrays.stream(BUDGETS).filter(b -> b < denseNet.reluCount()).toArray();
    int[] schedule = SparsifyConfig.halvingSchedule(denseNet.reluCount(), keep[keep.length - 1]);
    SparsifyConfig config = SparsifyConfig.builder(schedule).keep(keep).warmupEpochs(1).gateEpochs(2)
        .fineTuneEpochs(sizes.fineTuneEpochs()).intermediateFineTuneEpochs(sizes.fineTuneEpochs()).training(training)
        .build();
    long[] lastEpoch = {System.nanoTime()};
    SparsificationResult result = new GatedSparsifier(config).run(denseNet, train, new SparsifyListener() {
      @Override
      public void onEpoch(TrainingListener.EpochReport r) {
        if (System.nanoTime() - lastEpoch[0] > 3e9) {
          lastEpoch[0] = System.nanoTime();
          w.printf(Locale.ROOT, "        epoch %d of at most %d, validation loss %.3g%n", r.epoch(), r.maxEpochs(),
              r.validationLoss());
          w.flush();
        }
      }

      @Override
      public void onPhase(String description) {
        lastEpoch[0] = System.nanoTime();
        w.println("      " + description);
        w.flush();
      }
    });
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("dense " + Arrays.toString(sizes.hidden()), Integer.toString(dense.relus()),
        Long.toString(dense.parameters()), sci(dense.mse1()), sci(dense.mse10()), secs(dense.seconds())));
    for (SparsificationResult.Stage st : result.stages()) {
      if (Arrays.stream(keep).noneMatch(b -> b == st.budget())) {
        continue;
      }
      FoldedReluNetwork f = st.folded();
      Net n = score("sparse-" + st.budget(), f, f.reluCount(), f.nonzeroParameterCount(), st.seconds(),
          out.resolve(name + "_sparse_" + st.budget() + ".json"));
      ModelFiles.write(Model.of(f), n.file());
      sparse.add(n);
      rows.add(List.of("gated, budget " + st.budget(), Integer.toString(n.relus()), Long.toString(n.parameters()),
          sci(n.mse1()), sci(n.mse10()), secs(n.seconds())));
      w.printf(Locale.ROOT, "      sparse %2d ReLUs, %5d parameters: held-out MSE 1-step %s, 10-step %s%n", n.relus(),
          n.parameters(), sci(n.mse1()), sci(n.mse10()));
    }
    // among the networks the MIP stays fast on (BENCHMARKS.md: up to 40 binaries per plan), the sparsest that
    // predicts 10 steps as well as the dense one (within 10 %), else the most accurate
    List<Net> fast = sparse.stream().filter(n -> n.relus() <= sizes.mipRelus()).toList();
    chosen = fast.stream().filter(n -> n.mse10() <= 1.1 * dense.mse10()).min((a, b) -> Integer.compare(a.relus(),
        b.relus())).orElse(null);
    String why = chosen != null
        ? String.format(Locale.ROOT, "the sparsest network with at most %d ReLUs (at most %d binaries per plan over %d"
            + " steps) whose held-out 10-step MSE is within 10 %% of the dense network's", sizes.mipRelus(),
            sizes.mipRelus() * sizes.horizon(), sizes.horizon())
        : String.format(Locale.ROOT, "no network with at most %d ReLUs (at most %d binaries per plan over %d steps)"
            + " came within 10 %% of the dense network's held-out 10-step MSE; the most accurate of them",
            sizes.mipRelus(), sizes.mipRelus() * sizes.horizon(), sizes.horizon());
    if (chosen == null) {
      chosen = fast.stream().min((a, b) -> Double.compare(a.mse10(), b.mse10())).orElseThrow();
    }
    w.printf("      the MIP-MPC plans with %s: %d ReLUs (%s)%n", chosen.file(), chosen.relus(), why);
    Path png = out.resolve("relu-budget.png");
    XyPlot plot = new XyPlot("Held-out prediction error against ReLU count", "ReLUs", "MSE (scaled states)");
    double[] relus = sparse.stream().mapToDouble(Net::relus).toArray();
    plot.series("sparse, 1 step", 0, relus, sparse.stream().mapToDouble(Net::mse1).toArray());
    plot.series("sparse, 10 steps", 1, relus, sparse.stream().mapToDouble(Net::mse10).toArray());
    plot.series("dense, 1 step", 0, new double[] {dense.relus()}, new double[] {dense.mse1()});
    plot.series("dense, 10 steps", 1, new double[] {dense.relus()}, new double[] {dense.mse10()});
    plot.write(png);
    s.text(String.format(Locale.ROOT, "A residual ReLU network x[k+1] = x[k] + f(x[k], u[k]), hidden %s, trained on"
        + " 5-step rollouts (%d epochs, %s), then gated sparsification (Liu et al., NeurIPS 2023) through the"
        + " budgets %s: each neuron kept as a ReLU, turned into an identity or removed. Errors are held-out MSEs"
        + " of the open-loop prediction, states divided by their spread.", Arrays.toString(sizes.hidden()),
        tr.epochs(), tr.stoppedEarly() ? "stopped early: converged" : "epoch limit", Arrays.toString(schedule)));
    s.table(List.of("network", "ReLUs", "parameters", "1-step MSE", "10-step MSE", "training (s)"), rows);
    s.image(png, "prediction error against ReLU count", "Held-out 1- and 10-step MSE against the number of ReLUs"
        + " (log scales).");
    s.text("The MIP-MPC plans with the " + chosen.relus() + "-ReLU network: " + why + ".");
    s.text("The same sparsification from the command line (its own training defaults beside the settings given):");
    reproduce(s, "sparsify", "--model", dense.file().toString(), "--data", out.resolve(p.name() + "-data.csv")
        .toString(), "--inputs", String.join(",", p.inputNames()), "--relu-budget", Integer.toString(chosen.relus()),
        "--warmup-epochs", "1", "--gate-epochs", "2", "--fine-tune-epochs", Integer.toString(sizes.fineTuneEpochs()),
        "--intermediate-fine-tune-epochs", Integer.toString(sizes.fineTuneEpochs()), "--seed", Long.toString(seed),
        "--quiet", "--out", again().resolve("sparse.json").toString());
    headline(s, new String[] {"sparse network", String.format(Locale.ROOT, "%d → %d ReLUs, 10-step MSE %s → %s",
        dense.relus(), chosen.relus(), sci(dense.mse10()), sci(chosen.mse10()))});
  }

  private Net score(String label, DynamicsModel model, int relus, long parameters, double seconds, Path file) {
    double[] e = RolloutMetrics.mseByStep(model, test, false, train.stateStd());
    return new Net(label, model, relus, parameters, e[0], e[9], seconds, file);
  }

  // ---------------------------------------------------------------------------------------------------- 4

  private MpcProblem problem(DynamicsModel model, int horizon) {
    double[] ref = p.defaultTask().referenceState();
    MpcProblem.Builder b = MpcProblem.builder(model, horizon).norm(MpcProblem.Norm.L1).stateReference(ref)
        .stateWeights(recipe.stateWeights())
        .inputWeights(filled(p.inputDim(), recipe.inputWeight()))
        .inputBounds(p.inputLower(), p.inputUpper())
        .stateBounds(recipe.regionLower(), recipe.regionUpper(), 100);
    if (p.defaultTask().hasReferenceInput()) {
      b.inputReference(p.defaultTask().referenceInput());
    }
    // a short L1 horizon alone coasts through the set-point: the plan pays for what its last state leaves to an
    // LQR after it (BENCHMARKS.md, figure 3: every planner's cost halved, the exact MIP the best planner)
    return b.terminalMatrix(TerminalCost.lqrTail(b.build())).build();
  }

  private boolean regionIsThePlants() {
    return Arrays.equals(recipe.regionLower(), p.stateLower()) && Arrays.equals(recipe.regionUpper(), p.stateUpper());
  }

  private static com.fasterxml.jackson.databind.node.ArrayNode doubles(double[] v) {
    com.fasterxml.jackson.databind.node.ArrayNode a = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
        .arrayNode();
    for (double x : v) {
      a.add(x);
    }
    return a;
  }

  private static double[] filled(int n, double v) {
    double[] a = new double[n];
    Arrays.fill(a, v);
    return a;
  }

  private void closedLoops(DemoReport.Section s) throws IOException {
    problem = problem(chosen.model(), sizes.horizon());
    cost = problem.stageCost();
    starts = recipe.starts(p.defaultTask().referenceState(), sizes.episodes(), seed);
    PlannerKind.Settings settings = PlannerKind.Settings.defaults(seed).withTimeLimit(sizes.mipLimit());
    runPlanner("MIP-MPC", chosen.name() + " (" + chosen.relus() + " ReLUs)", PlannerKind.MIP.create(problem, settings));
    MpcProblem denseProblem = problem(dense.model(), sizes.horizon());
    runPlanner("MPPI", "dense (" + dense.relus() + " ReLUs)", PlannerKind.MPPI.create(denseProblem, settings));
    LqrDesign design = LqrDesign.builder(sindy, p).stateWeights(recipe.stateWeights())
        .inputWeights(filled(p.inputDim(), recipe.inputWeight())).build();
    AffinePolicy lqr = AffinePolicy.builder(p.stateNames(), p.inputNames(), DemoRecipe.DT).gain(design.gain())
        .inputReference(design.referenceInput()).referenceLayout(AffinePolicy.ReferenceLayout.STATE)
        .inputBounds(InputBounds.of(p.inputLower(), p.inputUpper())).build();
    ModelFiles.write(Model.of(lqr), out.resolve(name + "_lqr.json"));
    runController("LQR", "SINDy (linearised at the reference)", lqr);
    s.text(String.format(Locale.ROOT, "%d episodes of %d steps (%.1f s) from seeded starts within ±%s of the reference"
        + " %s, against the simulated plant. Every controller is scored by the same L1 cost: Σ ‖Q (x − x_ref)‖₁ +"
        + " ‖R (u − u_ref)‖₁ + 100 · (distance outside the operating region), Q = diag%s, R = %s, on the true"
        + " states (the planners' own cost also charges the state at the end of their horizon what the stage cost"
        + " would add up to under an LQR from there, the L1 cost of the LQR tail on each model). The MIP-MPC"
        + " (horizon %d, branch-and-bound on the ReLU phases with ojAlgo's LP, %d ms per plan at"
        + " most) and MPPI (horizon %d) minimise that cost on their networks; the LQR minimises a quadratic cost with"
        + " the same weights on the SINDy model's linearisation.", sizes.episodes(), sizes.steps(),
        sizes.steps() * DemoRecipe.DT, PlantsCommand.vector(recipe.startSpread()),
        PlantsCommand.vector(p.defaultTask().referenceState()), PlantsCommand.vector(recipe.stateWeights()),
        recipe.inputWeight(), sizes.horizon(), sizes.mipLimit().toMillis(), sizes.horizon()));
    s.text("The MIP-MPC's first episode from the command line" + (regionIsThePlants() ? ":"
        : " (there the soft state box is the plant's operating region, here " + PlantsCommand.vector(recipe.regionLower())
            + " .. " + PlantsCommand.vector(recipe.regionUpper()) + "):"));
    reproduce(s, "mpc", "--model", chosen.file().toString(), "--plant", p.name(), "--planner", "mip", "--horizon",
        Integer.toString(sizes.horizon()), "--steps", Integer.toString(sizes.steps()), "--x0", csv(starts.get(0)),
        "--q", csv(recipe.stateWeights()), "--lqr-tail", "--r",
        csv(filled(p.inputDim(), recipe.inputWeight())), "--time-limit", Long.toString(sizes.mipLimit().toMillis()),
        "--out", again().resolve("mip-run.json").toString(), "--plot", again().resolve("mip-run.png").toString());
    loopsTable(s, "closed-loops.png");
    Loops mip = loops.get("MIP-MPC");
    Loops mppi = loops.get("MPPI");
    Loops best = loops.values().stream().min((a, b) -> Double.compare(a.mean(), b.mean())).orElseThrow();
    int cheaper = 0;
    double[] mipCosts = mip.costs();
    double[] mppiCosts = mppi.costs();
    for (int e = 0; e < starts.size(); e++) {
      cheaper += mipCosts[e] < mppiCosts[e] ? 1 : 0;
    }
    String verdict = String.format(Locale.ROOT, "Sparse + MIP against dense + sampling (Liu et al.'s comparison): the"
        + " MIP-MPC on the %d-ReLU network is cheaper than MPPI on the %d-ReLU network in %d of %d episodes. Lowest"
        + " mean cost: %s (%s)%s.", chosen.relus(), dense.relus(), cheaper, starts.size(), best.name(),
        fmt(best.mean()), best == mip ? "" : String.format(Locale.ROOT, "; the MIP-MPC's is %.0f %% higher (a short L1"
            + " horizon plans lazily: BENCHMARKS.md, the planner comparison)", 100 * (mip.mean() / best.mean() - 1)));
    s.text(verdict);
    w.println("      " + verdict);
    headline(s, new String[] {"MIP-MPC", String.format(Locale.ROOT, "mean cost %.3g; %d/%d plans proven optimal,"
        + " %d fallbacks", mip.mean(), mip.optimal(), mip.plans(), mip.fallbacks())});
    if (mip.fallbacks() > 0) {
      s.text(mip.fallbacks() + " MIP plans were replaced by their stated fallback (shifted previous plan or a safe"
          + " input); no unvalidated input reached the plant.");
    }
  }

  private void runPlanner(String label, String model, Planner planner) {
    PlanLog log = new PlanLog();
    RecedingHorizonController c = RecedingHorizonController.builder(planner).listener(log).build();
    List<Double> times = new ArrayList<>();
    int[] counts = new int[2];
    List<ClosedLoopResult> runs = episodes(label, c, () -> {
      for (double t : log.solveMillis()) {
        times.add(t);
      }
      counts[0] += log.fallbacks();
      counts[1] += log.plannerStatuses().getOrDefault(PlanStatus.OPTIMAL, 0);
      log.clear();
    });
    double[] t = times.stream().mapToDouble(Double::doubleValue).toArray();
    // only the MIP proves its plans optimal; the sampling planners' plans have no such status
    add(new Loops(label, model, runs, PlanLog.quantile(t, 0.5), PlanLog.quantile(t, 0.95), counts[0],
        planner instanceof MipPlanner ? counts[1] : -1, t.length));
  }

  private void runController(String label, String model, Controller c) {
    add(new Loops(label, model, episodes(label, c, () -> {}), Double.NaN, Double.NaN, 0, -1, 0));
  }

  private void add(Loops l) {
    loops.put(l.name(), l);
    w.printf(Locale.ROOT, "      %-22s mean cost %8.4g over %d episodes%s%n", l.name() + " on " + shortName(l.model()),
        l.mean(), l.costs().length, l.plans() > 0 ? String.format(Locale.ROOT, ", plan median %.3g ms, p95 %.3g ms",
            l.solveMedianMs(), l.solveP95Ms()) : "");
    w.flush();
  }

  private static String shortName(String model) {
    int i = model.indexOf(' ');
    return i < 0 ? model : model.substring(0, i);
  }

  private List<ClosedLoopResult> episodes(String label, Controller c, Runnable afterEpisode) {
    List<ClosedLoopResult> runs = new ArrayList<>();
    long last = System.nanoTime();
    for (int e = 0; e < starts.size(); e++) {
      ClosedLoopResult r = ClosedLoop.builder(p, c).steps(sizes.steps()).initialState(starts.get(e))
          .reference(p.defaultTask().referenceState()).stopOutsideRegion(false).stageCost(cost)
          .controllerName(label).build().run();
      runs.add(r);
      afterEpisode.run();
      if (System.nanoTime() - last > 2e9 && e + 1 < starts.size()) {
        last = System.nanoTime();
        w.printf("      %s: episode %d of %d%n", label, e + 1, starts.size());
        w.flush();
      }
    }
    return runs;
  }

  // ---------------------------------------------------------------------------------------------------- 5

  private void chipControllers(DemoReport.Section s) throws IOException, InterruptedException {
    InputBounds box = InputBounds.of(p.inputLower(), p.inputUpper());
    double[][] region = recipe.region(0.5);
    Supplier<Planner> planners = () -> MipPlanner.builder(problem).deterministic(true).timeLimit(sizes.mipLimit())
        .build();
    Distillation.Listener listener = DistillCommand.progressLines(w, "      ", 2_000_000_000L, (batch, tasks) ->
        String.format(Locale.ROOT, "distillation: solving the MIP-MPC for %d %s states", tasks,
            batch.equals("samples") ? "sampled" : "DAgger (" + batch + ")"));
    ReluPolicyTrainer trainer = ReluPolicyTrainer.builder().hidden(16, 16).epochs(sizes.policyEpochs()).seed(seed)
        .build();
    Distillation.Result d = Distillation.builder(planners, p).region(SampleRegion.of(region[0], region[1]))
        .samples(sizes.samples()).seed(seed)
        .dagger(sizes.daggerEpisodes() > 0 ? 1 : 0, Math.max(1, sizes.daggerEpisodes()), sizes.steps())
        .daggerWith(Distillation.DaggerWith.RELU).chunkSize(25).fanOut(ExecutorFanOut.threads(Runtime.getRuntime().availableProcessors()))
        .directory(out.resolve("solves")).listener(listener)
        .description(ModelFiles.read(chosen.file()).sha256() + "|" + sizes.mipLimit().toMillis())
        .trainer(trainer).polynomial(1, 0.1).build().run(); // the demo uses the ReLU policy only
    NetworkPolicy policy = d.relu();
    Path policyFile = out.resolve(name + "_distilled.json");
    ModelFiles.write(Model.of(policy), policyFile);
    w.printf(Locale.ROOT, "      %d solves (%s), %d kept for training; ReLU policy %s; wrote %s%n", d.data().size(),
        d.data().statusCounts(), d.data().training().size(), policy, policyFile);

    MpcPolicy.Builder mb = MpcPolicy.builder(chosen.model()).horizon(sizes.mpcHorizon()).iterations(3)
        .inputBounds(box).stateWeights(recipe.stateWeights()).inputWeights(filled(p.inputDim(), recipe.inputWeight()))
        .referenceState(p.defaultTask().referenceState());
    if (p.defaultTask().hasReferenceInput()) {
      mb.referenceInput(p.defaultTask().referenceInput());
    }
    MpcPolicy mpc = mb.build();
    Path mpcFile = out.resolve(name + "_mpc.json");
    ModelFiles.write(Model.of(mpc), mpcFile);
    w.printf(Locale.ROOT, "      on-device MPC: Gauss-Newton on the %d-ReLU network, horizon %d, 3 iterations per"
        + " step; wrote %s%n", chosen.relus(), sizes.mpcHorizon(), mpcFile);

    Path cDir = out.resolve("generated/c");
    Path javaDir = out.resolve("generated/java");
    chips.add(generate("distilled ReLU policy", name + "_distilled", policyFile, Model.of(policy), cDir, javaDir));
    chips.add(generate("on-device MPC", name + "_mpc", mpcFile, Model.of(mpc), cDir, javaDir));
    w.printf("      C in %s, Java twins in %s%n", cDir, javaDir);
    for (Chip c : chips) {
      runController(c.title, "Java twin (float32, as on the chip)", TwinController.of(c.code));
    }
    Loops mip = loops.get("MIP-MPC");
    Loops relu = loops.get("distilled ReLU policy");
    s.text(String.format(Locale.ROOT, "Distillation: the MIP-MPC solved for %d states (%d Latin-hypercube samples of the"
        + " central half of the operating region%s), fanned out on %d threads into resumable chunk files under"
        + " %s; %d plans proven optimal were kept for training, %d left out. A ReLU policy %s was trained on them"
        + " (%d epochs). The on-device MPC runs %d Gauss–Newton iterations per step on the %d-ReLU network with"
        + " horizon %d and the quadratic cost of the LQR's weights. Both are generated as C11 and as a bit-identical"
        + " Java twin; the twins ran the closed loops below, on the episodes of stage 4.", d.data().size(),
        d.roundSizes().get(0), d.roundSizes().size() > 1 ? ", then " + d.roundSizes().get(1)
            + " states the policy visited in closed loop (DAgger)" : "",
        Runtime.getRuntime().availableProcessors(), out.resolve("solves"), d.data().training().size(),
        d.data().excluded(), policy, sizes.policyEpochs(), 3, chosen.relus(), sizes.mpcHorizon()));
    loopsTable(s, "closed-loops-all.png");
    Path mpcSpec = out.resolve("mpc-spec.json");
    com.fasterxml.jackson.databind.node.ObjectNode spec = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
        .objectNode();
    spec.put("model", chosen.file().getFileName().toString());
    spec.put("horizon", sizes.horizon());
    spec.put("norm", "l1");
    spec.set("q", doubles(recipe.stateWeights()));
    spec.put("terminal", "lqr-tail");
    spec.set("r", doubles(filled(p.inputDim(), recipe.inputWeight())));
    spec.put("state_penalty", 100);
    spec.put("time_limit_ms", sizes.mipLimit().toMillis());
    AtomicFile.writeString(mpcSpec, JSON.writeValueAsString(spec));
    s.text("The distillation and the on-device MPC from the command line (the MPC of " + mpcSpec.getFileName()
        + "; the distillation's state box there is the plant's operating region):");
    List<String> distill = new ArrayList<>(List.of("distill", "--mpc", mpcSpec.toString(), "--plant", p.name(),
        "--samples", Integer.toString(sizes.samples()), "--region-lower", csv(region[0]), "--region-upper",
        csv(region[1]), "--hidden", "16,16", "--epochs", Integer.toString(sizes.policyEpochs()), "--degree", "1",
        "--seed", Long.toString(seed), "--out", again().resolve("distill").toString()));
    if (sizes.daggerEpisodes() > 0) {
      distill.addAll(List.of("--dagger", "1", "--dagger-episodes", Integer.toString(sizes.daggerEpisodes()),
          "--dagger-steps", Integer.toString(sizes.steps()), "--dagger-with", "relu"));
    }
    reproduce(s, distill.toArray(String[]::new));
    reproduce(s, "design", "mpc", "--model", chosen.file().toString(), "--plant", p.name(), "--horizon",
        Integer.toString(sizes.mpcHorizon()), "--iterations", "3", "--q", csv(recipe.stateWeights()), "--r",
        csv(filled(p.inputDim(), recipe.inputWeight())), "--out", again().resolve("mpc.json").toString());
    headline(s, new String[] {"distilled policy", String.format(Locale.ROOT, "mean cost %.3g (%+.1f %% of the"
        + " MIP-MPC's)", relu.mean(), 100 * (relu.mean() / mip.mean() - 1))});
  }

  /** C and the Java twin of a chip controller, written under {@code cDir} and {@code javaDir}. */
  private static Chip generate(String title, String prefix, Path file, Model model, Path cDir, Path javaDir) {
    GeneratedCode code = CodeGenerator.generate(model, CodegenOptions.builder(prefix).languages(Language.C,
        Language.JAVA).build());
    code.writeTo(cDir, javaDir);
    return new Chip(title, prefix, file, code);
  }

  /** The cost table of stage 4 and 5, and the overlaid trajectories of the first episode. */
  private void loopsTable(DemoReport.Section s, String file) throws IOException {
    List<List<String>> rows = new ArrayList<>();
    for (Loops l : loops.values()) {
      double[] c = l.costs();
      Arrays.sort(c);
      rows.add(List.of(l.name(), l.model(), fmt(l.mean()), fmt(c[c.length / 2]), fmt(c[c.length - 1]),
          l.plans() > 0 ? String.format(Locale.ROOT, "%.3g / %.3g", l.solveMedianMs(), l.solveP95Ms()) : "–",
          l.optimal() >= 0 ? l.optimal() + " / " + l.plans() : "–", l.plans() > 0 ? Integer.toString(l.fallbacks())
              : "–"));
    }
    s.table(List.of("controller", "model", "mean cost", "median cost", "worst cost", "plan median / p95 (ms)",
        "plans proven optimal", "fallbacks"), rows);
    Path png = out.resolve(file);
    TimeSeriesPlot plot = new TimeSeriesPlot("Episode 1 from " + PlantsCommand.vector(starts.get(0))
        + ": every controller against the simulated plant");
    boolean first = true;
    for (Loops l : loops.values()) {
      Trajectory t = l.runs().get(0).trajectory();
      for (int j = 0; j < p.stateDim(); j++) {
        String n = p.stateNames().get(j);
        double[] v = TimeSeriesPlot.column(t.statesUnsafe(), j);
        if (first) {
          plot.add(n, l.name(), t.times(), v);
        } else {
          plot.overlay(n, l.name(), t.times(), v);
        }
      }
      first = false;
    }
    plot.write(png);
    s.image(png, "closed-loop trajectories of every controller", "The first episode under every controller:"
        + " states over time.");
  }

  // ---------------------------------------------------------------------------------------------------- 6

  private void firmware(DemoReport.Section s) throws IOException {
    Target budget = Target.forName(BUDGET_TARGET);
    List<List<String>> rows = new ArrayList<>();
    boolean fits = true;
    for (Chip c : chips) {
      c.firmware = FirmwareBuilder.forTarget(board).controller(ControllerSource.of(out.resolve("generated/c"), c.prefix))
          .output(out.resolve(c.prefix + "-" + board.name() + ".elf")).build();
      SizeReport r = c.firmware.size();
      c.budget = new SizeReport(BUDGET_TARGET, r.text(), r.data(), r.bss(), r.stack(), budget.flashBytes(),
          budget.ramBytes());
      fits &= c.budget.fits();
      w.printf(Locale.ROOT, "      %s: %s, flash %d B (%.2f %% of the STM32F407's %d KiB), RAM %d B (%.1f %% of %d"
          + " KiB)%n", c.title, c.firmware.elf().getFileName(), c.budget.flashUsed(), c.budget.flashPercent(),
          budget.flashBytes() >> 10, c.budget.ramUsed(), c.budget.ramPercent(), budget.ramBytes() >> 10);
      rows.add(List.of(c.title, c.firmware.elf().getFileName().toString(), Long.toString(c.budget.flashUsed()),
          String.format(Locale.ROOT, "%.2f %%", c.budget.flashPercent()), Long.toString(c.budget.ramUsed()),
          String.format(Locale.ROOT, "%.1f %%", c.budget.ramPercent())));
    }
    s.text(String.format(Locale.ROOT, "Built with arm-none-eabi-gcc for %s (Cortex-M4F, hard float), controller code"
        + " with -Wall -Wextra -Wpedantic -Werror. Flash and RAM measured on these ELF files against the"
        + " STM32F407's budget (%d KiB flash, %d KiB RAM; RAM includes the stack reserve).", board.name(),
        budget.flashBytes() >> 10, budget.ramBytes() >> 10));
    s.table(List.of("controller", "firmware", "flash (B)", "of 1 MiB", "RAM (B)", "of 128 KiB"), rows);
    for (Chip c : chips) {
      reproduce(s, "firmware", "--target", board.name(), "--controller", c.file.toString(), "--out",
          again().resolve(c.prefix + ".elf").toString());
    }
    if (!fits) {
      s.outcome = DemoReport.Outcome.FAILED;
      s.outcomeText = "a firmware does not fit the STM32F407's flash or RAM";
    } else {
      s.outcome = DemoReport.Outcome.PASSED;
      s.outcomeText = "every firmware fits the STM32F407's flash and RAM";
    }
  }

  // ---------------------------------------------------------------------------------------------------- 7

  private void hil(DemoReport.Section s) throws IOException {
    List<List<String>> rows = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (Chip c : chips) {
      w.printf(Locale.ROOT, "      %s: %d steps under QEMU (%s) from %s%n", c.title, sizes.steps(), board.name(),
          PlantsCommand.vector(starts.get(0)));
      w.flush();
      c.hil = JavaTwin.load(c.file).applyTo(HilSession.builder(board, c.firmware.elf(), p)).controlPeriod(DemoRecipe.DT)
          .steps(sizes.steps()).initialState(starts.get(0)).reference(p.defaultTask().referenceState()).run();
      Path json = out.resolve("hil-" + c.prefix + ".json");
      c.hil.writeJson(json);
      Path png = out.resolve("hil-" + c.prefix + ".png");
      TimeSeriesPlot.of("HIL: " + c.title + " on " + board.name() + " controlling " + p.name(), c.hil.trajectory())
          .write(png);
      double rate = CLOCK_HZ / (CPI * c.hil.instructionsMean());
      double hostCost = loops.get(c.title).runs().get(0).totalCost();
      w.printf(Locale.ROOT, "      %.0f instructions per step (max %d): %.1f kHz at 168 MHz; %s; %d transport"
          + " errors; wrote %s%n", c.hil.instructionsMean(), c.hil.instructionsMax(), rate / 1e3,
          c.hil.bitExact() ? "every input bit-exact with the Java twin" : "DIFFERS from the twin at "
              + c.hil.mismatchedSteps() + " steps", c.hil.transportErrors(), json);
      rows.add(List.of(c.title, Integer.toString(c.hil.steps()), c.hil.bitExact() ? "bit-exact" : "differs at "
          + c.hil.mismatchedSteps() + " steps", fmt(c.hil.instructionsMean()), Long.toString(c.hil.instructionsMax()),
          String.format(Locale.ROOT, "%.1f kHz", rate / 1e3), Integer.toString(c.hil.transportErrors())));
      s.image(png, "HIL trajectory of the " + c.title, "The " + c.title + " on the emulated Cortex-M4 against the"
          + " simulated plant (episode 1; the host loop with its twin cost " + fmt(hostCost) + ").");
      if (!c.hil.bitExact()) {
        failures.add("the " + c.title + "'s firmware differs from its Java twin at " + c.hil.mismatchedSteps()
            + " steps");
      }
      if (c.hil.transportErrors() > 0) {
        failures.add(c.hil.transportErrors() + " transport errors with the " + c.title + "'s firmware");
      }
      headline(s, new String[] {"HIL, " + c.title, String.format(Locale.ROOT, "%s, %.0f instructions/step, %.1f kHz",
          c.hil.bitExact() ? "bit-exact" : "NOT bit-exact", c.hil.instructionsMean(), rate / 1e3)});
    }
    s.text(String.format(Locale.ROOT, "Each firmware runs under QEMU (%s, lock-step over semihosting) against the"
        + " simulated plant for the first episode; every input it computes is compared bit for bit with its Java"
        + " twin's. Instructions per control step are QEMU's exact count (-icount shift=0); the rate assumes %.1f"
        + " cycles per instruction at 168 MHz.", board.name(), CPI));
    s.table(List.of("controller", "steps", "against the twin", "instructions per step", "max", "rate at 168 MHz",
        "transport errors"), rows);
    for (Chip c : chips) {
      reproduce(s, "hil", "--target", board.name(), "--firmware", c.firmware.elf().toString(), "--plant", p.name(),
          "--steps", Integer.toString(sizes.steps()), "--dt", Double.toString(DemoRecipe.DT), "--x0",
          csv(starts.get(0)), "--twin", c.file.toString(), "--out", again().resolve("hil-" + c.prefix + ".json")
              .toString());
    }
    if (failures.isEmpty()) {
      s.outcome = DemoReport.Outcome.PASSED;
    } else {
      s.outcome = DemoReport.Outcome.FAILED;
      s.outcomeText = String.join("; ", failures);
    }
  }

  // ----------------------------------------------------------------------------------------------------

  /** A command that redoes (part of) a stage from the command line, on the files the demo wrote. */
  private void reproduce(DemoReport.Section s, String... args) {
    StringBuilder b = new StringBuilder("./loopforge");
    for (String a : args) {
      b.append(' ').append(shellWord(a));
    }
    s.command(b.toString());
    commands.add(b.toString());
  }

  /** A word as the shell reads it: single-quoted when it holds anything but safe characters. */
  static String shellWord(String a) {
    return a.matches("[A-Za-z0-9_./:,=+@%-]+") ? a : "'" + a.replace("'", "'\\''") + "'";
  }

  private void writeCommands(Path script) throws IOException {
    StringBuilder b = new StringBuilder("#!/usr/bin/env bash\n");
    b.append("# The command-line steps behind the demo's stages, on the files it wrote (run from the folder the demo\n");
    b.append("# ran in). They write into ").append(shellWord(again().toString()))
        .append(". The whole demo again: ").append(report.meta.get("command")).append("\n");
    b.append("set -euo pipefail\n");
    for (String c : commands) {
      b.append(c).append('\n');
    }
    AtomicFile.writeString(script, b.toString());
  }

  /** Where the commands of commands.sh write. */
  private Path again() {
    return out.resolve("again");
  }

  /** A line of the printed summary, and the section's one-line result in the report. */
  private void headline(DemoReport.Section s, String[] whatAndResult) {
    summary.add(whatAndResult);
    s.outcomeText = s.outcomeText.isEmpty() ? whatAndResult[1] : s.outcomeText + "; " + whatAndResult[1];
  }

  private void printSummary(double total) {
    w.println();
    w.println("Summary (" + p.name() + ", seed " + seed + (quick ? ", --quick" : "") + "):");
    int width = summary.stream().mapToInt(r -> r[0].length()).max().orElse(10);
    for (String[] r : summary) {
      w.printf(Locale.ROOT, "  %-" + width + "s  %s%n", r[0], r[1]);
    }
    if (!loops.isEmpty()) {
      w.println();
      w.printf(Locale.ROOT, "  %-22s %-38s %10s %10s%n", "controller", "model", "mean cost", "worst");
      for (Loops l : loops.values()) {
        w.printf(Locale.ROOT, "  %-22s %-38s %10s %10s%n", l.name(), l.model(), fmt(l.mean()),
            fmt(Arrays.stream(l.costs()).max().orElse(Double.NaN)));
      }
    }
    w.printf(Locale.ROOT, "%n  total %.0f s; report %s%n", total, out.resolve("report.html"));
    w.flush();
  }

  static String sci(double v) {
    return String.format(Locale.ROOT, "%.3g", v);
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }

  private static String secs(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String csv(double[] v) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < v.length; i++) {
      b.append(i == 0 ? "" : ",").append(PlantsCommand.fmt(v[i]));
    }
    return b.toString();
  }
}
