package io.loopforge.cli;

import static io.loopforge.cli.LoopforgeTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loopforge.cli.LoopforgeTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code design mpc}: the on-device MPC file, and what generate and loop make of it; bad settings refused. */
@org.junit.jupiter.api.extension.ExtendWith(NoLeftovers.class)
class DesignMpcCommandTest {
  @TempDir static Path dir;
  static Path sindy;

  @BeforeAll
  static void pendulumModel() throws IOException {
    Path train = dir.resolve("train.csv");
    sindy = dir.resolve("sindy.json");
    assertEquals(0, run("simulate", "--plant", "pendulum", "--excitation", "multisine", "--steps", "2000", "--dt",
        "0.02", "--x0", "2.5,0", "--out", train.toString()).code());
    Path spec = dir.resolve("spec.json");
    Files.writeString(spec, "{\"library\": {\"type\": \"concat\", \"parts\": [{\"type\": \"polynomial\", \"degree\": 1},"
        + " {\"type\": \"fourier\"}]}, \"optimizer\": {\"type\": \"stlsq\", \"threshold\": 0.05, \"alpha\": 0}}");
    Run fit = run("identify", "sindy", "--data", train.toString(), "--spec", spec.toString(), "--out", sindy.toString());
    assertEquals(0, fit.code(), fit.err());
  }

  @Test
  void designedMpcIsGeneratedAndClosesTheLoop() throws IOException {
    Path mpc = dir.resolve("mpc.json");
    Run r = run("design", "mpc", "--model", sindy.toString(), "--plant", "pendulum", "--horizon", "10", "--iterations",
        "3", "--q", "10,1", "--r", "0.01", "--x-ref", "0,0", "--out", mpc.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("horizon 10 x 0.02 s, at most 3 Gauss-Newton iteration(s)"), r.out());
    JsonNode file = new ObjectMapper().readTree(mpc.toFile());
    assertEquals("mpc", file.get("type").asText());
    assertEquals("sindy", file.get("model").get("type").asText());
    assertEquals(3.0, file.get("input_bounds").get("upper").get(0).asDouble(), 0.0);

    Path gen = dir.resolve("gen");
    r = run("generate", "--model", mpc.toString(), "--lang", "c,java", "--out", gen.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.readString(gen.resolve("mpc.h")).contains("} mpc_workspace;"));
    assertTrue(Files.readString(gen.resolve("mpc.contract.json")).contains("\"stateful\": true"));

    Path out = dir.resolve("run.json");
    r = run("loop", "--plant", "pendulum", "--controller", mpc.toString(), "--steps", "150", "--x0", "0.8,0",
        "--reference", "0,0", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode run = new ObjectMapper().readTree(out.toFile());
    JsonNode states = run.get("trajectory").get("states");
    JsonNode last = states.get(states.size() - 1);
    assertEquals(0, last.get(0).asDouble(), 0.02, "theta at the end");
  }

  @Test
  void hilReportsTheSolverStatusPerStep() throws IOException {
    Path mpc = dir.resolve("hil_mpc.json");
    Run r = run("design", "mpc", "--model", sindy.toString(), "--plant", "pendulum", "--horizon", "10", "--iterations",
        "3", "--q", "10,1", "--r", "0.01", "--x-ref", "0,0", "--out", mpc.toString());
    assertEquals(0, r.code(), r.err());
    Path elf = dir.resolve("hil_mpc.elf");
    r = run("firmware", "--controller", mpc.toString(), "--out", elf.toString());
    assertEquals(0, r.code(), r.err());
    Path json = dir.resolve("hil_mpc-hil.json");
    r = run("hil", "--firmware", elf.toString(), "--plant", "pendulum", "--steps", "100", "--dt", "0.02", "--x0",
        "0.8,0", "--reference", "0,0", "--twin", mpc.toString(), "--out", json.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode counts = new ObjectMapper().readTree(json.toFile()).get("solver_status");
    int converged = counts.get("CONVERGED").asInt();
    int limit = counts.get("ITERATION_LIMIT").asInt();
    assertEquals(100, converged + limit + counts.get("FAILED").asInt(), counts.toString());
    assertTrue(r.out().contains("  solver        CONVERGED " + converged + ", ITERATION_LIMIT " + limit + ", FAILED 0"
        + " (steps per status)\n"), r.out());
    assertTrue(r.out().contains("twin          bit-exact (0 mismatched steps, max |u_firmware - u_twin| = 0.00, 0 with"
        + " another solver status)"), r.out());
    JsonNode perStep = new ObjectMapper().readTree(json.toFile()).get("trajectory").get("solver_status");
    assertEquals(100, perStep.size());
  }

  @Test
  void badSettingsAreUsageErrors() {
    assertUsage("--horizon must be at least 1 step, got 0", "--horizon", "0", "--iterations", "2");
    assertUsage("--iterations must be at least 1, got -1", "--horizon", "10", "--iterations", "-1");
    assertUsage("the state weights (q) must be finite and >= 0, got -1.0 for theta", "--horizon", "10", "--iterations",
        "2", "--q", "-1,1");
    assertUsage("the input weights (r) must be finite and >= 0, got NaN for torque", "--horizon", "10", "--iterations",
        "2", "--r", "NaN");
    assertUsage("the input-rate weights (r-rate) must be finite and >= 0, got Infinity for torque", "--horizon", "10",
        "--iterations", "2", "--r-rate", "Infinity");
  }

  @Test
  void aPlantWithOtherNamesAndAModelThatIsNoModelAreRefused() {
    Path out = dir.resolve("bad.json");
    Run r = run("design", "mpc", "--model", sindy.toString(), "--plant", "cartpole", "--horizon", "10", "--iterations",
        "2", "--out", out.toString());
    assertEquals(1, r.code());
    assertEquals("error: the model " + sindy + " has states [theta, omega] and inputs [torque], the plant cartpole has"
        + " [cart_position, pole_angle, cart_velocity, pole_angular_velocity] and [force]: give the plant the model was"
        + " learned on, or leave --plant out and give --u-min and --u-max", r.err().trim());
    Path lqr = dir.resolve("lqr.json");
    assertEquals(0, run("design", "lqr", "--plant", "pendulum", "--dt", "0.02", "--out", lqr.toString()).code());
    r = run("design", "mpc", "--model", lqr.toString(), "--plant", "pendulum", "--horizon", "10", "--iterations", "2",
        "--out", out.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("design mpc --model needs a model of the dynamics"), r.err());
    r = run("design", "mpc", "--model", sindy.toString(), "--horizon", "10", "--iterations", "2", "--out",
        out.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("the MPC needs input bounds: give --plant, or --u-min and --u-max"), r.err());
    assertFalse(Files.exists(out));
  }

  private static void assertUsage(String message, String... settings) {
    Path out = dir.resolve("usage.json");
    String[] args = new String[8 + settings.length];
    String[] head = {"design", "mpc", "--model", sindy.toString(), "--plant", "pendulum", "--out", out.toString()};
    System.arraycopy(head, 0, args, 0, head.length);
    System.arraycopy(settings, 0, args, head.length, settings.length);
    Run r = run(args);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(message), r.err());
    assertFalse(r.err().contains("at io.loopforge"), r.err());
    assertFalse(Files.exists(out));
  }
}
