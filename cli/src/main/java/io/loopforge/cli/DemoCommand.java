package io.loopforge.cli;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.excitation.Excitation;
import io.loopforge.modeling.excitation.ExcitationKind;
import io.loopforge.modeling.io.TrajectoryCsv;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantCatalog;
import io.loopforge.modeling.plant.PlantSimulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code loopforge demo}: the whole pipeline on a built-in plant, as far as it is built. Every stage
 * that is not built yet is named as such; nothing is pretended.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the Loopforge pipeline end to end on a built-in plant:",
      "data -> model -> sparsify -> MPC -> code generation -> firmware -> hardware-in-the-loop.",
      "Writes every artefact into --out; says which stages are not built yet."
    })
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--plant", defaultValue = "cartpole-walls", paramLabel = "NAME", description = "Plant (default: ${DEFAULT-VALUE}).")
  String plant;

  @Option(names = "--out", defaultValue = "demo-out", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--steps", defaultValue = "2000", paramLabel = "N", description = "Samples of excitation data (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--dt", defaultValue = "0.01", paramLabel = "DT", description = "Sampling interval, s (default: ${DEFAULT-VALUE}).")
  double dt;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws IOException {
    PrintWriter w = spec.commandLine().getOut();
    Files.createDirectories(out);
    Plant p = PlantCatalog.create(plant);

    w.printf("[1/7] data: simulating %s under PRBS excitation, %d steps of %s s%n", p.name(), steps, dt);
    w.flush();
    double[][] u = Excitation.generate(ExcitationKind.PRBS, steps, dt, p.inputLower(), p.inputUpper(), seed);
    Dataset data = PlantSimulator.withDefaults().collect(p, p.defaultInitialState(), u, dt, seed);
    Path csv = out.resolve(p.name() + "-prbs.csv");
    Path png = out.resolve(p.name() + "-prbs.png");
    TrajectoryCsv.write(data, csv);
    TimeSeriesPlot.of(p.name() + " under PRBS excitation", data).write(png);
    w.printf("      wrote %s (%d rows, %d episodes) and %s%n", csv, data.sampleCount(), data.size(), png);

    notBuilt(w, 2, "model", "SINDy and ReLU-network identification (issues 3 and 4)");
    notBuilt(w, 3, "sparsify", "ReLU budget sparsification (issue 4)");
    notBuilt(w, 4, "mpc", "mixed-integer MPC with ojAlgo and its baselines");
    notBuilt(w, 5, "codegen", "C and Java code generation (issue 5)");
    notBuilt(w, 6, "firmware", "Cortex-M4 firmware builds (issue 6)");
    notBuilt(w, 7, "hil", "hardware-in-the-loop under QEMU (issue 6)");
    w.println("demo finished: stage 1 of 7 ran; the others are not built yet.");
    w.flush();
    return 0;
  }

  private static void notBuilt(PrintWriter w, int stage, String name, String what) {
    w.printf("[%d/7] %s: not built yet — %s.%n", stage, name, what);
  }
}
