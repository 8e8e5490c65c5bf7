package io.loopforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's shell blocks, run in the order written in an empty folder, with {@code ./loopforge} the
 * packaged jar: every command must work on what the commands before it made. Two lines are left out, each
 * for a reason given below.
 */
@org.junit.jupiter.api.extension.ExtendWith(NoLeftovers.class)
class ReadmeIT {
  private static final Path README = Path.of("..", "README.md");
  private static final Path JAR = Path.of("target", "loopforge.jar").toAbsolutePath();

  /** Lines not run, and why. */
  private static final Map<String, String> SKIPPED = Map.of(
      "./loopforge test    # every test", "runs the build that runs this test",
      "./loopforge demo    # the main job, end to end on a built-in plant",
      "about three minutes; LoopforgeTest runs the demo --quick in process, with the browser check of its report",
      "./loopforge mpc benchmark --models nets/ --out mpc.md   # the MPC figures of BENCHMARKS.md (hours; --quick: minutes)",
      "hours; MpcCommandTest runs the mpc command, the studies have their own tests");

  @TempDir Path dir;

  /** The {@code ```sh} blocks of the README, in order. */
  static List<String> shellBlocks(List<String> lines) {
    return fencedBlocks(lines, "sh");
  }

  /** The fenced blocks of {@code language} in Markdown {@code lines}, in order, each with its newlines. */
  static List<String> fencedBlocks(List<String> lines, String language) {
    List<String> blocks = new ArrayList<>();
    StringBuilder block = null;
    for (String line : lines) {
      if (block == null && line.equals("```" + language)) {
        block = new StringBuilder();
      } else if (block != null && line.equals("```")) {
        blocks.add(block.toString());
        block = null;
      } else if (block != null) {
        block.append(line).append('\n');
      }
    }
    return blocks;
  }

  @Test
  void theCommandBlocksRunInOrder() throws Exception {
    List<String> blocks = shellBlocks(Files.readAllLines(README, StandardCharsets.UTF_8));
    assertTrue(blocks.size() >= 3, "shell blocks found: " + blocks.size());
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Path work = Files.createDirectories(dir.resolve("work"));
    Path launcher = work.resolve("loopforge");
    Files.writeString(launcher, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
        + "' -Djava.io.tmpdir='" + tmp + "' -jar '" + JAR + "' \"$@\"\n");
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    int skipped = 0;
    for (String block : blocks) {
      StringBuilder script = new StringBuilder();
      for (String line : block.split("\n", -1)) {
        if (SKIPPED.containsKey(line.strip())) {
          skipped++;
          continue;
        }
        script.append(line).append('\n');
      }
      Path log = dir.resolve("block.log");
      Process p = new ProcessBuilder("bash", "-e", "-o", "pipefail", "-c", script.toString()).directory(work.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      p.getOutputStream().close();
      boolean done = p.waitFor(5, TimeUnit.MINUTES);
      if (!done) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor();
      }
      assertTrue(done, "timed out:\n" + script + "\n" + Files.readString(log));
      assertEquals(0, p.exitValue(), "this README block failed:\n" + script + "\noutput:\n" + Files.readString(log));
    }
    assertEquals(SKIPPED.size(), skipped, "the lines left out are no longer in the README: update SKIPPED");
    for (String f : List.of("pendulum.csv", "test.csv", "lorenz.json", "sindy.json", "dense.json", "sparse.json",
        "pred.csv", "table.md", "lqr.json", "lqr_sindy.json", "run.json", "gen/lqr.c", "fw.elf", "hil.json", "hil.png")) {
      assertTrue(Files.isRegularFile(work.resolve(f)), "the README's commands did not write " + f);
    }
    assertEquals(List.of(), ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
        .map(h -> h.info().commandLine().orElse("?")).collect(Collectors.toList()), "processes left running");
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(List.of(), left.map(Path::toString).collect(Collectors.toList()), "temporary files left");
    }
  }

}
