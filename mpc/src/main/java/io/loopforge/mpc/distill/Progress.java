package io.loopforge.mpc.distill;

import java.time.Duration;

/**
 * How far a solve job is: {@code done} of {@code total} solves (those found on disk at the start count as
 * done), {@code solvedNow} of them in this run during {@code elapsed}.
 */
public record Progress(long done, long total, long solvedNow, Duration elapsed) {
  /** Solves per second in this run (0 before the first one). */
  public double rate() {
    double s = elapsed.toNanos() / 1e9;
    return s > 0 ? solvedNow / s : 0;
  }

  /** Estimated time left at the current rate; null before the first solve of this run. */
  public Duration remaining() {
    double r = rate();
    if (r <= 0) {
      return done >= total ? Duration.ZERO : null;
    }
    return Duration.ofMillis(Math.round(1000 * (total - done) / r));
  }

  /** E.g. {@code 1200/5000 solves, 41.3/s, 1 m 32 s left}. */
  @Override
  public String toString() {
    Duration left = remaining();
    return String.format(java.util.Locale.ROOT, "%d/%d solves, %.1f/s, %s left", done, total, rate(),
        left == null ? "?" : format(left));
  }

  static String format(Duration d) {
    long s = d.toSeconds();
    if (s >= 3600) {
      return String.format(java.util.Locale.ROOT, "%d h %d m", s / 3600, s % 3600 / 60);
    }
    if (s >= 60) {
      return String.format(java.util.Locale.ROOT, "%d m %d s", s / 60, s % 60);
    }
    return s + " s";
  }

  /** Receives progress from the job, possibly from several threads at once. */
  @FunctionalInterface
  public interface Listener {
    void progress(Progress p);
  }
}
