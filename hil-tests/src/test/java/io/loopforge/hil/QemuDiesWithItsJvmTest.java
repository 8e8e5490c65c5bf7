package io.loopforge.hil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.targets.Target;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A JVM killed with SIGKILL runs no shutdown hook: QEMU must die with it all the same (the parent-death
 * signal), and leave no socket folder. The firmware hangs, so QEMU would otherwise run on, re-parented.
 */
class QemuDiesWithItsJvmTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"semihosting", "uart"})
  void qemuDiesWhenItsJvmIsKilled(String transport) throws Exception {
    Path elf = TestFirmware.elf(Target.MPS2_AN386, "hang");
    // short: a unix socket's path must fit 107 bytes, and the UART's socket folder goes here
    Path childTmp = Files.createTempDirectory(Path.of("/tmp"), "lf-test-");
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.io.tmpdir=" + childTmp, "-cp", System.getProperty("java.class.path"), QemuChild.class.getName(),
        elf.toAbsolutePath().toString(), transport);
    Path log = tmp.resolve("child.log");
    Process child = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    long qemuPid;
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertTrue(line != null && line.startsWith("qemu "), "the child said: " + line + "\n" + Files.readString(log));
      qemuPid = Long.parseLong(line.substring(5).strip());
      assertTrue(alive(qemuPid), "QEMU runs before the kill");
      Thread.sleep(300); // the session is waiting for the hung firmware
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertTrue(child.waitFor(10, TimeUnit.SECONDS));
    }
    assertEquals(137, child.exitValue(), "killed by SIGKILL; the child wrote:\n" + Files.readString(log));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (alive(qemuPid) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertFalse(alive(qemuPid), "QEMU pid " + qemuPid + " outlived its JVM");
    try (Stream<Path> left = Files.list(childTmp)) {
      assertEquals(List.of(), left.map(p -> p.getFileName().toString()).collect(Collectors.toList()),
          "folders left by the killed JVM");
    } finally {
      Files.deleteIfExists(childTmp);
    }
  }

  /** Alive and not a zombie waiting for its new parent to reap it. */
  private static boolean alive(long pid) throws IOException {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (!Files.exists(stat)) {
      return false;
    }
    String s;
    try {
      s = Files.readString(stat);
    } catch (IOException e) {
      return false; // gone meanwhile
    }
    char state = s.charAt(s.lastIndexOf(')') + 2);
    return state != 'Z' && state != 'X';
  }
}
