package io.loopforge.hil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.codegen.CodeGenerator;
import io.loopforge.codegen.CodegenOptions;
import io.loopforge.codegen.GeneratedCode;
import io.loopforge.codegen.JavaTwinCompiler;
import io.loopforge.codegen.Language;
import io.loopforge.codegen.MpcTestModels;
import io.loopforge.modeling.excitation.Excitation;
import io.loopforge.modeling.excitation.ExcitationKind;
import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.plant.Pendulum;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantSimulator;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.policy.MpcPolicy;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.sindy.FeatureLibrary;
import io.loopforge.modeling.sindy.Sindy;
import io.loopforge.modeling.sindy.SindyModel;
import io.loopforge.modeling.sindy.Stlsq;
import io.loopforge.targets.ControllerSource;
import io.loopforge.targets.FirmwareBuilder;
import io.loopforge.targets.Target;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generated on-device MPC (Gauss–Newton on a learned SINDy pendulum, H = 10) in firmware under QEMU,
 * closing the loop against the simulated pendulum: every input bit-identical to the stateful Java twin's,
 * inside the torque box, which is active, and the pendulum brought from 0.8 rad to rest; the worst step within
 * the 500 Hz budget (224 000 instructions at 168 MHz and 1.5 cycles per instruction), and the solver status
 * reported at every step, the twin's. The model is stepped by
 * one RK4 step of 0.05 s (BENCHMARKS.md gives the figures with the 4-substep default).
 */
class MpcHilTest {
  @TempDir Path tmp;

