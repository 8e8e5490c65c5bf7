package io.loopforge.mpc;

/**
 * A user-facing failure in controller design and planning: an unstabilisable linearisation, an
 * infeasible problem, a bad weight. The message says what was wrong and what to try.
 */
public final class MpcException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MpcException(String message) {
    super(message);
  }

  public MpcException(String message, Throwable cause) {
    super(message, cause);
  }
}
