package io.loopforge.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

@org.junit.jupiter.api.extension.ExtendWith(NoLeftovers.class)
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
      assertTrue(r.out().contains("Usage: loopforge"), path + " --help printed: " + r.out());
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
    assertTrue(missing.err().contains("Missing required option: '--out=FILE.csv'"), missing.err());
    Run noSteps = run("simulate", "--plant", "pendulum", "--out", "x.csv");
    assertEquals(2, noSteps.code());
    assertTrue(noSteps.err().contains("--plant needs --steps N and --dt S"), noSteps.err());
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
  void unknownPlantIsAUsageErrorWithTheKnownNames() {
    Run r = run("simulate", "--plant", "segway", "--steps", "10", "--dt", "0.1", "--out", dir.resolve("s.csv").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("--plant: unknown plant 'segway'"), r.err());
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
  void demoRunsEveryStageOnCartpoleWallsAndItsReportRendersInABrowser() throws IOException {
    Path out = dir.resolve("demo");
    Run r = run("demo", "--quick", "--out", out.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    for (int stage = 1; stage <= 8; stage++) {
      assertTrue(r.out().contains("[" + stage + "/8] "), "stage " + stage + " missing:\n" + r.out());
    }
    for (String file : List.of("cartpole-walls-data.csv", "cartpole-walls-data.png", "cartpole_walls_sindy.json",
        "sindy-prediction.png", "cartpole_walls_dense.json", "cartpole_walls_sparse_4.json", "relu-budget.png",
        "cartpole_walls_lqr.json", "closed-loops.png", "cartpole_walls_distilled.json", "cartpole_walls_mpc.json",
        "generated/c/cartpole_walls_distilled.c", "generated/c/cartpole_walls_mpc.c",
        "cartpole_walls_distilled-mps2-an386.elf", "cartpole_walls_mpc-mps2-an386.elf",
        "hil-cartpole_walls_distilled.json", "hil-cartpole_walls_mpc.json", "report.html")) {
      assertTrue(Files.exists(out.resolve(file)), "missing " + file + "\n" + r.out());
    }
    assertFalse(r.out().toLowerCase(java.util.Locale.ROOT).contains("not built"), r.out());
    assertEquals(2, r.out().split("every input bit-exact with the Java twin; 0 transport errors", -1).length - 1,
        "both chip controllers bit-exact under QEMU:\n" + r.out());
    assertTrue(r.out().matches("(?s).*MIP-MPC +mean cost [0-9.]+; (\\d+)/\\1 plans proven optimal, 0 fallbacks.*"),
        "every MIP plan of the quick demo is proven optimal:\n" + r.out());
    assertTrue(r.out().contains("demo finished: every stage ran and every check passed."), r.out());
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String c : List.of("distilled", "mpc")) {
      var hil = mapper.readTree(out.resolve("hil-cartpole_walls_" + c + ".json").toFile());
      assertEquals(25, hil.path("steps").asInt(), hil.toString());
      assertTrue(hil.path("instructions_per_step").path("mean").asDouble() > 50, hil.toString());
    }
    String html = Files.readString(out.resolve("report.html"));
    for (String section : List.of("1. data", "2. SINDy model", "3. ReLU network and its sparsification",
        "4. host closed loops", "5. controllers for the chip", "6. firmware", "7. hardware in the loop under QEMU")) {
      assertTrue(html.contains(section), "report section " + section + " missing");
    }
    assertFalse(html.contains("<script"), "the report needs no JavaScript");
    BrowserCheck.Result browser = BrowserCheck.check(out.resolve("report.html"), Path.of("target", "report-check"));
    browser.assertClean();
    assertTrue(browser.imagesTotal() >= 7, "plots in the report: " + browser.imagesTotal());

    // every command of commands.sh (the stages again from the command line, on the demo's files) runs
    int ran = 0;
    for (String line : Files.readAllLines(out.resolve("commands.sh"))) {
      if (line.startsWith("./loopforge ")) {
        Run c = run(shellWords(line.substring("./loopforge ".length())));
        assertEquals(0, c.code(), line + "\n" + c.out() + c.err());
        ran++;
      }
    }
    assertTrue(ran >= 8, "commands in commands.sh: " + ran);
    assertTrue(Files.exists(out.resolve("again/hil-cartpole_walls_mpc.json")));
  }

  /** The words of a shell command line of plain and single-quoted words (and backslash escapes). */
  static String[] shellWords(String line) {
    List<String> words = new java.util.ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && !quoted && i + 1 < line.length()) {
        w.append(line.charAt(++i));
        any = true;
      } else if (c == '\'') {
        quoted = !quoted;
        any = true;
      } else if (c == ' ' && !quoted) {
        if (any) {
          words.add(w.toString());
        }
        w.setLength(0);
        any = false;
      } else {
        w.append(c);
        any = true;
      }
    }
    if (any) {
      words.add(w.toString());
    }
    return words.toArray(new String[0]);
  }

  @Test
  void shellWordsOfTheDemoScriptRoundTrip() {
    String odd = "/tmp/a folder/it's.json";
    assertArrayEquals(new String[] {"hil", "--out", odd}, shellWords("hil --out " + DemoCommand.shellWord(odd)));
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"pendulum", "mass-spring-damper"})
  void demoRunsOnOtherPlantsToo(String plant) {
    Path out = dir.resolve("demo-" + plant);
    Run r = run("demo", "--quick", "--plant", plant, "--out", out.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(Files.exists(out.resolve("report.html")), r.out());
    assertEquals(2, r.out().split("every input bit-exact with the Java twin", -1).length - 1, r.out());
  }

  @Test
  void lqrDesignedGeneratedBuiltAndRunInTheLoopFromTheCommandLine() throws IOException {
    Path policy = dir.resolve("lqr_pendulum.json");
    Run design = run("design", "lqr", "--plant", "pendulum", "--dt", "0.02", "--q", "10,1", "--r", "1",
        "--out", policy.toString());
    assertEquals(0, design.code(), design.err());
    assertTrue(design.out().contains("closed-loop spectral radius 0."), design.out());

    Path elf = dir.resolve("fw.elf");
    Run fw = run("firmware", "--controller", policy.toString(), "--out", elf.toString());
    assertEquals(0, fw.code(), fw.err());
    assertTrue(Files.size(elf) > 0);
    assertTrue(fw.out().contains("flash"), fw.out());

    Path json = dir.resolve("hil.json");
    Run hil = run("hil", "--firmware", elf.toString(), "--plant", "pendulum", "--steps", "300", "--dt", "0.02",
        "--x0", "2.8,0", "--twin", policy.toString(), "--out", json.toString(), "--plot", dir.resolve("hil.png").toString());
    assertEquals(0, hil.code(), hil.err());
    assertTrue(hil.out().contains("twin          bit-exact (0 mismatched steps"), hil.out());
    var metrics = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
    assertEquals(300, metrics.path("steps").asInt(), metrics.toString());
    assertTrue(Files.exists(dir.resolve("hil.png")));
  }

  @Test
  void lqrAboutANonEquilibriumIsAFailureWithTheReason() {
    Run r = run("design", "lqr", "--plant", "pendulum", "--dt", "0.02", "--x-ref", "1,0", "--out", dir.resolve("p.json").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().startsWith("error: the reference [1.0, 0.0] with input [0.0] is not an equilibrium of pendulum"), r.err());
  }

  private static final Path LORENZ = Path.of("..", "modeling", "src", "test", "resources", "fixtures", "pysindy",
      "lorenz_default");

  @Test
  void identifySindyPrintsPysindysEquationsAndWritesAModelFile() throws IOException {
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    var expected = mapper.readTree(LORENZ.resolve("expected.json").toFile());
    Path spec = dir.resolve("spec.json");
    mapper.writeValue(spec.toFile(), expected.get("spec"));
    Path model = dir.resolve("lorenz.json");
    Run r = run("identify", "sindy", "--data", LORENZ.resolve("data.csv").toString(), "--spec", spec.toString(),
        "--out", model.toString());
    assertEquals(0, r.code(), r.err());
    for (var eq : expected.get("equations")) {
      assertTrue(r.out().contains(eq.asText()), "missing " + eq.asText() + " in\n" + r.out());
    }
    var file = mapper.readTree(model.toFile());
    assertEquals("sindy", file.path("type").asText());
    assertEquals(expected.get("feature_names"), file.get("feature_names"));
  }

  @Test
  void identifySindyRefusesAnUnknownSpecKey() throws IOException {
    Path spec = dir.resolve("spec.json");
    Files.writeString(spec, "{\"library\": {\"type\": \"polynomial\", \"degre\": 3}}");
    Run r = run("identify", "sindy", "--data", LORENZ.resolve("data.csv").toString(), "--spec", spec.toString(),
        "--out", dir.resolve("m.json").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().startsWith("error: ") && r.err().contains("degre"), r.err());
  }

  @Test
  void dataWrittenBySimulateIsReadBackWithThePlantsInputs() throws IOException {
    Path csv = dir.resolve("p.csv");
    assertEquals(0, run("simulate", "--plant", "pendulum", "--excitation", "multisine", "--steps", "2000", "--dt", "0.01",
        "--x0", "2.5,0", "--out", csv.toString()).code());
    Path model = dir.resolve("m.json");
    Run r = run("identify", "sindy", "--data", csv.toString(), "--degree", "1", "--out", model.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("inputs: torque (the columns of the built-in plant pendulum"), r.out());
    assertTrue(!r.out().contains("(torque)'"), "torque is an input, not a state:\n" + r.out());
    var file = new com.fasterxml.jackson.databind.ObjectMapper().readTree(model.toFile());
    assertEquals("[\"torque\"]", file.get("input_names").toString());
  }

  @Test
  void mlpIsTrainedThenSparsifiedToABudgetFromTheCommandLine() throws IOException {
    Path csv = dir.resolve("msd.csv");
    assertEquals(0, run("simulate", "--plant", "mass-spring-damper", "--excitation", "random-steps", "--steps", "1500",
        "--dt", "0.05", "--out", csv.toString()).code());
    Path dense = dir.resolve("dense.json");
    Run train = run("identify", "mlp", "--data", csv.toString(), "--hidden", "16,16", "--residual", "--rollout", "3",
        "--epochs", "8", "--out", dense.toString());
    assertEquals(0, train.code(), train.err());
    assertTrue(train.out().contains("inputs: force (the columns of the built-in plant mass-spring-damper"), train.out());
    // 8 epochs are fewer than the patience, so the limit ends training and the user is told
    assertTrue(train.out().contains("still improving when the epoch limit ended training: more --epochs (now 8)"),
        train.out());
    Path sparse = dir.resolve("sparse.json");
    Run cut = run("sparsify", "--model", dense.toString(), "--data", csv.toString(), "--relu-budget", "4",
        "--schedule", "16,8,4", "--warmup-epochs", "1", "--gate-epochs", "1", "--fine-tune-epochs", "2",
        "--intermediate-fine-tune-epochs", "1", "--quiet",
        "--out", sparse.toString());
    assertEquals(0, cut.code(), cut.err());
    var file = new com.fasterxml.jackson.databind.ObjectMapper().readTree(sparse.toFile());
    assertEquals("relu-network", file.path("type").asText());
    assertEquals("folded", file.path("layout").asText());
    int relus = 0;
    for (var layer : file.path("relu_layers")) {
      relus += layer.path("biases").size();
    }
    assertTrue(relus > 0 && relus <= 4, "ReLUs left: " + relus + " in " + file);
    assertTrue(cut.out().matches("(?s).*after\\s+" + relus + "\\s.*"), cut.out());

    Run badAverage = run("identify", "mlp", "--data", csv.toString(), "--hidden", "4", "--averaging", "1.5",
        "--out", dir.resolve("y.json").toString());
    assertEquals(2, badAverage.code(), "a bad option value is a usage error");
    assertTrue(badAverage.err().contains("the averaging decay must be in [0, 1), got 1.5"), badAverage.err());
    assertTrue(Files.notExists(dir.resolve("y.json")));

    Run tooMany = run("sparsify", "--model", dense.toString(), "--data", csv.toString(), "--relu-budget", "40",
        "--out", dir.resolve("x.json").toString());
    assertEquals(1, tooMany.code());
    assertTrue(tooMany.err().contains("--relu-budget 40 is larger than the network in"), tooMany.err());
  }

  @Test
  void sparsifyBenchmarkWritesTablesAndModelsAndRefusesBadBudgets() throws IOException {
    Path table = dir.resolve("table.md");
    Path models = dir.resolve("models");
    Run r = run("sparsify", "benchmark", "--quick", "--out", table.toString(), "--models", models.toString());
    assertEquals(0, r.code(), r.err());
    String md = Files.readString(table);
    assertEquals(md, r.out());
    assertTrue(md.contains("| dense (32) |") && md.contains("Test set (held out)") && md.contains("Goal ("), md);
    assertTrue(r.err().contains("pendulum: gated sparsification") && r.err().contains("epoch 1/"), r.err());
    for (String f : List.of("pendulum-dense.json", "pendulum-gated-4.json", "pendulum-magnitude-8.json",
        "pendulum-small-dense-4.json")) {
      assertTrue(Files.exists(models.resolve(f)), f + " missing in " + models);
    }

    Run bad = run("sparsify", "benchmark", "--quick", "--budgets", "4,8");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--budgets must be positive and strictly decreasing, got [4, 8]"), bad.err());
    assertTrue(md.contains("moving average of its weights (decay 0.99 per minibatch)"), md);
    Run badAverage = run("sparsify", "benchmark", "--quick", "--averaging", "1");
    assertEquals(2, badAverage.code());
    assertTrue(badAverage.err().contains("--averaging: the averaging decay must be in [0, 1), got 1.0"), badAverage.err());
  }

  @Test
  void generateWritesCAndJavaAndRefusesABadModelFile() throws IOException {
    Path policy = dir.resolve("msd_lqr.json");
    assertEquals(0, run("design", "lqr", "--plant", "mass-spring-damper", "--dt", "0.01", "--out", policy.toString()).code());
    Path out = dir.resolve("gen");
    Run r = run("generate", "--model", policy.toString(), "--lang", "c,java", "--prefix", "msd", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    String header = Files.readString(out.resolve("msd.h"));
    assertTrue(header.contains("#define MSD_NX 2") && header.contains("int msd_control(const float *state"), header);
    assertTrue(Files.exists(out.resolve("msd.c")));
    try (var files = Files.walk(out)) {
      assertTrue(files.anyMatch(f -> f.getFileName().toString().equals("Msd.java")), "no Java twin under " + out);
    }

    // the C travels with its contract: firmware from the directory of previously generated code
    assertTrue(Files.readString(out.resolve("msd.contract.json")).contains("\"prefix\": \"msd\""));
    assertTrue(Files.exists(out.resolve("lf_common.h")));
    Run fw = run("firmware", "--controller", out.toString(), "--out", dir.resolve("msd.elf").toString());
    assertEquals(0, fw.code(), fw.err());
    assertTrue(fw.out().contains("(controller msd)"), fw.out());

    // a dynamics model is no controller
    Path model = dir.resolve("net.json");
    Files.writeString(model, "{\"format\": \"loopforge-model/1\", \"type\": \"relu-network\", \"state_names\":"
        + " [\"x\"], \"input_names\": [\"u\"], \"dt\": 0.1, \"discrete_time\": true, \"residual\": false,"
        + " \"layout\": \"mlp\", \"layers\": [{\"inputs\": 2, \"outputs\": 1, \"weights\": [1, 0.5],"
        + " \"biases\": [0]}]}");
    Run notController = run("firmware", "--controller", model.toString(), "--out", dir.resolve("net.elf").toString());
    assertEquals(1, notController.code());
    assertTrue(notController.err().contains("model file " + model + " holds a ReLU network, not a controller"),
        notController.err());

    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, Files.readString(policy).replace("\"policy\"", "\"polcy\""));
    Run bad = run("generate", "--model", broken.toString(), "--lang", "c", "--out", out.toString());
    assertEquals(1, bad.code());
    assertTrue(bad.err().startsWith("error: ") && bad.err().contains("broken.json") && bad.err().contains("polcy"), bad.err());
  }
}
