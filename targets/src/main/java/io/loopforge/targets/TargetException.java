package io.loopforge.targets;

/**
 * A firmware build that cannot go on: unknown target, missing toolchain, a controller directory that
 * does not follow the contract, a compiler error, a firmware over its flash/RAM budget. The message
 * says what was wrong and what to do.
 */
public final class TargetException extends RuntimeException {
  public TargetException(String message) {
    super(message);
  }

  public TargetException(String message, Throwable cause) {
    super(message, cause);
  }
}
