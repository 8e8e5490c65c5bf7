package io.loopforge.modeling.loop;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.Trajectory;
import io.loopforge.modeling.io.FileErrors;
import io.loopforge.modeling.policy.InputBounds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * What a {@link ClosedLoop} run did: the trajectory (times {@code t_k = k·dt} in s, true states {@code x_k}
 * before step {@code k}, inputs {@code u_k} as the actuator applied them), the controller's raw outputs
 * {@code c_k} before saturation, the references {@code r_k}, the stage costs and their total, the
 * controller's time per call, the constraint violations, the final state {@code x_m} after the last step,
 * and why the run stopped. With measurement noise it also holds what the controller saw ({@code y_k}),
 * with an input disturbance the disturbances {@code d_k} (input units; the system moved under
 * {@code u_k + d_k}).
 *
 * <p>Written as JSON by {@link #writeJson} ({@value #FORMAT}, trajectory included; doubles in their
 * shortest round-trip form, non-finite values as {@code null}). Immutable: accessors return copies.
 */
public final class ClosedLoopResult {
  /** The {@code "format"} of the JSON file. */
  public static final String FORMAT = "loopforge-loop/1";

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Why a run ended. */
  public enum StopReason {
    /** Every requested step ran. */
    COMPLETED("completed"),
    /** The state left the operating region (the last state recorded is outside it). */
    LEFT_REGION("left_region"),
    /** The controller returned a non-finite input; that step was not applied. */
    NON_FINITE_INPUT("non_finite_input"),
    /** The system blew up over a step (non-finite state or a failing integrator); that step is not recorded. */
    DIVERGED("diverged");

    private final String fileName;

    StopReason(String fileName) {
      this.fileName = fileName;
    }

    /** Spelling in the JSON file. */
    public String fileName() {
      return fileName;
    }
  }

  /**
   * The controller's wall-clock time per {@code control} call over the recorded steps, s; NaN when no
   * step was recorded. The median of an even count is the mean of the two middle values; p95 is the
   * nearest-rank 95th percentile.
   */
  public record Timing(double medianSeconds, double p95Seconds, double maxSeconds) {}

  /**
   * Constraint violations over the run.
   *
   * @param inputSaturations (step, input) pairs where the controller's output reached or passed an input
   *     bound: the actuator ran at its limit (a policy that saturates its own output counts too)
   * @param inputSaturationAmount {@code Σ |c_k,i − u_k,i|}: how far the outputs went past the bounds, input
   *     units (0 for a policy that saturates its own output)
   * @param stateViolations recorded states (including the final one) outside the operating region
   * @param maxStateViolation largest distance of a state component outside the region, state units (0 when
   *     none; +∞ for a NaN state)
   */
  public record Violations(
      int inputSaturations, double inputSaturationAmount, int stateViolations, double maxStateViolation) {}

  private final String systemKind;
  private final String systemName;
  private final String controller;
  private final List<String> referenceNames;
  private final double dt;
  private final int stepsRequested;
  private final StopReason stopReason;
  private final String stopDetail;
  private final Trajectory trajectory;
  private final double[][] rawInputs;
  private final double[][] references;
  private final double[] stageCosts;
  private final double totalCost;
  private final String costDefinition;
  private final long[] controllerNanos;
  private final Timing timing;
  private final double[][] measurements;
  private final double[][] disturbances;
  private final double[] finalState;
  private final double[] initialState;
  private final Violations violations;
  private final String integrator;
  private final long seed;
  private final double[] noiseStd;
  private final double[] disturbanceStd;
  private final InputBounds inputBounds;
  private final double[] regionLower;
  private final double[] regionUpper;
  private final boolean stopOutsideRegion;

