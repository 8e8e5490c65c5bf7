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
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code loopforge simulate}: excite a plant and write the trajectory. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    header = "Simulate a plant under an excitation signal; write CSV (and a plot).",
    description = {
      "Simulate a built-in plant under an excitation signal and write the trajectory as CSV",
      "(header t,<states>,<inputs>; one row per step, the input held over the step).",
      "A plant with an operating region (cartpole, cartpole-walls) is simulated in episodes: when the",
      "state leaves the region, a new episode starts from a random state inside it (column trajectory)."
    })
final class SimulateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--plant", required = true, paramLabel = "NAME", description = "Plant (see loopforge plants).")
  String plant;

  @Option(
      names = "--excitation",
      defaultValue = "prbs",
      paramLabel = "KIND",
      description = "random-steps, prbs, chirp or multisine (default: ${DEFAULT-VALUE}).")
  String excitation;

  @Option(names = "--steps", required = true, paramLabel = "N", description = "Number of samples (rows) to write.")
  int steps;

  @Option(names = "--dt", required = true, paramLabel = "DT", description = "Sampling interval, s.")
  double dt;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of the excitation (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--x0",
      split = ",",
      paramLabel = "X",
      description = "Initial state, comma-separated (default: the plant's default initial state).")
  double[] x0;

  @Option(names = "--no-reset", description = "One run from x0, even when the state leaves the operating region.")
  boolean noReset;

  @Option(names = "--out", required = true, paramLabel = "FILE.csv", description = "Where to write the trajectory.")
  Path out;

  @Option(names = "--plot", paramLabel = "FILE.png", description = "Also draw states and inputs over time.")
  Path plot;

  @Override
  public Integer call() throws IOException {
    if (steps < 1) {
      throw new ParameterException(spec.commandLine(), "--steps must be at least 1, got " + steps);
    }
    if (!(dt > 0) || Double.isInfinite(dt)) {
      throw new ParameterException(spec.commandLine(), "--dt must be a positive number of seconds, got " + dt);
    }
    Plant p = PlantCatalog.create(plant);
    double[] initial = x0 == null ? p.defaultInitialState() : x0;
    if (initial.length != p.stateNames().size()) {
      throw new ParameterException(
          spec.commandLine(),
          "--x0 has " + initial.length + " values but " + p.name() + " has " + p.stateNames().size()
              + " states (" + String.join(", ", p.stateNames()) + ")");
    }
    ExcitationKind kind = ExcitationKind.fromCliName(excitation);
    double[][] u = Excitation.generate(kind, steps, dt, p.inputLower(), p.inputUpper(), seed);
    PlantSimulator simulator = PlantSimulator.withDefaults();
    Dataset data = noReset ? Dataset.of(simulator.simulate(p, initial, u, dt)) : simulator.collect(p, initial, u, dt, seed);
    TrajectoryCsv.write(data, out);
    PrintWriter w = spec.commandLine().getOut();
    w.printf("wrote %d rows in %d episode%s (%s, %s excitation, dt %s s, seed %d) to %s%n", data.sampleCount(),
        data.size(), data.size() == 1 ? "" : "s", p.name(), kind.cliName(), dt, seed, out);
    if (plot != null) {
      TimeSeriesPlot.of(p.name() + " under " + kind.cliName() + " excitation", data).write(plot);
      w.println("wrote plot to " + plot);
    }
    w.flush();
    return 0;
  }
}
