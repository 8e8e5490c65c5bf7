package io.loopforge.modeling.sindy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loopforge.modeling.ModelingException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DifferentiationTest {
  private static final JsonNode SCIPY = Fixtures.json(scipyReference());

  private static Path scipyReference() {
    try {
      return Path.of(DifferentiationTest.class.getResource("/sindy/scipy_reference.json").toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double[][] matrix(JsonNode node) {
    double[][] out = new double[node.size()][];
    for (int i = 0; i < node.size(); i++) {
      out[i] = new double[node.get(i).size()];
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = node.get(i).get(j).asDouble();
      }
    }
    return out;
  }

  private static double maxAbsDiff(double[][] a, double[][] b) {
    assertEquals(a.length, b.length);
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
      }
    }
    return max;
  }

  @Test
  void finiteDifferenceOfLorenzEqualsPysindy() {
    Path dir = Fixtures.dir("lorenz_default");
    double[][] data = Fixtures.csv(dir.resolve("data.csv"));
    double[][] x = new double[data.length][3];
    for (int i = 0; i < data.length; i++) {
      System.arraycopy(data[i], 1, x[i], 0, 3);
    }
    double[][] expected = Fixtures.csv(dir.resolve("xdot_fd2.csv"));
    assertEquals(5000, expected.length);
    double[][] got = Differentiation.finiteDifference(2).differentiate(x, 0.002);
    assertTrue(maxAbsDiff(expected, got) <= 1e-9, "max error " + maxAbsDiff(expected, got));
  }

  @Test
  void secondOrderEndsAreTheOneSidedThreePointStencil() {
    double[][] x = {{1.0}, {4.0}, {9.5}, {16.0}, {20.0}};
    double dt = 0.5;
    double[][] d = Differentiation.finiteDifference(2).differentiate(x, dt);
    assertEquals((-3 * 1.0 + 4 * 4.0 - 9.5) / (2 * dt), d[0][0], 1e-12);
    assertEquals((9.5 - 1.0) / (2 * dt), d[1][0], 1e-12);
    assertEquals((3 * 20.0 - 4 * 16.0 + 9.5) / (2 * dt), d[4][0], 1e-12);
  }

  /** A stencil of order k is exact for polynomials of degree ≤ k, at every point including the ends. */
  @Test
  void everyOrderIsExactOnPolynomialsOfItsDegree() {
    for (int order = 1; order <= 4; order++) {
      int n = 12;
      double dt = 0.3;
      double[][] x = new double[n][1];
      double[][] exact = new double[n][1];
      double[] t = new double[n];
      for (int i = 0; i < n; i++) {
        double s = 0.7 + i * dt;
        t[i] = s;
        x[i][0] = 0;
        exact[i][0] = 0;
        for (int p = 0; p <= order; p++) {
          x[i][0] += (p + 1) * Math.pow(s, p);
          exact[i][0] += p == 0 ? 0 : (p + 1) * p * Math.pow(s, p - 1);
        }
      }
      Differentiation fd = Differentiation.finiteDifference(order);
      assertTrue(maxAbsDiff(exact, fd.differentiate(x, dt)) < 1e-9, "order " + order);
      assertTrue(maxAbsDiff(exact, fd.differentiate(x, t)) < 1e-9, "order " + order + " with times");
    }
  }

  @Test
  void nonUniformTimesAreHandledPointByPoint() {
    SplittableRandom rnd = new SplittableRandom(3);
    int n = 40;
    double[] t = new double[n];
    double[][] x = new double[n][1];
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += 0.05 + 0.05 * rnd.nextDouble();
      t[i] = s;
      x[i][0] = 2 * s * s - s + 3;
    }
    double[][] d = Differentiation.finiteDifference(2).differentiate(x, t);
    for (int i = 0; i < n; i++) {
      assertEquals(4 * t[i] - 1, d[i][0], 1e-9);
    }
  }

  @Test
  void savitzkyGolaySmoothingEqualsScipy() {
    double[][] x = matrix(SCIPY.get("x"));
    int n = x.length;
    int[][] cases = {{11, 3}, {7, 2}, {5, 4}};
    for (int[] c : cases) {
      double[][] expected = matrix(SCIPY.get("savgol_" + c[0] + "_" + c[1]));
      SmoothedFiniteDifference sfd = new SmoothedFiniteDifference(c[0], c[1], 2);
      double[][] got = new double[n][3];
      for (int j = 0; j < 3; j++) {
        double[] col = new double[n];
        for (int i = 0; i < n; i++) {
          col[i] = x[i][j];
        }
        double[] out = new double[n];
        sfd.smooth(col, n, out);
        for (int i = 0; i < n; i++) {
          got[i][j] = out[i];
        }
      }
      assertTrue(maxAbsDiff(expected, got) < 1e-12, "savgol " + c[0] + "/" + c[1] + ": " + maxAbsDiff(expected, got));
    }
  }

  @Test
  void smoothedFiniteDifferenceIsFiniteDifferenceOfTheSmoothedData() {
    double[][] x = matrix(SCIPY.get("x"));
    double dt = SCIPY.get("dt").asDouble();
    double[][] smooth = matrix(SCIPY.get("savgol_11_3"));
    double[][] expected = Differentiation.finiteDifference(2).differentiate(smooth, dt);
    double[][] got = Differentiation.smoothedFiniteDifference(11, 3, 2).differentiate(x, dt);
    assertTrue(maxAbsDiff(expected, got) < 1e-10, "error " + maxAbsDiff(expected, got));
  }

  @Test
  void spectralDerivativeEqualsNumpy() {
    for (String key : new String[] {"spectral_96", "spectral_128"}) {
      JsonNode c = SCIPY.get(key);
      double[][] x = matrix(c.get("x"));
      double[][] expected = matrix(c.get("xdot"));
      double[][] got = Differentiation.spectral().differentiate(x, c.get("dt").asDouble());
      assertTrue(maxAbsDiff(expected, got) < 1e-11, key + ": " + maxAbsDiff(expected, got));
      // and it is the derivative: d/dt sin = cos
      for (int i = 0; i < x.length; i++) {
        double t = i * c.get("dt").asDouble();
        assertEquals(Math.cos(t), got[i][0], 1e-10);
      }
    }
  }

  @Test
  void tooFewSamplesForTheStencilIsAnError() {
    double[][] x = {{1}, {2}, {3}, {4}};
    ModelingException e =
        assertThrows(ModelingException.class, () -> Differentiation.finiteDifference(4).differentiate(x, 0.1));
    assertTrue(e.getMessage().contains("4 samples") && e.getMessage().contains("at least 5"), e.getMessage());
    e = assertThrows(ModelingException.class,
        () -> Differentiation.smoothedFiniteDifference(11, 3, 2).differentiate(x, 0.1));
    assertTrue(e.getMessage().contains("at least 11"), e.getMessage());
  }

  @Test
  void invalidParametersAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Differentiation.finiteDifference(5));
    assertThrows(IllegalArgumentException.class, () -> Differentiation.smoothedFiniteDifference(10, 3, 2));
    assertThrows(IllegalArgumentException.class, () -> Differentiation.smoothedFiniteDifference(5, 5, 2));
  }
}