  @AfterEach
  void noQemuLeftBehind() {
    assertEquals(0, QemuRunner.liveProcesses(), "QEMU processes left running");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mps2-an386", "netduinoplus2"})
  void generatedMpcStabilisesThePendulumBitExactWithItsTwin(String targetName) throws Throwable {
    Plant plant = Pendulum.withDefaults();
    double[][] u = Excitation.generate(ExcitationKind.MULTISINE, 4000, 0.01, plant.inputLower(), plant.inputUpper(), 2);
    SindyModel model = Sindy.builder()
        .library(FeatureLibrary.concat(FeatureLibrary.polynomial(1), FeatureLibrary.fourier(1)))
        .optimizer(Stlsq.builder().threshold(0.05).alpha(0).build())
        .build()
        .fit(PlantSimulator.withDefaults().collect(plant, new double[] {2.5, 0}, u, 0.01, 2))
        .withStep(0.05, 1);
    MpcPolicy policy = MpcPolicy.builder(model).horizon(10).iterations(3).qpIterations(4).stateWeights(10, 1)
        .inputWeights(0.01).inputBounds(InputBounds.of(plant.inputLower(), plant.inputUpper())).build();
    GeneratedCode code = CodeGenerator.generate(Model.of(policy),
        CodegenOptions.builder("pmpc").languages(Language.C, Language.JAVA).build());
    Path cDir = tmp.resolve("c");
    code.writeTo(cDir, null);
    ControllerTwin twin = ControllerTwin.of(JavaTwinCompiler.instantiate(code, tmp.resolve("twin")));
    Target target = Target.forName(targetName);
    Path elf = FirmwareBuilder.forTarget(target).controller(ControllerSource.of(cDir))
        .output(tmp.resolve("pmpc.elf")).build().elf();
    HilResult result = HilSession.builder(target, elf, plant)
        .twin(twin)
        .contract(code.contract().orElseThrow())
        .controlPeriod(0.05)
        .steps(100)
        .initialState(new double[] {0.8, 0})
        .reference(new double[] {0, 0})
        .run();

    assertTrue(result.bitExact(), "firmware and twin differ at " + result.mismatchedSteps() + " steps");
    assertEquals(0, result.transportErrors());
    int saturated = 0;
    for (int k = 0; k < result.steps(); k++) {
      double v = result.trajectory().input(k)[0];
      assertTrue(v >= -3 && v <= 3, "step " + k + ": " + v);
      saturated += Math.abs(v) == 3 ? 1 : 0;
    }
    assertTrue(saturated >= 3, "the torque limit should be active, was at " + saturated + " steps");
    assertStatusesAreTheTwins(result, code, tmp.resolve("twin-again"));
    assertEquals(0, result.finalState()[0], 0.01, "theta after 5 s");
    assertEquals(0, result.finalState()[1], 0.05, "omega after 5 s");
    // the goal: 500 Hz at 168 MHz with 1.5 cycles per instruction is 224 000 instructions per step, worst case
    assertTrue(result.instructionsMax() < 224_000, "instructions per step: max " + result.instructionsMax());
    assertTrue(result.instructionsMean() > 1_000, "instructions per step: mean " + result.instructionsMean());
  }

  /**
   * A ReLU-network model of the mass-spring-damper (the exact zero-order hold on the folded network's skip
   * path plus 12 small ReLU terms standing in for a learned model's error) against the simulated plant, from
   * 1 m to the plant's task (0.5 m) with the force limited to ±2 N: bit-exact with the twin on both targets.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mps2-an386", "netduinoplus2"})
  void generatedMpcOnAReluNetworkHoldsTheMassBitExact(String targetName) throws Throwable {
    Plant plant = io.loopforge.modeling.plant.PlantCatalog.create("mass-spring-damper");
    FoldedReluNetwork model = MpcTestModels.massSpringDamper(0.1, 12, 0.002, 5);
    MpcPolicy policy = MpcPolicy.builder(model).horizon(10).iterations(3).stateWeights(100, 1).inputWeights(0.001)
        .referenceInput(1).inputBounds(InputBounds.of(new double[] {-2}, new double[] {2})).build();
    GeneratedCode code = CodeGenerator.generate(Model.of(policy),
        CodegenOptions.builder("nmpc").languages(Language.C, Language.JAVA).build());
    Path cDir = tmp.resolve("c");
    code.writeTo(cDir, null);
    ControllerTwin twin = ControllerTwin.of(JavaTwinCompiler.instantiate(code, tmp.resolve("twin")));
    Target target = Target.forName(targetName);
    Path elf = FirmwareBuilder.forTarget(target).controller(ControllerSource.of(cDir))
        .output(tmp.resolve("nmpc.elf")).build().elf();
    HilResult result = HilSession.builder(target, elf, plant).twin(twin).contract(code.contract().orElseThrow())
        .controlPeriod(0.1).steps(100)
        .initialState(new double[] {-1, 0}).reference(new double[] {0.5, 0}).run();
    assertTrue(result.bitExact(), "firmware and twin differ at " + result.mismatchedSteps() + " steps");
    assertEquals(0, result.transportErrors());
    int saturated = 0;
    for (int k = 0; k < result.steps(); k++) {
      double v = result.trajectory().input(k)[0];
      assertTrue(v >= -2 && v <= 2, "step " + k + ": " + v);
      saturated += Math.abs(v) == 2 ? 1 : 0;
    }
    assertTrue(saturated >= 3, "the force limit should be active, was at " + saturated + " steps");
    assertStatusesAreTheTwins(result, code, tmp.resolve("twin-again"));
    assertEquals(0.5, result.finalState()[0], 0.02, "position after 10 s");
    assertTrue(result.instructionsMax() < 224_000, "instructions per step: max " + result.instructionsMax());
  }

  /**
   * The firmware reported a solver status at every step, named by the contract, and it is the status a fresh
   * twin reports when it replays the run's states; the session compared them too (no status mismatch).
   */
  private static void assertStatusesAreTheTwins(HilResult result, GeneratedCode code, Path twinDir) {
    assertEquals(List.of("CONVERGED", "ITERATION_LIMIT", "FAILED"), List.copyOf(result.solverStatusCounts().keySet()));
    assertEquals(result.steps(), result.solverStatusCounts().values().stream().mapToInt(Integer::intValue).sum(),
        "steps over all statuses: " + result.solverStatusCounts());
    assertEquals(result.steps(), result.solverStatuses().size());
    assertEquals(0, result.statusMismatchedSteps());
    ControllerTwin replay = ControllerTwin.of(JavaTwinCompiler.instantiate(code, twinDir));
    Map<String, Integer> expected = new LinkedHashMap<>();
    List.of("CONVERGED", "ITERATION_LIMIT", "FAILED").forEach(n -> expected.put(n, 0));
    String[] names = {"CONVERGED", "ITERATION_LIMIT", "FAILED"};
    float[] r = new float[result.reference().length];
    for (int i = 0; i < r.length; i++) {
      r[i] = (float) result.reference()[i];
    }
    for (int k = 0; k < result.steps(); k++) {
      double[] x = result.trajectory().state(k);
      float[] xf = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        xf[i] = (float) x[i];
      }
      replay.control(xf, r.clone());
      String name = names[replay.solverStatus().orElseThrow()];
      assertEquals(name, result.solverStatuses().get(k), "step " + k);
      expected.merge(name, 1, Integer::sum);
    }
    assertEquals(expected, result.solverStatusCounts());
    // the small budget (3 iterations) runs out while the input bound is active, the plan settles later
    assertTrue(expected.get("ITERATION_LIMIT") > 0 && expected.get("CONVERGED") > 0, expected.toString());
    assertTrue(result.toJson().contains("\"solver_status\" : {"), "the metrics JSON has the counts");
  }
}
