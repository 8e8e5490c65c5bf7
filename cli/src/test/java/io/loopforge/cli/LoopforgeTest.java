package io.loopforge.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LoopforgeTest {
  @TempDir Path dir;

  /** Output, error output and exit code of one command line. */
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Loopforge.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void everyCommandHasHelp() {
    CommandLine root = Loopforge.newCommandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    List<List<String>> paths = new java.util.ArrayList<>();
    collect(root, List.of(), paths);
    assertTrue(paths.size() >= 5, "commands found: " + paths);
    for (List<String> path : paths) {
      String[] args = new java.util.ArrayList<String>(path) {{ add("--help"); }}.toArray(new String[0]);
      Run r = run(args);
      assertEquals(0, r.code(), "exit code of " + path + " --help: " + r.err());
      assertTrue(r.out().startsWith("Usage: loopforge"), path + " --help printed: " + r.out());
    }
  }

  private static void collect(CommandLine cl, List<String> prefix, List<List<String>> paths) {
    paths.add(prefix);
    for (var e : cl.getSubcommands().entrySet()) {
      if (e.getKey().equals("help")) {
        continue;
      }
      List<String> p = new java.util.ArrayList<>(prefix);
      p.add(e.getKey());
      collect(e.getValue(), p, paths);
    }
  }

  @Test
  void usageErrorsExitWithTwo() {
    Run none = run();
    assertEquals(2, none.code());
    assertTrue(none.err().contains("Missing command"), none.err());

    Run unknown = run("simulate", "--plant", "pendulum", "--steps", "5", "--dt", "0.1", "--out", "x.csv", "--bogus");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("Unknown option: '--bogus'"), unknown.err());

    Run missing = run("simulate", "--plant", "pendulum");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("Missing required options"), missing.err());
  }

  @Test
  void simulateWritesOneRowPerStepAndAPlot() throws IOException {
    Path csv = dir.resolve("x.csv");
    Path png = dir.resolve("x.png");
    Run r = run(
        "simulate", "--plant", "cartpole-walls", "--excitation", "prbs", "--steps", "2000", "--dt", "0.01",
        "--out", csv.toString(), "--plot", png.toString());
    assertEquals(0, r.code(), r.err());
    List<String> lines = Files.readAllLines(csv);
    assertEquals(2001, lines.size(), "header + 2000 rows");
    assertTrue(lines.get(0).startsWith("t,"), lines.get(0));
    byte[] magic = java.util.Arrays.copyOf(Files.readAllBytes(png), 8);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}, magic);
    assertTrue(r.out().contains("wrote 2000 rows"), r.out());
  }

  @Test
  void simulateIsReproducibleForASeed() throws IOException {
    Path a = dir.resolve("a.csv");
    Path b = dir.resolve("b.csv");
    for (Path p : List.of(a, b)) {
      assertEquals(0, run("simulate", "--plant", "pendulum", "--excitation", "multisine", "--steps", "300",
          "--dt", "0.02", "--seed", "5", "--out", p.toString()).code());
    }
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
  }

  @Test
  void unknownPlantIsAFailureWithTheKnownNames() {
    Run r = run("simulate", "--plant", "segway", "--steps", "10", "--dt", "0.1", "--out", dir.resolve("s.csv").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().startsWith("error: "), r.err());
    assertTrue(r.err().contains("segway") && r.err().contains("cartpole-walls"), r.err());
    assertTrue(!r.err().contains("\tat "), "no stack trace for a user mistake: " + r.err());
  }

  @Test
  void wrongInitialStateLengthIsAUsageError() {
    Run r = run("simulate", "--plant", "pendulum", "--steps", "10", "--dt", "0.1", "--x0", "1,2,3",
        "--out", dir.resolve("s.csv").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--x0 has 3 values but pendulum has 2 states"), r.err());
  }

  @Test
  void unknownExcitationNamesTheKinds() {
    Run r = run("simulate", "--plant", "pendulum", "--excitation", "noise", "--steps", "10", "--dt", "0.1",
        "--out", dir.resolve("s.csv").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("noise") && r.err().contains("multisine"), r.err());
  }

  @Test
  void plantsListsEveryPlant() {
    Run r = run("plants", "--verbose");
    assertEquals(0, r.code(), r.err());
    for (String name : List.of("mass-spring-damper", "pendulum", "cartpole", "cartpole-walls", "lorenz-control")) {
      assertTrue(r.out().contains(name + " — "), "missing " + name + " in " + r.out());
    }
  }

  @Test
  void demoWritesItsArtefactsAndNamesWhatIsNotBuilt() {
    Path out = dir.resolve("demo");
    Run r = run("demo", "--out", out.toString(), "--steps", "300");
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.exists(out.resolve("cartpole-walls-prbs.csv")));
    assertTrue(Files.exists(out.resolve("cartpole-walls-prbs.png")));
  }
}
