package io.loopforge.cli;

import static io.loopforge.cli.LoopforgeTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loopforge.cli.LoopforgeTest.Run;
import io.loopforge.modeling.plant.CartPoleWalls;
import io.loopforge.modeling.plant.CartPoleWallsNetwork;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.modeling.policy.Policy;
import io.loopforge.modeling.registry.ModelKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loopforge distill}: the files it writes, a resumed run, and the bad inputs. */
class DistillCommandTest {
  @TempDir static Path dir;
  static Path spec;

  @BeforeAll
  static void mpcSpec() throws IOException {
    ModelFiles.write(Model.of(CartPoleWallsNetwork.semiImplicitEuler(CartPoleWalls.withDefaults(), 0.05, 1)),
        dir.resolve("walls.json"));
    spec = dir.resolve("mpc.json");
    Files.writeString(spec, "{\"model\": \"walls.json\", \"horizon\": 3, \"q\": [1, 1, 0.1, 0.1], \"r\": [0.01]}");
  }

  private static String[] distill(Path out, String... more) {
    String[] base = {"distill", "--mpc", spec.toString(), "--plant", "cartpole-walls", "--samples", "40",
        "--chunk-size", "10", "--threads", "2", "--epochs", "40", "--hidden", "8", "--degree", "1", "--region", "0.3",
        "--out", out.toString()};
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void writesAPolicyThatLoopAndGenerateTakeAndResumesFromItsChunks() throws IOException {
    Path out = dir.resolve("out");
    Run r = run(distill(out));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("40 proven optimal train, 0 left out"), r.out());
    assertTrue(r.err().contains("solving samples: 40 states"), r.err());
    assertTrue(r.err().contains("40/40 solves"), r.err());
    Path policy = out.resolve("relu-policy.json");
    assertEquals(ModelKind.NETWORK_POLICY, ModelFiles.read(policy).kind());
    Path polynomial = out.resolve("polynomial-policy.json");
    assertEquals(ModelKind.POLYNOMIAL_POLICY, ModelFiles.read(polynomial).kind());
    assertTrue(r.out().contains("                force = "), r.out());
    JsonNode summary = new ObjectMapper().readTree(out.resolve("distill.json").toFile());
    assertEquals(40, summary.get("solves").asInt());
    assertEquals(40, summary.get("statuses").get("OPTIMAL").asInt());
    for (int c = 0; c < 4; c++) {
      assertTrue(Files.isRegularFile(out.resolve("solves/samples/chunk-0000" + c + ".csv")));
    }

    Run loop = run("loop", "--plant", "cartpole-walls", "--controller", policy.toString(), "--steps", "5", "--x0",
        "0.1,0.05,0,0", "--out", dir.resolve("loop.json").toString());
    assertEquals(0, loop.code(), loop.err());
    Run gen = run("generate", "--model", policy.toString(), "--lang", "c,java", "--prefix", "walls_policy", "--out",
        dir.resolve("gen").toString());
    assertEquals(0, gen.code(), gen.err());
    assertTrue(Files.isRegularFile(dir.resolve("gen/walls_policy.c")));
    Run polyLoop = run("loop", "--plant", "cartpole-walls", "--controller", polynomial.toString(), "--steps", "5",
        "--x0", "0.1,0.05,0,0", "--out", dir.resolve("poly-loop.json").toString());
    assertEquals(0, polyLoop.code(), polyLoop.err());
    Run polyGen = run("generate", "--model", polynomial.toString(), "--lang", "c,java", "--prefix", "walls_poly",
        "--out", dir.resolve("gen").toString());
    assertEquals(0, polyGen.code(), polyGen.err());
    assertTrue(Files.isRegularFile(dir.resolve("gen/walls_poly.c")));

    // a rerun finds every chunk on disk: nothing is solved again, the policy is the same
    FileTime before = Files.getLastModifiedTime(out.resolve("solves/samples/chunk-00002.csv"));
    Files.delete(out.resolve("solves/samples/chunk-00003.csv"));
    String first = Files.readString(policy);
    Run again = run(distill(out));
    assertEquals(0, again.code(), again.err());
    assertTrue(again.err().contains("  30/40 solves, 0.0/s, ? left"), again.err());
    assertEquals(before, Files.getLastModifiedTime(out.resolve("solves/samples/chunk-00002.csv")));
    assertEquals(first, Files.readString(policy));
  }

