package io.loopforge.hil;

import io.loopforge.codegen.ControllerContract;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.policy.Controller;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The firmware under QEMU as a {@link Controller}, so that the HIL session runs on the closed-loop library:
 * each call rounds the state and the reference to float, sends the STEP frame (after a corrupted copy
 * for the steps chosen for fault injection), checks the controller's error code (the low 16 bits of the
 * status word), records the solver status (the high 16 bits), compares the input, and the solver status
 * where the twin reports one, with the {@link ControllerTwin} bit for bit and records the instructions the
 * call took. Names are the plant's.
 * Mutable, one per session; {@link #reset()} starts the step numbering and the figures afresh.
 */
final class FirmwareController implements Controller {
  private static final Logger LOG = LoggerFactory.getLogger(FirmwareController.class);

  private final QemuRunner qemu;
  private final String name;
  private final List<String> stateNames;
  private final List<String> inputNames;
  private final List<String> referenceNames;
  private final double dt;
  private final ControllerTwin twin;
  private final ControllerContract contract;
  private final Set<Integer> corrupt;
  private final float[] xf;
  private final float[] rf;

  private int step;
  private final List<String> transportErrors = new ArrayList<>();
  private double instructionSum;
  private long instructionsMax;
  private long instructionsMin;
  private int mismatched;
  private double maxDiff;
  private int statusMismatched;
  private boolean nonZeroStatus;
  private int[] statuses = new int[64];

  /**
   * @param name the controller's prefix, as the firmware announced it
   * @param referenceDim the firmware's reference length
   * @param dt control period, s
   * @param twin the Java twin to compare with, or null
   * @param contract the controller's contract, which names its solver statuses, or null
   * @param corrupt steps before whose STEP frame a copy with a bad CRC is sent
   */
  FirmwareController(QemuRunner qemu, String name, Plant plant, int referenceDim, double dt, ControllerTwin twin,
      ControllerContract contract, Set<Integer> corrupt) {
    this.qemu = qemu;
    this.name = name;
    this.stateNames = plant.stateNames();
    this.inputNames = plant.inputNames();
    List<String> refs = new ArrayList<>();
    for (int i = 0; i < referenceDim; i++) {
      refs.add(i < stateNames.size() ? stateNames.get(i) + "_ref" : "r" + i);
    }
    this.referenceNames = List.copyOf(refs);
    this.dt = dt;
    this.twin = twin;
    this.contract = contract;
    this.corrupt = Set.copyOf(corrupt);
    this.xf = new float[stateNames.size()];
    this.rf = new float[referenceDim];
    reset();
  }

  @Override
  public List<String> stateNames() {
    return stateNames;
  }

  @Override
  public List<String> inputNames() {
    return inputNames;
  }

  @Override
  public List<String> referenceNames() {
    return referenceNames;
  }

  @Override
  public double dt() {
    return dt;
  }

  @Override
  public void reset() {
    step = 0;
    transportErrors.clear();
    instructionSum = 0;
    instructionsMax = Long.MIN_VALUE;
    instructionsMin = Long.MAX_VALUE;
    mismatched = 0;
    maxDiff = 0;
    statusMismatched = 0;
    nonZeroStatus = false;
  }

  /**
   * One lock-step exchange with the firmware.
   *
   * @throws HilException when the controller returns an error code, the firmware faults or breaks the
   *     protocol, or it accepts a corrupted frame
   */
  @Override
  public void control(double[] x, double[] reference, double[] u) {
    int k = step;
    for (int i = 0; i < xf.length; i++) {
      xf[i] = (float) x[i];
    }
    for (int i = 0; i < rf.length; i++) {
      rf[i] = (float) reference[i];
    }
    if (corrupt.contains(k)) {
      transportErrors.add(injectCorruption(qemu, k, xf, rf));
    }
    StepResult res = qemu.step(k, xf, rf);
    step++;
    if (res.errorCode() != 0) {
      throw new HilException(HilException.Kind.CONTROLLER_ERROR, "controller " + name + " returned error code "
          + res.errorCode() + " at step " + k + " (state " + Arrays.toString(xf) + ")");
    }
    int status = res.solverStatus();
    if (k == statuses.length) {
      statuses = Arrays.copyOf(statuses, 2 * k);
    }
    statuses[k] = status;
    nonZeroStatus |= status != 0;
    float[] fw = res.input();
    if (twin != null) {
      float[] ut = twin.control(xf.clone(), rf.clone());
      int nu = fw.length;
      boolean same = ut.length == nu;
      for (int i = 0; i < nu && i < ut.length; i++) {
        same &= Float.floatToRawIntBits(ut[i]) == Float.floatToRawIntBits(fw[i]);
        maxDiff = Math.max(maxDiff, Math.abs((double) fw[i] - ut[i]));
      }
      OptionalInt twinStatus = twin.solverStatus();
      boolean sameStatus = twinStatus.isEmpty() || twinStatus.getAsInt() == status;
      if (!same || !sameStatus) {
        if (mismatched == 0) {
          LOG.warn("step {}: firmware input {} (status {}) differs from the twin's {} (status {})", k,
              Arrays.toString(fw), statusName(status), Arrays.toString(ut),
              twinStatus.isPresent() ? statusName(twinStatus.getAsInt()) : "none");
        }
        mismatched++;
        statusMismatched += sameStatus ? 0 : 1;
      }
    }
    long ins = res.instructions();
    instructionSum += ins;
    instructionsMax = Math.max(instructionsMax, ins);
    instructionsMin = Math.min(instructionsMin, ins);
    for (int i = 0; i < u.length; i++) {
      u[i] = fw[i];
    }
  }

  /** STEP frames sent since the last reset (corrupted copies not counted). */
  int stepsSent() {
    return step;
  }

  double instructionsMean() {
    return step == 0 ? 0 : instructionSum / step;
  }

  long instructionsMax() {
    return step == 0 ? 0 : instructionsMax;
  }

  long instructionsMin() {
    return step == 0 ? 0 : instructionsMin;
  }

  int mismatchedSteps() {
    return mismatched;
  }

  /** Steps whose solver status differs from the twin's (counted in {@link #mismatchedSteps()} too). */
  int statusMismatchedSteps() {
    return statusMismatched;
  }

  /**
   * Whether the controller reports a solver status: its contract names a status function, or (without a
   * contract) a step reported a status other than 0.
   */
  boolean reportsStatus() {
    return contract != null ? contract.statusFunction().isPresent() : nonZeroStatus;
  }

  /** The solver status of every step since the last reset (all 0 for a controller that reports none). */
  int[] solverStatuses() {
    return Arrays.copyOf(statuses, step);
  }

  /**
   * Steps per solver status, by the contract's names in its order (every declared status, counted or
   * not), then statuses it does not declare as {@code "UNDECLARED_<n>"}; without a contract by number.
   * Empty when the controller reports no status.
   */
  Map<String, Integer> statusCounts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    if (!reportsStatus()) {
      return counts;
    }
    if (contract != null) {
      contract.statusCodes().forEach(c -> counts.put(c.name(), 0));
    }
    int[] seen = solverStatuses();
    Arrays.sort(seen);
    for (int s : seen) {
      counts.merge(statusName(s), 1, Integer::sum);
    }
    return counts;
  }

  /** The contract's name of a status, else {@code UNDECLARED_<n>}; its number without a contract. */
  String statusName(int status) {
    if (contract == null) {
      return Integer.toString(status);
    }
    return contract.statusCode(status).map(ControllerContract.StatusCode::name).orElse("UNDECLARED_" + status);
  }

  /** Largest {@code |u_firmware − u_twin|}; NaN without a twin. */
  double maxAbsInputDiff() {
    return twin != null ? maxDiff : Double.NaN;
  }

  List<String> transportErrors() {
    return List.copyOf(transportErrors);
  }

  @Override
  public String toString() {
    return "firmware controller " + name + " under QEMU (" + qemu.target().name() + ", " + qemu.transport() + ")";
  }

  private static String injectCorruption(QemuRunner qemu, int k, float[] x, float[] r) {
    ByteBuffer p = ByteBuffer.allocate(5 + 4 * (x.length + r.length)).order(ByteOrder.LITTLE_ENDIAN);
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
}
