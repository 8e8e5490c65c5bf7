package io.loopforge.mpc;

import java.time.Duration;

/** The checks of the solvers' time limits and budgets: one wording for every builder. */
final class Durations {
  private Durations() {}

  /** {@code d} when it is positive; else an {@link MpcException} "{@code what} must be positive, got …". */
  static Duration positive(Duration d, String what) {
    if (d.isNegative() || d.isZero()) {
      throw new MpcException(what + " must be positive, got " + d);
    }
    return d;
  }

  /** {@code d} when it is not negative; else an {@link MpcException} "{@code what} must not be negative, got …". */
  static Duration nonNegative(Duration d, String what) {
    if (d.isNegative()) {
      throw new MpcException(what + " must not be negative, got " + d);
    }
    return d;
  }
}
