package io.loopforge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loopforge.modeling.io.AtomicFile;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.mpc.MpcException;
import io.loopforge.mpc.PlanStatus;
import io.loopforge.mpc.distill.Distillation;
import io.loopforge.mpc.distill.ExecutorFanOut;
import io.loopforge.mpc.distill.FanOut;
import io.loopforge.mpc.distill.MpcSpec;
import io.loopforge.mpc.distill.Progress;
import io.loopforge.mpc.distill.ReluPolicyTrainer;
import io.loopforge.mpc.distill.SampleRegion;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code loopforge distill}: a mixed-integer MPC distilled into a ReLU network policy and a sparse polynomial. */
@Command(
    name = "distill",
    mixinStandardHelpOptions = true,
    header = "Distil a mixed-integer MPC into small explicit policies (a ReLU network, a sparse polynomial).",
    sortOptions = false,
    description = {
      "Solves the MPC of MPC-SPEC (the mip planner on a relu-network model) from --samples states drawn in a",
      "box inside the plant's operating region (Latin hypercube by default), then for each --dagger round",
      "from the states the policies fitted so far (--dagger-with) visit in closed loop on the plant, on all",
      "cores. Only proven-optimal solves train; the others are counted. Then fits a ReLU network policy and a",
      "sparse polynomial policy (STLSQ on a polynomial library of state and reference, the variables scaled",
      "to [-1, 1], solves on an input bound left out where the clipped fit already matches them), both",
      "written as policy model files (OUT/relu-policy.json, OUT/polynomial-policy.json) that generate,",
      "firmware, hil and loop take. --reference-lower/--reference-upper: set-points drawn from a box as well.",
      "The solves go to OUT/solves/<batch>/chunk-NNNNN.csv as they finish: a rerun with the same options",
      "after a crash or Ctrl-C solves only the chunks that are missing.",
      "MPC-SPEC is JSON: {\"model\": \"net.json\" (relative to the spec), \"horizon\": 8, \"norm\": \"l1\"|\"linf\",",
      "\"q\": [...], \"terminal\": [...] or \"lqr-tail\", \"r\": [...], \"r_rate\": [...], \"rate_limit\": [...],",
      "\"x_ref\": [...], \"state_penalty\": 100, \"time_limit_ms\": 2000}; only \"model\" is required (defaults as",
      "'mpc'; \"lqr-tail\" as 'mpc --lqr-tail').",
      ""
    },
    footerHeading = "%nExample:%n",
    footer = {
      "  loopforge distill --mpc walls-mpc.json --plant cartpole-walls --samples 2000 --dagger 1 --out distilled/",
      "  loopforge loop --plant cartpole-walls --controller distilled/relu-policy.json --steps 60 --out run.json"
    })
