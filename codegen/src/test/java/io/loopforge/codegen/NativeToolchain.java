package io.loopforge.codegen;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Host gcc and arm-none-eabi-gcc for tests: the strict flags of the C contract, and process running. */
final class NativeToolchain {
  /** The flags the generated C must pass without a warning. */
  static final List<String> STRICT = List.of("-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror");
  /** Cortex-M4F hard-float (shared/notes/qemu-hil.md). */
  static final List<String> CORTEX_M4F =
      List.of("-mcpu=cortex-m4", "-mthumb", "-mfpu=fpv4-sp-d16", "-mfloat-abi=hard");

  private NativeToolchain() {}

  static String hostGcc() {
    return require("gcc", "install gcc (Debian: apt-get install gcc)");
  }

  static String armGcc() {
    return require("arm-none-eabi-gcc", "run ./loopforge setup (Debian packages gcc-arm-none-eabi, libnewlib-arm-none-eabi)");
  }

  static String armSize() {
    return require("arm-none-eabi-size", "run ./loopforge setup (Debian package binutils-arm-none-eabi)");
  }

  static String require(String tool, String hint) {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        Path p = Path.of(dir, tool);
        if (Files.isExecutable(p)) {
          return p.toString();
        }
      }
    }
    fail("'" + tool + "' is not on the PATH: " + hint);
    return null;
  }

  /** Runs a command in {@code dir}; fails the test with its output when it exits non-zero. */
  static String run(Path dir, List<String> command) {
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("timed out: " + command);
      }
      String text = new String(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        fail("exit code " + p.exitValue() + " from " + String.join(" ", command) + "\n" + text);
      }
      return text;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static List<String> command(String tool, List<String> flags, String... rest) {
    List<String> c = new ArrayList<>();
    c.add(tool);
    c.addAll(flags);
    c.addAll(List.of(rest));
    return c;
  }

  /** Writes the C files of {@code code} into {@code dir}; returns the .c paths (names). */
  static List<String> writeC(GeneratedCode code, Path dir) {
    List<String> sources = new ArrayList<>();
    for (Path p : code.writeTo(dir, null)) {
      if (p.toString().endsWith(".c")) {
        sources.add(p.getFileName().toString());
      }
    }
    return sources;
  }
}
