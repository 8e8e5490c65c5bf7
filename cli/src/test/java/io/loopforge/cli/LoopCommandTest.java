package io.loopforge.cli;

import static io.loopforge.cli.LoopforgeTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loopforge.cli.LoopforgeTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.extension.ExtendWith(NoLeftovers.class)
class LoopCommandTest {
  @TempDir Path dir;

  /** u = sat(1 − (20 (p − p_ref) + 6 (v − v_ref))), for mass-spring-damper unless the names say otherwise. */
  private Path policy(String file, String states, String inputs, String gain, double uRef) throws IOException {
    Path p = dir.resolve(file);
    Files.writeString(p, "{\"format\": \"loopforge-model/1\", \"type\": \"policy\", \"policy\": \"affine\",\n"
        + " \"state_names\": [" + states + "], \"input_names\": [" + inputs + "], \"dt\": 0.01,\n"
        + " \"gain\": [[" + gain + "]], \"input_reference\": [" + uRef + "],\n"
        + " \"input_bounds\": {\"lower\": [-10], \"upper\": [10]}}\n");
    return p;
  }

  private Path msdPolicy() throws IOException {
    return policy("msd.json", "\"position\", \"velocity\"", "\"force\"", "20, 6", 1.0);
  }

  @Test
  void runsAPolicyOnAPlantAndWritesTheRunAndAPlot() throws IOException {
    Path json = dir.resolve("out/run.json");
    Path png = dir.resolve("out/run.png");
    Run r = run("loop", "--plant", "mass-spring-damper", "--controller", msdPolicy().toString(), "--steps", "400",
        "--noise", "0.001,0.002", "--disturbance", "0.1", "--seed", "3", "--out", json.toString(), "--plot",
        png.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode n = new ObjectMapper().readTree(json.toFile());
    assertEquals("loopforge-loop/1", n.get("format").asText());
    assertEquals(400, n.get("trajectory").get("states").size());
    assertEquals(3, n.get("seed").asLong());
    String[] lines = r.out().split("\n");
    assertEquals("loop: " + dir.resolve("msd.json") + " on mass-spring-damper, dt 0.01 s, seed 3", lines[0]);
    assertEquals("  steps         400 of 400 (completed: ran all 400 steps)", lines[1]);
    assertEquals(String.format(Locale.ROOT, "  total cost    %.6g (sum_k (|x_k - r_k|^2 + |u_k - u_ref|^2) * dt,"
        + " u_ref = [1.0])", n.get("total_cost").doubleValue()), lines[2]);
    assertTrue(lines[3].startsWith("  final state   [0.5"), lines[3]);
    assertTrue(lines[3].endsWith("(reference [0.5, 0])"), lines[3]);
    assertTrue(lines[4].matches("  controller    median \\S+ µs, p95 \\S+ µs, max \\S+ µs per call"), lines[4]);
    assertTrue(lines[5].startsWith("  violations    " + n.get("violations").get("input_saturations").asInt()
        + " inputs at a bound (0 past it), 0 states outside the operating region"), lines[5]);
    assertEquals("  wrote " + json, lines[6]);
    assertEquals("  wrote " + png, lines[7]);
    byte[] magic = Arrays.copyOf(Files.readAllBytes(png), 8);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}, magic);

