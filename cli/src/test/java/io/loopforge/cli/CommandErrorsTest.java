package io.loopforge.cli;

import static io.loopforge.cli.LoopforgeTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.cli.LoopforgeTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mistakes and failures end with a message and the right exit code (2 usage, 1 failure), before any long
 * work, never with a stack trace or an exception's class name.
 */
@ExtendWith(NoLeftovers.class)
class CommandErrorsTest {
  @TempDir Path dir;

  @BeforeEach
  void files() throws IOException {
    Files.writeString(dir.resolve("d.csv"), "t,x,u\n0,1,0\n0.1,0.9,0.1\n0.2,0.8,0.2\n0.3,0.75,0.1\n0.4,0.7,0\n");
    Files.writeString(dir.resolve("m.json"), "{}");
    Files.writeString(dir.resolve("fw.elf"), "not firmware");
    Files.createDirectories(dir.resolve("folder"));
  }

  private Run runIn(String line) {
    List<String> args = new ArrayList<>();
    for (String a : line.split(" ")) {
      args.add(a.startsWith("@") ? dir.resolve(a.substring(1)).toString() : a);
    }
    return run(args.toArray(new String[0]));
  }

  private static void noTrace(String line, Run r) {
    assertFalse(r.err().contains("\tat ") || r.err().contains("Exception") || r.err().contains("internal error"),
        line + ": " + r.err());
  }

