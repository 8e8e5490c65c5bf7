package io.loopforge.cli;

import io.loopforge.modeling.io.AtomicFile;
import io.loopforge.studies.MipStudy;
import io.loopforge.studies.OnDeviceMpcStudy;
import io.loopforge.studies.PlannerComparisonStudy;
import io.loopforge.studies.SindyMpcStudy;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code loopforge mpc benchmark}: the one command behind every MPC figure in BENCHMARKS.md. */
@Command(
    name = "benchmark",
    mixinStandardHelpOptions = true,
    header = "Measure the planners: the figures of the MPC section of BENCHMARKS.md.",
    sortOptions = false,
    description = {
      "Runs the MPC studies and writes their Markdown tables:",
      "  mip      solve time against binaries, interval bounds only and tightened, on programs taken from",
      "           closed loops; the OMLT shape (min of a 1-30-30-1 ReLU network over a box) with and without",
      "           tightening beside CBC; ojAlgo against CBC on exported closed-loop instances;",
      "  compare  closed loops on cartpole-walls: sparse networks from 'sparsify benchmark --models DIR' at",
      "           each ReLU budget with every planner, beside MPPI on the dense network (needs --models);",
      "  sindy    SINDy-MPC on lorenz-control in Kaiser et al.'s setting beside MPPI on the same model;",
      "  device   the generated on-device MPC (float32 twin) on the learned pendulum against the saturated",
      "           LQR and the same MPC in double, 20 seeded episodes with the torque bound active.",
      "Long (tens of minutes for the full settings); --quick runs small settings in minutes. Progress goes",
      "to the terminal, the tables to --out and the terminal.",
      ""
    },
    footerHeading = "%nExample:%n",
    footer = {
      "  loopforge sparsify benchmark --plants cartpole-walls --budgets 16,8,4 --models nets/",
      "  loopforge mpc benchmark --models nets/ --out mpc.md"
    })
final class MpcBenchmarkCommand implements Callable<Integer> {
  /** Horizons of the MIP study's programs on the sparse networks of --models. */
  private static final int[] MIP_HORIZONS = {5, 8};

  @Spec CommandSpec spec;

  @Option(names = "--out", paramLabel = "FILE.md", description = "Also write the tables to this file.")
  Path out;

  @Option(names = "--models", paramLabel = "DIR",
      description = "Folder of sparse and dense networks from 'sparsify benchmark --models DIR' (compare needs it;"
          + " mip adds the sparse ones' programs at H = 5 and 8).")
  Path models;

  @Option(names = "--budgets", split = ",", paramLabel = "N",
      description = "ReLU budgets of the compare study: the models <plant>-gated-<N>.json (default: 16,8,4).")
  int[] budgets;

  @Option(names = "--horizon", paramLabel = "H", description = "Planning horizon of the compare study (default: 5).")
  Integer horizon;

  @Option(names = "--terminal-factor", paramLabel = "F",
      description = "Compare study: diagonal terminal weights Q_T = F * Q instead of the default terminal cost, the"
          + " L1 cost of an LQR tail on each model.")
  Double terminalFactor;

  @Option(names = "--mip-time-limit", paramLabel = "MS",
      description = "Compare study: time limit of one MIP plan, ms (default: 20000, so that the plans on 4 and 8 ReLUs"
          + " are proven optimal; the 16-ReLU programs at H = 5 need more than that).")
  Long mipTimeLimitMs;

  @Option(names = "--only", split = ",", paramLabel = "PART",
      description = "Studies to run: mip, compare, sindy, device (default: all; compare only with --models).")
  List<String> only;

  @Option(names = "--quick", description = "Small settings (a smoke test, minutes).")
  boolean quick;

