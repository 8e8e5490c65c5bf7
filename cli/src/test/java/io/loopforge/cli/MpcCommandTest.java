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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loopforge mpc}: closed loops with each planner, the run file, and the bad inputs. */
class MpcCommandTest {
  @TempDir static Path dir;
  static Path net;

  /** cartpole-walls written exactly as a folded ReLU network (2 ReLUs per substep), dt 0.05 s. */
  @BeforeAll
  static void exactNetwork() {
    net = dir.resolve("walls.json");
    ModelFiles.write(Model.of(CartPoleWallsNetwork.semiImplicitEuler(CartPoleWalls.withDefaults(), 0.05, 1)), net);
  }

  @Test
  void mipPlansEveryStepAndTheRunFileSaysHow() throws IOException {
    Path out = dir.resolve("mip.json");
    Path mps = dir.resolve("mps");
    Run r = run("mpc", "--model", net.toString(), "--plant", "cartpole-walls", "--planner", "mip", "--horizon", "3",
        "--steps", "6", "--x0", "0.3,0.2,0,0", "--export-mps", mps.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("0 fallbacks"), r.out());
    JsonNode run = new ObjectMapper().readTree(out.toFile());
    JsonNode mpc = run.get("mpc");
    assertEquals("mip", mpc.get("planner").asText());
    assertEquals(6, mpc.get("steps").size());
    assertEquals(3, mpc.get("problem").get("horizon").asInt());
    for (JsonNode s : mpc.get("steps")) {
      assertEquals("OPTIMAL", s.get("planner_status").asText(), s.toString());
      assertTrue(s.get("binaries_after").asInt() <= s.get("binaries_before").asInt(), s.toString());
      assertTrue(s.get("solve_ms").asDouble() > 0, s.toString());
    }
    assertEquals(6, run.get("trajectory").get("times").size(), run.get("trajectory").toString());
    try (Stream<Path> files = Files.list(mps)) {
      assertEquals(12, files.filter(f -> f.toString().matches(".*step-000[0-5]\\.(mps|json)")).count());
    }
    JsonNode step0 = new ObjectMapper().readTree(mps.resolve("step-0000.json").toFile());
    assertEquals("ojAlgo", step0.get("solver").asText());
    assertTrue(Files.readString(mps.resolve("step-0000.mps")).contains("ENDATA"));
  }

  @Test
  void samplingAndGradientPlannersRunOnTheSameModel() {
    for (String planner : new String[] {"mppi", "cem", "random", "gd"}) {
      Run r = run("mpc", "--model", net.toString(), "--plant", "cartpole-walls", "--planner", planner, "--horizon",
          "5", "--steps", "5", "--samples", "64", "--out", dir.resolve(planner + ".json").toString());
      assertEquals(0, r.code(), planner + ": " + r.err());
      assertTrue(r.out().contains("5 best_found"), planner + ": " + r.out());
    }
  }

  @Test
  void badInputsGetClearErrors() throws IOException {
    Path sindyData = dir.resolve("p.csv");
    assertEquals(0, run("simulate", "--plant", "pendulum", "--steps", "300", "--dt", "0.05", "--excitation",
        "multisine", "--x0", "1,0", "--out", sindyData.toString()).code());
    Path sindy = dir.resolve("sindy.json");
    assertEquals(0, run("identify", "sindy", "--data", sindyData.toString(), "--degree", "1", "--out",
        sindy.toString()).code());
    Run r = run("mpc", "--model", sindy.toString(), "--plant", "pendulum", "--planner", "mip", "--out",
        dir.resolve("a.json").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("the MIP planner needs a ReLU network model (a relu-network file); this is a SINDy"
        + " model"), r.err());

    r = run("mpc", "--model", net.toString(), "--plant", "pendulum", "--planner", "mppi", "--out",
        dir.resolve("b.json").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("but the plant pendulum has states [theta, omega]"), r.err());

    r = run("mpc", "--model", net.toString(), "--plant", "cartpole-walls", "--planner", "annealing", "--out",
        dir.resolve("c.json").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("unknown planner 'annealing'; known planners: mip, mppi, cem, random, gd, sindy-mpc"),
        r.err());

    r = run("mpc", "--model", net.toString(), "--plant", "cartpole-walls", "--planner", "mip", "--norm", "quadratic",
        "--out", dir.resolve("d.json").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("not reliable with quadratic objectives"), r.err());

    r = run("mpc", "--model", net.toString(), "--plant", "cartpole-walls", "--planner", "mppi", "--export-mps",
        dir.resolve("x").toString(), "--out", dir.resolve("e.json").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("the mppi planner has none"), r.err());

    r = run("mpc", "--model", net.toString(), "--plant", "cartpole-walls", "--q", "1,2", "--out",
        dir.resolve("f.json").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--q has 2 values, the model needs 4"), r.err());

    r = run("mpc", "--model", net.toString(), "--plant", "cartpole-walls");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("mpc needs --model MODEL.json, --plant NAME and --out FILE.json"), r.err());

    Path empty = Files.createDirectories(dir.resolve("no-models"));
    r = run("mpc", "benchmark", "--only", "compare", "--models", empty.toString(), "--budgets", "3");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--models: no " + empty.resolve("cartpole-walls-dense.json") + "; make the models with"
        + " 'loopforge sparsify benchmark --plants cartpole-walls --budgets 3 --models " + empty + "'"), r.err());
  }
}
