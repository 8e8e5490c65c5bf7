package io.loopforge.cli;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.OpenLoopPrediction;
import io.loopforge.modeling.excitation.Excitation;
import io.loopforge.modeling.excitation.ExcitationKind;
import io.loopforge.modeling.io.TrajectoryCsv;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantSimulator;
import io.loopforge.modeling.registry.ModelFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code loopforge simulate}: excite a plant and write the trajectory, or replay recorded data through a
 * fitted model.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    header = "Simulate a plant under an excitation, or a fitted model on recorded inputs; write CSV (and a plot).",
    description = {
      "With --plant: simulate a built-in plant under an excitation signal and write the trajectory as CSV",
      "(header t,<states>,<inputs>; one row per step, the input held over the step).",
      "A plant with an operating region (cartpole, cartpole-walls) is simulated in episodes: when the",
      "state leaves the region, a new episode starts from a random state inside it (column trajectory).",
      "",
      "With --model: drive a fitted model (sindy or relu-network file) by the recorded inputs of --data from",
      "each trajectory's recorded initial state, write the prediction as CSV, print the R² and MSE of every",
      "state against the recording, and with --plot draw prediction over truth.",
      "",
      "Examples:",
      "  loopforge simulate --plant pendulum --excitation multisine --steps 4000 --dt 0.01 --out data.csv",
      "  loopforge simulate --model sindy.json --data test.csv --out pred.csv --plot pred.png",
      ""
    })
final class SimulateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--plant", paramLabel = "NAME", description = "Plant (see loopforge plants).")
  String plant;

  @Option(names = "--model", paramLabel = "MODEL.json", description = "Fitted model to replay --data through.")
  Path model;

  @Option(names = "--data", arity = "1..*", paramLabel = "FILE.csv",
      description = "Recorded trajectories (with --model): header t, states, inputs (u...).")
  List<Path> data;

  @Option(names = "--inputs", split = ",", paramLabel = "NAME",
      description = "Input columns of --data, comma-separated (default: the columns whose name starts with u).")
  List<String> inputs;

  @Option(
      names = "--excitation",
      defaultValue = "prbs",
      paramLabel = "KIND",
      description = "random-steps, prbs, chirp or multisine (default: ${DEFAULT-VALUE}).")
  String excitation;

  @Option(names = "--steps", paramLabel = "N", description = "Number of samples (rows) to write (with --plant).")
  Integer steps;

  @Option(names = "--dt", paramLabel = "DT", description = "Sampling interval, s (with --plant).")
  Double dt;

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
    if ((plant == null) == (model == null)) {
      throw new ParameterException(spec.commandLine(), plant == null
          ? "say what to simulate: --plant NAME (with --steps and --dt) or --model MODEL.json (with --data)"
          : "--plant and --model exclude each other: simulate a plant, or replay data through a model");
    }
    OutputPaths.refuseOverwrite(spec, out, plot, model);
    if (data != null) {
      for (Path d : data) {
        OutputPaths.refuseOverwrite(spec, out, d);
        OutputPaths.refuseOverwrite(spec, plot, d);
      }
    }
    OutputPaths.refuseOverwrite(spec, plot, model);
    OutputPaths.checkWritable(spec, "--out", out);
    OutputPaths.checkWritable(spec, "--plot", plot);
    return model != null ? replay() : simulatePlant();
  }

  private int simulatePlant() throws IOException {
    if (data != null) {
      throw new ParameterException(spec.commandLine(), "--data goes with --model (replay a recording through a model)");
    }
    if (steps == null || dt == null) {
      throw new ParameterException(spec.commandLine(), "--plant needs --steps N and --dt S");
    }
    if (steps < 3) {
      throw new ParameterException(spec.commandLine(), "--steps must be at least 3 (the fewest rows a data file may"
          + " hold: a derivative needs three samples), got " + steps);
    }
    if (!(dt > 0) || Double.isInfinite(dt)) {
      throw new ParameterException(spec.commandLine(), "--dt must be a positive number of seconds, got " + dt);
    }
    Plant p = PlantsCommand.create(spec, plant);
    SizeChecks.fits(spec, "--steps", steps, SizeChecks.bytesPerRow(p.stateDim(), p.inputDim()), "the trajectory", "row");
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
    Dataset collected = noReset ? Dataset.of(simulator.simulate(p, initial, u, dt))
        : simulator.collect(p, initial, u, dt, seed);
    TrajectoryCsv.write(collected, out);
    PrintWriter w = spec.commandLine().getOut();
    w.printf("wrote %d rows in %d episode%s (%s, %s excitation, dt %s s, seed %d) to %s%n", collected.sampleCount(),
        collected.size(), collected.size() == 1 ? "" : "s", p.name(), kind.cliName(), dt, seed, out);
    if (plot != null) {
      TimeSeriesPlot.of(p.name() + " under " + kind.cliName() + " excitation", collected).write(plot);
      w.println("wrote plot to " + plot);
    }
    w.flush();
    return 0;
  }

  private int replay() throws IOException {
    if (data == null) {
      throw new ParameterException(spec.commandLine(), "--model needs --data FILE.csv, the recording to replay");
    }
    if (steps != null || dt != null || x0 != null || noReset) {
      throw new ParameterException(spec.commandLine(), "--steps, --dt, --x0 and --no-reset go with --plant; with"
          + " --model the recording gives the initial states, the inputs and the sample times");
    }
    DynamicsModel m = ModelFiles.read(model).model().dynamics("simulate --model");
    PrintWriter w = spec.commandLine().getOut();
    Dataset recorded = DataFiles.read(data, inputs, w, spec.commandLine().getErr());
    OpenLoopPrediction p = OpenLoopPrediction.of(m, recorded);
    TrajectoryCsv.write(p.predicted(), out);
    w.printf(Locale.ROOT, "replayed %d trajectory%s (%d predicted rows) through %s; prediction written to %s%n",
        recorded.size(), recorded.size() == 1 ? "" : "s", p.rows(), model, out);
    double[] r2 = p.r2();
    double[] mse = p.mse();
    w.printf(Locale.ROOT, "  %-16s %12s %12s%n", "state", "R2", "MSE");
    for (int j = 0; j < m.stateDim(); j++) {
      w.printf(Locale.ROOT, "  %-16s %12.6f %12.4e%n", m.stateNames().get(j), r2[j], mse[j]);
    }
    w.printf(Locale.ROOT, "  %-16s %12.6f%n", "mean", p.meanR2());
    for (String d : p.divergedAt()) {
      w.println("  warning: the prediction diverged (non-finite state) in " + d + "; rows after it are not predicted");
    }
    if (plot != null) {
      TimeSeriesPlot chart = TimeSeriesPlot.of("recorded " + String.join(", ", fileNames(data)), recorded);
      Dataset pred = p.predicted();
      TimeSeriesPlot predicted = TimeSeriesPlot.of("prediction", pred);
      for (int j = 0; j < m.stateDim(); j++) {
        String name = m.stateNames().get(j);
        chart.overlay(name, "predicted by " + model.getFileName(), predicted.times(name), predicted.values(name));
      }
      chart.write(plot);
      w.println("wrote plot to " + plot);
    }
    w.flush();
    return 0;
  }

  private static List<String> fileNames(List<Path> files) {
    List<String> names = new java.util.ArrayList<>();
    for (Path f : files) {
      names.add(String.valueOf(f.getFileName()));
    }
    return names;
  }
}
