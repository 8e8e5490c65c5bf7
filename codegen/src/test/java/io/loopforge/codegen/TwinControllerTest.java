package io.loopforge.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.loopforge.modeling.loop.ClosedLoop;
import io.loopforge.modeling.loop.ClosedLoopResult;
import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.policy.MpcPolicy;
import io.loopforge.modeling.registry.Model;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Java twin as a {@code Controller}: names from the contract, reset is the twin's init, float inputs. */
class TwinControllerTest {
  @Test
  void statefulTwinRestartsOnReset() {
    FoldedReluNetwork model = MpcTestModels.massSpringDamper(0.1, 6, 0.002, 3);
    MpcPolicy policy = MpcPolicy.builder(model).horizon(8).iterations(2).stateWeights(10, 1).inputWeights(0.01)
        .inputBounds(InputBounds.of(new double[] {-2}, new double[] {2})).build();
    TwinController c = TwinController.of(CodeGenerator.generate(Model.of(policy), CodegenOptions.builder("tmpc")
        .languages(Language.JAVA).build()));
    assertEquals(List.of("position", "velocity"), c.stateNames());
    assertEquals(List.of("position_ref", "velocity_ref"), c.referenceNames());
    assertEquals(0.1, c.dt());
    // ClosedLoop resets the controller before each run: two runs give the same trajectory
    ClosedLoopResult a = ClosedLoop.builder(model, c).steps(40).initialState(1.5, 0).reference(0, 0).build().run();
    ClosedLoopResult b = ClosedLoop.builder(model, c).steps(40).initialState(1.5, 0).reference(0, 0).build().run();
    for (int k = 0; k < 40; k++) {
      double u = a.trajectory().input(k)[0];
      assertEquals((float) u, u, "inputs are float32 values, step " + k);
      assertArrayEquals(a.trajectory().input(k), b.trajectory().input(k), "step " + k);
    }
    assertEquals(2.0, Math.abs(a.trajectory().input(0)[0]));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.control(new double[] {Double.NaN, 0}, new double[2], new double[1]));
    assertEquals("the twin of tmpc returned error code 2", e.getMessage());
  }

  @Test
  void modelCodeIsNotAController() {
    CodegenException e = assertThrows(CodegenException.class, () -> TwinController.of(CodeGenerator.generate(
        Model.of(MpcTestModels.massSpringDamper(0.1, 2, 0.002, 3)), CodegenOptions.builder("m").build())));
    assertEquals("the generated code is a model's, not a controller's: there is no control function to call",
        e.getMessage());
  }
}
