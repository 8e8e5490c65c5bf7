package io.loopforge.targets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The GNU Arm Embedded toolchain (arm-none-eabi-gcc with newlib): where its programs are and how to
 * run them. Debian packages: {@code gcc-arm-none-eabi libnewlib-arm-none-eabi}.
 */
public final class ArmToolchain {
  /** What to tell people when the toolchain or newlib is missing. */
  public static final String INSTALL_HINT =
      "install it with: sudo apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi";

  private static final long TIMEOUT_SECONDS = 120;

  private final Path gcc;
  private final Path size;
  private final Path addr2line;

  private ArmToolchain(Path gcc, Path size, Path addr2line) {
    this.gcc = gcc;
    this.size = size;
    this.addr2line = addr2line;
  }

  /** The toolchain found on {@code PATH}; a {@link TargetException} with the install hint otherwise. */
  public static ArmToolchain locate() {
    String path = System.getenv("PATH");
    List<Path> dirs = new ArrayList<>();
    if (path != null) {
      for (String entry : path.split(java.io.File.pathSeparator)) {
        if (!entry.isEmpty()) {
          dirs.add(Path.of(entry));
        }
      }
    }
    return in(dirs, "PATH");
  }

  /** The toolchain in {@code directory} (its {@code bin}); a {@link TargetException} if it is not there. */
  public static ArmToolchain inDirectory(Path directory) {
    return in(List.of(directory), directory.toString());
  }

  private static ArmToolchain in(List<Path> dirs, String where) {
    Path gcc = find(dirs, "arm-none-eabi-gcc")
        .orElseThrow(() -> new TargetException(
            "arm-none-eabi-gcc not found (searched " + where + "); " + INSTALL_HINT));
    Path size = find(dirs, "arm-none-eabi-size")
        .orElseThrow(() -> new TargetException(
            "arm-none-eabi-size not found (searched " + where + "); " + INSTALL_HINT));
    Path addr2line = find(dirs, "arm-none-eabi-addr2line").orElse(null);
    return new ArmToolchain(gcc, size, addr2line);
  }

  private static Optional<Path> find(List<Path> dirs, String program) {
    for (Path dir : dirs) {
      Path p = dir.resolve(program);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  public Path gcc() {
    return gcc;
  }

  public Path size() {
    return size;
  }

  /** {@code arm-none-eabi-addr2line}, when installed (binutils ships it with gcc). */
  public Optional<Path> addr2line() {
    return Optional.ofNullable(addr2line);
  }

  /**
   * Source location ({@code function at file:line}) of a code address in {@code elf}, when
   * addr2line is there and knows it.
   */
  public Optional<String> describeAddress(Path elf, long address) {
    if (addr2line == null) {
      return Optional.empty();
    }
    Result r = run(List.of(addr2line.toString(), "-f", "-C", "-e", elf.toString(), "0x" + Long.toHexString(address)),
        elf.getParent());
    String[] lines = r.output().strip().split("\n");
    if (r.exitCode() != 0 || lines.length < 2 || lines[0].equals("??")) {
      return Optional.empty();
    }
    return Optional.of(lines[0] + " at " + lines[1]);
  }

  /** Exit code and merged stdout/stderr of a finished program. */
  record Result(int exitCode, String output) {}

  /** Runs a toolchain program to completion (at most two minutes), merging its output streams. */
  static Result run(List<String> command, Path workingDirectory) {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (workingDirectory != null) {
      pb.directory(workingDirectory.toFile());
    }
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new TargetException("cannot run " + command.get(0) + ": " + e.getMessage() + "; " + INSTALL_HINT, e);
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Thread pump = new Thread(() -> copy(p.getInputStream(), out), "toolchain-output");
      pump.setDaemon(true);
      pump.start();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new TargetException(command.get(0) + " did not finish within " + TIMEOUT_SECONDS + " s");
      }
      pump.join(TimeUnit.SECONDS.toMillis(10));
      synchronized (out) {
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TargetException("interrupted while running " + command.get(0), e);
    } finally {
      p.destroyForcibly();
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        synchronized (out) {
          out.write(buf, 0, n);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return gcc.toString();
  }
}
