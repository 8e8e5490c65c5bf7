package io.loopforge.cli;

import io.loopforge.modeling.loop.ClosedLoop;
import io.loopforge.modeling.loop.ClosedLoopResult;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.policy.Controller;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.mpc.GaussNewtonMpc;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code loopforge loop}: a closed loop of a built-in plant and a policy on the host. */
@Command(
    name = "loop",
    mixinStandardHelpOptions = true,
    header = "Run a controller in closed loop with a built-in plant on the host.",
    description = {
      "Close the loop between a built-in plant, integrated between samples",
      "(Dormand-Prince), and the controller of a policy model file, sampled every",
      "DT with the input held in between. Optional Gaussian measurement noise and",
      "input disturbance (seeded); the input is saturated to the plant's bounds;",
      "the cost is the plant task's sum_k (|x_k - r|^2 + |u_k - u_ref|^2) * dt.",
      "The run stops early when the state leaves the plant's operating region",
      "(unless --no-stop).",
      "Prints the steps run, the total cost, why the run stopped, the controller's",
      "time per call (median, p95, max) and the violations (input saturations,",
      "states outside the region); writes the run with its trajectory as JSON",
      "(loopforge-loop/1) and, with --plot, states and inputs over time (PNG)."
    },
    footerHeading = "%nExample:%n",
    footer = {
      "  loopforge design lqr --plant pendulum --dt 0.02 --q 10,1 --r 1 --out lqr.json",
      "  loopforge loop --plant pendulum --controller lqr.json --steps 500 --x0 2.85,0 \\",
      "      --noise 0.001,0.01 --seed 7 --out run.json --plot run.png"
    })
