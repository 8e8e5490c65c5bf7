package io.loopforge.targets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FirmwareBuilderTest {
  @TempDir Path tmp;

  private static ControllerSource gain() {
    return ControllerSource.of(TestControllers.dir("gain"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"mps2-an386", "netduinoplus2", "stm32f4-discovery"})
  void buildsForEveryTargetWithinBudget(String name) throws IOException {
    Target target = Target.forName(name);
    Path elf = tmp.resolve(name + "/fw.elf");
    Firmware fw = FirmwareBuilder.forTarget(target).controller(gain()).output(elf).build();
    assertEquals(elf, fw.elf());
    assertEquals("gain", fw.controllerPrefix());
    SizeReport r = fw.size();
    assertTrue(r.text() > 1000 && r.text() < 16_384, r.format());
    assertEquals(FirmwareBuilder.DEFAULT_STACK_BYTES, r.stack(), r.format());
    assertTrue(r.bss() >= r.stack(), r.format());
    assertEquals(target.flashBytes(), r.flashBudget());
    assertEquals(target.ramBytes(), r.ramBudget());
    assertTrue(r.fits());
    byte[] head = Files.readAllBytes(elf);
    assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, java.util.Arrays.copyOf(head, 4));
    // The temporary build directory is removed after a successful build.
    assertFalse(Files.exists(elf.resolveSibling("firmware.map")));
  }

  @Test
  void buildIsByteReproducible() throws IOException {
    Path a = FirmwareBuilder.forTarget(Target.MPS2_AN386).controller(gain()).output(tmp.resolve("a.elf")).build().elf();
    Path b = FirmwareBuilder.forTarget(Target.MPS2_AN386).controller(gain()).output(tmp.resolve("b.elf"))
        .buildDirectory(tmp.resolve("kept")).build().elf();
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    assertTrue(Files.isRegularFile(tmp.resolve("kept/glue/lf_controller_glue.h")));
    assertTrue(Files.isRegularFile(tmp.resolve("kept/firmware.map")));
  }

  @Test
  void overBudgetFailsWithTheFigures() {
    Target tiny = Target.MPS2_AN386.toBuilder().name("tiny").flashBytes(1024).build();
    TargetException e = assertThrows(TargetException.class,
        () -> FirmwareBuilder.forTarget(tiny).controller(gain()).output(tmp.resolve("fw.elf")).build());
    String m = e.getMessage();
    assertTrue(m.startsWith("firmware " + tmp.resolve("fw.elf") + " is over the budget of target tiny: flash "), m);
    assertTrue(m.contains(" B > 1024 B (over by "), m);
    assertTrue(m.contains("make the controller smaller"), m);
    assertFalse(m.lines().findFirst().orElseThrow().contains(" RAM "), m);
  }

  @Test
  void overBudgetCanBeReportedWithoutFailing() {
    Target tiny = Target.MPS2_AN386.toBuilder().name("tiny").ramBytes(4096).build();
    Firmware fw = FirmwareBuilder.forTarget(tiny).controller(gain()).output(tmp.resolve("fw.elf"))
        .checkBudget(false).build();
    assertFalse(fw.size().fitsRam());
    assertTrue(fw.size().format().contains("OVER BUDGET"));
  }

  @Test
  void stackThatDoesNotFitTheChipFailsTheLink() {
    TargetException e = assertThrows(TargetException.class,
        () -> FirmwareBuilder.forTarget(Target.NETDUINOPLUS2).controller(gain()).output(tmp.resolve("fw.elf"))
            .stackBytes(256 << 10).build());
    assertTrue(e.getMessage().startsWith("firmware for netduinoplus2 does not fit the board's RAM (over by "),
        e.getMessage());
  }

  @Test
  void missingToolchainSaysHowToInstallIt() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("bin"));
    TargetException e = assertThrows(TargetException.class, () -> ArmToolchain.inDirectory(empty));
    assertEquals("arm-none-eabi-gcc not found (searched " + empty + "); install it with: "
        + "sudo apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi", e.getMessage());
  }

  @Test
  void compilerErrorNamesTheController() {
    ControllerSource broken = ControllerSource.of(TestControllers.dir("broken"));
    TargetException e = assertThrows(TargetException.class,
        () -> FirmwareBuilder.forTarget(Target.MPS2_AN386).controller(broken).output(tmp.resolve("fw.elf")).build());
    String m = e.getMessage();
    assertTrue(m.startsWith("arm-none-eabi-gcc failed building firmware for mps2-an386 with controller broken"), m);
    assertTrue(m.contains("unused variable 'unused_counter'"), m);
  }

  @Test
  void statefulControllerBuildsWithItsWorkspace() throws IOException {
    Path kept = tmp.resolve("kept");
    Firmware fw = FirmwareBuilder.forTarget(Target.MPS2_AN386).controller(ControllerSource.of(TestControllers.counter(
        tmp.resolve("counter")))).output(tmp.resolve("counter.elf")).buildDirectory(kept).build();
    assertEquals("counter", fw.controllerPrefix());
    // the workspace is one static object of the firmware (RAM), the init call is linked
    String map = Files.readString(kept.resolve("firmware.map"));
    assertTrue(map.contains("lf_ctrl_workspace"), "workspace in the map file");
    assertTrue(map.contains(".text.counter_init"), "counter_init linked");
  }

  /** Two generated units (prefixes lqr and plant) and a hand-written controller calling both, in one firmware. */
  @ParameterizedTest
  @ValueSource(strings = {"mps2-an386", "netduinoplus2"})
  void twoGeneratedUnitsLinkIntoOneFirmware(String name) throws IOException {
    Path dir = TestControllers.predictor(tmp.resolve("c"));
    assertTrue(Files.isRegularFile(dir.resolve("lf_common.h")));
    Path kept = tmp.resolve("kept");
    Firmware fw = FirmwareBuilder.forTarget(Target.forName(name)).controller(ControllerSource.of(dir, "predictor"))
        .output(tmp.resolve("predictor.elf")).buildDirectory(kept).build();
    String map = Files.readString(kept.resolve("firmware.map"));
    for (String symbol : List.of(".text.lqr_control", ".text.plant_step", ".text.predictor_control")) {
      assertTrue(map.contains(symbol), symbol + " linked");
    }
    assertTrue(fw.size().fits(), fw.size().format());
  }

  @Test
  void headerThatDisagreesWithItsContractDoesNotCompile() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("gain"));
    for (String f : List.of("gain.h", "gain.c", "gain.contract.json")) {
      Files.copy(TestControllers.dir("gain").resolve(f), dir.resolve(f));
    }
    Path contract = dir.resolve("gain.contract.json");
    String text = Files.readString(contract);
    Files.writeString(contract, text.replace("\"stateful\": false", "\"stateful\": true"));
    TargetException e = assertThrows(TargetException.class, () -> FirmwareBuilder.forTarget(Target.MPS2_AN386)
        .controller(ControllerSource.of(dir)).output(tmp.resolve("fw.elf")).build());
    assertTrue(e.getMessage().contains("unknown type name 'gain_workspace'"), e.getMessage());
    Files.writeString(contract, text.replace("[\"x0\", \"x1\", \"x2\"]", "[\"x0\", \"x1\"]")
        .replace("[\"x0_ref\", \"x1_ref\", \"x2_ref\"]", "[\"x0_ref\", \"x1_ref\"]"));
    e = assertThrows(TargetException.class, () -> FirmwareBuilder.forTarget(Target.MPS2_AN386)
        .controller(ControllerSource.of(dir)).output(tmp.resolve("fw.elf")).build());
    assertTrue(e.getMessage().contains("gain.h: GAIN_NX differs from the states of gain.contract.json"),
        e.getMessage());
    Files.writeString(dir.resolve("gain.h"), Files.readString(dir.resolve("gain.h")).replace("const float *reference",
        "float *reference"));
    Files.writeString(dir.resolve("gain.c"), Files.readString(dir.resolve("gain.c")).replace("const float *reference",
        "float *reference"));
    Files.writeString(contract, text);
    e = assertThrows(TargetException.class, () -> FirmwareBuilder.forTarget(Target.MPS2_AN386)
        .controller(ControllerSource.of(dir)).output(tmp.resolve("fw.elf")).build());
    assertTrue(e.getMessage().contains("conflicting types for 'gain_control'"), e.getMessage());
  }

  @Test
  void faultAddressesResolveToSource() throws IOException {
    Firmware fw = FirmwareBuilder.forTarget(Target.MPS2_AN386).controller(gain()).output(tmp.resolve("fw.elf")).build();
    ArmToolchain tc = ArmToolchain.locate();
    // e_entry of the ELF header (little-endian, Thumb bit set) is the reset handler.
    java.nio.ByteBuffer header = java.nio.ByteBuffer.wrap(Files.readAllBytes(fw.elf()))
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    long entry = Integer.toUnsignedLong(header.getInt(24)) & ~1L;
    String where = tc.describeAddress(fw.elf(), entry).orElseThrow();
    assertTrue(where.startsWith("lf_reset_handler at "), where);
  }

  @Test
  void aBuildDirectoryKeepsFilesNoBuildWroteAndRefusesToOverwriteThem() throws IOException {
    Path kept = tmp.resolve("proj");
    Path notes = Files.createDirectories(kept.resolve("hil")).resolve("notes.txt");
    Files.writeString(notes, "notes\n");
    for (int i = 0; i < 2; i++) {
      FirmwareBuilder.forTarget(Target.MPS2_AN386).controller(gain()).output(tmp.resolve("a.elf")).buildDirectory(kept)
          .build();
      assertEquals("notes\n", Files.readString(notes));
    }
    // a different controller replaces the first one's files, and only those
    FirmwareBuilder.forTarget(Target.MPS2_AN386).controller(ControllerSource.of(TestControllers.counter(
        tmp.resolve("counter")))).output(tmp.resolve("b.elf")).buildDirectory(kept).build();
    assertFalse(Files.exists(kept.resolve("controller/gain.c")));
    assertTrue(Files.isRegularFile(kept.resolve("controller/counter.c")));
    assertEquals("notes\n", Files.readString(notes));

    Path other = tmp.resolve("other");
    Path mine = Files.createDirectories(other.resolve("glue")).resolve("lf_controller_glue.h");
    Files.writeString(mine, "/* mine */\n");
    TargetException e = assertThrows(TargetException.class, () -> FirmwareBuilder.forTarget(Target.MPS2_AN386)
        .controller(gain()).output(tmp.resolve("c.elf")).buildDirectory(other).build());
    assertEquals("the build directory " + other.toRealPath() + " holds glue/lf_controller_glue.h, which no Loopforge"
        + " build wrote; a build would overwrite it: move it away or choose an empty or new build directory",
        e.getMessage());
    assertEquals("/* mine */\n", Files.readString(mine));
    assertFalse(Files.exists(tmp.resolve("c.elf")));
  }

  /** Two builds sharing a build directory at once: each ELF holds its own controller. */
  @Test
  void buildsSharingABuildDirectoryTakeTurns() throws Exception {
    Path kept = tmp.resolve("shared");
    ControllerSource counter = ControllerSource.of(TestControllers.counter(tmp.resolve("counter")));
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 3; round++) {
        Path a = tmp.resolve("gain-" + round + ".elf");
        Path b = tmp.resolve("counter-" + round + ".elf");
        var fa = pool.submit(() -> FirmwareBuilder.forTarget(Target.MPS2_AN386).controller(gain()).output(a)
            .buildDirectory(kept).build());
        var fb = pool.submit(() -> FirmwareBuilder.forTarget(Target.MPS2_AN386).controller(counter).output(b)
            .buildDirectory(kept).build());
        fa.get();
        fb.get();
        String ga = new String(Files.readAllBytes(a), java.nio.charset.StandardCharsets.ISO_8859_1);
        String gb = new String(Files.readAllBytes(b), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(ga.contains("gain_control") && !ga.contains("counter_control"), "round " + round + ": gain ELF");
        assertTrue(gb.contains("counter_control") && !gb.contains("gain_control"), "round " + round + ": counter ELF");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFailedBuildLeavesTheOldElfAndNoTemporaryFiles() throws IOException {
    Path elf = tmp.resolve("fw.elf");
    Files.writeString(elf, "the old firmware");
    assertThrows(TargetException.class, () -> FirmwareBuilder.forTarget(Target.MPS2_AN386)
        .controller(ControllerSource.of(TestControllers.dir("broken"))).output(elf).build());
    assertEquals("the old firmware", Files.readString(elf));
    try (var files = Files.list(tmp)) {
      assertEquals(List.of("fw.elf"), files.map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.toList()));
    }
  }

  private List<String> temporaryBefore;

  @org.junit.jupiter.api.BeforeEach
  void listTemporaryBuildDirectories() throws IOException {
    temporaryBefore = temporaryBuildDirectories();
  }

  @org.junit.jupiter.api.AfterEach
  void leavesNoTemporaryBuildDirectory() throws IOException {
    List<String> now = new java.util.ArrayList<>(temporaryBuildDirectories());
    now.removeAll(temporaryBefore);
    assertEquals(List.of(), now, "temporary build directories left behind");
  }

  private static List<String> temporaryBuildDirectories() throws IOException {
    try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("loopforge-fw-"))
          .collect(java.util.stream.Collectors.toList());
    }
  }
}
