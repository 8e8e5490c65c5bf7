package io.loopforge.cli;

import io.loopforge.hil.HilResult;
import io.loopforge.hil.HilSession;
import io.loopforge.hil.Transport;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantCatalog;
import io.loopforge.targets.Target;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
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
      "answering is killed by the watchdog."
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

  @Override
  public Integer call() throws IOException {
    OutputPaths.refuseOverwrite(spec, out, firmware, twinModel, plot);
    OutputPaths.refuseOverwrite(spec, plot, firmware, twinModel);
    if (steps < 1) {
      throw new ParameterException(spec.commandLine(), "--steps must be at least 1, got " + steps);
    }
    PrintWriter w = spec.commandLine().getOut();
    Target t = Target.forName(target);
    Plant p = PlantCatalog.create(plant);
    HilSession.Builder session = HilSession.builder(t, firmware, p)
        .transport(Transport.parse(transport))
        .steps(steps)
        .controlPeriod(dt)
        .stepTimeout(Duration.ofMillis(stepTimeoutMs));
    if (twinModel != null) {
      session.twin(JavaTwin.load(twinModel));
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
    w.printf(Locale.ROOT, "  transport     %d errors%n", r.transportErrors());
    if (r.twinCompared()) {
      w.printf(Locale.ROOT, "  twin          %s (%d mismatched steps, max |u_firmware - u_twin| = %.3g)%n",
          r.bitExact() ? "bit-exact" : "DIFFERS", r.mismatchedSteps(), r.maxAbsInputDiff());
    }
    w.printf("  wrote %s%n", out);
    if (plot != null) {
      TimeSeriesPlot.of("HIL: " + r.controller() + " on " + r.target() + ", " + r.plant(), r.trajectory()).write(plot);
      w.printf("  wrote %s%n", plot);
    }
    w.flush();
    return 0;
  }
}
