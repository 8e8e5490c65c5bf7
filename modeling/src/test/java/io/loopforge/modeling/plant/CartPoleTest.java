package io.loopforge.modeling.plant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CartPoleTest {
  private final CartPole plant = CartPole.withDefaults();

  @Test
  void namesBoundsAndDefaults() {
    assertEquals("cartpole", plant.name());
    assertEquals(List.of("cart_position", "pole_angle", "cart_velocity", "pole_angular_velocity"), plant.stateNames());
    assertEquals(List.of("force"), plant.inputNames());
    assertArrayEquals(new double[] {-10}, plant.inputLower());
    assertArrayEquals(new double[] {10}, plant.inputUpper());
    assertEquals(List.of("cart_mass", "pole_mass", "pole_half_length", "gravity"),
        List.copyOf(plant.parameters().keySet()));
    assertArrayEquals(new double[4], plant.defaultTask().referenceState());
    assertArrayEquals(new double[] {0, 0.1, 0, 0}, plant.defaultInitialState());
  }

  @Test
  void linearisationAtUprightHasTheTextbookValues() {
    // M = 1.1, l = 0.5, m_p = 0.1: θ̈/θ = g / (l (4/3 − m_p/M)), etc.
    double[][] a = new double[4][4];
    double[][] b = new double[4][1];
    plant.jacobian(new double[4], new double[1], a, b);
    double den = 0.5 * (4.0 / 3.0 - 0.1 / 1.1);
    assertEquals(9.8 / den, a[3][1], 1e-12);
    assertEquals(-0.05 / 1.1 * 9.8 / den, a[2][1], 1e-12);
    assertEquals(-1.0 / 1.1 / den, b[3][0], 1e-12);
    assertEquals(1.0 / 1.1 + 0.05 / 1.1 / 1.1 / den, b[2][0], 1e-12);
    assertEquals(15.7756, a[3][1], 1e-4);
    assertEquals(1.0, a[0][2], 0.0);
    assertEquals(1.0, a[1][3], 0.0);
  }

  @Test
  void pushingRightTipsThePoleLeft() {
    double[] dx = new double[4];
    plant.derivative(new double[4], new double[] {10}, dx);
    assertEquals(true, dx[2] > 0 && dx[3] < 0);
  }

  @Test
  void dynamicsAreOddInStateAndInput() {
    double[] x = {0.3, 0.4, -0.5, 1.2};
    double[] f = new double[4];
    double[] g = new double[4];
    plant.derivative(x, new double[] {2.0}, f);
    plant.derivative(new double[] {-0.3, -0.4, 0.5, -1.2}, new double[] {-2.0}, g);
    for (int i = 0; i < 4; i++) {
      assertEquals(-f[i], g[i], 1e-14);
    }
  }
}