  /** One usage error per command: exit 2, a message naming the option. */
  @ParameterizedTest
  @ValueSource(strings = {
      "plants --verbose --bogus",
      "simulate --plant segway --steps 10 --dt 0.1 --out @s.csv",
      "simulate --plant pendulum --steps 1 --dt 0.1 --out @s.csv",
      "simulate --plant pendulum --steps 10 --dt 0.1 --x0 1,2,3 --out @s.csv",
      "identify sindy --data @d.csv --out @folder",
      "identify mlp --data @d.csv --hidden 0 --out @m2.json",
      "sparsify --model @m.json --data @d.csv --relu-budget 1 --layout wide --out @s.json",
      "sparsify benchmark --budgets 4,8",
      "design lqr --plant pendulum --out @p.json",
      "loop --plant segway --controller @m.json --steps 5 --out @r.json",
      "generate --model @m.json --out @d.csv",
      "firmware --controller @m.json --out @folder",
      "hil --firmware @fw.elf --plant pendulum --dt 0 --out @h.json",
      "demo --plant segway --out @demo",
      "demo --target nowhere --out @demo"})
  void usageErrorsExitWithTwo(String line) {
    Run r = runIn(line);
    assertEquals(2, r.code(), line + ": " + r.err());
    noTrace(line, r);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "hil --firmware @fw.elf --plant pendulum --dt 0 --out @h.json|--dt must be a positive number of seconds, got 0.0",
      "hil --firmware @fw.elf --plant pendulum --dt -1 --out @h.json|--dt must be a positive number of seconds, got -1.0",
      "hil --firmware @fw.elf --plant pendulum --steps -1 --out @h.json|--steps must be at least 1, got -1",
      "simulate --plant pendulum --steps 1 --dt 0.1 --out @s.csv|--steps must be at least 3 (the fewest rows",
      "hil --firmware @fw.elf --plant pendulum --step-timeout 0 --out @h.json|--step-timeout must be at least 1 ms, got 0",
      "simulate --plant pendulum --steps 10 --dt 0.1 --out @s.csv --plot @folder|--plot DIR is a folder: give a file name",
      "simulate --plant pendulum --steps 1000000000 --dt 0.01 --out @s.csv|--steps 1000000000: the trajectory would need about",
      "hil --firmware @fw.elf --plant pendulum --steps 1000000000 --out @h.json|--steps 1000000000: the HIL trajectory would need about",
      "identify mlp --data @d.csv --hidden 50000,50000 --out @m2.json|--hidden 50000,50000 (2500250001 parameters): training the network would need about",
      "identify mlp --data @d.csv --hidden 1 --learning-rate 0 --out @m2.json|learning rate"})
  void rangeAndSizeErrorsComeBeforeTheWork(String lineAndMessage) {
    String[] parts = lineAndMessage.split("\\|");
    Run r = runIn(parts[0]);
    assertEquals(2, r.code(), parts[0] + ": " + r.err());
    assertTrue(r.err().contains(parts[1].replace("DIR", dir.resolve("folder").toString())), parts[0] + ": " + r.err());
    noTrace(parts[0], r);
    assertFalse(Files.exists(dir.resolve("s.csv")), "nothing written");
  }

  @Test
  void aHugeSindyLibraryIsRefusedWithAShortMessage() {
    Run huge = runIn("identify sindy --data @d.csv --degree 1000 --out @m2.json");
    assertEquals(2, huge.code(), huge.err());
    assertTrue(huge.err().contains("--degree: a polynomial library of degree 1000 on 2 variables [x, u] has 501501 terms; at most"
        + " 100000 are supported"), huge.err());
    Run big = runIn("identify sindy --data @d.csv --degree 50 --out @m2.json");
    assertEquals(1, big.code(), big.err());
    assertTrue(big.err().contains("samples but the library has 1326 terms [1, x, u, x^2,"), big.err());
    assertTrue(big.err().contains("… and 1306 more]"), big.err());
    assertTrue(big.err().length() < 2000, big.err().length() + " characters");
  }

  @Test
  void unwritableOutputsAreFoundBeforeTheWork() throws IOException {
    Run plot = runIn("simulate --plant pendulum --steps 10 --dt 0.1 --out @s.csv --plot /proc/x.png");
    assertEquals(1, plot.code(), plot.err());
    assertTrue(plot.err().startsWith("error: cannot write --plot /proc/x.png: "), plot.err());
    noTrace("--plot /proc/x.png", plot);
    assertFalse(Files.exists(dir.resolve("s.csv")), "the CSV is not written when the plot cannot be");

    Path sim = dir.resolve("p.csv");
    assertEquals(0, run("simulate", "--plant", "pendulum", "--steps", "300", "--dt", "0.01", "--excitation",
        "multisine", "--out", sim.toString()).code());
    Run sparsify = runIn("identify mlp --data @p.csv --hidden 4 --epochs 1 --out @p.csv/x.json");
    assertEquals(1, sparsify.code(), sparsify.err());
    assertTrue(sparsify.err().contains("cannot write --out " + dir.resolve("p.csv/x.json") + ": cannot create the folder "
        + dir.resolve("p.csv") + " (" + dir.resolve("p.csv") + " exists and is not a folder)"), sparsify.err());
    assertFalse(sparsify.out().contains("epoch"), "no training before the check: " + sparsify.out());

    Run bench = runIn("sparsify benchmark --quick --out /proc/table.md");
    assertEquals(1, bench.code(), bench.err());
    assertTrue(bench.err().startsWith("error: cannot write --out /proc/table.md: "), bench.err());
    assertFalse(bench.err().contains("epoch"), "no training before the check");
  }

  @Test
  void simulateCreatesAMissingOutputFolderAsEveryCommandDoes() {
    Path out = dir.resolve("new/folder/s.csv");
    Run r = run("simulate", "--plant", "pendulum", "--steps", "10", "--dt", "0.1", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.isRegularFile(out));
  }

  @Test
  void hugeOrTinyNumbersInTheDataAreReportedAsSuch() throws IOException {
    Path sim = dir.resolve("p.csv");
    assertEquals(0, run("simulate", "--plant", "pendulum", "--steps", "300", "--dt", "0.01", "--excitation",
        "multisine", "--out", sim.toString()).code());
    List<String> lines = new ArrayList<>(Files.readAllLines(sim));
    String[] row = lines.get(5).split(",");
    row[1] = "1e308";
    lines.set(5, String.join(",", row));
    Path big = Files.write(dir.resolve("big.csv"), lines);

    Run mlp = run("identify", "mlp", "--data", big.toString(), "--hidden", "4", "--epochs", "1", "--out",
        dir.resolve("n.json").toString());
    assertEquals(1, mlp.code(), mlp.err());
    assertTrue(mlp.err().startsWith("error: the data's state theta has values too large to normalise"), mlp.err());
    noTrace("mlp 1e308", mlp);

    Run sindy = run("identify", "sindy", "--data", big.toString(), "--degree", "1", "--out", dir.resolve("s.json").toString());
    assertEquals(1, sindy.code(), sindy.err());
    assertTrue(sindy.err().contains("the feature library overflows on this data: term \"theta\""), sindy.err());
    assertFalse(sindy.err().contains("rank-deficient"), sindy.err());

    Run tinyDt = run("identify", "sindy", "--data", sim.toString(), "--dt", "1e-300", "--degree", "1", "--out",
        dir.resolve("s.json").toString());
    assertEquals(1, tinyDt.code(), tinyDt.err());
    assertTrue(tinyDt.err().contains("the finite-difference stencil at the sample offsets"), tinyDt.err());
    noTrace("--dt 1e-300", tinyDt);
  }

  @Test
  void aDivergedTrainingIsAFailureAndWritesNoModel() throws IOException {
    Path sim = dir.resolve("p.csv");
    assertEquals(0, run("simulate", "--plant", "pendulum", "--steps", "300", "--dt", "0.01", "--excitation",
        "multisine", "--out", sim.toString()).code());
    Path model = dir.resolve("n.json");
    Run r = run("identify", "mlp", "--data", sim.toString(), "--hidden", "8", "--epochs", "5", "--learning-rate",
        "1e30", "--quiet", "--out", model.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().startsWith("error: training diverged: the validation 10-step MSE is "), r.err());
    assertFalse(Files.exists(model));
  }

  @Test
  void firmwareAndHilSayWhatTheFileIsNot() {
    Run missing = run("firmware", "--controller", "/nonexistent/x.json", "--out", dir.resolve("x.elf").toString());
    assertEquals(1, missing.code());
    assertTrue(missing.err().startsWith("error: the controller model file /nonexistent/x.json does not exist"),
        missing.err());
    Run folder = runIn("hil --firmware @folder --plant pendulum --out @h.json");
    assertEquals(1, folder.code());
    assertTrue(folder.err().contains("is a folder, not an ELF file"), folder.err());
    Run text = runIn("hil --firmware @m.json --plant pendulum --out @h.json");
    assertEquals(1, text.code());
    assertTrue(text.err().contains("is not an ELF file"), text.err());
  }

  @Test
  void aTwinMismatchFailsTheHilRunUnlessDowngraded() {
    Path lqr = dir.resolve("lqr.json");
    Path other = dir.resolve("other.json");
    assertEquals(0, run("design", "lqr", "--plant", "pendulum", "--dt", "0.02", "--out", lqr.toString()).code());
    assertEquals(0, run("design", "lqr", "--plant", "pendulum", "--dt", "0.02", "--q", "100,1", "--out",
        other.toString()).code());
    Path elf = dir.resolve("lqr.elf");
    assertEquals(0, run("firmware", "--controller", lqr.toString(), "--out", elf.toString()).code());
    String[] hil = {"hil", "--firmware", elf.toString(), "--plant", "pendulum", "--steps", "20", "--dt", "0.02",
        "--x0", "2.9,0", "--twin", other.toString(), "--out", dir.resolve("h.json").toString()};
    Run differs = run(hil);
    assertEquals(1, differs.code(), differs.out() + differs.err());
    assertTrue(differs.err().startsWith("error: the HIL check failed: the firmware's inputs differ from the twin's at"),
        differs.err());
    assertTrue(Files.exists(dir.resolve("h.json")), "the metrics are written all the same");
    List<String> warn = new ArrayList<>(List.of(hil));
    warn.add("--mismatch-is-warning");
    Run warned = run(warn.toArray(new String[0]));
    assertEquals(0, warned.code(), warned.err());
    assertTrue(warned.err().startsWith("warning: the firmware's inputs differ"), warned.err());
  }

  @Test
  void aDemoStageThatFailsSaysWhichAndWhyKeepsTheReportAndExitsWithOne() throws IOException {
    Path out = dir.resolve("demo");
    // a folder where the demo's data file goes: stage 1 cannot write it, and must not remove the folder
    Path inTheWay = Files.createDirectories(out.resolve("pendulum-data.csv"));
    Files.writeString(inTheWay.resolve("mine.txt"), "a user's file");
    Run r = run("demo", "--quick", "--plant", "pendulum", "--out", out.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().startsWith("error: the demo's stage 1 (data) failed: ") && r.err().contains("pendulum-data.csv"),
        r.err());
    assertTrue(r.err().contains("report.html"), "names where what ran is: " + r.err());
    noTrace("demo", r);
    assertFalse(r.out().contains("demo finished"), r.out());
    assertFalse(r.out().contains("[2/8]"), "no stage runs after a failed one:\n" + r.out());
    assertTrue(Files.readString(out.resolve("report.html")).contains("This stage failed"));
    assertEquals("a user's file", Files.readString(inTheWay.resolve("mine.txt")));
  }
}
