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
  void anLqrTailSettlesTheCartPoleWhereTheShortL1PlanCoasts() throws IOException {
    double[] cost = new double[2];
    double[] last = new double[2];
    for (int k = 0; k < 2; k++) {
      Path out = dir.resolve("tail-" + k + ".json");
      String[] base = {"mpc", "--model", net.toString(), "--plant", "cartpole-walls", "--planner", "mip", "--horizon",
          "5", "--steps", "60", "--x0", "0.05,0.12,0.47,-0.06", "--q", "1,1,0.1,0.1", "--out", out.toString()};
      Run r = k == 0 ? run(base) : run(Stream.concat(Stream.of(base), Stream.of("--lqr-tail")).toArray(String[]::new));
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("0 fallbacks"), r.out());
      JsonNode run = new ObjectMapper().readTree(out.toFile());
      // the problem's own L1 stage cost on the plant's states, summed
      double[] q = {1, 1, 0.1, 0.1};
      JsonNode states = run.get("trajectory").get("states");
      JsonNode inputs = run.get("trajectory").get("inputs");
      for (int t = 0; t < states.size(); t++) {
        for (int i = 0; i < 4; i++) {
          cost[k] += q[i] * Math.abs(states.get(t).get(i).asDouble());
        }
        cost[k] += 0.01 * Math.abs(inputs.get(t).get(0).asDouble());
      }
      for (JsonNode v : run.get("final_state")) {
        last[k] = Math.max(last[k], Math.abs(v.asDouble()));
      }
      JsonNode problem = run.get("mpc").get("problem");
      if (k == 1) {
        assertEquals("lqr-tail", problem.get("terminal_cost").asText());
        assertTrue(problem.get("terminal_matrix").size() >= 10, problem.toString());
        assertEquals(4, problem.get("terminal_matrix").get(0).size());
      } else {
        assertEquals(4, problem.get("terminal_weights").size());
      }
    }
    // the same 60 steps cost less and end nearer the set-point with the tail
    assertTrue(cost[1] < 0.8 * cost[0], "with the tail " + cost[1] + ", without " + cost[0]);
    assertTrue(last[1] < 0.05 && last[1] < last[0], "largest final |state| with the tail " + last[1] + ", without "
        + last[0]);

    String[] bad = {"mpc", "--model", net.toString(), "--plant", "cartpole-walls", "--lqr-tail", "--out",
        dir.resolve("bad.json").toString()};
    Run r = run(Stream.concat(Stream.of(bad), Stream.of("--terminal", "1,1,1,1")).toArray(String[]::new));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--lqr-tail and --terminal both set the terminal cost; give one of them"), r.err());
    r = run(Stream.concat(Stream.of(bad), Stream.of("--norm", "linf")).toArray(String[]::new));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--lqr-tail is an L1 cost; it needs --norm l1, got linf"), r.err());
    r = run(Stream.concat(Stream.of(bad), Stream.of("--planner", "sindy-mpc")).toArray(String[]::new));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("sindy-mpc takes diagonal --terminal weights"), r.err());
    r = run(Stream.concat(Stream.of(bad), Stream.of("--r", "0")).toArray(String[]::new));
    assertEquals(1, r.code());
    assertTrue(r.err().contains("error: the input weights must be finite and positive, got [0.0]"), r.err());
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

    // before any study runs: the mip study would take minutes
    r = run("mpc", "benchmark", "--mip-time-limit", "0");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--mip-time-limit must be at least 1 ms, got 0"), r.err());
    r = run("mpc", "benchmark", "--terminal-factor", "-1");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--terminal-factor must be a finite number >= 0, got -1.0"), r.err());

    Path empty = Files.createDirectories(dir.resolve("no-models"));
    r = run("mpc", "benchmark", "--only", "compare", "--models", empty.toString(), "--budgets", "3");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--models: no " + empty.resolve("cartpole-walls-dense.json") + "; make the models with"
        + " 'loopforge sparsify benchmark --plants cartpole-walls --budgets 3 --models " + empty + "'"), r.err());
  }
}
