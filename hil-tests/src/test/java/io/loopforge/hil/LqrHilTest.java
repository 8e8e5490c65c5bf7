package io.loopforge.hil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.codegen.CodeGenerator;
import io.loopforge.codegen.CodegenOptions;
import io.loopforge.codegen.GeneratedCode;
import io.loopforge.codegen.JavaTwinCompiler;
import io.loopforge.codegen.Language;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantCatalog;
import io.loopforge.modeling.policy.AffinePolicy;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.registry.Model;
import io.loopforge.mpc.LqrDesign;
import io.loopforge.targets.ControllerSource;
import io.loopforge.targets.FirmwareBuilder;
import io.loopforge.targets.Target;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole firmware path with a designed controller: LQR on the plant's linearisation → policy →
 * generated C and Java twin → firmware → closed loop under QEMU against the nonlinear Java plant.
 */
class LqrHilTest {
  @TempDir Path tmp;

  @AfterEach
  void noQemuLeftBehind() {
    assertEquals(0, QemuRunner.liveProcesses(), "QEMU processes left running");
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource({
    "pendulum, mps2-an386, '3.0,0.5', '10,1', 1",
    "pendulum, netduinoplus2, '3.0,0.5', '10,1', 1",
    "cartpole, mps2-an386, '0.3,0.2,0,0', '1,10,1,1', 0.1",
    "cartpole, netduinoplus2, '0.3,0.2,0,0', '1,10,1,1', 0.1"
  })
  void generatedLqrStabilisesThePlant(String plantName, String targetName, String x0, String q, double r)
      throws Throwable {
    Plant plant = PlantCatalog.create(plantName);
    double dt = 0.02;
    LqrDesign design = LqrDesign.builder(plant, dt).stateWeights(parse(q)).inputWeights(r).build();
    AffinePolicy policy = AffinePolicy.builder(plant.stateNames(), plant.inputNames(), dt)
        .gain(design.gain())
        .inputReference(design.referenceInput())
        .referenceLayout(AffinePolicy.ReferenceLayout.STATE)
        .inputBounds(InputBounds.of(plant.inputLower(), plant.inputUpper()))
        .build();
    String prefix = "lqr_" + plantName;
    GeneratedCode code = CodeGenerator.generate(Model.of(policy),
        CodegenOptions.builder(prefix).languages(Language.C, Language.JAVA).build());
    Path cDir = tmp.resolve("c");
    code.writeTo(cDir, null);
    ControllerTwin twin = ControllerTwin.of(JavaTwinCompiler.instantiate(code, tmp.resolve("twin")));

    Target target = Target.forName(targetName);
    Path elf = FirmwareBuilder.forTarget(target)
        .controller(ControllerSource.of(cDir))
        .output(tmp.resolve(prefix + ".elf"))
        .build()
        .elf();
    double[] start = parse(x0);
    double[] reference = design.referenceState();
    if (plantName.equals("pendulum")) {
      start[0] = Math.PI - 0.4; // 23° from upright, swinging
    }
    HilResult result = HilSession.builder(target, elf, plant)
        .twin(twin)
        .contract(code.contract().orElseThrow())
        .controlPeriod(dt)
        .steps(400)
        .initialState(start)
        .reference(reference)
        .run();

    assertTrue(result.bitExact(), "firmware and twin differ at " + result.mismatchedSteps() + " steps");
    assertEquals(0, result.transportErrors());
    // a policy names no solver status: none reported, the metrics JSON has none
    assertEquals(Map.of(), result.solverStatusCounts());
    assertEquals(List.of(), result.solverStatuses());
    assertFalse(result.toJson().contains("solver_status"));
    double[] lo = plant.inputLower();
    double[] hi = plant.inputUpper();
    for (int k = 0; k < result.steps(); k++) {
      double[] u = result.trajectory().input(k);
      for (int i = 0; i < u.length; i++) {
        assertTrue(u[i] >= lo[i] && u[i] <= hi[i], "step " + k + ": input " + u[i] + " outside the bounds");
      }
    }
    // 8 s of closed loop: the state has converged to the reference.
    double[] xf = result.finalState();
    for (int i = 0; i < xf.length; i++) {
      assertEquals(reference[i], xf[i], 1e-3, plant.stateNames().get(i) + " after 8 s");
    }
    // It really had to act: the first input is far from the reference input.
    assertTrue(Math.abs(result.trajectory().input(0)[0]) > 0.1, "first input " + result.trajectory().input(0)[0]);
    assertTrue(result.instructionsMean() > 10, "instructions per control step: " + result.instructionsMean());
  }

  private static double[] parse(String csv) {
    String[] parts = csv.split(",");
    double[] v = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      v[i] = Double.parseDouble(parts[i].trim());
    }
    return v;
  }
}
