package io.loopforge.hil;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.loopforge.targets.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A stateful controller (its contract says so: a workspace, an init call, a control call that takes the
 * workspace) in HIL firmware under QEMU: the hand-written {@code integrator} answers the steps since init,
 * an integral kept in its workspace and the number of init calls, so only a workspace kept across steps and
 * an init called once at boot give the sequence asserted here.
 */
class StatefulControllerTest {
  private static final float DT = 0.01f;

  @AfterEach
  void noQemuLeftBehind() {
    assertEquals(0, QemuRunner.liveProcesses(), "QEMU processes left running");
  }

  @Test
  void workspaceIsKeptAcrossStepsAndInitRunsOnceAtBoot() {
    Path elf = TestFirmware.elf(Target.MPS2_AN386, "integrator");
    SplittableRandom rnd = new SplittableRandom(14);
    for (int boot = 0; boot < 2; boot++) {
      try (QemuRunner qemu = QemuRunner.builder(Target.MPS2_AN386, elf).start()) {
        assertEquals(new Hello(1, Transport.SEMIHOSTING, 2, 3, 2, 25_000_000L, "integrator"), qemu.hello());
        float integral = 0.0f;
        for (int k = 0; k < 200; k++) {
          float[] x = {(float) rnd.nextDouble(-2, 2), (float) rnd.nextDouble(-2, 2)};
          float[] r = {(float) rnd.nextDouble(-1, 1), 0f};
          StepResult res = qemu.step(k, x, r);
          assertEquals(0, res.status(), "step " + k);
          integral = integral + (r[0] - x[0]) * DT;
          // a fresh boot starts again from its own init: steps since init, not since the first boot
          assertArrayEquals(new float[] {k + 1, integral, 1}, res.input(), "boot " + boot + ", step " + k);
        }
        assertEquals(200, qemu.stop());
      }
    }
  }

  @Test
  void failingInitStopsTheFirmwareBeforeHello() {
    Path elf = TestFirmware.elf(Target.MPS2_AN386, "badinit");
    HilException e = assertThrows(HilException.class, () -> QemuRunner.builder(Target.MPS2_AN386, elf)
        .bootTimeout(Duration.ofSeconds(5)).start());
    assertEquals(HilException.Kind.QEMU_EXITED, e.kind(), e.getMessage());
    assertEquals("firmware badinit.elf on mps2-an386 stopped before the HELLO frame at boot: the controller's init"
        + " call failed (exit code 6)", e.getMessage());
  }
}
