package io.loopforge.mpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.excitation.Excitation;
import io.loopforge.modeling.excitation.ExcitationKind;
import io.loopforge.modeling.plant.CartPole;
import io.loopforge.modeling.plant.Pendulum;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantSimulator;
import io.loopforge.modeling.sindy.FeatureLibrary;
import io.loopforge.modeling.sindy.Sindy;
import io.loopforge.modeling.sindy.SindyModel;
import io.loopforge.modeling.sindy.Stlsq;
import org.junit.jupiter.api.Test;

/** Learned model → LQR → the real (simulated) plant: the path the demo takes. */
class LqrOnLearnedModelTest {
  @Test
  void lqrDesignedOnASindyModelOfThePendulumStabilisesTheRealPendulum() {
    Plant pendulum = Pendulum.withDefaults();
    double dt = 0.01;
    double[][] u = Excitation.generate(ExcitationKind.MULTISINE, 4000, dt, pendulum.inputLower(),
        pendulum.inputUpper(), 2);
    Dataset data = PlantSimulator.withDefaults().collect(pendulum, new double[] {2.5, 0}, u, dt, 2);
    SindyModel model = Sindy.builder()
        .library(FeatureLibrary.concat(FeatureLibrary.polynomial(1), FeatureLibrary.fourier(1)))
        .optimizer(Stlsq.builder().threshold(0.05).alpha(0).build())
        .build()
        .fit(data);

    LqrDesign design = LqrDesign.builder(model, pendulum).stateWeights(10, 1).inputWeights(1).build();
    // The model learned the upright equilibrium well: one step from it barely moves.
    for (double d : design.modelDrift()) {
      assertEquals(0, d, 1e-3);
    }
    PlantSimulator sim = PlantSimulator.withDefaults();
    double[] x = {Math.PI - 0.3, 0.0};
    for (int k = 0; k < 800; k++) {
      double[] uk = design.control(x);
      assertTrue(Math.abs(uk[0]) <= pendulum.inputUpper()[0]);
      x = sim.simulate(pendulum, x, new double[][] {uk, uk}, dt).state(1);
    }
    assertEquals(Math.PI, x[0], 1e-3);
    assertEquals(0, x[1], 1e-3);
  }

  @Test
  void aModelOfAnotherSystemIsRefused() {
    Plant pendulum = Pendulum.withDefaults();
    double[][] u = Excitation.generate(ExcitationKind.MULTISINE, 500, 0.01, pendulum.inputLower(), pendulum.inputUpper(), 1);
    SindyModel model = Sindy.builder().library(FeatureLibrary.polynomial(1)).build()
        .fit(PlantSimulator.withDefaults().collect(pendulum, pendulum.defaultInitialState(), u, 0.01, 1));
    MpcException e = assertThrows(MpcException.class, () -> LqrDesign.builder(model, CartPole.withDefaults()));
    assertTrue(e.getMessage().startsWith("the model's states [theta, omega]"), e.getMessage());
  }
}
