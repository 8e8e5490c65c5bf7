package io.loopforge.modeling.plant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.Trajectory;
import io.loopforge.modeling.ode.DormandPrince54;
import io.loopforge.modeling.ode.OdeSystem;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LorenzControlTest {
  private final LorenzControl plant = LorenzControl.withDefaults();

  @Test
  void namesBoundsAndDefaults() {
    assertEquals("lorenz-control", plant.name());
    assertEquals(List.of("x", "y", "z"), plant.stateNames());
    assertEquals(List.of("u"), plant.inputNames());
    assertArrayEquals(new double[] {-50}, plant.inputLower());
    assertArrayEquals(new double[] {50}, plant.inputUpper());
    assertEquals(List.of("sigma", "rho", "beta"), List.copyOf(plant.parameters().keySet()));
    double r = Math.sqrt(8.0 / 3.0 * 27.0);
    assertArrayEquals(new double[] {-r, -r, 27}, plant.defaultTask().referenceState(), 1e-15);
    assertArrayEquals(new double[] {-8, 8, 27}, plant.defaultInitialState());
  }

  @Test
  void inputEntersTheFirstEquationOnly() {
    SplittableRandom rng = new SplittableRandom(7);
    double[] f0 = new double[3];
    double[] f1 = new double[3];
    for (int k = 0; k < 20; k++) {
      double[] x = {rng.nextDouble(-20, 20), rng.nextDouble(-20, 20), rng.nextDouble(0, 50)};
      double u = rng.nextDouble(-50, 50);
      plant.derivative(x, new double[] {0}, f0);
      plant.derivative(x, new double[] {u}, f1);
      assertEquals(u, f1[0] - f0[0], 1e-12);
      assertEquals(f0[1], f1[1], 0.0);
      assertEquals(f0[2], f1[2], 0.0);
    }
  }

  @Test
  void zeroInputGivesTheLorenzSystem() {
    OdeSystem lorenz = (t, x, dx) -> {
      dx[0] = 10.0 * (x[1] - x[0]);
      dx[1] = x[0] * (28.0 - x[2]) - x[1];
      dx[2] = x[0] * x[1] - 8.0 / 3.0 * x[2];
    };
    int n = 501;
    double dt = 0.002;
    double[] times = new double[n];
    for (int i = 0; i < n; i++) {
      times[i] = i * dt;
    }
    double[][] expected = DormandPrince54.withTolerances(1e-12, 1e-12).integrate(lorenz, times, plant.defaultInitialState());
    Trajectory tr = PlantSimulator.builder().rtol(1e-12).atol(1e-12).build()
        .simulate(plant, plant.defaultInitialState(), new double[n][1], dt);
    for (int i = 0; i < n; i++) {
      assertArrayEquals(expected[i], tr.state(i), 1e-8, "t = " + times[i]);
    }
    assertTrue(Math.abs(tr.state(n - 1)[0] + 8) > 1, "it moved");
  }
}