  /** Takes ownership of the arrays (ClosedLoop hands over fresh ones); keeps the first {@code m} rows. */
  ClosedLoopResult(ClosedLoop loop, double[] initialState, int m, StopReason stopReason, String stopDetail,
      double[] times, double[][] states, double[][] inputs, double[][] raw, double[][] references,
      double[] costs, double totalCost, long[] nanos, double[][] measurements, double[][] disturbances,
      double[] finalState, Violations violations) {
    this.systemKind = loop.systemKind();
    this.systemName = loop.systemName();
    this.controller = loop.controllerName();
    this.referenceNames = List.copyOf(loop.controller().referenceNames());
    this.dt = loop.dt();
    this.stepsRequested = loop.steps();
    this.stopReason = stopReason;
    this.stopDetail = stopDetail;
    this.trajectory = new Trajectory(Arrays.copyOf(times, m), Arrays.copyOf(states, m), Arrays.copyOf(inputs, m),
        loop.stateNames(), loop.inputNames());
    this.rawInputs = Arrays.copyOf(raw, m);
    this.references = Arrays.copyOf(references, m);
    this.stageCosts = Arrays.copyOf(costs, m);
    this.totalCost = totalCost;
    this.costDefinition = loop.stageCost().description();
    this.controllerNanos = Arrays.copyOf(nanos, m);
    this.timing = timing(controllerNanos);
    this.measurements = measurements == null ? null : Arrays.copyOf(measurements, m);
    this.disturbances = disturbances == null ? null : Arrays.copyOf(disturbances, m);
    this.finalState = finalState.clone();
    this.initialState = initialState.clone();
    this.violations = violations;
    this.integrator = loop.integrator();
    this.seed = loop.seed();
    this.noiseStd = loop.noiseStd();
    this.disturbanceStd = loop.disturbanceStd();
    this.inputBounds = loop.inputBounds();
    this.regionLower = loop.regionLower();
    this.regionUpper = loop.regionUpper();
    this.stopOutsideRegion = loop.stopOutsideRegion();
  }

  private static Timing timing(long[] nanos) {
    int n = nanos.length;
    if (n == 0) {
      return new Timing(Double.NaN, Double.NaN, Double.NaN);
    }
    long[] s = nanos.clone();
    Arrays.sort(s);
    double median = n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    int p95 = (int) Math.ceil(0.95 * n) - 1;
    return new Timing(median / 1e9, s[p95] / 1e9, s[n - 1] / 1e9);
  }

  /** {@code "plant"} or {@code "model"}. */
  public String systemKind() {
    return systemKind;
  }

  /** The plant's catalog name, or the model's name. */
  public String systemName() {
    return systemName;
  }

  /** The controller's name given to the loop, else its {@code toString()}. */
  public String controller() {
    return controller;
  }

  /** Sampling interval, s. */
  public double dt() {
    return dt;
  }

  /** Steps recorded (at most {@link #stepsRequested()}). */
  public int steps() {
    return trajectory.size();
  }

  public int stepsRequested() {
    return stepsRequested;
  }

  public StopReason stopReason() {
    return stopReason;
  }

  /** One sentence on why the run stopped, with the step and the values involved. */
  public String stopDetail() {
    return stopDetail;
  }

  /** Times, true states before each step and the applied inputs, one row per recorded step. */
  public Trajectory trajectory() {
    return trajectory;
  }

  /** The controller's outputs {@code c_k} before saturation, one row per step; a copy. */
  public double[][] rawInputs() {
    return deepCopy(rawInputs);
  }

  /** The reference of each step; a copy. */
  public double[][] references() {
    return deepCopy(references);
  }

  public List<String> referenceNames() {
    return referenceNames;
  }

  /** Stage cost of each step; a copy. */
  public double[] stageCosts() {
    return stageCosts.clone();
  }

  /** Sum of the stage costs, accumulated in step order. */
  public double totalCost() {
    return totalCost;
  }

  /** What the stage cost is ({@link StageCost#description()}). */
  public String costDefinition() {
    return costDefinition;
  }

  /** The controller's time per step, ns; a copy. */
  public long[] controllerNanos() {
    return controllerNanos.clone();
  }

  public Timing controllerTiming() {
    return timing;
  }

  /** What the controller saw, one row per step; equal to the states without measurement noise. */
  public double[][] measurements() {
    return measurements == null ? trajectory.states() : deepCopy(measurements);
  }

  /** The input disturbance of each step, input units; zeros without one. */
  public double[][] disturbances() {
    return disturbances == null ? new double[steps()][trajectory.inputDim()] : deepCopy(disturbances);
  }

  /** The state the run started from. */
  public double[] initialState() {
    return initialState.clone();
  }

  /** The state after the last recorded step. */
  public double[] finalState() {
    return finalState.clone();
  }

  public Violations violations() {
    return violations;
  }

