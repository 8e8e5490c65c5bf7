package io.loopforge.hil;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loopforge.modeling.Trajectory;
import io.loopforge.modeling.io.AtomicFile;
import io.loopforge.modeling.io.FileErrors;
import io.loopforge.modeling.loop.ClosedLoopResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Outcome of a {@link HilSession}: the closed-loop trajectory and the metrics, as JSON by {@link
 * #toJson()} ({@code "format": "loopforge-hil/1"}, the trajectory included). Times in seconds,
 * instructions as counted under QEMU {@code -icount shift=0}. Immutable.
 *
 * @param target target name
 * @param transport transport used
 * @param firmware ELF file
 * @param controller controller prefix reported by the firmware
 * @param plant plant catalog name
 * @param controlPeriod control period, s
 * @param steps control steps run
 * @param bootSeconds from starting QEMU to the firmware's HELLO, s
 * @param loopSeconds the lock-step loop alone, s
 * @param totalSeconds boot + loop + stop, s
 * @param instructionsMean mean instructions per controller call
 * @param instructionsMax largest instructions per controller call
 * @param instructionsMin smallest instructions per controller call
 * @param closedLoopCost {@code Σ_k (‖x_k − r‖² + ‖u_k − u_ref‖²)·dt} over the run, with {@code u_ref}
 *     the task's equilibrium input (0 when it has none) and {@code u_k} the applied input
 * @param twinCompared whether a Java twin was compared
 * @param mismatchedSteps steps whose firmware input differs in any bit from the twin's
 * @param maxAbsInputDiff largest {@code |u_firmware − u_twin|} over all steps and inputs (NaN without twin)
 * @param statusMismatchedSteps steps whose solver status differs from the twin's (a twin that reports one;
 *     counted in {@code mismatchedSteps} too)
 * @param solverStatusCounts steps per solver status (the contract's names, each declared status listed; by
 *     number without a contract); empty when the controller reports no status
 * @param solverStatuses the solver status of each step, by the same names; empty when none is reported
 * @param transportErrors frames rejected by the firmware (each logged in {@code transportErrorLog})
 * @param transportErrorLog one line per transport error
 * @param trajectory times {@code k·dt}, plant states {@code x_k} (before step k) and firmware inputs
 *     {@code u_k}
 * @param finalState plant state after the last step
 * @param reference reference sent to the firmware
 * @param closedLoop the closed-loop library's record of the run: the trajectory with the firmware's raw
 *     outputs, the stage costs, the host-side time per lock-step exchange, the violations and why it stopped
 */
public record HilResult(
    String target,
    Transport transport,
    Path firmware,
    String controller,
    String plant,
    double controlPeriod,
    int steps,
    double bootSeconds,
    double loopSeconds,
    double totalSeconds,
    double instructionsMean,
    long instructionsMax,
    long instructionsMin,
    double closedLoopCost,
    boolean twinCompared,
    int mismatchedSteps,
    double maxAbsInputDiff,
    int statusMismatchedSteps,
    Map<String, Integer> solverStatusCounts,
    List<String> solverStatuses,
    int transportErrors,
    List<String> transportErrorLog,
    Trajectory trajectory,
    double[] finalState,
    double[] reference,
    ClosedLoopResult closedLoop) {

  public HilResult {
    transportErrorLog = List.copyOf(transportErrorLog);
    solverStatusCounts = Collections.unmodifiableMap(new LinkedHashMap<>(solverStatusCounts));
    solverStatuses = List.copyOf(solverStatuses);
    java.util.Objects.requireNonNull(closedLoop, "closedLoop");
    finalState = finalState.clone();
    reference = reference.clone();
  }

  @Override
  public double[] finalState() {
    return finalState.clone();
  }

  @Override
  public double[] reference() {
    return reference.clone();
  }

  /** Lock-step loop throughput, steps per second (boot excluded). */
  public double stepsPerSecond() {
    return steps / loopSeconds;
  }

  /** Throughput counting boot and stop, steps per second. */
  public double stepsPerSecondWithBoot() {
    return steps / totalSeconds;
  }

  /** Every firmware input equal in every bit to the twin's (false when no twin was compared). */
  public boolean bitExact() {
    return twinCompared && mismatchedSteps == 0;
  }

  /**
   * The metrics and, under {@code "trajectory"}, the trajectory as the closed-loop library writes it
   * ({@link ClosedLoopResult#trajectoryJson()}: times, states, applied and raw inputs, references, stage costs;
   * and {@code solver_status} per step). For a controller that reports a solver status, {@code
   * "solver_status"} holds the steps per status.
   */
  public ObjectNode toJsonTree() {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode n = mapper.createObjectNode();
    n.put("format", "loopforge-hil/1");
    n.put("target", target);
    n.put("transport", transport.toString());
    n.put("firmware", firmware.toString());
    n.put("controller", controller);
    n.put("plant", plant);
    n.put("control_period_s", controlPeriod);
    n.put("steps", steps);
    n.put("boot_s", bootSeconds);
    n.put("loop_s", loopSeconds);
    n.put("total_s", totalSeconds);
    n.put("steps_per_s", stepsPerSecond());
    n.put("steps_per_s_with_boot", stepsPerSecondWithBoot());
    ObjectNode ins = n.putObject("instructions_per_step");
    ins.put("mean", instructionsMean);
    ins.put("max", instructionsMax);
    ins.put("min", instructionsMin);
    n.put("closed_loop_cost", closedLoopCost);
    n.put("cost_definition", "sum_k (|x_k - r|^2 + |u_k - u_ref|^2) * dt");
    n.put("twin_compared", twinCompared);
    n.put("bit_exact", bitExact());
    n.put("mismatched_steps", mismatchedSteps);
    if (twinCompared) {
      n.put("max_abs_input_diff", maxAbsInputDiff);
    } else {
      n.putNull("max_abs_input_diff");
    }
    if (!solverStatusCounts.isEmpty()) {
      ObjectNode status = n.putObject("solver_status");
      solverStatusCounts.forEach(status::put);
      if (twinCompared) {
        n.put("status_mismatched_steps", statusMismatchedSteps);
      }
    }
    n.put("transport_errors", transportErrors);
    ArrayNode log = n.putArray("transport_error_log");
    transportErrorLog.forEach(log::add);
    ArrayNode names = n.putArray("state_names");
    trajectory.stateNames().forEach(names::add);
    array(n.putArray("reference"), reference);
    array(n.putArray("initial_state"), trajectory.size() > 0 ? trajectory.state(0) : finalState);
    array(n.putArray("final_state"), finalState);
    ObjectNode tr = closedLoop.trajectoryJson();
    if (!solverStatuses.isEmpty()) {
      ArrayNode st = tr.putArray("solver_status");
      solverStatuses.forEach(st::add);
    }
    n.set("trajectory", tr);
    return n;
  }

  private static void array(ArrayNode a, double[] v) {
    for (double d : v) {
      a.add(d);
    }
  }

  /** Pretty-printed metrics JSON. */
  public String toJson() {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJsonTree()) + "\n";
    } catch (IOException e) {
      throw new HilException(HilException.Kind.SETUP, "cannot write metrics JSON: " + FileErrors.reason(e), e);
    }
  }

  public void writeJson(Path file) {
    try {
      AtomicFile.writeString(file, toJson());
    } catch (IOException e) {
      throw new HilException(HilException.Kind.SETUP, "cannot write " + file + ": " + FileErrors.reason(e), e);
    }
  }
}
