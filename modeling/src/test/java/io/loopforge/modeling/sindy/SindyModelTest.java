package io.loopforge.modeling.sindy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.Trajectory;
import io.loopforge.modeling.io.TrajectoryCsv;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SindyModelTest {
  static SindyModel controlModel() {
    Dataset data = TrajectoryCsv.read(Fixtures.dir("lorenz_control").resolve("data.csv"));
    return Sindy.builder().dt(0.002).build().fit(data);
  }

  @Test
  void printsLikePysindy() {
    SindyModel m = controlModel();
    assertEquals(List.of(
            "(x0)' = -9.999 x0 +  9.999 x1 +  0.999 u0",
            "(x1)' =  27.988 x0 + -0.998 x1 + -1.000 x0 x2",
            "(x2)' = -2.666 x2 + -1.000 u1 +  1.000 x0 x1"),
        m.printLines());
    assertEquals(9, m.complexity());
  }

  @Test
  void predictIsTheRightHandSide() {
    SindyModel m = controlModel();
    double[][] c = m.coefficients();
    double[] x = {1.0, -2.0, 3.0};
    double[] u = {0.5, 0.25};
    double[] f = m.predict(x, u);
    assertEquals(c[0][1] * 1.0 + c[0][2] * -2.0 + c[0][4] * 0.5, f[0], 1e-12);
    assertEquals(c[2][3] * 3.0 + c[2][5] * 0.25 + c[2][7] * -2.0, f[2], 1e-12);
  }

  /** step() is RK4 with the stated substeps, and jacobian() its exact derivative. */
  @Test
  void jacobianOfTheRk4StepMatchesFiniteDifferences() {
    SindyModel m = controlModel().withStep(0.05, 3);
    SplittableRandom rnd = new SplittableRandom(5);
    for (int trial = 0; trial < 5; trial++) {
      double[] x = {rnd.nextDouble(-10, 10), rnd.nextDouble(-10, 10), rnd.nextDouble(10, 30)};
      double[] u = {rnd.nextDouble(-1, 1), rnd.nextDouble(-1, 1)};
      double[][] a = new double[3][3];
      double[][] b = new double[3][2];
      m.jacobian(x, u, a, b);
      for (int j = 0; j < 3; j++) {
        double h = 1e-6 * Math.max(1, Math.abs(x[j]));
        double[] xp = x.clone();
        double[] xm = x.clone();
        xp[j] += h;
        xm[j] -= h;
        double[] fp = m.step(xp, u);
        double[] fm = m.step(xm, u);
        for (int i = 0; i < 3; i++) {
          double fd = (fp[i] - fm[i]) / (2 * h);
          assertEquals(fd, a[i][j], 1e-6 * Math.max(1, Math.abs(fd)), "dx" + i + "/dx" + j);
        }
      }
      for (int j = 0; j < 2; j++) {
        double h = 1e-6;
        double[] up = u.clone();
        double[] um = u.clone();
        up[j] += h;
        um[j] -= h;
        double[] fp = m.step(x, up);
        double[] fm = m.step(x, um);
        for (int i = 0; i < 3; i++) {
          double fd = (fp[i] - fm[i]) / (2 * h);
          assertEquals(fd, b[i][j], 1e-6 * Math.max(1, Math.abs(fd)), "dx" + i + "/du" + j);
        }
      }
    }
  }

  @Test
  void stepAgreesWithTheAdaptiveSimulation() {
    SindyModel m = controlModel().withStep(0.01, 10);
    double[] x0 = {-8, 8, 27};
    double[] u = {0.3, 0.1};
    Trajectory sim = m.simulate(x0, new double[] {0, 0.01}, new double[][] {u, u});
    assertArrayEquals(sim.state(1), m.step(x0, u), 1e-7);
  }

  @Test
  void simulationReproducesTheTrainingData() {
    Dataset data = TrajectoryCsv.read(Fixtures.dir("lorenz_default").resolve("data.csv"));
    SindyModel m = Sindy.builder().dt(0.002).build().fit(data);
    Trajectory tr = data.get(0);
    int n = 500; // 1 s: the attractor is chaotic, so compare over a short horizon
    double[] t = java.util.Arrays.copyOf(tr.times(), n);
    Trajectory sim = m.simulate(tr.state(0), t, null);
    for (int i = 0; i < n; i++) {
      assertArrayEquals(tr.state(i), sim.state(i), 0.05, "sample " + i);
    }
    assertTrue(m.score(data) > 0.9999, "R² " + m.score(data));
  }

  @Test
  void discreteTimeModelIteratesItsMap() {
    // logistic map x[k+1] = 3.6 x (1 - x)
    int n = 60;
    double[][] x = new double[n][1];
    double[] t = new double[n];
    x[0][0] = 0.5;
    for (int i = 1; i < n; i++) {
      x[i][0] = 3.6 * x[i - 1][0] * (1 - x[i - 1][0]);
      t[i] = i;
    }
    Dataset data = Dataset.of(new Trajectory(t, x, new double[n][0], List.of("x0"), List.of()));
    SindyModel m = Sindy.builder().discreteTime(true).dt(1.0).build().fit(data);
    assertEquals(List.of("(x0)[k+1] =  3.600 x0[k] + -3.600 x0[k]^2"), m.printLines());
    assertEquals(List.of("1", "x0", "x0^2"), m.featureNames());
    Trajectory sim = m.simulate(new double[] {0.5}, java.util.Arrays.copyOf(t, 10), null);
    for (int i = 0; i < 10; i++) {
      assertEquals(x[i][0], sim.state(i)[0], 1e-9);
    }
    double[] next = m.step(new double[] {0.2}, new double[0]);
    assertEquals(3.6 * 0.2 * 0.8, next[0], 1e-12);
    double[][] a = new double[1][1];
    m.jacobian(new double[] {0.2}, new double[0], a, new double[1][0]);
    assertEquals(3.6 * (1 - 2 * 0.2), a[0][0], 1e-12);
    assertEquals(1.0, m.score(data), 1e-12);
    ModelingException e = org.junit.jupiter.api.Assertions.assertThrows(ModelingException.class,
        () -> m.withStep(0.5, 1));
    assertEquals("a discrete-time SINDy model steps by its fitted map at dt = 1.0 s and cannot be re-timed to 0.5 s;"
        + " fit a continuous-time model, or resample the data and fit again at the new sample interval", e.getMessage());
  }

  @Test
  void mismatchedInputColumnsAreErrors() {
    SindyModel m = controlModel();
    ModelingException e = assertThrows(ModelingException.class, () -> m.step(new double[] {1, 2, 3}, new double[] {1}));
    assertTrue(e.getMessage().contains("2 inputs [u0, u1]"), e.getMessage());
    Dataset other = TrajectoryCsv.read(Fixtures.dir("lorenz_default").resolve("data.csv"));
    e = assertThrows(ModelingException.class, () -> m.score(other));
    assertTrue(e.getMessage().contains("inputs [u0, u1]") && e.getMessage().contains("inputs []"), e.getMessage());
    e = assertThrows(ModelingException.class, () -> m.simulate(new double[] {1, 2, 3}, new double[] {0, 1}, null));
    assertTrue(e.getMessage().contains("inputs [u0, u1]"), e.getMessage());
  }
}