  /** The metrics and the trajectory as a JSON tree ({@value #FORMAT}). */
  public ObjectNode toJsonTree() {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("format", FORMAT);
    ObjectNode system = n.putObject("system");
    system.put("kind", systemKind);
    system.put("name", systemName);
    if (integrator != null) {
      system.put("integrator", integrator);
    }
    n.put("controller", controller);
    strings(n.putArray("state_names"), trajectory.stateNames());
    strings(n.putArray("input_names"), trajectory.inputNames());
    strings(n.putArray("reference_names"), referenceNames);
    n.put("dt_s", dt);
    n.put("steps_requested", stepsRequested);
    n.put("steps", steps());
    n.put("stop_reason", stopReason.fileName());
    n.put("stop_detail", stopDetail);
    n.put("total_cost", totalCost);
    n.put("cost_definition", costDefinition);
    ObjectNode t = n.putObject("controller_time_s");
    number(t, "median", timing.medianSeconds());
    number(t, "p95", timing.p95Seconds());
    number(t, "max", timing.maxSeconds());
    ObjectNode v = n.putObject("violations");
    v.put("input_saturations", violations.inputSaturations());
    number(v, "input_saturation_amount", violations.inputSaturationAmount());
    v.put("state_violations", violations.stateViolations());
    number(v, "max_state_violation", violations.maxStateViolation());
    n.put("seed", seed);
    numbers(n, "measurement_noise_std", noiseStd);
    numbers(n, "input_disturbance_std", disturbanceStd);
    numbers(n, "input_lower", inputBounds.lower());
    numbers(n, "input_upper", inputBounds.upper());
    numbers(n, "region_lower", regionLower);
    numbers(n, "region_upper", regionUpper);
    n.put("stop_outside_region", stopOutsideRegion);
    numbers(n, "initial_state", initialState);
    numbers(n, "final_state", finalState);
    n.set("trajectory", trajectoryJson());
    return n;
  }

  /**
   * The trajectory as JSON: {@code times}, {@code states}, {@code inputs} (applied), {@code raw_inputs},
   * {@code references}, {@code stage_costs}, and {@code measurements} / {@code disturbances} when the run had
   * noise / a disturbance; one entry (or row) per step.
   */
  public ObjectNode trajectoryJson() {
    ObjectNode tr = MAPPER.createObjectNode();
    numbers(tr, "times", trajectory.timesUnsafe());
    rows(tr.putArray("states"), trajectory.statesUnsafe());
    rows(tr.putArray("inputs"), trajectory.inputsUnsafe());
    rows(tr.putArray("raw_inputs"), rawInputs);
    rows(tr.putArray("references"), references);
    numbers(tr, "stage_costs", stageCosts);
    if (measurements != null) {
      rows(tr.putArray("measurements"), measurements);
    }
    if (disturbances != null) {
      rows(tr.putArray("disturbances"), disturbances);
    }
    return tr;
  }

  /** Pretty-printed JSON with a trailing newline. */
  public String toJson() {
    try {
      return MAPPER.writeValueAsString(toJsonTree()) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Writes {@link #toJson()} to {@code file}, creating missing folders: first into a temporary file in the
   * same folder, then moved into place, so that {@code file} is never half written.
   *
   * @throws ModelingException naming the file when it cannot be written
   */
  public void writeJson(Path file) {
    Path target = file.toAbsolutePath();
    Path tmp = null;
    try {
      Files.createDirectories(target.getParent());
      // Not Files.createTempFile: its owner-only permissions would stay with the moved file.
      tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
          + System.nanoTime() + ".tmp");
      Files.writeString(tmp, toJson(), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE);
      try {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // The write failed already; that is the error to report.
        }
      }
      throw new ModelingException("cannot write closed-loop result " + file + ": " + FileErrors.reason(e), e);
    }
  }

  private static void strings(ArrayNode a, List<String> v) {
    v.forEach(a::add);
  }

  private static void number(ObjectNode n, String key, double v) {
    if (Double.isFinite(v)) {
      n.put(key, v);
    } else {
      n.putNull(key);
    }
  }

  private static void numbers(ObjectNode n, String key, double[] v) {
    if (v == null) {
      n.putNull(key);
      return;
    }
    row(n.putArray(key), v);
  }

  private static void row(ArrayNode a, double[] v) {
    for (double d : v) {
      if (Double.isFinite(d)) {
        a.add(d);
      } else {
        a.addNull();
      }
    }
  }

  private static void rows(ArrayNode a, double[][] m) {
    for (double[] r : m) {
      row(a.addArray(), r);
    }
  }

  private static double[][] deepCopy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }

  @Override
  public String toString() {
    return "ClosedLoopResult[" + systemKind + " " + systemName + ", " + steps() + "/" + stepsRequested + " steps, "
        + stopReason.fileName() + ", total cost " + totalCost + "]";
  }
}
