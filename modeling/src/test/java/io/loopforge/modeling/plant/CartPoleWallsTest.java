package io.loopforge.modeling.plant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.Trajectory;
import java.util.List;
import org.junit.jupiter.api.Test;

class CartPoleWallsTest {
  private final CartPoleWalls plant = CartPoleWalls.withDefaults();

  @Test
  void namesBoundsAndDefaults() {
    assertEquals("cartpole-walls", plant.name());
    assertEquals(List.of("cart_position", "pole_angle", "cart_velocity", "pole_angular_velocity"), plant.stateNames());
    assertArrayEquals(new double[] {-20}, plant.inputLower());
    assertArrayEquals(new double[] {20}, plant.inputUpper());
    assertEquals(List.of("cart_mass", "pole_mass", "pole_length", "gravity", "wall_distance", "wall_stiffness"),
        List.copyOf(plant.parameters().keySet()));
    assertArrayEquals(new double[4], plant.defaultTask().referenceState());
  }

  @Test
  void contactForceIsZeroBetweenTheWallsAndASpringBeyond() {
    // Tip at x + l·θ with l = 1, walls at ±0.5 m, k = 100 N/m.
    assertEquals(0.0, plant.wallForce(new double[] {0.0, 0.0, 0, 0}), 0.0);
    assertEquals(0.0, plant.wallForce(new double[] {0.3, 0.19, 0, 0}), 0.0);
    assertEquals(0.0, plant.wallForce(new double[] {-0.3, -0.2, 0, 0}), 0.0);
    assertEquals(0, plant.contactMode(new double[] {0.3, 0.2, 0, 0}));
    assertEquals(-10.0, plant.wallForce(new double[] {0.4, 0.2, 0, 0}), 1e-12);
    assertEquals(1, plant.contactMode(new double[] {0.4, 0.2, 0, 0}));
    assertEquals(20.0, plant.wallForce(new double[] {-0.5, -0.2, 0, 0}), 1e-12);
    assertEquals(-1, plant.contactMode(new double[] {-0.5, -0.2, 0, 0}));
    // Continuous at the wall, affine beyond: equal increments give equal force changes.
    assertEquals(plant.wallForce(new double[] {0.61, 0, 0, 0}) - plant.wallForce(new double[] {0.6, 0, 0, 0}),
        plant.wallForce(new double[] {0.71, 0, 0, 0}) - plant.wallForce(new double[] {0.7, 0, 0, 0}), 1e-12);
    assertEquals(0.0, plant.wallForce(new double[] {0.5 + 1e-12, 0, 0, 0}), 1e-9);
  }

  @Test
  void wallForceActsOnThePoleOnly() {
    double[] inside = new double[4];
    double[] beyond = new double[4];
    double[] x = {0.4, 0.2, 0.1, -0.3};
    plant.derivative(x, new double[] {1.5}, beyond);
    CartPoleWalls noWalls = CartPoleWalls.builder().wallStiffness(0).build();
    noWalls.derivative(x, new double[] {1.5}, inside);
    assertEquals(inside[0], beyond[0], 0.0);
    assertEquals(inside[1], beyond[1], 0.0);
    assertEquals(inside[2], beyond[2], 0.0);
    assertEquals(-10.0 / (1.0 * 1.0), beyond[3] - inside[3], 1e-12);
  }

  @Test
  void linearModesAroundUpright() {
    double[][] a = new double[4][4];
    double[][] b = new double[4][1];
    plant.jacobian(new double[4], new double[1], a, b);
    assertEquals(-9.81, a[2][1], 1e-12);
    assertEquals(2 * 9.81, a[3][1], 1e-12);
    assertEquals(1.0, b[2][0], 0.0);
    assertEquals(-1.0, b[3][0], 0.0);
    plant.jacobian(new double[] {0.6, 0, 0, 0}, new double[1], a, b);
    assertEquals(-100.0, a[3][0], 1e-12);
    assertEquals(2 * 9.81 - 100.0, a[3][1], 1e-12);
  }

  /** Largest tip position over the first 0.8 s from the default start, and whether the tip turned back. */
  private static double[] fall(CartPoleWalls p) {
    Trajectory tr = PlantSimulator.withDefaults().simulate(p, p.defaultInitialState(), new double[81][1], 0.01);
    double maxTip = 0;
    boolean turnedBackInContact = false;
    for (int i = 0; i < tr.size(); i++) {
      double[] x = tr.state(i);
      maxTip = Math.max(maxTip, p.tipPosition(x));
      double tipVelocity = x[2] + p.poleLength() * x[3];
      turnedBackInContact |= p.contactMode(x) == 1 && tipVelocity < 0;
    }
    return new double[] {maxTip, turnedBackInContact ? 1 : 0};
  }

  @Test
  void theWallPushesTheFallingPoleBack() {
    // Uncontrolled, the linearised cart-pole is unstable either way; the wall turns the tip back for a while.
    double[] withWalls = fall(plant);
    double[] without = fall(CartPoleWalls.builder().wallStiffness(0).build());
    assertTrue(withWalls[1] == 1 && withWalls[0] < 0.85, "tip turned back at " + withWalls[0]);
    assertTrue(without[1] == 0 && without[0] > 1.5, "without walls the tip keeps going: " + without[0]);
  }
}