final class DistillCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--mpc", required = true, paramLabel = "MPC-SPEC.json", description = "The MPC to distil (required).")
  Path mpcSpec;

  @Option(names = "--plant", required = true, paramLabel = "NAME", description = "Built-in plant (required).")
  String plant;

  @Option(names = "--samples", required = true, paramLabel = "N", description = "States sampled (required).")
  int samples;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (required).")
  Path out;

  @Option(names = "--engine", defaultValue = "local", paramLabel = "E",
      description = "local (all cores of this machine) or spark (Apache Spark: local[*], or the master in the system"
          + " property spark.master; needs the loopforge-spark module, which ./loopforge adds) (default:"
          + " ${DEFAULT-VALUE}).")
  String engine;

  @Option(names = "--threads", paramLabel = "N", description = "Threads of the local engine (default: all cores).")
  Integer threads;

  @Option(names = "--sampling", defaultValue = "lhs", paramLabel = "D",
      description = "lhs (Latin hypercube) or uniform (default: ${DEFAULT-VALUE}).")
  String sampling;

  @Option(names = "--region", defaultValue = "0.5", paramLabel = "F",
      description = "Sample the central fraction F of the plant's operating region (default: ${DEFAULT-VALUE}).")
  double regionFraction;

  @Option(names = "--region-lower", split = ",", paramLabel = "X", description = "Lower corner of the sample box.")
  double[] regionLower;

  @Option(names = "--region-upper", split = ",", paramLabel = "X", description = "Upper corner of the sample box.")
  double[] regionUpper;

  @Option(names = "--reference-lower", split = ",", paramLabel = "X",
      description = "Lower corner of a box of set-points to distil for: each sampled state and each DAgger loop gets"
          + " one drawn from it (default: the MPC's x_ref only).")
  double[] referenceLower;

  @Option(names = "--reference-upper", split = ",", paramLabel = "X",
      description = "Upper corner of that box (equal corners hold a component fixed).")
  double[] referenceUpper;

  @Option(names = "--dagger", defaultValue = "0", paramLabel = "N", description = "DAgger rounds (default: 0).")
  int dagger;

  @Option(names = "--dagger-episodes", defaultValue = "20", paramLabel = "N",
      description = "Closed loops per DAgger round (default: ${DEFAULT-VALUE}).")
  int daggerEpisodes;

  @Option(names = "--dagger-steps", defaultValue = "60", paramLabel = "N",
      description = "Steps per DAgger closed loop (default: ${DEFAULT-VALUE}).")
  int daggerSteps;

  @Option(names = "--dagger-with", defaultValue = "both", paramLabel = "P",
      description = "Whose closed loops a DAgger round visits: relu, polynomial or both (default: ${DEFAULT-VALUE}).")
  String daggerWith;

  @Option(names = "--chunk-size", defaultValue = "50", paramLabel = "N",
      description = "Solves per chunk file (default: ${DEFAULT-VALUE}).")
  int chunkSize;

  @Option(names = "--hidden", split = ",", defaultValue = "16,16", paramLabel = "W",
      description = "Hidden layer widths of the ReLU policy (default: ${DEFAULT-VALUE}).")
  int[] hidden;

  @Option(names = "--epochs", defaultValue = "300", paramLabel = "N", description = "Training epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--relus", paramLabel = "N", description = "Prune the ReLU policy to N ReLUs (default: keep all).")
  Integer relus;

  @Option(names = "--degree", defaultValue = "3", paramLabel = "D",
      description = "Degree of the polynomial policy's library (default: ${DEFAULT-VALUE}).")
  int degree;

  @Option(names = "--threshold", defaultValue = "0.1", paramLabel = "T",
      description = "STLSQ threshold of the polynomial policy, input units per term on the variables scaled to"
          + " [-1, 1] (default: ${DEFAULT-VALUE}).")
  double threshold;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (samples < 1 || chunkSize < 1 || dagger < 0 || daggerEpisodes < 1 || daggerSteps < 1 || epochs < 1) {
      throw new ParameterException(spec.commandLine(), "--samples, --chunk-size, --dagger-episodes, --dagger-steps and"
          + " --epochs must be at least 1 and --dagger at least 0");
    }
    if (!engine.equals("local") && !engine.equals("spark")) {
      throw new ParameterException(spec.commandLine(), "--engine must be local or spark, got " + engine);
    }
    FanOut.Provider cluster = null;
    if (engine.equals("spark")) {
      cluster = FanOut.provider("spark").orElseThrow(() -> new ParameterException(spec.commandLine(),
          "--engine spark: this command line has the local engine only (Spark, about 265 MB, stays out of its"
          + " jar); run it through the launcher, ./loopforge distill ... --engine spark, which builds the optional"
          + " loopforge-spark module and puts it on the class path, or add loopforge-spark and its dependencies to"
          + " the class path yourself; or use --engine local"));
      if (threads != null) {
        throw new ParameterException(spec.commandLine(), "--threads is for --engine local; Spark's master sets"
            + " the cores (spark.master, default local[*])");
      }
    }
    Distillation.DaggerWith with = switch (daggerWith) {
      case "relu" -> Distillation.DaggerWith.RELU;
      case "polynomial" -> Distillation.DaggerWith.POLYNOMIAL;
      case "both" -> Distillation.DaggerWith.BOTH;
      default -> throw new ParameterException(spec.commandLine(),
          "--dagger-with must be relu, polynomial or both, got " + daggerWith);
    };
    SampleRegion.Design design;
    try {
      design = SampleRegion.Design.forName(sampling);
    } catch (MpcException e) {
      throw new ParameterException(spec.commandLine(), "--sampling: " + e.getMessage());
    }
    checkOutFolder();
    Plant p = PlantsCommand.create(spec, plant);
    SampleRegion region = region(p);
    SampleRegion references = references(p);
    ExecutorFanOut local = null;
    if (cluster == null) {
      try {
        local = threads == null ? ExecutorFanOut.allCores() : ExecutorFanOut.threads(threads);
      } catch (MpcException e) {
        throw new ParameterException(spec.commandLine(), "--threads: " + e.getMessage());
      }
    }
    ReluPolicyTrainer.Builder tb = ReluPolicyTrainer.builder().epochs(epochs).seed(seed);
    try {
      tb.hidden(hidden);
      if (relus != null) {
        tb.keepRelus(relus);
      }
    } catch (MpcException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    MpcSpec s = readSpec(p);
    try (FanOut fanOut = local != null ? local : cluster.open()) {
      return distill(p, s, design, region, references, with, tb.build(), fanOut);
    }
  }

  private int distill(Plant p, MpcSpec s, SampleRegion.Design design, SampleRegion region, SampleRegion references,
      Distillation.DaggerWith with, ReluPolicyTrainer trainer, FanOut fanOut) throws IOException, InterruptedException {
    PrintWriter w = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    w.printf(Locale.ROOT, "distill: mip MPC of %s (H = %d, %s) on %s, %d %s samples in %s%s, %d DAgger round%s, %s%n",
        s.modelFile().name(), s.problem().horizon(), s.problem().norm().name().toLowerCase(Locale.ROOT), p.name(),
        samples, design.cliName(), region, references == null ? "" : ", set-points in " + references, dagger,
        dagger == 1 ? "" : "s", fanOut.name());
    w.flush();
    Distillation.Listener listener = progressLines(err, "", 1_000_000_000L,
        (name, tasks) -> String.format(Locale.ROOT, "solving %s: %d states", name, tasks));
    Distillation.Builder b = Distillation.builder(s.planners(), p).region(region).design(design).samples(samples)
        .seed(seed).dagger(dagger, daggerEpisodes, daggerSteps).daggerWith(with);
    if (references != null) {
      b.references(references);
    }
    Distillation d = b.chunkSize(chunkSize).fanOut(fanOut).directory(out.resolve("solves")).listener(listener)
        .description(s.description()).trainer(trainer).polynomial(degree, threshold).build();
    Distillation.Result r = d.run();
    Path relu = out.resolve("relu-policy.json");
    ModelFiles.write(Model.of(r.relu()), relu);
    Path poly = out.resolve("polynomial-policy.json");
    ModelFiles.write(Model.of(r.polynomial()), poly);
    ObjectNode summary = new ObjectMapper().createObjectNode();
    summary.put("format", "loopforge-distill/1");
    summary.put("mpc", mpcSpec.toString());
    summary.put("plant", p.name());
    summary.put("solves", r.data().size());
    summary.put("trained_on", r.data().training().size());
    ObjectNode counts = summary.putObject("statuses");
    for (Map.Entry<PlanStatus, Integer> e : r.data().statusCounts().entrySet()) {
      counts.put(e.getKey().name(), e.getValue());
    }
    summary.put("median_solve_ms", r.data().medianSolveMillis());
    summary.put("relu_policy", relu.getFileName().toString());
    summary.put("relu_policy_relus", r.relu().toString());
    summary.put("polynomial_policy", poly.getFileName().toString());
    summary.put("polynomial_nonzeros", r.polynomial().nonZeros());
    Path summaryFile = out.resolve("distill.json");
    AtomicFile.writeString(summaryFile, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(summary) + "\n");
    w.printf(Locale.ROOT, "  solves        %d (%s); %d proven optimal train, %d left out%n", r.data().size(),
        statuses(r.data().statusCounts()), r.data().training().size(), r.data().excluded());
    w.printf(Locale.ROOT, "  solve time    median %.3g ms per solve%n", r.data().medianSolveMillis());
    w.printf(Locale.ROOT, "  relu policy   %s%n", r.relu());
    w.printf(Locale.ROOT, "  polynomial    %s%n", r.polynomial());
    w.print(r.polynomial().equations().replaceAll("(?m)^", "                "));
    w.printf("  wrote %s, %s, %s%n", relu, poly, summaryFile);
    w.flush();
    return 0;
  }

  private static String statuses(Map<PlanStatus, Integer> m) {
    StringBuilder s = new StringBuilder();
    for (Map.Entry<PlanStatus, Integer> e : m.entrySet()) {
      s.append(s.length() == 0 ? "" : ", ").append(e.getValue()).append(' ')
          .append(e.getKey().name().toLowerCase(Locale.ROOT));
    }
    return s.toString();
  }

  /** The output folder: new, empty, or the output of an earlier distill (then its solves are resumed). */
  private void checkOutFolder() throws IOException {
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new ParameterException(spec.commandLine(), "--out " + out + " is a file: give a folder");
    }
    if (Files.isDirectory(out) && !Files.isDirectory(out.resolve("solves"))) {
      try (var list = Files.list(out)) {
        if (list.findAny().isPresent()) {
          throw new ParameterException(spec.commandLine(), "--out " + out + " is a folder with other files in it;"
              + " give a new folder (or the folder of an earlier distill, to resume it)");
        }
      }
    }
    OutputPaths.refuseOverwrite(spec, out.resolve("relu-policy.json"), mpcSpec);
    OutputPaths.checkWritableFolder(spec, "--out", out);
  }

  private SampleRegion region(Plant p) {
    try {
      SampleRegion r;
      if (regionLower != null || regionUpper != null) {
        if (regionLower == null || regionUpper == null) {
          throw new ParameterException(spec.commandLine(), "--region-lower and --region-upper go together");
        }
        r = SampleRegion.of(regionLower, regionUpper);
      } else {
        r = SampleRegion.ofPlant(p, regionFraction);
      }
      return r.requireInside(p);
    } catch (MpcException e) {
      throw new ParameterException(spec.commandLine(), "the sample region: " + e.getMessage());
    }
  }

  /** The box of set-points, or null when none is given. */
  private SampleRegion references(Plant p) {
    if (referenceLower == null && referenceUpper == null) {
      return null;
    }
    if (referenceLower == null || referenceUpper == null) {
      throw new ParameterException(spec.commandLine(), "--reference-lower and --reference-upper go together");
    }
    try {
      return SampleRegion.of(referenceLower, referenceUpper).requireInside(p);
    } catch (MpcException e) {
      throw new ParameterException(spec.commandLine(), "the reference box: " + e.getMessage());
    }
  }

  private MpcSpec readSpec(Plant p) {
    if (!Files.isRegularFile(mpcSpec)) {
      throw new CliException("--mpc " + mpcSpec + ": no such file");
    }
    try {
      return MpcSpec.read(mpcSpec, p.name());
    } catch (MpcException e) {
      throw new CliException(e.getMessage());
    }
  }

  /**
   * A listener printing a line per batch of solves and the job's progress at most every {@code intervalNanos}
   * (and when it is done), each line indented by {@code indent}; safe from the fan-out's threads.
   */
  static Distillation.Listener progressLines(PrintWriter o, String indent, long intervalNanos,
      java.util.function.BiFunction<String, Integer, String> batchLine) {
    long[] lastPrint = {0};
    return new Distillation.Listener() {
      @Override
      public void batch(String name, int tasks) {
        synchronized (lastPrint) {
          o.println(indent + batchLine.apply(name, tasks));
          o.flush();
        }
      }

      @Override
      public void progress(Progress pr) {
        synchronized (lastPrint) {
          long now = System.nanoTime();
          if (now - lastPrint[0] > intervalNanos || pr.done() == pr.total()) {
            lastPrint[0] = now;
            o.println(indent + "  " + pr);
            o.flush();
          }
        }
      }
    };
  }
}