  @Override
  public Integer call() throws IOException {
    OutputPaths.checkWritable(spec, "--out", out);
    List<String> parts = only != null ? only : models != null ? List.of("mip", "compare", "sindy", "device")
        : List.of("mip", "sindy", "device");
    for (String p : parts) {
      if (!List.of("mip", "compare", "sindy", "device").contains(p)) {
        throw new ParameterException(spec.commandLine(), "--only: unknown part '" + p + "'; parts: mip, compare, sindy,"
            + " device");
      }
    }
    // the compare study's settings, checked before any study runs
    if (horizon != null && horizon < 1) {
      throw new ParameterException(spec.commandLine(), "--horizon must be at least 1, got " + horizon);
    }
    if (mipTimeLimitMs != null && mipTimeLimitMs < 1) {
      throw new ParameterException(spec.commandLine(), "--mip-time-limit must be at least 1 ms, got " + mipTimeLimitMs);
    }
    if (terminalFactor != null && (!(terminalFactor >= 0) || terminalFactor.isInfinite())) {
      throw new ParameterException(spec.commandLine(), "--terminal-factor must be a finite number >= 0, got "
          + terminalFactor);
    }
    if (parts.contains("compare") && models == null) {
      throw new ParameterException(spec.commandLine(), "the compare study needs --models DIR (networks written by"
          + " 'loopforge sparsify benchmark --plants cartpole-walls --budgets 16,8,4 --models DIR')");
    }
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter progress = spec.commandLine().getErr();
    List<String> sections = new ArrayList<>();
    long t0 = System.nanoTime();
    if (parts.contains("mip")) {
      progress.println("mpc benchmark: the mixed-integer planner (solve times, OMLT shape, CBC agreement)");
      MipStudy.Options mo = quick ? MipStudy.Options.quick() : MipStudy.Options.standard();
      if (models != null) {
        mo = mo.withModels(models, MIP_HORIZONS); // the sparse networks' programs beside the trained ones
      }
      sections.add(MipStudy.markdown(MipStudy.run(mo, progress)));
    }
    if (parts.contains("compare")) {
      progress.println("mpc benchmark: planners in closed loop on cartpole-walls");
      PlannerComparisonStudy.Options co = quick ? PlannerComparisonStudy.Options.quick(models)
          : PlannerComparisonStudy.Options.standard(models);
      if (budgets != null) {
        co = co.withBudgets(budgets);
      }
      if (horizon != null) {
        co = co.withHorizon(horizon);
      }
      if (mipTimeLimitMs != null) {
        co = co.withMipTimeLimit(java.time.Duration.ofMillis(mipTimeLimitMs));
      }
      if (terminalFactor != null) {
        co = co.withTerminalFactor(terminalFactor);
      }
      // before any work: the study reads these only after the dense model's closed loops
      List<String> files = new ArrayList<>(List.of(co.plant() + "-dense.json"));
      for (int b : co.budgets()) {
        files.add(co.plant() + "-gated-" + b + ".json");
      }
      for (String f : files) {
        if (!java.nio.file.Files.isRegularFile(models.resolve(f))) {
          throw new ParameterException(spec.commandLine(), "--models: no " + models.resolve(f) + "; make the models"
              + " with 'loopforge sparsify benchmark --plants " + co.plant() + " --budgets "
              + String.join(",", java.util.Arrays.stream(co.budgets()).mapToObj(String::valueOf).toList())
              + " --models " + models + "'");
        }
      }
      sections.add(PlannerComparisonStudy.markdown(PlannerComparisonStudy.run(co, progress)));
    }
    if (parts.contains("sindy")) {
      progress.println("mpc benchmark: SINDy-MPC on lorenz-control");
      SindyMpcStudy.Options so = quick ? SindyMpcStudy.Options.quick() : SindyMpcStudy.Options.standard();
      sections.add(SindyMpcStudy.markdown(SindyMpcStudy.run(so, progress), so));
    }
    if (parts.contains("device")) {
      progress.println("mpc benchmark: the generated on-device MPC on the pendulum");
      sections.add(OnDeviceMpcStudy.markdown(OnDeviceMpcStudy.run(OnDeviceMpcStudy.Options.standard(), progress)));
    }
    String text = String.join("\n", sections) + String.format(Locale.ROOT, "%nmpc benchmark: %.0f s in all (%s).%n",
        (System.nanoTime() - t0) / 1e9, quick ? "--quick" : "full settings");
    o.print(text);
    o.flush();
    if (out != null) {
      AtomicFile.writeString(out, text);
      o.println("wrote " + out);
    }
    return 0;
  }
}
