package io.loopforge.cli;

import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Estimates of the memory an option's value asks for, checked before any work: a value that cannot fit is a
 * usage error (exit 2) with the estimate and the limit, never an {@code OutOfMemoryError} after minutes.
 */
final class SizeChecks {
  private SizeChecks() {}

  /** Half the heap this JVM may use: the rest is for the program, copies and the collector. */
  static long budgetBytes() {
    return Runtime.getRuntime().maxMemory() / 2;
  }

  /**
   * Refuses {@code count} items of {@code bytesPerItem} each when they do not fit {@link #budgetBytes()}.
   *
   * @param option the option that set the count, e.g. {@code --steps}
   * @param what what is stored, e.g. "the trajectory"
   * @param unit one item, e.g. "step"
   */
  static void fits(CommandSpec spec, String option, long count, long bytesPerItem, String what, String unit) {
    fits(spec, option + " " + count, count, bytesPerItem, what, unit, "use at most %d " + unit + "s");
  }

  /** As above, with the subject of the message and the advice ({@code %d}: the most items that fit) given. */
  static void fits(CommandSpec spec, String subject, long count, long bytesPerItem, String what, String unit,
      String advice) {
    long budget = budgetBytes();
    double bytes = (double) count * bytesPerItem;
    if (bytes > budget) {
      long most = budget / bytesPerItem;
      throw new ParameterException(spec.commandLine(), String.format(Locale.ROOT, "%s: %s would need about %s"
          + " (%d B per %s), more than the %s this JVM gives it (half its maximum heap): " + advice + ", or give"
          + " Java more memory (JAVA_TOOL_OPTIONS=-Xmx…)", subject, what, size(bytes), bytesPerItem, unit,
          size(budget), most));
    }
  }

  /** Rows of a trajectory of {@code nx} states and {@code nu} inputs, with the copies a command keeps. */
  static long bytesPerRow(int nx, int nu) {
    // time + a state row + an input row (array headers included), the excitation, and slack for the copies
    return 2 * (8 + 3 * 16 + 8L * (nx + 2 * nu));
  }

  static String size(double bytes) {
    if (bytes >= 1e9) {
      return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
    }
    if (bytes >= 1e6) {
      return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
    return String.format(Locale.ROOT, "%.0f kB", bytes / 1e3);
  }
}
