package io.loopforge.modeling.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.plant.CartPole;
import io.loopforge.modeling.plant.MassSpringDamper;
import io.loopforge.modeling.policy.AffinePolicy;
import io.loopforge.modeling.policy.InputBounds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClosedLoopResultTest {
  @TempDir Path dir;

  private static ClosedLoopResult noisyMsdRun() {
    MassSpringDamper msd = MassSpringDamper.withDefaults();
    AffinePolicy policy = AffinePolicy.builder(msd.stateNames(), msd.inputNames(), 0.01)
        .gain(new double[][] {{20, 6}}).inputReference(new double[] {1.0}).build();
    return ClosedLoop.builder(msd, policy).steps(120).measurementNoise(1e-3, 2e-3).inputDisturbance(0.1).seed(11)
        .build().run();
  }

  @Test
  void jsonHoldsTheTrajectoryAndEveryNumberReadsBackExactly() throws IOException {
    ClosedLoopResult r = noisyMsdRun();
    Path file = dir.resolve("runs/run.json");
    r.writeJson(file);
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertEquals(List.of(file), files.toList(), "no temporary file left behind");
    }
    JsonNode n = new ObjectMapper().readTree(file.toFile());

    assertEquals(List.of("format", "system", "controller", "state_names", "input_names", "reference_names", "dt_s",
        "steps_requested", "steps", "stop_reason", "stop_detail", "total_cost", "cost_definition",
        "controller_time_s", "violations", "seed", "measurement_noise_std", "input_disturbance_std", "input_lower",
        "input_upper", "region_lower", "region_upper", "stop_outside_region", "initial_state", "final_state",
        "trajectory"), names(n));
    assertEquals("loopforge-loop/1", n.get("format").asText());
    assertEquals("plant", n.get("system").get("kind").asText());
    assertEquals("mass-spring-damper", n.get("system").get("name").asText());
    assertEquals("PlantSimulator[DORMAND_PRINCE_54, rtol=1.0E-9, atol=1.0E-9]", n.get("system").get("integrator").asText());
    assertEquals(120, n.get("steps").asInt());
    assertEquals("completed", n.get("stop_reason").asText());
    assertEquals(r.totalCost(), n.get("total_cost").doubleValue(), 0.0);
    assertEquals(11, n.get("seed").asLong());
    assertEquals(-10.0, n.get("input_lower").get(0).doubleValue(), 0.0);
    assertTrue(n.get("region_lower").get(0).isNull(), "an unbounded region is written as null");
    assertEquals(r.controllerTiming().p95Seconds(), n.get("controller_time_s").get("p95").doubleValue(), 0.0);
    assertEquals(r.violations().inputSaturations(), n.get("violations").get("input_saturations").asInt());

    JsonNode t = n.get("trajectory");
    assertEquals(List.of("times", "states", "inputs", "raw_inputs", "references", "stage_costs", "measurements",
        "disturbances"), names(t));
    assertRows(new double[][] {r.trajectory().times()}, new JsonNode[] {t.get("times")});
    assertRows(r.trajectory().states(), t.get("states"));
    assertRows(r.trajectory().inputs(), t.get("inputs"));
    assertRows(r.rawInputs(), t.get("raw_inputs"));
    assertRows(r.references(), t.get("references"));
    assertRows(new double[][] {r.stageCosts()}, new JsonNode[] {t.get("stage_costs")});
    assertRows(r.measurements(), t.get("measurements"));
    assertRows(r.disturbances(), t.get("disturbances"));
    assertRows(new double[][] {r.finalState()}, new JsonNode[] {n.get("final_state")});
  }

  @Test
  void aRunWithoutNoiseWritesNeitherMeasurementsNorDisturbances() {
    MassSpringDamper msd = MassSpringDamper.withDefaults();
    AffinePolicy policy = AffinePolicy.builder(msd.stateNames(), msd.inputNames(), 0.01)
        .gain(new double[][] {{20, 6}}).build();
    ClosedLoopResult r = ClosedLoop.builder(msd, policy).steps(5).build().run();
    JsonNode n = r.toJsonTree();
    assertTrue(n.get("measurement_noise_std").isNull());
    assertEquals(List.of("times", "states", "inputs", "raw_inputs", "references", "stage_costs"),
        names(n.get("trajectory")));
    assertEquals(r.trajectory().states()[3][1], r.measurements()[3][1], 0.0);
    assertEquals(0.0, r.disturbances()[4][0], 0.0);
  }

  @Test
  void anEarlyStopIsWrittenWithItsReason() throws IOException {
    CartPole plant = CartPole.withDefaults();
    AffinePolicy idle = AffinePolicy.builder(plant.stateNames(), plant.inputNames(), 0.02)
        .gain(new double[1][4]).inputBounds(InputBounds.of(plant.inputLower(), plant.inputUpper())).build();
    ClosedLoopResult r = ClosedLoop.builder(plant, idle).steps(500).build().run();
    Path file = dir.resolve("stop.json");
    r.writeJson(file);
    JsonNode n = new ObjectMapper().readTree(file.toFile());
    assertEquals("left_region", n.get("stop_reason").asText());
    assertEquals(r.stopDetail(), n.get("stop_detail").asText());
    assertEquals(500, n.get("steps_requested").asInt());
    assertEquals(r.steps(), n.get("trajectory").get("states").size());
    assertEquals(1.0, n.get("region_upper").get(1).doubleValue(), 0.0);
  }

  @Test
  void anUnwritableFileIsAModelingExceptionNamingIt() throws IOException {
    Path blocker = dir.resolve("file");
    Files.writeString(blocker, "x");
    Path target = blocker.resolve("run.json");
    ModelingException e = assertThrows(ModelingException.class, () -> noisyMsdRun().writeJson(target));
    assertTrue(e.getMessage().startsWith("cannot write closed-loop result " + target + ": "), e.getMessage());
  }

  private static void assertRows(double[][] expected, JsonNode rows) {
    assertEquals(expected.length, rows.size());
    for (int k = 0; k < expected.length; k++) {
      assertRows(new double[][] {expected[k]}, new JsonNode[] {rows.get(k)});
    }
  }

  private static void assertRows(double[][] expected, JsonNode[] rows) {
    for (int k = 0; k < expected.length; k++) {
      assertEquals(expected[k].length, rows[k].size(), "row " + k);
      for (int j = 0; j < expected[k].length; j++) {
        assertEquals(expected[k][j], rows[k].get(j).doubleValue(), 0.0, "row " + k + ", column " + j);
      }
    }
  }

  private static List<String> names(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
