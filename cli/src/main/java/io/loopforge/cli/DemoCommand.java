package io.loopforge.cli;

import io.loopforge.codegen.CodeGenerator;
import io.loopforge.codegen.CodegenOptions;
import io.loopforge.codegen.GeneratedCode;
import io.loopforge.codegen.Language;
import io.loopforge.hil.HilResult;
import io.loopforge.hil.HilSession;
import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.excitation.Excitation;
import io.loopforge.modeling.excitation.ExcitationKind;
import io.loopforge.modeling.io.TrajectoryCsv;
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
import io.loopforge.modeling.plant.PlantSimulator;
import io.loopforge.modeling.policy.AffinePolicy;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.modeling.sindy.FeatureLibrary;
import io.loopforge.modeling.sindy.Sindy;
import io.loopforge.modeling.sindy.SindyModel;
import io.loopforge.modeling.sindy.Stlsq;
import io.loopforge.mpc.LqrDesign;
import io.loopforge.sparsify.GatedSparsifier;
import io.loopforge.sparsify.SparsificationResult;
import io.loopforge.sparsify.SparsifyConfig;
import io.loopforge.sparsify.SparsifyListener;
import io.loopforge.targets.ControllerSource;
import io.loopforge.targets.Firmware;
import io.loopforge.targets.FirmwareBuilder;
import io.loopforge.targets.Target;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code loopforge demo}: the pipeline end to end on a built-in plant, as far as it is built: excite the
 * plant, learn a SINDy model from the data, design a controller on the learned model, generate C and
 * its Java twin, build Cortex-M4 firmware, and close the loop under QEMU against the simulated plant.
 * The planners, the on-device MPC and distillation are built but not yet stages of the demo; it says so
 * and names their commands. Nothing is pretended.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    header = "Run the whole pipeline on a built-in plant.",
    description = {
      "Run the Loopforge pipeline end to end on a built-in plant:",
      "data -> SINDy model and a sparse ReLU network -> controller on the learned SINDy model -> C + Java twin -> Cortex-M4 firmware",
      "-> hardware-in-the-loop under QEMU against the simulated plant.",
      "Writes every artefact into --out (CSV, model and policy files, generated code, firmware, plots,",
      "metrics JSON), and names the commands of the parts it does not run yet."
    })
final class DemoCommand implements Callable<Integer> {
  /** What the demo does per plant: how to excite it, which library to learn with, how to weigh the LQR. */
  private record Recipe(
      double[] dataStart,
      ExcitationKind excitation,
      FeatureLibrary library,
      double threshold,
      double[] q,
      double[] r,
      double[] hilStart) {}

  private static final Map<String, Recipe> RECIPES = Map.of(
      // Released near upright, the pendulum swings through every angle: the data covers the task's region.
      "pendulum", new Recipe(new double[] {2.5, 0}, ExcitationKind.MULTISINE,
          FeatureLibrary.concat(FeatureLibrary.polynomial(1), FeatureLibrary.fourier(1)), 0.05,
          // 0.3 rad from upright: gravity's torque there (2.9 N·m) is within the 3 N·m limit.
          new double[] {10, 1}, new double[] {1}, new double[] {Math.PI - 0.3, 0}),
      "mass-spring-damper", new Recipe(new double[] {0, 0}, ExcitationKind.PRBS, FeatureLibrary.polynomial(1), 0.05,
          new double[] {10, 1}, new double[] {0.1}, new double[] {0, 0}));

  private static final int RELU_BUDGET = 8;

  @Spec CommandSpec spec;

  @Option(names = "--plant", defaultValue = "pendulum", paramLabel = "NAME",
      description = "pendulum or mass-spring-damper (default: ${DEFAULT-VALUE}). The contact-rich cartpole-walls needs"
          + " the mixed-integer MPC, which the demo does not run yet (see 'loopforge mpc').")
  String plant;