  @Test
  void aDistillKilledHalfwaySolvesOnlyTheMissingChunksWhenRunAgain() throws Exception {
    Path out = dir.resolve("killed");
    String[] args = {"distill", "--mpc", spec.toString(), "--plant", "cartpole-walls", "--samples", "1000",
        "--chunk-size", "10", "--threads", "1", "--epochs", "5", "--hidden", "4", "--degree", "1", "--region", "0.3",
        "--out", out.toString()};
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
        Loopforge.class.getName()));
    cmd.addAll(List.of(args));
    Path samples = out.resolve("solves/samples");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile())
        .start();
    try {
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (chunks(samples).size() < 5) {
        assertTrue(p.isAlive(), "the distillation ended before it could be killed: "
            + Files.readString(dir.resolve("killed.log")));
        assertTrue(System.nanoTime() < deadline, "no 5 chunks in 2 minutes");
        Thread.sleep(20);
      }
    } finally {
      p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block of the job runs
      p.waitFor();
    }
    List<Path> before = chunks(samples);
    assertTrue(before.size() >= 5 && before.size() < 100, before.size() + " chunks on disk");
    Map<Path, FileTime> times = new HashMap<>();
    for (Path c : before) {
      times.put(c, Files.getLastModifiedTime(c));
    }

    Run again = run(args);
    assertEquals(0, again.code(), again.err());
    // the chunks on disk count as done from the first progress line and are not solved again
    assertTrue(again.err().contains("  " + 10 * before.size() + "/1000 solves, 0.0/s, ? left"), again.err());
    for (Path c : before) {
      assertEquals(times.get(c), Files.getLastModifiedTime(c), c.toString());
    }
    assertEquals(100, chunks(samples).size());
    JsonNode summary = new ObjectMapper().readTree(out.resolve("distill.json").toFile());
    assertEquals(1000, summary.get("solves").asInt());
  }

  /** The chunk files in a batch's folder, sorted. */
  private static List<Path> chunks(Path batch) throws IOException {
    if (!Files.isDirectory(batch)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(batch)) {
      return files.filter(f -> f.getFileName().toString().matches("chunk-\\d{5}\\.csv")).sorted().toList();
    }
  }

  @Test
  void aSampleRegionOutsideTheOperatingRegionIsAUsageError() {
    Run r = run(distill(dir.resolve("wide"), "--region-lower", "-2,-0.1,-1,-1", "--region-upper", "0.5,0.1,1,1"));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("the sample region: the sample region's range of cart_position, [-2.0, 0.5], leaves"
        + " plant cartpole-walls's operating region [-1.0, 1.0]"), r.err());
    assertTrue(!Files.exists(dir.resolve("wide/solves")));
  }

  @Test
  void daggerRoundsVisitTheClosedLoopsOfThePoliciesChosen() throws IOException {
    // 2 closed loops of 4 steps per policy: 8 DAgger states with one policy, 16 with both (the default)
    Run both = run(distill(dir.resolve("dagger-both"), "--dagger", "1", "--dagger-episodes", "2", "--dagger-steps",
        "4"));
    assertEquals(0, both.code(), both.err());
    assertTrue(both.err().contains("solving dagger-1: 16 states"), both.err());
    Run relu = run(distill(dir.resolve("dagger-relu"), "--dagger", "1", "--dagger-episodes", "2", "--dagger-steps",
        "4", "--dagger-with", "relu"));
    assertEquals(0, relu.code(), relu.err());
    assertTrue(relu.err().contains("solving dagger-1: 8 states"), relu.err());
    assertEquals(48, new ObjectMapper().readTree(dir.resolve("dagger-relu/distill.json").toFile()).get("solves")
        .asInt());
    Run bad = run(distill(dir.resolve("dagger-bad"), "--dagger", "1", "--dagger-with", "mpc"));
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().contains("--dagger-with must be relu, polynomial or both, got mpc"), bad.err());
    assertTrue(!Files.exists(dir.resolve("dagger-bad")));
  }

  @Test
  void setPointsDrawnFromAReferenceBoxTeachThePoliciesToTrackThem() throws IOException {
    Path out = dir.resolve("references");
    Run r = run(distill(out, "--reference-lower", "-0.2,0,0,0", "--reference-upper", "0.2,0,0,0", "--dagger", "1",
        "--dagger-episodes", "2", "--dagger-steps", "4"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("set-points in SampleRegion[[-0.2, 0.0, 0.0, 0.0] … [0.2, 0.0, 0.0, 0.0]]"), r.out());
    // every solve's cart position set-point is in the box and they differ; the other components stay 0
    List<String> rows = new ArrayList<>();
    for (String batch : List.of("samples", "dagger-1")) {
      for (Path c : chunks(out.resolve("solves").resolve(batch))) {
        rows.addAll(Files.readAllLines(c).subList(1, Files.readAllLines(c).size()));
      }
    }
    assertEquals(56, rows.size()); // 40 samples, 2 loops of 4 steps for each of the two policies
    java.util.Set<Double> setPoints = new java.util.HashSet<>();
    for (String row : rows) {
      String[] f = row.split(",");
      double ref = Double.parseDouble(f[5]);
      assertTrue(ref >= -0.2 && ref <= 0.2, row);
      assertEquals("0.0,0.0,0.0", f[6] + "," + f[7] + "," + f[8], row);
      setPoints.add(ref);
    }
    assertEquals(2 + 40, setPoints.size(), "one set-point per sample and per DAgger loop");
    // the polynomial's library has the varying set-point, and the policy answers to it
    Policy poly = (Policy) ModelFiles.read(out.resolve("polynomial-policy.json")).model().value();
    double[] x = {0, 0.05, 0, 0};
    double left = poly.control(x, new double[] {-0.2, 0, 0, 0})[0];
    double right = poly.control(x, new double[] {0.2, 0, 0, 0})[0];
    assertTrue(Math.abs(left - right) > 0.1, left + " and " + right);

    Run half = run(distill(dir.resolve("references-half"), "--reference-lower", "-0.2,0,0,0"));
    assertEquals(2, half.code(), half.err());
    assertTrue(half.err().contains("--reference-lower and --reference-upper go together"), half.err());
    Run outside = run(distill(dir.resolve("references-outside"), "--reference-lower", "-3,0,0,0",
        "--reference-upper", "0.2,0,0,0"));
    assertEquals(2, outside.code(), outside.err());
    assertTrue(outside.err().contains("the reference box: the sample region's range of cart_position, [-3.0, 0.2],"
        + " leaves plant cartpole-walls's operating region [-1.0, 1.0]"), outside.err());
    assertTrue(!Files.exists(dir.resolve("references-outside/solves")));
  }

  @Test
  void theSparkEngineIsNotInTheCommandLinesJar() {
    Run r = run(distill(dir.resolve("spark"), "--engine", "spark"));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--engine spark: this command line has the local engine only"), r.err());
  }

  @Test
  void aBadSpecIsAFailureNamingTheKey() throws IOException {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"model\": \"walls.json\", \"horizn\": 3}");
    Run r = run("distill", "--mpc", bad.toString(), "--plant", "cartpole-walls", "--samples", "4", "--out",
        dir.resolve("bad").toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().startsWith("error: " + bad + ": unknown key 'horizn'"), r.err());
  }

  @Test
  void anOutputFolderWithOtherFilesIsRefused() throws IOException {
    Path other = dir.resolve("other");
    Files.createDirectories(other);
    Files.writeString(other.resolve("notes.txt"), "mine");
    Run r = run(distill(other));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("is a folder with other files in it"), r.err());
  }
}
