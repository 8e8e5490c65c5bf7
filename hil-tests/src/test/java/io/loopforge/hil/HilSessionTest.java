package io.loopforge.hil;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loopforge.modeling.loop.ClosedLoop;
import io.loopforge.modeling.loop.ClosedLoopResult;
import io.loopforge.modeling.plant.MassSpringDamper;
import io.loopforge.modeling.plant.PlantCatalog;
import io.loopforge.modeling.plant.PlantSimulator;
import io.loopforge.modeling.policy.Controller;
import io.loopforge.targets.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HilSessionTest {
  @TempDir Path tmp;

  @AfterEach
  void noQemuLeftBehind() {
    assertEquals(0, QemuRunner.liveProcesses(), "QEMU processes left running");
  }

  private static HilSession.Builder msd(Target target) {
    return HilSession.builder(target, TestFirmware.elf(target, "msd"), MassSpringDamper.withDefaults())
        .twin(new MsdTwin())
        .controlPeriod(0.01);
  }

  @ParameterizedTest(name = "{0} over {1}")
  @CsvSource({
    "mps2-an386, semihosting, 1000",
    "netduinoplus2, semihosting, 1000",
    "mps2-an386, uart, 400",
    "netduinoplus2, uart, 400"
  })
  void closedLoopConvergesAndMatchesTheTwinBitForBit(String targetName, String transport, int steps) {
    Target target = Target.forName(targetName);
    HilResult r = msd(target).transport(Transport.parse(transport)).steps(steps).run();
    assertEquals(steps, r.steps());
    assertEquals(Transport.parse(transport), r.transport());
    assertTrue(r.bitExact(), "mismatched steps: " + r.mismatchedSteps());
    assertEquals(0.0, r.maxAbsInputDiff());
    assertEquals(0, r.transportErrors());
    // Reference 0.5 m at rest; the closed loop settles in about 2 s.
    assertEquals(0.5, r.finalState()[0], 1e-3);
    assertEquals(0.0, r.finalState()[1], 1e-3);
    assertTrue(r.instructionsMean() > 10 && r.instructionsMax() < 200,
        "instructions mean " + r.instructionsMean() + ", max " + r.instructionsMax());
    assertTrue(r.closedLoopCost() > 0);
    // The first input saturates: 2·0.5 + 20·0.5 = 11 N > 10 N.
    assertEquals(10.0, r.trajectory().input(0)[0]);
  }

  @Test
  void theHilCostIsTheClosedLoopLibrarysOnTheSameInputs() {
    MassSpringDamper plant = MassSpringDamper.withDefaults();
    HilResult hil = msd(Target.MPS2_AN386).steps(500).initialState(new double[] {-0.2, 0.3}).run();
    assertTrue(hil.bitExact());

    // The twin on the host sees what the firmware sees (state and reference rounded to float), so it returns
    // the firmware's inputs bit for bit: the library's loop must give the HIL session's figures exactly.
    MsdTwin twin = new MsdTwin();
    Controller host = new Controller() {
      @Override
      public List<String> stateNames() {
        return plant.stateNames();
      }

      @Override
      public List<String> inputNames() {
        return plant.inputNames();
      }

      @Override
      public List<String> referenceNames() {
        return List.of("position_ref", "velocity_ref");
      }

      @Override
      public double dt() {
        return 0.01;
      }

      @Override
      public void control(double[] x, double[] reference, double[] u) {
        u[0] = twin.control(new float[] {(float) x[0], (float) x[1]},
            new float[] {(float) reference[0], (float) reference[1]})[0];
      }
    };
    ClosedLoopResult library = ClosedLoop.builder(plant, host)
        .simulator(PlantSimulator.builder().integrator(PlantSimulator.Integrator.RK4).rk4Substeps(4).build())
        .steps(500).initialState(-0.2, 0.3).reference(0.5, 0).build().run();
    assertEquals(library.totalCost(), hil.closedLoopCost(), 0.0);
    assertEquals(library.trajectory(), hil.trajectory());
    assertArrayEquals(library.finalState(), hil.finalState(), 0.0);
    assertTrue(Arrays.deepEquals(library.rawInputs(), hil.closedLoop().rawInputs()));

    // The figure is the task cost Σ (|x_k − r|² + |u_k − u_ref|²)·dt with u_ref = k·p_ref = 1 N, summed by hand.
    double sum = 0;
    for (int k = 0; k < hil.steps(); k++) {
      double[] x = hil.trajectory().state(k);
      double u = hil.trajectory().input(k)[0];
      sum += ((x[0] - 0.5) * (x[0] - 0.5) + x[1] * x[1] + (u - 1.0) * (u - 1.0)) * 0.01;
    }
    assertEquals(sum, hil.closedLoopCost(), 0.0);
    assertEquals(ClosedLoopResult.StopReason.COMPLETED, hil.closedLoop().stopReason());
  }

  @Test
  void corruptedFramesAreDetectedAndReported() {
    HilResult r = msd(Target.MPS2_AN386).steps(200).corruptFrames(10, 150).run();
    assertEquals(2, r.transportErrors());
    assertEquals(2, r.transportErrorLog().size());
    assertTrue(r.transportErrorLog().get(0).startsWith("step 10: firmware rejected a frame: bad CRC (frame carried 0x"),
        r.transportErrorLog().get(0));
    assertTrue(r.bitExact());
    assertEquals(200, r.steps());
  }

  @Test
  void aTwinThatDiffersIsCaught() {
    // Fused multiply-add rounds once where the firmware rounds twice: some inputs differ in the last bits.
    ControllerTwin fma = (x, ref) -> {
      float s = 2.0f * ref[0];
      s = Math.fma(-20.0f, x[0] - ref[0], s);
      s = Math.fma(-6.0f, x[1] - ref[1], s);
      return new float[] {Math.max(-10f, Math.min(10f, s))};
    };
    HilResult r = msd(Target.MPS2_AN386).twin(fma).steps(300).run();
    assertFalse(r.bitExact());
    assertTrue(r.mismatchedSteps() > 0);
    assertTrue(r.maxAbsInputDiff() > 0 && r.maxAbsInputDiff() < 1e-5, "diff " + r.maxAbsInputDiff());
  }

  @Test
  void controllerThatDoesNotFitThePlantIsRefused() {
    HilException e = assertThrows(HilException.class, () -> HilSession.builder(Target.MPS2_AN386,
        TestFirmware.elf(Target.MPS2_AN386, "msd"), PlantCatalog.create("cartpole")).steps(10).run());
    assertEquals(HilException.Kind.SETUP, e.kind());
    assertEquals("controller msd (nx = 2, nu = 1, nr = 2) does not fit plant cartpole (nx = 4, nu = 1) with a"
        + " reference of length 4", e.getMessage());
  }

  @Test
  void hardFaultEndsTheSessionWithTheRegisters() {
    HilException e = assertThrows(HilException.class, () -> HilSession.builder(Target.MPS2_AN386,
        TestFirmware.elf(Target.MPS2_AN386, "busfault"), MassSpringDamper.withDefaults()).steps(10).run());
    assertEquals(HilException.Kind.HARD_FAULT, e.kind());
    assertEquals(0xA0000000L, e.fault().orElseThrow().bfar());
  }

  @Test
  void metricsJson() throws IOException {
    HilResult r = msd(Target.MPS2_AN386).steps(100).run();
    Path json = tmp.resolve("out/hil.json");
    r.writeJson(json);
    JsonNode n = new ObjectMapper().readTree(Files.readString(json));
    assertEquals(List.of("format", "target", "transport", "firmware", "controller", "plant", "control_period_s",
        "steps", "boot_s", "loop_s", "total_s", "steps_per_s", "steps_per_s_with_boot", "instructions_per_step",
        "closed_loop_cost", "cost_definition", "twin_compared", "bit_exact", "mismatched_steps",
        "max_abs_input_diff", "transport_errors", "transport_error_log", "state_names", "reference",
        "initial_state", "final_state", "trajectory"), iterator(n.fieldNames()));
    assertEquals("loopforge-hil/1", n.get("format").asText());
    assertEquals("semihosting", n.get("transport").asText());
    assertEquals("msd", n.get("controller").asText());
    assertEquals("mass-spring-damper", n.get("plant").asText());
    assertEquals(100, n.get("steps").asInt());
    assertTrue(n.get("bit_exact").asBoolean());
    assertEquals(r.instructionsMean(), n.get("instructions_per_step").get("mean").asDouble());
    assertEquals(r.closedLoopCost(), n.get("closed_loop_cost").asDouble());
    assertEquals(0.5, n.get("reference").get(0).asDouble());
    assertTrue(n.get("steps_per_s").asDouble() > 0);
    // The trajectory, as the closed-loop library writes it: one row per step, numbers read back exactly.
    JsonNode t = n.get("trajectory");
    assertEquals(List.of("times", "states", "inputs", "raw_inputs", "references", "stage_costs"),
        iterator(t.fieldNames()));
    assertEquals(100, t.get("states").size());
    for (int k = 0; k < 100; k++) {
      assertEquals(r.trajectory().state(k)[0], t.get("states").get(k).get(0).doubleValue(), 0.0);
      assertEquals(r.trajectory().input(k)[0], t.get("inputs").get(k).get(0).doubleValue(), 0.0);
    }
  }

  private static List<String> iterator(java.util.Iterator<String> it) {
    List<String> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