    // The same seed gives the same run; another seed another.
    Path again = dir.resolve("again.json");
    Path other = dir.resolve("other.json");
    for (String[] a : new String[][] {{"3", again.toString()}, {"4", other.toString()}}) {
      assertEquals(0, run("loop", "--plant", "mass-spring-damper", "--controller", dir.resolve("msd.json").toString(),
          "--steps", "400", "--noise", "0.001,0.002", "--disturbance", "0.1", "--seed", a[0], "--out", a[1]).code());
    }
    ObjectMapper m = new ObjectMapper();
    assertEquals(n.get("trajectory"), m.readTree(again.toFile()).get("trajectory"));
    assertNotEquals(n.get("trajectory"), m.readTree(other.toFile()).get("trajectory"));
  }

  @Test
  void aRunThatLeavesTheOperatingRegionStopsAndSaysWhere() throws IOException {
    Path idle = policy("idle.json", "\"cart_position\", \"pole_angle\", \"cart_velocity\", \"pole_angular_velocity\"",
        "\"force\"", "0, 0, 0, 0", 0.0);
    Run r = run("loop", "--plant", "cartpole", "--controller", idle.toString(), "--steps", "500",
        "--out", dir.resolve("run.json").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().matches("(?s).*  steps         \\d+ of 500 \\(left region: after step \\d+ \\(t = [0-9.]+ s\\)"
        + " the state left the operating region: pole_angle = [0-9.]+ is above 1.0\\).*"), r.out());
    assertTrue(r.out().contains(", 1 state outside the operating region"), r.out());

    Run all = run("loop", "--plant", "cartpole", "--controller", idle.toString(), "--steps", "100", "--no-stop",
        "--out", dir.resolve("all.json").toString());
    assertEquals(0, all.code(), all.err());
    assertTrue(all.out().contains("  steps         100 of 100 (completed: ran all 100 steps)"), all.out());
  }

  @Test
  void aPolicyWhoseNamesDoNotMatchThePlantIsRefusedNamingBothLists() throws IOException {
    Path p = policy("pv.json", "\"p\", \"v\"", "\"f\"", "20, 6", 1.0);
    Run r = run("loop", "--plant", "mass-spring-damper", "--controller", p.toString(), "--steps", "10",
        "--out", dir.resolve("run.json").toString());
    assertEquals(1, r.code());
    assertEquals("error: closed loop of plant mass-spring-damper: controller " + p + "'s state names [p, v] differ"
        + " from mass-spring-damper's [position, velocity] and its input names [f] differ from mass-spring-damper's"
        + " [force]; it was made for another system (or names its variables differently): use a controller made for"
        + " mass-spring-damper\n", r.err());
    assertFalse(Files.exists(dir.resolve("run.json")));
  }

  @Test
  void aPolicyForAnotherPlantIsRefusedWithBothDimensions() throws IOException {
    Path p = policy("cartpole.json", "\"cart_position\", \"pole_angle\", \"cart_velocity\", \"pole_angular_velocity\"",
        "\"force\"", "1, 2, 3, 4", 0.0);
    Run r = run("loop", "--plant", "mass-spring-damper", "--controller", p.toString(), "--steps", "10",
        "--reference", "1,2,3,4", "--out", dir.resolve("run.json").toString());
    assertEquals(1, r.code());
    assertEquals("error: closed loop of plant mass-spring-damper: controller " + p + " has 4 states [cart_position,"
        + " pole_angle, cart_velocity, pole_angular_velocity] and 1 input [force], mass-spring-damper has 2 states"
        + " [position, velocity] and 1 input [force]; use a controller made for mass-spring-damper\n", r.err());
  }

  @Test
  void wrongLengthsAreUsageErrors() throws IOException {
    String policy = msdPolicy().toString();
    String out = dir.resolve("run.json").toString();
    Run x0 = run("loop", "--plant", "mass-spring-damper", "--controller", policy, "--steps", "10", "--x0", "1,2,3",
        "--out", out);
    assertEquals(2, x0.code());
    assertEquals("--x0 has 3 values but mass-spring-damper has 2 states (position, velocity)", firstLine(x0.err()));

    Run noise = run("loop", "--plant", "mass-spring-damper", "--controller", policy, "--steps", "10", "--noise", "0.1",
        "--out", out);
    assertEquals(2, noise.code());
    assertEquals("--noise has 1 values but mass-spring-damper has 2 states (position, velocity)",
        firstLine(noise.err()));

    Run reference = run("loop", "--plant", "mass-spring-damper", "--controller", policy, "--steps", "10",
        "--reference", "0.5", "--out", out);
    assertEquals(2, reference.code());
    assertEquals("--reference has 1 values but the controller's reference has 2 values (position_ref, velocity_ref)",
        firstLine(reference.err()));

    Run steps = run("loop", "--plant", "mass-spring-damper", "--controller", policy, "--steps", "0", "--out", out);
    assertEquals(2, steps.code());
    assertEquals("--steps must be at least 1, got 0", firstLine(steps.err()));
  }

  @Test
  void anUnknownPlantIsAUsageErrorWithTheKnownNames() throws IOException {
    Run r = run("loop", "--plant", "segway", "--controller", msdPolicy().toString(), "--steps", "10",
        "--out", dir.resolve("run.json").toString());
    assertEquals(2, r.code());
    assertEquals("--plant: unknown plant 'segway'; known plants: mass-spring-damper, pendulum, cartpole, cartpole-walls,"
        + " lorenz-control", firstLine(r.err()));
  }

  @Test
  void theOutputMayNeitherBeThePlotNorTheControllerFile() throws IOException {
    Path policy = msdPolicy();
    Files.createDirectories(dir.resolve("sub"));
    String sameAsPolicy = dir.resolve("sub/../msd.json").toString();
    Run overwrite = run("loop", "--plant", "mass-spring-damper", "--controller", policy.toString(), "--steps", "10",
        "--out", sameAsPolicy);
    assertEquals(2, overwrite.code());
    assertEquals("the output " + sameAsPolicy + " is the same file as " + policy + "; writing it would destroy that"
        + " file: choose another output path", firstLine(overwrite.err()));
    assertTrue(Files.readString(policy).contains("\"gain\""), "the policy file is untouched");

    Files.createSymbolicLink(dir.resolve("link"), dir.resolve("sub"));
    Run samePlot = run("loop", "--plant", "mass-spring-damper", "--controller", policy.toString(), "--steps", "10",
        "--out", dir.resolve("sub/run.out").toString(), "--plot", dir.resolve("link/run.out").toString());
    assertEquals(2, samePlot.code());
    assertEquals("the output " + dir.resolve("sub/run.out") + " is the same file as " + dir.resolve("link/run.out")
        + "; writing it would destroy that file: choose another output path", firstLine(samePlot.err()));
  }

  @Test
  void helpHasAnExample() {
    Run r = run("loop", "--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("Example:\n  loopforge design lqr --plant pendulum"), r.out());
  }

  private static String firstLine(String s) {
    return s.split("\n", 2)[0];
  }
}
