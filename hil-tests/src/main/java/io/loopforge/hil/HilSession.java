package io.loopforge.hil;

import io.loopforge.codegen.ControllerContract;
import io.loopforge.modeling.loop.ClosedLoop;
import io.loopforge.modeling.loop.ClosedLoopResult;
import io.loopforge.modeling.loop.StageCost;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantSimulator;
import io.loopforge.targets.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A closed-loop HIL run: a Java simulation of a {@link Plant} and the firmware's controller under
 * QEMU, in lock-step, run by the closed-loop library ({@link ClosedLoop}) with the firmware behind a
 * {@link io.loopforge.modeling.policy.Controller}. Each step sends the plant state {@code x_k} (rounded to
 * float) and the reference, receives the firmware's input, compares it bit for bit with the {@link
 * ControllerTwin} (when given; and its solver status with the firmware's, where the twin reports one),
 * records the solver status the firmware reports (named by the {@link Builder#contract contract}), then
 * integrates the plant over one control period with RK4 (the {@link
 * PlantSimulator}'s, {@link Builder#integrationSubsteps} substeps) holding that input clipped to the
 * plant's input bounds, as an actuator would. The cost is the plant task's ({@link StageCost#taskCost});
 * the run does not stop when the state leaves the plant's operating region (it counts the states outside).
 *
 * <pre>{@code
 * HilResult r = HilSession.builder(Target.MPS2_AN386, elf, PlantCatalog.create("mass-spring-damper"))
 *     .twin(twin).steps(2000).controlPeriod(0.01).run();
 * r.writeJson(Path.of("hil.json"));
 * }</pre>
 *
 * <p>Fault injection for tests: {@link Builder#corruptFrames} sends, before the STEP frame of the
 * given steps, a copy with a flipped CRC bit; the firmware must answer it with an ERROR frame (counted
 * as a transport error and logged), and a RESULT to a corrupted frame fails the session.
 */
public final class HilSession {
  private static final Logger LOG = LoggerFactory.getLogger(HilSession.class);

  private final Builder b;

  private HilSession(Builder b) {
    this.b = b;
  }

  public static Builder builder(Target target, Path firmware, Plant plant) {
    return new Builder(target, firmware, plant);
  }

  /**
   * Runs the session. QEMU is always killed at the end, whatever happens.
   *
   * @throws HilException on any failure of the firmware or the protocol, a controller error code, or a
   *     firmware that accepted a corrupted frame
   */
  public HilResult run() {
    Plant plant = b.plant;
    int nx = plant.stateDim();
    int nu = plant.inputDim();
    double dt = b.controlPeriod;
    double[] x0 = b.initialState != null ? b.initialState.clone() : plant.defaultInitialState();
    double[] ref = b.reference != null ? b.reference.clone() : plant.defaultTask().referenceState();
    PlantSimulator rk4 = PlantSimulator.builder()
        .integrator(PlantSimulator.Integrator.RK4)
        .rk4Substeps(b.substeps)
        .build();

    long t0 = System.nanoTime();
    long loopStart;
    long loopEnd;
    Duration boot;
    String controller;
    FirmwareController firmware;
    ClosedLoopResult loop;
    try (QemuRunner qemu = QemuRunner.builder(b.target, b.firmware)
        .transport(b.transport)
        .stepTimeout(b.stepTimeout)
        .bootTimeout(b.bootTimeout)
        .start()) {
      Hello hello = qemu.hello();
      controller = hello.controller();
      boot = qemu.bootTime();
      if (hello.nx() != nx || hello.nu() != nu || hello.nr() != ref.length) {
        throw new HilException(HilException.Kind.SETUP, String.format(Locale.ROOT,
            "controller %s (nx = %d, nu = %d, nr = %d) does not fit plant %s (nx = %d, nu = %d) with a reference"
                + " of length %d", controller, hello.nx(), hello.nu(), hello.nr(), plant.name(), nx, nu, ref.length));
      }
      firmware = new FirmwareController(qemu, controller, plant, ref.length, dt, b.twin, b.contract, b.corrupt);
      ClosedLoop closedLoop = ClosedLoop.builder(plant, firmware)
          .simulator(rk4)
          .steps(b.steps)
          .initialState(x0)
          .reference(ref)
          .stopOutsideRegion(false)
          .build();
      loopStart = System.nanoTime();
      loop = closedLoop.run();
      loopEnd = System.nanoTime();
      long answered = qemu.stop();
      if (answered != firmware.stepsSent()) {
        throw new HilException(HilException.Kind.PROTOCOL,
            "firmware answered " + answered + " STEP frames, the host sent " + firmware.stepsSent());
      }
    }
    long t1 = System.nanoTime();
    if (loop.stopReason() != ClosedLoopResult.StopReason.COMPLETED) {
      LOG.warn("the closed loop stopped early: {}", loop.stopDetail());
    }
    List<String> errors = firmware.transportErrors();
    return new HilResult(b.target.name(), b.transport, b.firmware, controller, plant.name(), dt, loop.steps(),
        boot.toNanos() / 1e9, (loopEnd - loopStart) / 1e9, (t1 - t0) / 1e9,
        firmware.instructionsMean(), firmware.instructionsMax(), firmware.instructionsMin(), loop.totalCost(),
        b.twin != null, firmware.mismatchedSteps(), firmware.maxAbsInputDiff(), firmware.statusMismatchedSteps(),
        firmware.statusCounts(), statusNames(firmware), errors.size(), errors, loop.trajectory(), loop.finalState(),
        ref, loop);
  }

  private static List<String> statusNames(FirmwareController firmware) {
    if (!firmware.reportsStatus()) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (int s : firmware.solverStatuses()) {
      names.add(firmware.statusName(s));
    }
    return names;
  }

  /** Options of a {@link HilSession}. */
  public static final class Builder {
    private final Target target;
    private final Path firmware;
    private final Plant plant;
    private Transport transport = Transport.SEMIHOSTING;
    private ControllerTwin twin;
    private ControllerContract contract;
    private int steps = 1000;
    private double controlPeriod = 0.01;
    private int substeps = 4;
    private double[] initialState;
    private double[] reference;
    private Duration stepTimeout = QemuRunner.DEFAULT_STEP_TIMEOUT;
    private Duration bootTimeout = QemuRunner.DEFAULT_BOOT_TIMEOUT;
    private final TreeSet<Integer> corrupt = new TreeSet<>();

    private Builder(Target target, Path firmware, Plant plant) {
      this.target = Objects.requireNonNull(target, "target");
      this.firmware = Objects.requireNonNull(firmware, "firmware");
      this.plant = Objects.requireNonNull(plant, "plant");
    }

    public Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /** The Java twin to compare every firmware input with (bit-exact expected). */
    public Builder twin(ControllerTwin twin) {
      this.twin = twin;
      return this;
    }

    /**
     * The contract of the firmware's controller (e.g. {@code GeneratedCode.contract()}), which names the solver
     * statuses the firmware reports; without it they are reported by number, and only when not all 0.
     */
    public Builder contract(ControllerContract contract) {
      this.contract = contract;
      return this;
    }

    /** Number of control steps, at least 1 (default 1000). */
    public Builder steps(int steps) {
      if (steps < 1) {
        throw new IllegalArgumentException("steps must be >= 1, got " + steps);
      }
      this.steps = steps;
      return this;
    }

    /** @param seconds control period, s (default 0.01) */
    public Builder controlPeriod(double seconds) {
      if (!(seconds > 0) || Double.isInfinite(seconds)) {
        throw new IllegalArgumentException("control period must be positive, got " + seconds);
      }
      this.controlPeriod = seconds;
      return this;
    }

    /** RK4 substeps per control period (default 4). */
    public Builder integrationSubsteps(int substeps) {
      if (substeps < 1) {
        throw new IllegalArgumentException("substeps must be >= 1, got " + substeps);
      }
      this.substeps = substeps;
      return this;
    }

    /** Start state in the plant's units (default: the plant's default initial state). */
    public Builder initialState(double[] x0) {
      this.initialState = x0.clone();
      return this;
    }

    /** Reference sent to the firmware (default: the plant's default task's reference state). */
    public Builder reference(double[] reference) {
      this.reference = reference.clone();
      return this;
    }

    public Builder stepTimeout(Duration timeout) {
      this.stepTimeout = timeout;
      return this;
    }

    public Builder bootTimeout(Duration timeout) {
      this.bootTimeout = timeout;
      return this;
    }

    /** Before the STEP frame of each of these steps, send a copy with a bad CRC (see the class doc). */
    public Builder corruptFrames(int... steps) {
      for (int s : steps) {
        corrupt.add(s);
      }
      return this;
    }

    public HilResult run() {
      if (initialState != null && initialState.length != plant.stateDim()) {
        throw new HilException(HilException.Kind.SETUP, "initial state has " + initialState.length
            + " values, plant " + plant.name() + " has " + plant.stateDim() + " states");
      }
      return new HilSession(this).run();
    }
  }
}
