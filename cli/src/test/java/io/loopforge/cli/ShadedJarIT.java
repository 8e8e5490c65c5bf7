package io.loopforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar, run as the launcher runs it ({@code java -jar cli/target/loopforge.jar}): commands that
 * read and write every kind of file load the libraries the in-process tests find on the test class path.
 */
@org.junit.jupiter.api.extension.ExtendWith(NoLeftovers.class)
class ShadedJarIT {
  private static final Path JAR = Path.of("target", "loopforge.jar").toAbsolutePath();

  @TempDir Path dir;

  private String run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + cmd);
    assertEquals(0, p.exitValue(), String.join(" ", args) + " printed:\n" + out);
    assertFalse(out.contains("Exception"), out);
    return out;
  }

  @Test
  void dataModelPolicyAndClosedLoopFromThePackagedJar() throws Exception {
    run("simulate", "--plant", "pendulum", "--excitation", "multisine", "--steps", "400", "--dt", "0.02", "--out",
        "d.csv");
    run("identify", "sindy", "--data", "d.csv", "--degree", "1", "--out", "m.json");
    assertTrue(run("simulate", "--model", "m.json", "--data", "d.csv", "--out", "p.csv").contains("mean"));
    run("design", "lqr", "--plant", "pendulum", "--dt", "0.02", "--out", "lqr.json");
    run("loop", "--plant", "pendulum", "--controller", "lqr.json", "--steps", "50", "--out", "run.json");
    assertTrue(Files.size(dir.resolve("run.json")) > 100);
  }
}
