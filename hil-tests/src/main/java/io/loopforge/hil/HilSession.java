package io.loopforge.hil;

import io.loopforge.modeling.Trajectory;
import io.loopforge.modeling.ode.OdeSystem;
import io.loopforge.modeling.ode.Rk4;
import io.loopforge.modeling.plant.ControlTask;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.targets.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A closed-loop HIL run: a Java simulation of a {@link Plant} and the firmware's controller under
 * QEMU, in lock-step. Each step sends the plant state {@code x_k} (rounded to float) and the
 * reference, receives the firmware's input, compares it bit for bit with the {@link ControllerTwin}
 * (when given), then integrates the plant over one control period with RK4 holding that input
 * (clipped to the plant's input bounds, as an actuator would).
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
    double h = dt / b.substeps;
    double[] x = b.initialState != null ? b.initialState.clone() : plant.defaultInitialState();
    ControlTask task = plant.defaultTask();
    double[] ref = b.reference != null ? b.reference.clone() : task.referenceState();
    double[] uRef = task.hasReferenceInput() ? task.referenceInput() : new double[nu];
    double[] lower = plant.inputLower();
    double[] upper = plant.inputUpper();

    float[] xf = new float[nx];
    float[] rf = new float[ref.length];
    for (int i = 0; i < ref.length; i++) {
      rf[i] = (float) ref[i];
    }
    double[] uHold = new double[nu];
    OdeSystem f = (t, s, ds) -> plant.derivative(s, uHold, ds);
    Rk4 rk4 = new Rk4(nx);

    int n = b.steps;
    double[] times = new double[n];
    double[][] states = new double[n][];
    double[][] inputs = new double[n][];
    List<String> errors = new ArrayList<>();
    double cost = 0;
    double instrSum = 0;
    long instrMax = Long.MIN_VALUE;
    long instrMin = Long.MAX_VALUE;
    int mismatched = 0;
    double maxDiff = 0;

    long t0 = System.nanoTime();
    long loopStart;
    long loopEnd;
    Duration boot;
    String controller;
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
      loopStart = System.nanoTime();
      for (int k = 0; k < n; k++) {
        for (int i = 0; i < nx; i++) {
          xf[i] = (float) x[i];
        }
        if (b.corrupt.contains(k)) {
          errors.add(injectCorruption(qemu, k, xf, rf));
        }
        StepResult res = qemu.step(k, xf, rf);
        if (res.status() != 0) {
          throw new HilException(HilException.Kind.CONTROLLER_ERROR, "controller " + controller
              + " returned error code " + res.status() + " at step " + k + " (state " + Arrays.toString(xf) + ")");
        }
        float[] u = res.input();
        if (b.twin != null) {
          float[] ut = b.twin.control(xf.clone(), rf.clone());
          boolean same = ut.length == nu;
          for (int i = 0; i < nu && i < ut.length; i++) {
            same &= Float.floatToRawIntBits(ut[i]) == Float.floatToRawIntBits(u[i]);
            maxDiff = Math.max(maxDiff, Math.abs((double) u[i] - ut[i]));
          }
          if (!same) {
            if (mismatched == 0) {
              LOG.warn("step {}: firmware input {} differs from the twin's {}", k, Arrays.toString(u), Arrays.toString(ut));
            }
            mismatched++;
          }
        }
        long ins = res.instructions();
        instrSum += ins;
        instrMax = Math.max(instrMax, ins);
        instrMin = Math.min(instrMin, ins);

        double[] applied = new double[nu];
        for (int i = 0; i < nu; i++) {
          applied[i] = Math.min(upper[i], Math.max(lower[i], u[i]));
          uHold[i] = applied[i];
        }
        times[k] = k * dt;
        states[k] = x.clone();
        inputs[k] = applied;
        cost += (squaredDistance(x, ref) + squaredDistance(applied, uRef)) * dt;
        for (int s = 0; s < b.substeps; s++) {
          rk4.step(f, k * dt + s * h, x, h, x);
        }
      }
      loopEnd = System.nanoTime();
      long answered = qemu.stop();
      if (answered != n) {
        throw new HilException(HilException.Kind.PROTOCOL,
            "firmware answered " + answered + " STEP frames, the host sent " + n);
      }
    }
    long t1 = System.nanoTime();
    Trajectory trajectory = new Trajectory(times, states, inputs, plant.stateNames(), plant.inputNames());
    return new HilResult(b.target.name(), b.transport, b.firmware, controller, plant.name(), dt, n,
        boot.toNanos() / 1e9, (loopEnd - loopStart) / 1e9, (t1 - t0) / 1e9,
        n == 0 ? 0 : instrSum / n, n == 0 ? 0 : instrMax, n == 0 ? 0 : instrMin, cost,
        b.twin != null, mismatched, b.twin != null ? maxDiff : Double.NaN, errors.size(), errors,
        trajectory, x, ref);
  }

  private static String injectCorruption(QemuRunner qemu, int k, float[] x, float[] r) {
    java.nio.ByteBuffer p = java.nio.ByteBuffer.allocate(5 + 4 * (x.length + r.length))
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    p.put((byte) Frame.Type.STEP.code()).putInt(k);
    for (float v : x) {
      p.putFloat(v);
    }
    for (float v : r) {
      p.putFloat(v);
    }
    byte[] wire = Frame.of(p.array()).encode();
    wire[wire.length - 1] ^= 0x01;
    qemu.sendRaw(wire);
    Frame answer = qemu.receive();
    if (answer.type() != Frame.Type.ERROR) {
      throw new HilException(HilException.Kind.PROTOCOL,
          "firmware answered a STEP frame with a bad CRC at step " + k + " with " + answer + " instead of ERROR:"
              + " it used a corrupted frame");
    }
    String line = "step " + k + ": firmware rejected a frame: " + answer.describeRejection();
    LOG.info(line);
    return line;
  }

  private static double squaredDistance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      s += d * d;
    }
    return s;
  }

  /** Options of a {@link HilSession}. */
  public static final class Builder {
    private final Target target;
    private final Path firmware;
    private final Plant plant;
    private Transport transport = Transport.SEMIHOSTING;
    private ControllerTwin twin;
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

    /** Number of control steps (default 1000). */
    public Builder steps(int steps) {
      if (steps < 0) {
        throw new IllegalArgumentException("steps must be >= 0, got " + steps);
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

    /** RK4 steps per control period (default 4). */
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
