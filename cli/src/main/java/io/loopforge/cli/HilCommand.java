package io.loopforge.cli;

import io.loopforge.hil.HilResult;
import io.loopforge.hil.HilSession;
import io.loopforge.hil.Transport;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.targets.Target;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code loopforge hil}: closes the loop between a plant simulation and firmware under QEMU. */
@Command(
    name = "hil",
    mixinStandardHelpOptions = true,
    header = "Run a firmware in closed loop with a plant under QEMU.",
    description = {
      "Hardware-in-the-loop under QEMU: run the firmware's controller in lock-step with a simulation of a",
      "built-in plant and write the metrics (steps/s, instructions per control step, closed-loop cost,",
      "transport errors) as JSON. A HardFault is reported with its registers; a firmware that stops",
      "answering is killed by the watchdog. Exit code 1 when the firmware's inputs differ from the twin's",
      "(--twin) or when there were transport errors, unless --mismatch-is-warning."
    })
final class HilCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--target", defaultValue = "mps2-an386", paramLabel = "NAME",
      description = "QEMU target: mps2-an386 or netduinoplus2 (default: ${DEFAULT-VALUE}).")
  String target;

  @Option(names = "--firmware", required = true, paramLabel = "FILE", description = "Firmware ELF (loopforge firmware).")
  Path firmware;

  @Option(names = "--plant", required = true, paramLabel = "NAME", description = "Built-in plant (loopforge plants).")
  String plant;

  @Option(names = "--steps", defaultValue = "1000", paramLabel = "N", description = "Control steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--dt", defaultValue = "0.01", paramLabel = "S", description = "Control period, s (default: ${DEFAULT-VALUE}).")
  double dt;

  @Option(names = "--transport", defaultValue = "semihosting", paramLabel = "KIND",
      description = "semihosting (fast) or uart (the real serial path) (default: ${DEFAULT-VALUE}).")
  String transport;

  @Option(names = "--step-timeout", defaultValue = "2000", paramLabel = "MS",
      description = "Watchdog per step, ms (default: ${DEFAULT-VALUE}).")
  long stepTimeoutMs;

  @Option(names = "--x0", split = ",", paramLabel = "X", description = "Initial state (default: the plant's).")
  double[] x0;

  @Option(names = "--reference", split = ",", paramLabel = "R", description = "Reference (default: the plant task's).")
  double[] reference;

  @Option(names = "--out", defaultValue = "hil.json", paramLabel = "FILE", description = "Metrics JSON (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--plot", paramLabel = "FILE", description = "Also plot states and inputs over time (PNG).")
  Path plot;

  @Option(names = "--twin", paramLabel = "MODEL.json",
      description = "The controller's model file: its generated Java twin runs beside the firmware and every input is compared bit for bit.")
  Path twinModel;

  @Option(names = "--mismatch-is-warning",
      description = "A twin mismatch or transport errors give a warning and exit 0 instead of failing the run.")
  boolean mismatchIsWarning;

  @Override
  public Integer call() throws IOException {
    OutputPaths.refuseOverwrite(spec, out, firmware, twinModel, plot);
    OutputPaths.refuseOverwrite(spec, plot, firmware, twinModel);
    OutputPaths.checkWritable(spec, "--out", out);
    OutputPaths.checkWritable(spec, "--plot", plot);
    if (steps < 1) {
      throw new ParameterException(spec.commandLine(), "--steps must be at least 1, got " + steps);
    }
    if (!(dt > 0) || Double.isInfinite(dt)) {
      throw new ParameterException(spec.commandLine(), "--dt must be a positive number of seconds, got " + dt);
    }
    if (stepTimeoutMs < 1) {
      throw new ParameterException(spec.commandLine(), "--step-timeout must be at least 1 ms, got " + stepTimeoutMs);
    }
    PrintWriter w = spec.commandLine().getOut();
    Target t = Target.forName(target);
    Plant p = PlantsCommand.create(spec, plant);
    // the run keeps its trajectory (as a closed-loop run) and the firmware's and the twin's inputs per step
    SizeChecks.fits(spec, "--steps", steps, 2 * SizeChecks.bytesPerRow(p.stateDim() * 2, p.inputDim() * 3),
        "the HIL trajectory", "step");
    HilSession.Builder session = HilSession.builder(t, firmware, p)
        .transport(Transport.parse(transport))
        .steps(steps)
        .controlPeriod(dt)
        .stepTimeout(Duration.ofMillis(stepTimeoutMs));
    if (twinModel != null) {
      JavaTwin.load(twinModel).applyTo(session);
    }
    if (x0 != null) {
      session.initialState(x0);
    }
    if (reference != null) {
      session.reference(reference);
    }
    HilResult r = session.run();
    r.writeJson(out);
    w.printf(Locale.ROOT, "hil: %s on %s over %s, plant %s, %d steps of %s s%n", r.controller(), r.target(),
        r.transport(), r.plant(), r.steps(), r.controlPeriod());
    w.printf(Locale.ROOT, "  throughput    %.0f steps/s (%.0f with boot; boot %.1f ms)%n", r.stepsPerSecond(),
        r.stepsPerSecondWithBoot(), r.bootSeconds() * 1e3);
    w.printf(Locale.ROOT, "  controller    %.1f instructions per step (max %d)%n", r.instructionsMean(),
        r.instructionsMax());
    w.printf(Locale.ROOT, "  closed loop   cost %.6g, final state %s (reference %s)%n", r.closedLoopCost(),
        Arrays.toString(r.finalState()), Arrays.toString(r.reference()));
    if (!r.solverStatusCounts().isEmpty()) {
      StringBuilder counts = new StringBuilder();
      r.solverStatusCounts().forEach((name, n) -> counts.append(counts.length() == 0 ? "" : ", ").append(name)
          .append(' ').append(n));
      w.printf(Locale.ROOT, "  solver        %s (steps per status)%n", counts);
    }
    w.printf(Locale.ROOT, "  transport     %d errors%n", r.transportErrors());
    if (r.twinCompared()) {
      w.printf(Locale.ROOT, "  twin          %s (%d mismatched steps, max |u_firmware - u_twin| = %.3g%s)%n",
          r.bitExact() ? "bit-exact" : "DIFFERS", r.mismatchedSteps(), r.maxAbsInputDiff(),
          r.solverStatusCounts().isEmpty() ? "" : ", " + r.statusMismatchedSteps() + " with another solver status");
    }
    w.printf("  wrote %s%n", out);
    if (plot != null) {
      TimeSeriesPlot.of("HIL: " + r.controller() + " on " + r.target() + ", " + r.plant(), r.trajectory()).write(plot);
      w.printf("  wrote %s%n", plot);
    }
    w.flush();
    // A HIL run is a test: a firmware that disagrees with its twin or a lossy link fails it.
    List<String> failures = new ArrayList<>();
    if (r.twinCompared() && !r.bitExact()) {
      failures.add(String.format(Locale.ROOT, "the firmware's inputs differ from the twin's at %d of %d steps (max"
          + " |u_firmware - u_twin| = %.3g%s)", r.mismatchedSteps(), r.steps(), r.maxAbsInputDiff(),
          r.statusMismatchedSteps() == 0 ? "" : "; the solver status at " + r.statusMismatchedSteps()));
    }
    if (r.transportErrors() > 0) {
      failures.add(r.transportErrors() + " transport errors between the host and the firmware");
    }
    if (failures.isEmpty()) {
      return 0;
    }
    PrintWriter e = spec.commandLine().getErr();
    if (mismatchIsWarning) {
      e.println("warning: " + String.join("; ", failures) + " (--mismatch-is-warning: exit 0)");
      e.flush();
      return 0;
    }
    e.println("error: the HIL check failed: " + String.join("; ", failures) + "; the metrics are in " + out
        + " (--mismatch-is-warning makes this a warning)");
    e.flush();
    return 1;
  }
}
