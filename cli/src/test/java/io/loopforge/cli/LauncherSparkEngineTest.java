package io.loopforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher with {@code --engine spark}: it builds the CLI and the spark module with their class path files
 * (once: a second run finds them fresh) and runs the CLI on those class paths without Spark's log4j binding;
 * without {@code --engine spark} it runs the jar. A copy of the launcher runs in a scratch root whose
 * {@code mvnw} and the {@code java} on PATH only record what they were asked.
 */
@org.junit.jupiter.api.extension.ExtendWith(NoLeftovers.class)
class LauncherSparkEngineTest {
  @TempDir Path dir;

  private static final Path LAUNCHER = Path.of("..", "loopforge").toAbsolutePath().normalize();

  private void script(Path f, String body) throws IOException {
    Files.createDirectories(f.getParent());
    Files.writeString(f, "#!/usr/bin/env bash\n" + body);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private String run(Path root, String... args) throws Exception {
    String[] cmd = new String[args.length + 2];
    cmd[0] = "bash";
    cmd[1] = root.resolve("loopforge").toString();
    System.arraycopy(args, 0, cmd, 2, args.length);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  @Test
  void engineSparkRunsTheCliOnTheSparkModulesClassPath() throws Exception {
    Path root = dir.resolve("root");
    Files.createDirectories(root);
    Files.copy(LAUNCHER, root.resolve("loopforge"));
    Path mvnLog = dir.resolve("mvnw.log");
    Path javaLog = dir.resolve("java.log");
    script(root.resolve("mvnw"), "echo \"$@\" >> " + mvnLog + "\n"
        + "mkdir -p cli/target spark/target\n"
        + "echo /m2/picocli.jar > cli/target/classpath.txt\n"
        + "echo /m2/spark-core.jar:/m2/log4j-slf4j2-impl-2.24.3.jar:/m2/ojalgo.jar > spark/target/classpath.txt\n"
        + "touch cli/target/loopforge.jar\n");
    script(dir.resolve("bin/java"), "case \"$1\" in -XshowSettings*) echo '    java.specification.version = 17' >&2;"
        + " exit 0;; esac\necho \"$@\" >> " + javaLog + "\n");

    run(root, "distill", "--mpc", "m.json", "--engine", "spark");
    assertEquals("-B -q -DskipTests -pl cli,spark -am package dependency:build-classpath"
        + " -Dmdep.outputFile=target/classpath.txt\n", Files.readString(mvnLog));
    assertEquals("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp " + root + "/cli/target/classes:/m2/picocli.jar:"
        + root + "/spark/target/classes:/m2/spark-core.jar:/m2/ojalgo.jar io.loopforge.cli.Loopforge distill --mpc"
        + " m.json --engine spark\n", Files.readString(javaLog));

    // built and fresh: the second run only runs; without the Spark engine, the jar
    Files.delete(javaLog);
    run(root, "distill", "--engine=spark");
    run(root, "distill", "--engine", "local");
    assertEquals(1, Files.readAllLines(mvnLog).size(), Files.readString(mvnLog));
    String java = Files.readString(javaLog);
    assertTrue(java.startsWith("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "), java);
    assertTrue(java.contains(" io.loopforge.cli.Loopforge distill --engine=spark\n-jar " + root
        + "/cli/target/loopforge.jar distill --engine local\n"), java);
  }
}
