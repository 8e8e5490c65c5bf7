package io.loopforge.modeling.ode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.loopforge.modeling.ModelingException;
import org.junit.jupiter.api.Test;

class Rk4Test {
  // x'' = -x as a system, plus a time-dependent forcing so that t is exercised: x' = v, v' = -x + cos(2t).
  private static final OdeSystem FORCED_OSCILLATOR = (t, x, dx) -> {
    dx[0] = x[1];
    dx[1] = -x[0] + Math.cos(2 * t);
  };

  /** Closed form for x(0) = 1, v(0) = 0: x = (4/3) cos t − (1/3) cos 2t. */
  private static double[] exact(double t) {
    return new double[] {4.0 / 3.0 * Math.cos(t) - Math.cos(2 * t) / 3.0,
        -4.0 / 3.0 * Math.sin(t) + 2.0 / 3.0 * Math.sin(2 * t)};
  }

  private static double error(int steps) {
    double tEnd = 2.0;
    double[] x = new Rk4(2).integrate(FORCED_OSCILLATOR, 0.0, new double[] {1, 0}, tEnd / steps, steps);
    double[] e = exact(tEnd);
    return Math.max(Math.abs(x[0] - e[0]), Math.abs(x[1] - e[1]));
  }

  @Test
  void fourthOrderConvergence() {
    double e1 = error(20);
    double e2 = error(40);
    double e3 = error(80);
    assertEquals(16.0, e1 / e2, 1.0);
    assertEquals(16.0, e2 / e3, 0.5);
  }

  @Test
  void exponentialDecayOneStepMatchesTaylorPolynomial() {
    // For x' = -x one RK4 step multiplies by 1 - h + h²/2 - h³/6 + h⁴/24.
    double h = 0.3;
    double[] out = new double[1];
    new Rk4(1).step((t, x, dx) -> dx[0] = -x[0], 0.0, new double[] {1.0}, h, out);
    assertEquals(1 - h + h * h / 2 - h * h * h / 6 + h * h * h * h / 24, out[0], 1e-15);
  }

  @Test
  void stepMayWriteIntoItsInput() {
    double[] x = {1, 0};
    double[] separate = new double[2];
    Rk4 rk4 = new Rk4(2);
    rk4.step(FORCED_OSCILLATOR, 0.1, x, 0.05, separate);
    rk4.step(FORCED_OSCILLATOR, 0.1, x, 0.05, x);
    assertArrayEquals(separate, x, 0.0);
  }

  @Test
  void wrongDimensionIsReported() {
    ModelingException e = assertThrows(
        ModelingException.class, () -> new Rk4(3).step(FORCED_OSCILLATOR, 0, new double[2], 0.1, new double[2]));
    assertEquals("Rk4: expected state arrays of length 3, got x 2 and out 2", e.getMessage());
  }
}