final class LoopCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--plant", required = true, paramLabel = "NAME", description = "Built-in plant (loopforge plants).")
  String plant;

  @Option(names = "--controller", required = true, paramLabel = "POLICY.json",
      description = "Policy model file (loopforge design lqr, or a distilled policy).")
  Path controllerFile;

  @Option(names = "--steps", required = true, paramLabel = "N",
      description = "Control steps (the run may stop earlier).")
  int steps;

  @Option(names = "--x0", split = ",", paramLabel = "X",
      description = "Initial state, comma-separated (default: the plant's).")
  double[] x0;

  @Option(names = "--reference", split = ",", paramLabel = "R",
      description = "Set-point given to the controller, comma-separated (default: the plant task's reference).")
  double[] reference;

  @Option(names = "--noise", split = ",", paramLabel = "S",
      description = "Measurement noise: standard deviation per state, in state units (default: none).")
  double[] noise;

  @Option(names = "--disturbance", split = ",", paramLabel = "S",
      description = "Input disturbance added to the applied input: standard deviation per input, in input units"
          + " (default: none).")
  double[] disturbance;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
      description = "Seed of the noise and disturbance (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--dt", paramLabel = "S", description = "Control period, s (default: the controller's).")
  Double dt;

  @Option(names = "--no-stop", description = "Run every step, even after the state leaves the operating region.")
  boolean noStop;

  @Option(names = "--out", required = true, paramLabel = "FILE.json",
      description = "Where to write the run (metrics and trajectory).")
  Path out;

  @Option(names = "--plot", paramLabel = "FILE.png", description = "Also plot states and inputs over time.")
  Path plot;

  @Override
  public Integer call() throws IOException {
    if (steps < 1) {
      throw usage("--steps must be at least 1, got " + steps);
    }
    if (dt != null && (!(dt > 0) || Double.isInfinite(dt))) {
      throw usage("--dt must be a positive number of seconds, got " + dt);
    }
    OutputPaths.refuseOverwrite(spec, out, controllerFile, plot);
    OutputPaths.refuseOverwrite(spec, plot, controllerFile);
    OutputPaths.checkWritable(spec, "--out", out);
    OutputPaths.checkWritable(spec, "--plot", plot);
    Plant p = PlantsCommand.create(spec, plant);
    // the run keeps its trajectory: states, applied and raw inputs, references, costs per step
    SizeChecks.fits(spec, "--steps", steps, 2 * SizeChecks.bytesPerRow(p.stateDim() * 2, p.inputDim() * 2),
        "the closed-loop trajectory", "step");
    checkLength("--x0", x0, p.name() + " has", p.stateNames(), "states");
    checkLength("--noise", noise, p.name() + " has", p.stateNames(), "states");
    checkLength("--disturbance", disturbance, p.name() + " has", p.inputNames(), "inputs");
    Controller c = readController(controllerFile);
    if (c.stateDim() == p.stateDim() && c.inputDim() == p.inputDim()) {
      // A controller made for another plant is reported by the closed loop, with both name lists.
      checkLength("--reference", reference, "the controller's reference has", c.referenceNames(), "values");
    }
    ClosedLoop.Builder b = ClosedLoop.builder(p, c).controllerName(controllerFile.toString()).steps(steps).seed(seed)
        .stopOutsideRegion(!noStop);
    if (dt != null) {
      b.dt(dt);
    }
    if (x0 != null) {
      b.initialState(x0);
    }
    if (reference != null) {
      b.reference(reference);
    }
    if (noise != null) {
      b.measurementNoise(noise);
    }
    if (disturbance != null) {
      b.inputDisturbance(disturbance);
    }
    ClosedLoopResult r = b.build().run();
    r.writeJson(out);
    print(r);
    if (plot != null) {
      TimeSeriesPlot.of("closed loop: " + controllerFile.getFileName() + " on " + p.name(), r.trajectory()).write(plot);
      spec.commandLine().getOut().printf("  wrote %s%n", plot);
    }
    spec.commandLine().getOut().flush();
    return 0;
  }

  /**
   * The controller in a model file: a policy, any controller kind the model registry knows, or an on-device
   * MPC (its double-precision solver, {@link GaussNewtonMpc}).
   */
  private static Controller readController(Path file) {
    Model m = ModelFiles.read(file).model();
    if (m instanceof Model.MpcController) {
      return new GaussNewtonMpc(((Model.MpcController) m).policy());
    }
    return m.controller("loop --controller");
  }

  private void print(ClosedLoopResult r) {
    PrintWriter w = spec.commandLine().getOut();
    w.printf(Locale.ROOT, "loop: %s on %s, dt %s s, seed %d%n", controllerFile, r.systemName(), r.dt(), seed);
    w.printf(Locale.ROOT, "  steps         %d of %d (%s: %s)%n", r.steps(), r.stepsRequested(),
        r.stopReason().fileName().replace('_', ' '), r.stopDetail());
    w.printf(Locale.ROOT, "  total cost    %.6g (%s)%n", r.totalCost(), r.costDefinition());
    double[][] refs = r.references();
    w.printf(Locale.ROOT, "  final state   %s (reference %s)%n", PlantsCommand.vector(r.finalState()),
        refs.length == 0 ? "none" : PlantsCommand.vector(refs[refs.length - 1]));
    ClosedLoopResult.Timing t = r.controllerTiming();
    w.printf(Locale.ROOT, "  controller    median %.3g µs, p95 %.3g µs, max %.3g µs per call%n",
        t.medianSeconds() * 1e6, t.p95Seconds() * 1e6, t.maxSeconds() * 1e6);
    ClosedLoopResult.Violations v = r.violations();
    w.printf(Locale.ROOT, "  violations    %d input%s at a bound (%s past it), %d state%s outside the operating region"
            + " (%s at most)%n", v.inputSaturations(), v.inputSaturations() == 1 ? "" : "s",
        PlantsCommand.fmt(v.inputSaturationAmount()), v.stateViolations(), v.stateViolations() == 1 ? "" : "s",
        PlantsCommand.fmt(v.maxStateViolation()));
    w.printf("  wrote %s%n", out);
  }

  private void checkLength(String option, double[] values, String owner, List<String> names, String what) {
    if (values != null && values.length != names.size()) {
      throw usage(option + " has " + values.length + " values but " + owner + " " + names.size() + " " + what + " ("
          + String.join(", ", names) + ")");
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
