package io.loopforge.mpc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Solves an MPS file with the COIN-OR CBC command-line solver (Debian package {@code coinor-cbc}):
 * {@code cbc FILE sec SECONDS solve solu OUT}, then reads OUT, whose first line is the status and the
 * objective ({@code Optimal - objective value -4.40000000}, {@code Infeasible - …}, {@code Stopped on time
 * - …}) and whose other lines are {@code index name value reduced-cost} for the columns CBC prints (it
 * leaves out zeros; a leading {@code **} marks an infeasibility). CBC prints the objective with 8
 * decimals and values with 8 significant digits: compare objectives to about 1e-8 absolute.
 *
 * <p>The process gets CBC's own time limit plus a grace of 5 s; past that it is killed (and forcibly, if
 * it does not stop), so no process outlives {@link #solve}. CBC's output goes to a log file beside the
 * solution, read back into {@link Result#log()} when the run fails. Immutable.
 */
public final class CbcRunner {
  /** How a CBC run ended. */
  public enum Status {
    /** Proven optimal. */
    OPTIMAL,
    /** Proven infeasible (or integer infeasible). */
    INFEASIBLE,
    /** Unbounded. */
    UNBOUNDED,
    /** Stopped by the time limit with a feasible solution. */
    STOPPED_WITH_SOLUTION,
    /** Stopped by the time limit without one. */
    STOPPED_WITHOUT_SOLUTION,
    /** CBC failed, was killed, or wrote nothing readable. */
    FAILED
  }

  /**
   * One run.
   *
   * @param status how it ended
   * @param objective the objective CBC printed (NaN when it printed none)
   * @param values column values by name (columns CBC did not print are 0)
   * @param nanos wall time of the process, ns
   * @param statusLine the first line of the solution file, or why there is none
   * @param log CBC's console output
   */
  public record Result(Status status, double objective, Map<String, Double> values, long nanos, String statusLine,
      String log) {
    /** The value of a column (0 when CBC did not print it). */
    public double value(String name) {
      return values.getOrDefault(name, 0.0);
    }

    public double millis() {
      return nanos / 1e6;
    }
  }

  private static final Duration GRACE = Duration.ofSeconds(5);

  private final String executable;
  private final Duration timeLimit;

  private CbcRunner(Builder b) {
    this.executable = b.executable;
    this.timeLimit = b.timeLimit;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether the executable runs here (e.g. to skip a comparison where CBC is not installed). */
  public boolean available() {
    try {
      Process p = new ProcessBuilder(executable, "-quit").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          return false;
        }
        return p.exitValue() == 0;
      } finally {
        p.destroyForcibly();
      }
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Writes {@code instance} to a temporary MPS file, solves it and deletes the files. */
  public Result solve(MilpInstance instance) throws IOException {
    Path dir = Files.createTempDirectory("loopforge-cbc");
    try {
      Path mps = dir.resolve(instance.name() + ".mps");
      instance.writeMps(mps);
      return solve(mps, dir);
    } finally {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  /**
   * Solves an MPS file; the solution and log files go to {@code workDir} as {@code <name>.sol} and
   * {@code <name>.log}.
   */
  public Result solve(Path mps, Path workDir) throws IOException {
    String base = mps.getFileName().toString().replaceFirst("\\.mps$", "");
    Path sol = workDir.resolve(base + ".sol");
    Path log = workDir.resolve(base + ".log");
    Files.deleteIfExists(sol);
    List<String> cmd = new ArrayList<>();
    cmd.add(executable);
    cmd.add(mps.toAbsolutePath().toString());
    cmd.add("sec");
    cmd.add(String.format(Locale.ROOT, "%.3f", timeLimit.toMillis() / 1000.0));
    cmd.add("solve");
    cmd.add("solu");
    cmd.add(sol.toAbsolutePath().toString());
    long start = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean finished;
    try {
      finished = p.waitFor(timeLimit.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        p.destroy();
        if (!p.waitFor(2, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finished = false;
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
    long nanos = System.nanoTime() - start;
    String logText = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    if (!finished) {
      return new Result(Status.FAILED, Double.NaN, Map.of(), nanos, "killed after " + timeLimit.plus(GRACE), logText);
    }
    if (!Files.exists(sol)) {
      return new Result(Status.FAILED, Double.NaN, Map.of(), nanos, "no solution file (exit code " + p.exitValue() + ")",
          logText);
    }
    return parse(Files.readAllLines(sol, StandardCharsets.UTF_8), nanos, logText);
  }

  /** Reads a CBC solution file's lines. */
  static Result parse(List<String> lines, long nanos, String log) {
    if (lines.isEmpty()) {
      return new Result(Status.FAILED, Double.NaN, Map.of(), nanos, "an empty solution file", log);
    }
    String first = lines.get(0).trim();
    double objective = Double.NaN;
    int at = first.indexOf("objective value");
    if (at >= 0) {
      try {
        objective = Double.parseDouble(first.substring(at + "objective value".length()).trim());
      } catch (NumberFormatException e) {
        objective = Double.NaN;
      }
    }
    Map<String, Double> values = new LinkedHashMap<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.startsWith("**")) {
        line = line.substring(2).trim();
      }
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\\s+");
      if (f.length < 3) {
        continue;
      }
      try {
        values.put(f[1], Double.parseDouble(f[2]));
      } catch (NumberFormatException e) {
        return new Result(Status.FAILED, objective, Map.of(), nanos, "unreadable line " + (i + 1) + ": " + line, log);
      }
    }
    String lower = first.toLowerCase(Locale.ROOT);
    Status status;
    if (lower.startsWith("optimal")) {
      status = Status.OPTIMAL;
    } else if (lower.contains("infeasible")) {
      status = Status.INFEASIBLE;
    } else if (lower.contains("unbounded")) {
      status = Status.UNBOUNDED;
    } else if (lower.startsWith("stopped")) {
      status = Double.isNaN(objective) || values.isEmpty() || lower.contains("no solution")
          ? Status.STOPPED_WITHOUT_SOLUTION : Status.STOPPED_WITH_SOLUTION;
    } else {
      status = Status.FAILED;
    }
    return new Result(status, objective, Collections.unmodifiableMap(values), nanos, first, log);
  }

  public String executable() {
    return executable;
  }

  public Duration timeLimit() {
    return timeLimit;
  }

  /** Options of a {@link CbcRunner}. */
  public static final class Builder {
    private String executable = "cbc";
    private Duration timeLimit = Duration.ofSeconds(60);

    private Builder() {}

    /** The CBC executable (default {@code cbc} on the PATH). */
    public Builder executable(String path) {
      this.executable = Objects.requireNonNull(path, "path");
      return this;
    }

    /** CBC's time limit ({@code sec}); the process is killed 5 s after it. Default 60 s. */
    public Builder timeLimit(Duration d) {
      this.timeLimit = Durations.positive(d, "the CBC time limit");
      return this;
    }

    public CbcRunner build() {
      return new CbcRunner(this);
    }
  }
}
