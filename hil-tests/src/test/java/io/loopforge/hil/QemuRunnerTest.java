package io.loopforge.hil;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.targets.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QemuRunnerTest {
  @TempDir Path tmp;

  @AfterEach
  void noQemuLeftBehind() throws java.io.IOException {
    assertEquals(0, QemuRunner.liveProcesses(), "QEMU processes left running");
    try (var left = java.nio.file.Files.newDirectoryStream(Path.of(System.getProperty("java.io.tmpdir")), "lf-qemu-*")) {
      assertFalse(left.iterator().hasNext(), "UART socket folders left behind");
    }
  }

  @Test
  void lockStepOverSemihostingMatchesTheTwin() {
    Path elf = TestFirmware.elf(Target.MPS2_AN386, "msd");
    MsdTwin twin = new MsdTwin();
    SplittableRandom rnd = new SplittableRandom(7);
    try (QemuRunner qemu = QemuRunner.builder(Target.MPS2_AN386, elf).start()) {
      assertEquals(new Hello(1, Transport.SEMIHOSTING, 2, 1, 2, 25_000_000L, "msd"), qemu.hello());
      assertTrue(qemu.command().containsAll(List.of("-icount", "shift=0", "-display", "none", "-monitor", "none")));
      assertFalse(qemu.command().contains("-nographic"));
      for (int k = 0; k < 500; k++) {
        float[] x = {(float) rnd.nextDouble(-2, 2), (float) rnd.nextDouble(-2, 2)};
        float[] r = {(float) rnd.nextDouble(-1, 1), 0f};
        StepResult res = qemu.step(k, x, r);
        assertEquals(k, res.step());
        assertEquals(0, res.status());
        assertArrayEquals(twin.control(x, r), res.input(), "step " + k);
        assertTrue(res.instructions() > 10 && res.instructions() < 100, "instructions " + res.instructions());
      }
      assertEquals(500, qemu.stop());
      assertTrue(qemu.stoppedCleanly());
      assertFalse(qemu.isAlive());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mps2-an386", "netduinoplus2"})
  void instructionCountIsFinerThanATick(String name) {
    // 200 NOPs + storing u: a SysTick tick is 40 (mps2-an386) or 5.95 (netduinoplus2) instructions.
    Target target = Target.forName(name);
    try (QemuRunner qemu = QemuRunner.builder(target, TestFirmware.elf(target, "nops")).start()) {
      for (int k = 0; k < 50; k++) {
        long n = qemu.step(k, new float[2], new float[2]).instructions();
        assertTrue(n >= 200 && n <= 210, "step " + k + ": " + n + " instructions");
      }
      qemu.stop();
    }
  }

  @Test
  void controllerErrorCodeIsPassedThrough() {
    try (QemuRunner qemu = QemuRunner.builder(Target.MPS2_AN386, TestFirmware.elf(Target.MPS2_AN386, "msd")).start()) {
      assertEquals(2, qemu.step(0, new float[] {Float.NaN, 0f}, new float[] {0f, 0f}).status());
      assertEquals(0, qemu.step(1, new float[] {0f, 0f}, new float[] {0f, 0f}).status());
      qemu.stop();
    }
  }

  @Test
  void busFaultIsReportedWithRegisters() {
    Path elf = TestFirmware.elf(Target.MPS2_AN386, "busfault");
    try (QemuRunner qemu = QemuRunner.builder(Target.MPS2_AN386, elf).start()) {
      float[] x = {1f, 0f};
      float[] r = {0f, 0f};
      qemu.step(0, x, r);
      qemu.step(1, x, r);
      long t0 = System.nanoTime();
      HilException e = assertThrows(HilException.class, () -> qemu.step(2, x, r));
      assertTrue(System.nanoTime() - t0 < 1_500_000_000L, "a fault must not wait for the watchdog");
      assertEquals(HilException.Kind.HARD_FAULT, e.kind(), e.getMessage());
      FaultReport f = e.fault().orElseThrow();
      assertEquals(3, f.exception());
      assertEquals(List.of("PRECISERR", "BFARVALID"), f.cfsrFlags());
      assertEquals(0x40000000L, f.hfsr());
      assertEquals(0xA0000000L, f.bfar());
      assertTrue(f.location().orElseThrow().startsWith("busfault_control at "), f.describe());
      assertTrue(e.getMessage().startsWith("firmware busfault.elf on mps2-an386 took a fault while waiting for step 2:"
          + " HardFault (FORCED, PRECISERR, BFARVALID): CFSR=0x00008200 HFSR=0x40000000 BFAR=0xa0000000"),
          e.getMessage());
      assertTrue(qemu.stderr().contains("!HARDFAULT exc=0x00000003 cfsr=0x00008200"), qemu.stderr());
      assertEquals(java.util.OptionalInt.of(3), qemu.exitCode());
    }
  }

  @Test
  void faultOverTheUartArrivesAsAFaultFrame() {
    Path elf = TestFirmware.elf(Target.NETDUINOPLUS2, "busfault");
    try (QemuRunner qemu = QemuRunner.builder(Target.NETDUINOPLUS2, elf).transport(Transport.UART).start()) {
      assertEquals(Transport.UART, qemu.hello().transport());
      assertEquals(168_000_000L, qemu.hello().systickHz());
      qemu.step(0, new float[2], new float[2]);
      qemu.step(1, new float[2], new float[2]);
      HilException e = assertThrows(HilException.class, () -> qemu.step(2, new float[2], new float[2]));
      assertEquals(HilException.Kind.HARD_FAULT, e.kind(), e.getMessage());
      assertEquals(0xA0000000L, e.fault().orElseThrow().bfar());
      assertEquals(java.util.OptionalInt.of(3), qemu.exitCode());
    }
  }

  @Test
  void hangOverTheUartIsKilledByTheWatchdog() {
    Path elf = TestFirmware.elf(Target.MPS2_AN386, "hang");
    try (QemuRunner qemu = QemuRunner.builder(Target.MPS2_AN386, elf).transport(Transport.UART)
        .stepTimeout(Duration.ofMillis(300)).start()) {
      qemu.step(0, new float[2], new float[2]);
      qemu.step(1, new float[2], new float[2]);
      HilException e = assertThrows(HilException.class, () -> qemu.step(2, new float[2], new float[2]));
      assertEquals(HilException.Kind.WATCHDOG, e.kind(), e.getMessage());
      assertFalse(qemu.isAlive());
      // Killed with SIGKILL: QEMU's exit status is 137 (128 + 9), never the 0 a SIGTERM would give.
      assertEquals(java.util.OptionalInt.of(137), qemu.exitCode());
    }
  }

  @Test
  void undefinedInstructionIsAUsageFaultEscalated() {
    Path elf = TestFirmware.elf(Target.NETDUINOPLUS2, "undef");
    try (QemuRunner qemu = QemuRunner.builder(Target.NETDUINOPLUS2, elf).start()) {
      HilException e = assertThrows(HilException.class, () -> qemu.step(0, new float[2], new float[2]));
      assertEquals(HilException.Kind.HARD_FAULT, e.kind(), e.getMessage());
      FaultReport f = e.fault().orElseThrow();
      assertEquals(List.of("UNDEFINSTR"), f.cfsrFlags());
      assertTrue(f.location().orElseThrow().startsWith("undef_control at "), f.describe());
    }
  }

  @Test
  void hangIsKilledByTheWatchdog() {
    Path elf = TestFirmware.elf(Target.MPS2_AN386, "hang");
    QemuRunner qemu = QemuRunner.builder(Target.MPS2_AN386, elf).stepTimeout(Duration.ofMillis(300)).start();
    try (qemu) {
      qemu.step(0, new float[] {1f, 0f}, new float[2]);
      qemu.step(1, new float[] {1f, 0f}, new float[2]);
      long t0 = System.nanoTime();
      HilException e = assertThrows(HilException.class, () -> qemu.step(2, new float[] {1f, 0f}, new float[2]));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(HilException.Kind.WATCHDOG, e.kind(), e.getMessage());
      assertTrue(ms >= 300 && ms < 2000, "took " + ms + " ms");
      assertEquals("watchdog: firmware hang.elf on mps2-an386 did not answer step 2 within 300 ms; it hangs"
          + " (QEMU pid " + qemu.pid() + " killed with SIGKILL)", e.getMessage());
      assertFalse(qemu.isAlive());
    }
  }

  @Test
  void corruptedFramesAreAnsweredWithErrorFramesAndNeverUsed() {
    try (QemuRunner qemu = QemuRunner.builder(Target.MPS2_AN386, TestFirmware.elf(Target.MPS2_AN386, "msd")).start()) {
      byte[] good = Frame.of(stepPayload(0, 1f, 0f, 0f, 0f)).encode();

      byte[] badCrc = good.clone();
      badCrc[badCrc.length - 1] ^= 0x01;
      qemu.sendRaw(badCrc);
      Frame answer = qemu.receive();
      assertEquals(Frame.Type.ERROR, answer.type());
      assertEquals(Frame.Rejection.BAD_CRC, answer.rejection());

      byte[] flipped = good.clone();
      flipped[8] ^= 0x40; // a payload bit of x[0]
      qemu.sendRaw(flipped);
      assertEquals(Frame.Rejection.BAD_CRC, qemu.receive().rejection());

      qemu.send(Frame.of(new byte[] {0x55}));
      assertEquals("unknown frame type 0x55", qemu.receive().describeRejection());

      qemu.send(Frame.of(new byte[] {0x10, 0, 0, 0, 0}));
      assertEquals(Frame.Rejection.BAD_PAYLOAD_SIZE, qemu.receive().rejection());

      // Garbage before a frame is skipped; an impossible length is rejected.
      qemu.sendRaw(new byte[] {0x00, 0x13, (byte) 0xA5, (byte) 0xFF, (byte) 0xFF});
      assertEquals("bad length 65535", qemu.receive().describeRejection());

      // The stream is still in sync and nothing of the bad frames was used.
      StepResult r = qemu.step(0, new float[] {1f, 0f}, new float[] {0f, 0f});
      assertArrayEquals(new float[] {-10f}, r.input());
      assertEquals(1, qemu.stop());
    }
  }

  private static byte[] stepPayload(int step, float... xr) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(5 + 4 * xr.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x10).putInt(step);
    for (float v : xr) {
      b.putFloat(v);
    }
    return b.array();
  }

  @Test
  void closeKillsQemuWithoutStop() {
    long pid;
    try (QemuRunner qemu = QemuRunner.builder(Target.MPS2_AN386, TestFirmware.elf(Target.MPS2_AN386, "msd")).start()) {
      pid = qemu.pid();
      assertTrue(qemu.isAlive());
    }
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
  }

  @Test
  void setupErrorsSayWhatToDo() {
    HilException buildOnly = assertThrows(HilException.class,
        () -> QemuRunner.builder(Target.STM32F4_DISCOVERY, tmp.resolve("fw.elf")).start());
    assertEquals("target stm32f4-discovery is build-only (no QEMU machine); run HIL on mps2-an386 or netduinoplus2",
        buildOnly.getMessage());
    HilException missing = assertThrows(HilException.class,
        () -> QemuRunner.builder(Target.MPS2_AN386, tmp.resolve("fw.elf")).start());
    assertEquals("firmware " + tmp.resolve("fw.elf") + " does not exist; build it with loopforge firmware --target"
        + " mps2-an386 --controller DIR --out fw.elf", missing.getMessage());
    Path elf = TestFirmware.elf(Target.MPS2_AN386, "msd");
    HilException noQemu = assertThrows(HilException.class,
        () -> QemuRunner.builder(Target.MPS2_AN386, elf).qemu(tmp.resolve("qemu-system-arm")).start());
    assertEquals(tmp.resolve("qemu-system-arm") + " is not an executable qemu-system-arm; install it with:"
        + " sudo apt-get install qemu-system-arm", noQemu.getMessage());
  }

  @Test
  void aFolderOrATextFileIsNotFirmware() throws java.io.IOException {
    Path dir = java.nio.file.Files.createDirectories(tmp.resolve("build"));
    HilException folder = assertThrows(HilException.class, () -> QemuRunner.builder(Target.MPS2_AN386, dir).start());
    assertEquals("firmware " + dir + " is a folder, not an ELF file; give the firmware file (build it with loopforge"
        + " firmware --target mps2-an386 --controller DIR --out build)", folder.getMessage());
    Path text = java.nio.file.Files.writeString(tmp.resolve("lqr.json"), "{\"format\": \"loopforge-model/1\"}\n");
    HilException notElf = assertThrows(HilException.class, () -> QemuRunner.builder(Target.MPS2_AN386, text).start());
    assertEquals("firmware " + text + " is not an ELF file (it does not start with the ELF magic bytes 7f 45 4c 46);"
        + " build it with loopforge firmware --target mps2-an386 --controller DIR --out lqr.json", notElf.getMessage());
    assertEquals(HilException.Kind.SETUP, notElf.kind());
  }

  @Test
  void wrongFirmwareForTheMachineIsNotASuccess() {
    // An image linked for netduinoplus2 (flash at 0x08000000) does not boot on mps2-an386.
    Path elf = TestFirmware.elf(Target.NETDUINOPLUS2, "msd");
    HilException e = assertThrows(HilException.class, () -> QemuRunner.builder(Target.MPS2_AN386, elf)
        .bootTimeout(Duration.ofSeconds(2)).start());
    assertEquals(HilException.Kind.QEMU_EXITED, e.kind(), e.getMessage());
    assertEquals("firmware msd.elf on mps2-an386 stopped before the HELLO frame at boot: the CPU locked up (a fault"
        + " inside the fault handler, or no vector table at the boot address: is msd.elf built for mps2-an386?);"
        + " QEMU: qemu: fatal: Lockup: can't escalate 3 to HardFault (current priority -1)", e.getMessage());
  }
}
