package io.loopforge.modeling.plant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The analytic Jacobians of the built-in plants against central finite differences. */
class PlantJacobianTest {
  @Test
  void analyticJacobiansAgreeWithFiniteDifferences() {
    SplittableRandom rng = new SplittableRandom(42);
    for (Plant p : PlantCatalog.all()) {
      int nx = p.stateDim();
      int nu = p.inputDim();
      double[][] a = new double[nx][nx];
      double[][] b = new double[nx][nu];
      double[][] aFd = new double[nx][nx];
      double[][] bFd = new double[nx][nu];
      int checked = 0;
      while (checked < 50) {
        double[] x = new double[nx];
        for (int i = 0; i < nx; i++) {
          x[i] = p.defaultInitialState()[i] + rng.nextDouble(-2, 2);
        }
        double[] u = {rng.nextDouble(p.inputLower()[0], p.inputUpper()[0])};
        if (p instanceof CartPoleWalls) {
          CartPoleWalls w = (CartPoleWalls) p;
          double tip = Math.abs(w.tipPosition(x));
          if (Math.abs(tip - w.wallDistance()) < 1e-3) {
            continue; // finite differences straddle the kink
          }
        }
        p.jacobian(x, u, a, b);
        FiniteDifferences.jacobian(p, x, u, aFd, bFd);
        for (int i = 0; i < nx; i++) {
          for (int j = 0; j < nx; j++) {
            assertEquals(aFd[i][j], a[i][j], 1e-7 * Math.max(1, Math.abs(a[i][j])), p.name() + " A" + i + j);
          }
          for (int j = 0; j < nu; j++) {
            assertEquals(bFd[i][j], b[i][j], 1e-7 * Math.max(1, Math.abs(b[i][j])), p.name() + " B" + i + j);
          }
        }
        checked++;
      }
    }
  }

  @Test
  void defaultJacobianIsAccurateForASmoothPlant() {
    // dx0 = x0² x1 + sin(u), dx1 = exp(x0) u; uses the interface's finite-difference default.
    Plant p = new Plant() {
      @Override public String name() {
        return "test";
      }

      @Override public String description() {
        return "test";
      }

      @Override public List<String> stateNames() {
        return List.of("a", "b");
      }

      @Override public List<String> inputNames() {
        return List.of("u");
      }

      @Override public void derivative(double[] x, double[] u, double[] dx) {
        dx[0] = x[0] * x[0] * x[1] + Math.sin(u[0]);
        dx[1] = Math.exp(x[0]) * u[0];
      }

      @Override public double[] inputLower() {
        return new double[] {-1};
      }

      @Override public double[] inputUpper() {
        return new double[] {1};
      }

      @Override public double[] defaultInitialState() {
        return new double[2];
      }

      @Override public ControlTask defaultTask() {
        return new ControlTask("none", new double[2]);
      }

      @Override public java.util.Map<String, Double> parameters() {
        return java.util.Map.of();
      }
    };
    double[] x = {1.3, -0.7};
    double[] u = {0.4};
    double[][] a = new double[2][2];
    double[][] b = new double[2][1];
    p.jacobian(x, u, a, b);
    assertEquals(2 * x[0] * x[1], a[0][0], 1e-9);
    assertEquals(x[0] * x[0], a[0][1], 1e-9);
    assertEquals(Math.exp(x[0]) * u[0], a[1][0], 1e-9 * Math.exp(x[0]));
    assertEquals(0.0, a[1][1], 0.0);
    assertEquals(Math.cos(u[0]), b[0][0], 1e-9);
    assertEquals(Math.exp(x[0]), b[1][0], 1e-9 * Math.exp(x[0]));
  }
}