  @Option(names = "--out", defaultValue = "demo-out", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--steps", defaultValue = "4000", paramLabel = "N", description = "Samples of excitation data (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--dt", defaultValue = "0.01", paramLabel = "DT", description = "Sampling and control interval, s (default: ${DEFAULT-VALUE}).")
  double dt;

  @Option(names = "--hil-steps", defaultValue = "600", paramLabel = "N", description = "Closed-loop steps under QEMU (default: ${DEFAULT-VALUE}).")
  int hilSteps;

  @Option(names = "--target", defaultValue = "mps2-an386", paramLabel = "NAME", description = "QEMU target (default: ${DEFAULT-VALUE}).")
  String target;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  /** Largest |x - x_ref| at the end of the HIL run for the loop to count as settled. */
  private static final double SETTLED = 1e-2;

  @Override
  public Integer call() throws IOException {
    Recipe recipe = RECIPES.get(plant);
    if (recipe == null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--plant: the demo knows the plants " + String.join(", ", RECIPES.keySet().stream().sorted().toList())
          + "; got " + plant);
    }
    PrintWriter w = spec.commandLine().getOut();
    OutputPaths.checkWritableFolder(spec, "--out", out);
    Plant p = PlantsCommand.create(spec, plant);
    if (steps < 100) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--steps must be at least 100 (samples to"
          + " learn from), got " + steps);
    }
    if (hilSteps < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--hil-steps must be at least 1, got "
          + hilSteps);
    }
    if (!(dt > 0) || Double.isInfinite(dt)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--dt must be a positive number of"
          + " seconds, got " + dt);
    }
    SizeChecks.fits(spec, "--steps", steps, 4 * SizeChecks.bytesPerRow(p.stateDim(), p.inputDim()), "the data",
        "row");
    SizeChecks.fits(spec, "--hil-steps", hilSteps, 2 * SizeChecks.bytesPerRow(p.stateDim() * 2, p.inputDim() * 3),
        "the HIL trajectory", "step");
    String name = p.name().replace('-', '_');

    stage(w, 1, "data", "exciting %s from %s with a %s signal, %d samples of %s s", p.name(),
        PlantsCommand.vector(recipe.dataStart()), recipe.excitation().cliName(), steps, dt);
    double[][] u = Excitation.generate(recipe.excitation(), steps, dt, p.inputLower(), p.inputUpper(), seed);
    Dataset data = PlantSimulator.withDefaults().collect(p, recipe.dataStart(), u, dt, seed);
    Path csv = out.resolve(p.name() + "-data.csv");
    TrajectoryCsv.write(data, csv);
    TimeSeriesPlot.of(p.name() + " under " + recipe.excitation().cliName() + " excitation", data).write(out.resolve(p.name() + "-data.png"));
    w.printf("      %d rows in %d episode(s): %s, %s-data.png%n", data.sampleCount(), data.size(), csv, p.name());

    stage(w, 2, "model", "SINDy (STLSQ, threshold %s) on the data", recipe.threshold());
    long t0 = System.nanoTime();
    SindyModel model = Sindy.builder()
        .library(recipe.library())
        .optimizer(Stlsq.builder().threshold(recipe.threshold()).alpha(0).build())
        .build()
        .fit(data);
    double fitMs = (System.nanoTime() - t0) / 1e6;
    Path modelFile = out.resolve(name + "_sindy.json");
    ModelFiles.write(Model.of(model), modelFile);
    for (String line : model.printLines()) {
      w.println("      " + line);
    }
    w.printf(Locale.ROOT, "      fitted in %.1f ms, R² %.6f on the training data; wrote %s%n", fitMs, model.score(data), modelFile);

    FoldedReluNetwork sparse = sparseNetwork(w, data);
    ModelFiles.write(Model.of(sparse), out.resolve(name + "_sparse_net.json"));

    stage(w, 4, "controller", "LQR on the learned model's linearisation at the task's reference");
    w.println("      (the demo's controller is an LQR; the mixed-integer MPC, the on-device MPC and distillation are not"
        + " stages of the demo yet: 'loopforge mpc', 'design mpc', 'distill'.)");
    LqrDesign design = LqrDesign.builder(model, p).stateWeights(recipe.q()).inputWeights(recipe.r()).build();
    AffinePolicy policy = AffinePolicy.builder(p.stateNames(), p.inputNames(), dt)
        .gain(design.gain())
        .inputReference(design.referenceInput())
        .referenceLayout(AffinePolicy.ReferenceLayout.STATE)
        .inputBounds(InputBounds.of(p.inputLower(), p.inputUpper()))
        .build();
    Path policyFile = out.resolve(name + "_lqr.json");
    ModelFiles.write(Model.of(policy), policyFile);
    w.printf(Locale.ROOT, "      x_ref %s, K %s, closed-loop spectral radius %.4f (on the model); wrote %s%n",
        PlantsCommand.vector(design.referenceState()), Arrays.deepToString(design.gain()),
        design.closedLoopSpectralRadius(), policyFile);

    stage(w, 5, "codegen", "C11 for the Cortex-M4 and the bit-identical Java twin");
    String prefix = name + "_lqr";
    Path cDir = out.resolve("generated/c");
    Path javaDir = out.resolve("generated/java");
    GeneratedCode controllerCode = CodeGenerator.generate(Model.of(policy),
        CodegenOptions.builder(prefix).languages(Language.C, Language.JAVA).build());
    controllerCode.writeTo(cDir, javaDir);
    GeneratedCode modelCode = CodeGenerator.generate(Model.of(model),
        CodegenOptions.builder(name + "_model").languages(Language.C, Language.JAVA).build());
    modelCode.writeTo(out.resolve("generated/model-c"), javaDir);
    CodeGenerator.generate(Model.of(sparse), CodegenOptions.builder(name + "_sparse_net").languages(Language.C, Language.JAVA).build())
        .writeTo(out.resolve("generated/model-c"), javaDir);
    w.printf("      controller %s/%s.{h,c}; SINDy model and sparse network %s/%s_{model,sparse_net}.{h,c};"
        + " Java twins under %s%n", cDir, prefix, out.resolve("generated/model-c"), name, javaDir);

    stage(w, 6, "firmware", "building for %s with arm-none-eabi-gcc", target);
    Target t = Target.forName(target);
    Firmware fw = FirmwareBuilder.forTarget(t)
        .controller(ControllerSource.of(cDir, prefix))
        .output(out.resolve(prefix + "-" + t.name() + ".elf"))
        .build();
    for (String line : fw.size().format().split("\n")) {
      w.println("      " + line);
    }

    stage(w, 7, "hil", "%d closed-loop steps under QEMU (%s) against the simulated %s", hilSteps, t.name(), p.name());
    HilResult r = JavaTwin.load(policyFile).applyTo(HilSession.builder(t, fw.elf(), p))
        .controlPeriod(dt)
        .steps(hilSteps)
        .initialState(recipe.hilStart())
        .reference(design.referenceState())
        .run();
    Path hilJson = out.resolve("hil.json");
    r.writeJson(hilJson);
    TimeSeriesPlot.of("HIL: " + prefix + " on " + t.name() + " controlling " + p.name(), r.trajectory())
        .write(out.resolve("hil.png"));
    double err = 0;
    for (int i = 0; i < r.finalState().length; i++) {
      err = Math.max(err, Math.abs(r.finalState()[i] - r.reference()[i]));
    }
    w.printf(Locale.ROOT, "      from %s to %s (max |x - x_ref| = %.2e at the end)%n",
        PlantsCommand.vector(recipe.hilStart()), PlantsCommand.vector(r.finalState()), err);
    w.printf(Locale.ROOT, "      %.1f instructions per control step (max %d), %.0f steps/s, twin %s, %d transport errors%n",
        r.instructionsMean(), r.instructionsMax(), r.stepsPerSecond(),
        r.bitExact() ? "bit-exact" : "DIFFERS at " + r.mismatchedSteps() + " steps", r.transportErrors());
    w.printf("      wrote %s and %s%n", hilJson, out.resolve("hil.png"));
    List<String> failures = new java.util.ArrayList<>();
    if (!r.bitExact()) {
      failures.add("the firmware's inputs differ from the Java twin's at " + r.mismatchedSteps() + " steps");
    }
    if (r.transportErrors() > 0) {
      failures.add(r.transportErrors() + " transport errors between the host and the firmware");
    }
    if (!(err < SETTLED)) {
      failures.add(String.format(Locale.ROOT, "the closed loop ended %.2e from the reference after %d steps, more"
          + " than %.0e: it did not settle (give it more --hil-steps; the default %s settles)", err, hilSteps,
          SETTLED, spec.findOption("--hil-steps").defaultValue()));
    }
    w.println("Not in the demo yet: the mixed-integer MPC on the sparse network ('loopforge mpc --planner mip'), the"
        + " on-device MPC ('design mpc') and distillation ('distill').");
    w.flush();
    if (!failures.isEmpty()) {
      PrintWriter e = spec.commandLine().getErr();
      e.println("error: the demo's HIL check failed: " + String.join("; ", failures) + " (see " + hilJson + ")");
      e.flush();
      return 1;
    }
    w.println("demo finished: every check passed.");
    w.flush();
    return 0;
  }

  /**
   * A ReLU network of the same data, then gated sparsification down to {@value #RELU_BUDGET} ReLUs (Liu et
   * al.): what a mixed-integer planner will plan with once it is built. Small settings, to keep the demo short.
   */
  private FoldedReluNetwork sparseNetwork(PrintWriter w, Dataset data) {
    stage(w, 3, "sparse network", "ReLU network x+ = x + f(x, u), hidden 32-32, 3-step rollout loss, then gated"
        + " sparsification to %d ReLUs", RELU_BUDGET);
    RolloutData train = RolloutData.of(data, 3, 0.2);
    RolloutData eval = RolloutData.of(data, 10, 0.2);
    TrainableMlp net = TrainableMlp.random(data.stateNames(), data.inputNames(), train.dt(), new int[] {32, 32}, true,
        Normalization.fromData(train, true), seed);
    TrainingConfig training = TrainingConfig.builder().maxEpochs(40).seed(seed).build();
    TrainingResult trained = new MlpTrainer(training).train(net, train, TrainingListener.NONE);
    ReluNetwork dense = net.toNetwork();
    SparsifyConfig config = SparsifyConfig.builder(32, 16, RELU_BUDGET).warmupEpochs(1).gateEpochs(2).fineTuneEpochs(15)
        .intermediateFineTuneEpochs(15)
        .training(TrainingConfig.builder().seed(seed).build()).build();
    SparsificationResult result = new GatedSparsifier(config).run(dense, train, new SparsifyListener() {
      @Override
      public void onEpoch(TrainingListener.EpochReport r) {}

      @Override
      public void onPhase(String description) {
        w.println("      " + description);
        w.flush();
      }
    });
    FoldedReluNetwork sparse = result.last().folded();
    double[] scale = train.stateStd();
    double[] before = RolloutMetrics.mseByStep(dense, eval, true, scale);
    double[] after = RolloutMetrics.mseByStep(sparse, eval, true, scale);
    w.printf(Locale.ROOT, "      dense:  %3d ReLUs, %5d parameters, validation MSE 1-step %.3g, 10-step %.3g (%.1f s)%n",
        dense.reluCount(), dense.parameterCount(), before[0], before[9], trained.seconds());
    w.printf(Locale.ROOT, "      sparse: %3d ReLUs, %5d parameters, validation MSE 1-step %.3g, 10-step %.3g (%.1f s)%n",
        sparse.reluCount(), sparse.nonzeroParameterCount(), after[0], after[9], result.last().seconds());
    return sparse;
  }

  private static void stage(PrintWriter w, int n, String name, String format, Object... args) {
    w.printf(Locale.ROOT, "[%d/7] %s: %s%n", n, name, String.format(Locale.ROOT, format, args));
    w.flush();
  }
}
