package io.loopforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's system-package step ({@code ./loopforge setup}, which {@code test} and {@code demo}
 * run first), with {@code dpkg-query}, {@code id} and {@code apt-get} replaced by scripts on PATH so the
 * test can decide what is installed and who runs it, and see what apt-get was asked for.
 */
@org.junit.jupiter.api.extension.ExtendWith(NoLeftovers.class)
class LauncherTest {
  @TempDir Path bin;

  private static final Path LAUNCHER = Path.of("..", "loopforge").toAbsolutePath().normalize();

  record Result(int code, String err, String aptCalls) {}

  private Result setup(List<String> missing, int uid) throws IOException, InterruptedException {
    script("dpkg-query", "for a in \"$@\"; do p=$a; done\n"
        + "case \" " + String.join(" ", missing) + " \" in *\" $p \"*) exit 1;; esac\n"
        + "printf 'install ok installed'\n");
    script("id", "echo " + uid + "\n");
    Path log = bin.resolve("apt.log");
    script("apt-get", "echo \"$@\" >> " + log + "\n");
    ProcessBuilder pb = new ProcessBuilder("bash", LAUNCHER.toString(), "setup");
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.redirectErrorStream(false);
    Process p = pb.start();
    p.getOutputStream().close();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    String apt = Files.exists(log) ? Files.readString(log) : "";
    return new Result(p.exitValue(), err, apt);
  }

  private void script(String name, String body) throws IOException {
    Path f = bin.resolve(name);
    Files.writeString(f, "#!/usr/bin/env bash\n" + body);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void nothingMissingMeansNoAptCall() throws Exception {
    Result r = setup(List.of(), 0);
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.aptCalls());
  }

  @Test
  void rootInstallsExactlyWhatIsMissing() throws Exception {
    Result r = setup(List.of("qemu-system-arm", "coinor-cbc"), 0);
    assertEquals(0, r.code(), r.err());
    assertEquals("update -q\ninstall -y -q --no-install-recommends qemu-system-arm coinor-cbc\n", r.aptCalls());
  }

  @Test
  void nonRootGetsTheSudoLineAndNoInstall() throws Exception {
    Result r = setup(List.of("gcc-arm-none-eabi"), 1000);
    assertEquals(1, r.code());
    assertEquals("", r.aptCalls());
    assertTrue(r.err().contains("sudo apt-get update && sudo apt-get install -y --no-install-recommends gcc-arm-none-eabi"), r.err());
    assertFalse(r.err().contains("qemu-system-arm "), r.err());
  }

  @Test
  void theBrowserOfTheReportCheckIsASystemPackageToo() throws Exception {
    Result r = setup(List.of("chromium", "chromium-driver"), 0);
    assertEquals(0, r.code(), r.err());
    assertEquals("update -q\ninstall -y -q --no-install-recommends chromium chromium-driver\n", r.aptCalls());
  }
}
