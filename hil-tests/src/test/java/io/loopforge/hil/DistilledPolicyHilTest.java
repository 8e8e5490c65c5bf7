package io.loopforge.hil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.codegen.CodeGenerator;
import io.loopforge.codegen.CodegenOptions;
import io.loopforge.codegen.GeneratedCode;
import io.loopforge.codegen.JavaTwinCompiler;
import io.loopforge.codegen.Language;
import io.loopforge.modeling.plant.CartPoleWalls;
import io.loopforge.modeling.plant.CartPoleWallsNetwork;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.registry.Model;
import io.loopforge.mpc.MipPlanner;
import io.loopforge.mpc.MpcProblem;
import io.loopforge.modeling.policy.Policy;
import io.loopforge.mpc.distill.ExecutorFanOut;
import io.loopforge.mpc.distill.PolynomialPolicyFit;
import io.loopforge.mpc.distill.ReluPolicyTrainer;
import io.loopforge.mpc.distill.SampleRegion;
import io.loopforge.mpc.distill.SolveDataset;
import io.loopforge.mpc.distill.SolveJob;
import io.loopforge.targets.ControllerSource;
import io.loopforge.targets.FirmwareBuilder;
import io.loopforge.targets.Target;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ReLU policy, the same pruned to a quarter of its ReLUs, and a sparse polynomial policy distilled from the mixed-integer MPC of cartpole-walls (MIP solves → policy → generated C and
 * Java twin → firmware) in closed loop under QEMU against the plant: every input bit-exact with the twin,
 * and the rate on a 168 MHz Cortex-M4 from the instruction count ({@code -icount shift=0}) at 1.5 cycles per
 * instruction, written to {@code target/hil-distilled-<kind>-mps2-an386.txt} for BENCHMARKS.md.
 */
class DistilledPolicyHilTest {
  /** Cycles per instruction assumed for the rate on silicon (DESIGN.md: 1.1–1.5). */
  private static final double CPI = 1.5;

  @TempDir Path tmp;

  @AfterEach
  void noQemuLeftBehind() {
    assertEquals(0, QemuRunner.liveProcesses(), "QEMU processes left running");
  }

  @ParameterizedTest
  @ValueSource(strings = {"relu", "sparse-relu", "polynomial"})
  void distilledPolicyRunsBitExactOnTheM4AtOverTenKilohertz(String kind) throws Throwable {
    CartPoleWalls plant = CartPoleWalls.withDefaults();
    double dt = 0.05;
    MpcProblem problem = MpcProblem.builder(CartPoleWallsNetwork.semiImplicitEuler(plant, dt, 1), 3)
        .norm(MpcProblem.Norm.L1).stateReference(plant.defaultTask().referenceState())
        .stateWeights(1, 1, 0.1, 0.1).inputWeights(0.01).inputBounds(plant.inputLower(), plant.inputUpper())
        .stateBounds(plant.stateLower(), plant.stateUpper(), 100).build();
    SampleRegion region = SampleRegion.ofPlant(plant, 0.3);
    SolveDataset data = SolveJob.builder(() -> MipPlanner.builder(problem).deterministic(true).build(),
        SolveJob.tasks(region.sample(SampleRegion.Design.LATIN_HYPERCUBE, 120, 1), problem.stateReference()))
        .directory(tmp.resolve("solves")).chunkSize(30).fanOut(ExecutorFanOut.threads(2)).build().run();
    InputBounds box = InputBounds.of(plant.inputLower(), plant.inputUpper());
    Policy policy = switch (kind) {
      case "relu" -> ReluPolicyTrainer.builder().hidden(16, 16).epochs(60).seed(1).build().train(data, box, dt);
      // pruned to 8 of its 32 ReLUs: the zeroed neurons leave the generated code
      case "sparse-relu" -> ReluPolicyTrainer.builder().hidden(16, 16).epochs(60).keepRelus(8).seed(1).build()
          .train(data, box, dt);
      default -> PolynomialPolicyFit.fit(data, 2, 0.1, box, dt);
    };

    GeneratedCode code = CodeGenerator.generate(Model.of(policy),
        CodegenOptions.builder("distilled").languages(Language.C, Language.JAVA).build());
    Path cDir = tmp.resolve("c");
    code.writeTo(cDir, null);
    Object twinObject = JavaTwinCompiler.instantiate(code, tmp.resolve("twin"));
    MethodHandle control = MethodHandles.publicLookup().findVirtual(twinObject.getClass(), "control",
        MethodType.methodType(float[].class, float[].class, float[].class)).bindTo(twinObject);
    ControllerTwin twin = (x, ref) -> {
      try {
        return (float[]) control.invoke(x, ref);
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    };
    Target target = Target.forName("mps2-an386");
    Path elf = FirmwareBuilder.forTarget(target).controller(ControllerSource.of(cDir))
        .output(tmp.resolve("distilled.elf")).build().elf();
    HilResult result = HilSession.builder(target, elf, plant).twin(twin).controlPeriod(dt).steps(60)
        .initialState(new double[] {0.2, 0.1, 0, 0}).reference(problem.stateReference()).run();

    assertTrue(result.bitExact(), "firmware and twin differ at " + result.mismatchedSteps() + " steps");
    assertEquals(0, result.transportErrors());
    for (int k = 0; k < result.steps(); k++) {
      double u = result.trajectory().input(k)[0];
      assertTrue(u >= -20 && u <= 20, "step " + k + ": input " + u + " outside the bounds");
    }
    // it acts: the first input pushes against the pole's lean
    assertTrue(Math.abs(result.trajectory().input(0)[0]) > 0.5, "first input " + result.trajectory().input(0)[0]);
    double instructions = result.instructionsMean();
    double rateKhz = 168e6 / (CPI * instructions) / 1e3;
    assertTrue(instructions > 20, "instructions per step " + instructions);
    assertTrue(rateKhz >= 10, String.format(Locale.ROOT, "%.1f kHz at 168 MHz (%.0f instructions per step)", rateKhz,
        instructions));
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "hil-distilled-" + kind + "-mps2-an386.txt"), String.format(Locale.ROOT,
        "mps2-an386: %s distilled from the cartpole-walls MIP-MPC, %d steps in closed loop, bit-exact with the Java"
            + " twin: %.1f instructions per control step (max %d) -> %.1f kHz at 168 MHz, CPI %.1f%n", policy,
        result.steps(), instructions, result.instructionsMax(), rateKhz, CPI));
  }
}
