package io.loopforge.cli;

import static io.loopforge.cli.LoopforgeTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.cli.LoopforgeTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Commands never delete or overwrite a file they did not make, and leave no temporary folder behind. */
@ExtendWith(NoLeftovers.class)
class FileSafetyTest {
  @TempDir Path dir;

  private Path policy() {
    Path policy = dir.resolve("lqr.json");
    Run r = run("design", "lqr", "--plant", "pendulum", "--dt", "0.02", "--out", policy.toString());
    assertEquals(0, r.code(), r.err());
    return policy;
  }

  @Test
  void firmwareBuildDirectoryKeepsTheUsersFiles() throws IOException {
    Path policy = policy();
    Path gen = dir.resolve("gen");
    assertEquals(0, run("generate", "--model", policy.toString(), "--lang", "c", "--out", gen.toString()).code());
    Path proj = dir.resolve("proj");
    Path notes = Files.createDirectories(proj.resolve("hil")).resolve("notes.txt");
    Files.writeString(notes, "notes\n");

    Run fromC = run("firmware", "--controller", gen.toString(), "--out", dir.resolve("x.elf").toString(),
        "--build-dir", proj.toString());
    assertEquals(0, fromC.code(), fromC.err());
    assertEquals("notes\n", Files.readString(notes));
    assertTrue(Files.isRegularFile(proj.resolve("hil/lf_frame.c")));

    // again, now from the model file: the earlier build's files are replaced, the user's kept
    for (int i = 0; i < 2; i++) {
      Run fromModel = run("firmware", "--controller", policy.toString(), "--out", dir.resolve("y.elf").toString(),
          "--build-dir", proj.toString());
      assertEquals(0, fromModel.code(), fromModel.err());
      assertEquals("notes\n", Files.readString(notes));
      assertTrue(Files.isRegularFile(proj.resolve("controller/lqr.c")));
    }
  }

  @Test
  void firmwareRefusesToOverwriteAFileItDidNotWrite() throws IOException {
    Path policy = policy();
    Path proj = dir.resolve("proj");
    Path mine = Files.createDirectories(proj.resolve("hil")).resolve("lf_frame.c");
    Files.writeString(mine, "/* mine */\n");
    Path elf = dir.resolve("x.elf");
    Run r = run("firmware", "--controller", policy.toString(), "--out", elf.toString(), "--build-dir", proj.toString());
    assertEquals(1, r.code(), r.out());
    assertTrue(r.err().startsWith("error: the build directory ") && r.err().contains("hil/lf_frame.c, which no"
        + " Loopforge build wrote"), r.err());
    assertEquals("/* mine */\n", Files.readString(mine));
    assertTrue(!Files.exists(elf));
  }

  @Test
  void firmwareFromAModelFileAndHilWithATwinLeaveNoTemporaryFolder() {
    Path policy = policy();
    Path elf = dir.resolve("fw.elf");
    Run fw = run("firmware", "--controller", policy.toString(), "--out", elf.toString());
    assertEquals(0, fw.code(), fw.err());
    Run hil = run("hil", "--firmware", elf.toString(), "--plant", "pendulum", "--steps", "20", "--dt", "0.02",
        "--twin", policy.toString(), "--out", dir.resolve("hil.json").toString());
    assertEquals(0, hil.code(), hil.err());
    // NoLeftovers checks the temporary directory
  }

  /** Two runs writing one output at once: the file ends up as one complete run's, never interleaved rows. */
  @Test
  void twoSimulationsWritingOneFileLeaveOneCompleteFile() throws Exception {
    List<byte[]> alone = new java.util.ArrayList<>();
    for (String seed : List.of("1", "2")) {
      Path f = dir.resolve("alone-" + seed + ".csv");
      assertEquals(0, run("simulate", "--plant", "cartpole-walls", "--steps", "20000", "--dt", "0.01", "--seed", seed,
          "--out", f.toString()).code());
      alone.add(Files.readAllBytes(f));
    }
    Path shared = dir.resolve("shared.csv");
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 3; round++) {
        var a = pool.submit(() -> run("simulate", "--plant", "cartpole-walls", "--steps", "20000", "--dt", "0.01",
            "--seed", "1", "--out", shared.toString()));
        var b = pool.submit(() -> run("simulate", "--plant", "cartpole-walls", "--steps", "20000", "--dt", "0.01",
            "--seed", "2", "--out", shared.toString()));
        assertEquals(0, a.get().code());
        assertEquals(0, b.get().code());
        byte[] got = Files.readAllBytes(shared);
        assertTrue(java.util.Arrays.equals(got, alone.get(0)) || java.util.Arrays.equals(got, alone.get(1)),
            "round " + round + ": the file is neither run's output");
      }
    } finally {
      pool.shutdownNow();
    }
    try (var files = Files.list(dir)) {
      assertEquals(List.of(), files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tmp"))
          .collect(java.util.stream.Collectors.toList()), "temporary files left");
    }
  }

  /** Generated code goes through a temporary file: a write that fails leaves no partial file and no trace. */
  @Test
  void generateThatFailsLeavesNoPartialFile() throws IOException {
    Path policy = policy();
    Path gen = dir.resolve("gen");
    assertEquals(0, run("generate", "--model", policy.toString(), "--lang", "c", "--out", gen.toString()).code());
    // the model changes, and lqr.c cannot be replaced (a folder of that name is in the way)
    Path changed = dir.resolve("lqr2.json");
    Files.writeString(changed, Files.readString(policy).replaceFirst("\"gain\" : \\[ \\[ ", "\"gain\" : [ [ 1"));
    Files.delete(gen.resolve("lqr.c"));
    Files.createDirectories(gen.resolve("lqr.c").resolve("x"));
    Run r = run("generate", "--model", changed.toString(), "--lang", "c", "--prefix", "lqr", "--out", gen.toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().startsWith("error: cannot write ") && !r.err().contains("Exception"), r.err());
    try (var files = Files.list(gen)) {
      assertEquals(List.of(), files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tmp"))
          .collect(java.util.stream.Collectors.toList()), "partial files left");
    }
    assertTrue(Files.readString(gen.resolve("lqr.h")).contains("lqr_control"), "complete files only");
  }
}
