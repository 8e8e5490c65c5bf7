package io.loopforge.modeling.plant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.nn.FoldedReluNetwork;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CartPoleWallsNetworkTest {
  private final CartPoleWalls plant = CartPoleWalls.withDefaults();

  /** Semi-implicit Euler on the plant's own derivative. */
  private double[] euler(double[] x, double f, double dt, int substeps) {
    double h = dt / substeps;
    double[] s = x.clone();
    double[] dx = new double[4];
    for (int k = 0; k < substeps; k++) {
      plant.derivative(s, new double[] {f}, dx); // accelerations depend on positions and F only
      s[2] += h * dx[2];
      s[3] += h * dx[3];
      s[0] += h * s[2];
      s[1] += h * s[3];
    }
    return s;
  }

  @Test
  void isTheSemiImplicitEulerStepOfThePlantInAndOutOfContact() {
    FoldedReluNetwork net = CartPoleWallsNetwork.semiImplicitEuler(plant, 0.05, 5);
    assertEquals(10, net.reluCount());
    assertEquals(plant.stateNames(), net.stateNames());
    SplittableRandom rnd = new SplittableRandom(3);
    int contacts = 0;
    for (int n = 0; n < 500; n++) {
      double[] x = {rnd.nextDouble(-1, 1), rnd.nextDouble(-0.6, 0.6), rnd.nextDouble(-3, 3), rnd.nextDouble(-5, 5)};
      double f = rnd.nextDouble(-20, 20);
      contacts += plant.contactMode(x) != 0 ? 1 : 0;
      double[] expected = euler(x, f, 0.05, 5);
      double[] got = net.step(x, new double[] {f});
      for (int i = 0; i < 4; i++) {
        assertEquals(expected[i], got[i], 1e-12 * (1 + Math.abs(expected[i])), "state " + i + " from sample " + n);
      }
    }
    assertTrue(contacts > 100, contacts + " samples in contact");
  }

  @Test
  void followsThePlantClosely() {
    // 0.5 s from the default start (the pole falls into the right wall and bounces) under F = 0
    FoldedReluNetwork net = CartPoleWallsNetwork.semiImplicitEuler(plant, 0.05, 5);
    double[][] u = new double[11][1];
    double[][] truth = PlantSimulator.withDefaults().simulate(plant, plant.defaultInitialState(), u, 0.05)
        .states();
    double[] x = plant.defaultInitialState();
    boolean touched = false;
    for (int k = 1; k <= 10; k++) {
      x = net.step(x, u[k - 1]);
      touched |= plant.contactMode(truth[k]) != 0;
      for (int i = 0; i < 2; i++) {
        assertEquals(truth[k][i], x[i], 0.01 + 0.02 * Math.abs(truth[k][i]), "position " + i + " at step " + k);
      }
    }
    assertTrue(touched, "the trajectory reaches the wall");
  }

  @Test
  void badArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> CartPoleWallsNetwork.semiImplicitEuler(plant, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> CartPoleWallsNetwork.semiImplicitEuler(plant, 0.05, 0));
  }
}
