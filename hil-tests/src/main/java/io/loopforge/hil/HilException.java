package io.loopforge.hil;

import java.util.Objects;
import java.util.Optional;

/**
 * A HIL run that failed: QEMU missing or dead, a firmware that faulted, hung or broke the protocol.
 * {@link #kind()} says which; {@link #fault()} carries the registers of a HardFault.
 */
public final class HilException extends RuntimeException {
  /** What went wrong. */
  public enum Kind {
    /** qemu-system-arm is not installed, or the target cannot be emulated. */
    SETUP,
    /** QEMU exited (or could not start) without the firmware reporting why. */
    QEMU_EXITED,
    /** The firmware did not answer within the watchdog timeout; QEMU was killed with SIGKILL. */
    WATCHDOG,
    /** The firmware took a HardFault (or another fault escalated to it); see {@link #fault()}. */
    HARD_FAULT,
    /** A frame failed its checks: bad CRC, length or content, in either direction. */
    PROTOCOL,
    /** The controller returned a nonzero error code. */
    CONTROLLER_ERROR
  }

  private final Kind kind;
  private final FaultReport fault;

  public HilException(Kind kind, String message) {
    this(kind, message, null, null);
  }

  public HilException(Kind kind, String message, Throwable cause) {
    this(kind, message, null, cause);
  }

  public HilException(Kind kind, String message, FaultReport fault, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.fault = fault;
  }

  public Kind kind() {
    return kind;
  }

  /** The fault registers when {@link #kind()} is {@link Kind#HARD_FAULT}. */
  public Optional<FaultReport> fault() {
    return Optional.ofNullable(fault);
  }
}
