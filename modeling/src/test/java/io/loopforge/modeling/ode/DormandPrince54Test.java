package io.loopforge.modeling.ode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.ModelingException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DormandPrince54Test {
  private static final OdeSystem LORENZ = (t, x, dx) -> {
    dx[0] = 10.0 * (x[1] - x[0]);
    dx[1] = x[0] * (28.0 - x[2]) - x[1];
    dx[2] = x[0] * x[1] - 8.0 / 3.0 * x[2];
  };

  /** Rows of the fixture: t, x0, x1, x2. */
  private static double[][] readFixture(String resource) throws IOException {
    List<double[]> rows = new ArrayList<>();
    try (InputStream in = DormandPrince54Test.class.getResourceAsStream(resource);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String header = r.readLine();
      assertEquals("t,x0,x1,x2", header);
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",");
        double[] row = new double[cells.length];
        for (int j = 0; j < cells.length; j++) {
          row[j] = Double.parseDouble(cells[j].trim());
        }
        rows.add(row);
      }
    }
    return rows.toArray(new double[0][]);
  }

  /** Lorenz fixture rows (t, x0, x1, x2) and the DOPRI solution at the fixture's times. */
  private static double[][] solveLorenz(double[][] data, double tol) {
    double[] times = new double[data.length];
    for (int i = 0; i < data.length; i++) {
      times[i] = data[i][0];
    }
    DormandPrince54 dopri = DormandPrince54.builder().rtol(tol).atol(tol).maxSteps(1_000_000).build();
    return dopri.integrate(LORENZ, times, new double[] {-8, 8, 27});
  }

  private static double maxAbsError(double[][] x, double[][] data, double tMax) {
    double maxErr = 0;
    for (int i = 0; i < data.length && data[i][0] <= tMax; i++) {
      for (int j = 0; j < 3; j++) {
        maxErr = Math.max(maxErr, Math.abs(x[i][j] - data[i][j + 1]));
      }
    }
    return maxErr;
  }

  /**
   * Reference solution by a degree-25 Taylor series per fixture interval (Lorenz is quadratic, so the
   * coefficients follow from Cauchy products); independent of both DOPRI and LSODA, accurate to ~1e-9.
   */
  private static double[][] lorenzTaylor(double[][] data) {
    int order = 25;
    double[] x = new double[order + 1];
    double[] y = new double[order + 1];
    double[] z = new double[order + 1];
    double[][] out = new double[data.length][];
    out[0] = new double[] {-8, 8, 27};
    for (int i = 1; i < data.length; i++) {
      x[0] = out[i - 1][0];
      y[0] = out[i - 1][1];
      z[0] = out[i - 1][2];
      for (int k = 0; k < order; k++) {
        double xz = 0;
        double xy = 0;
        for (int m = 0; m <= k; m++) {
          xz += x[m] * z[k - m];
          xy += x[m] * y[k - m];
        }
        x[k + 1] = 10.0 * (y[k] - x[k]) / (k + 1);
        y[k + 1] = (28.0 * x[k] - xz - y[k]) / (k + 1);
        z[k + 1] = (xy - 8.0 / 3.0 * z[k]) / (k + 1);
      }
      double h = data[i][0] - data[i - 1][0];
      double a = 0;
      double b = 0;
      double c = 0;
      for (int k = order; k >= 0; k--) {
        a = a * h + x[k];
        b = b * h + y[k];
        c = c * h + z[k];
      }
      out[i] = new double[] {a, b, c};
    }
    return out;
  }

  /*
   * The fixture was made by LSODA at rtol = atol = 1e-12, but the Lorenz flow amplifies errors ~1e4-fold
   * over 10 s (most of it in the close pass by the origin at t ≈ 7.5 s), so the fixture itself is
   * 4.1e-6 away from the true solution (see lorenzFixtureIsWithinItsOwnErrorOfTheTrueSolution), and so is
   * any integrator run at 1e-12. Measured: max |DOPRI(1e-12) − fixture| = 1.1e-7 for t ≤ 7 s and
   * 8.4e-6 over the full 10 s; DOPRI at 1e-14 is 4e-8 from the Taylor reference.
   */
  @Test
  void lorenzAtTolerance1e12ReproducesPysindyFixture() throws IOException {
    double[][] data = readFixture("/fixtures/pysindy/lorenz_default/data.csv");
    assertEquals(5000, data.length);
    double[][] x = solveLorenz(data, 1e-12);
    double early = maxAbsError(x, data, 7.0);
    double all = maxAbsError(x, data, 10.0);
    assertTrue(early < 1e-6, "max abs error for t <= 7 s: " + early);
    assertTrue(all < 1e-5, "max abs error over 10 s: " + all);
  }

  @Test
  void lorenzFixtureIsWithinItsOwnErrorOfTheTrueSolution() throws IOException {
    double[][] data = readFixture("/fixtures/pysindy/lorenz_default/data.csv");
    double[][] truth = lorenzTaylor(data);
    double[][] x = solveLorenz(data, 1e-14);
    double[][] truthRows = new double[data.length][];
    for (int i = 0; i < data.length; i++) {
      truthRows[i] = new double[] {data[i][0], truth[i][0], truth[i][1], truth[i][2]};
    }
    double dopriVsTruth = maxAbsError(x, truthRows, 10.0);
    double fixtureVsTruth = maxAbsError(truth, data, 10.0);
    double dopriVsFixture = maxAbsError(x, data, 10.0);
    assertTrue(dopriVsTruth < 1e-7, "DOPRI(1e-14) vs Taylor reference: " + dopriVsTruth);
    assertTrue(fixtureVsTruth < 5e-6, "fixture vs Taylor reference: " + fixtureVsTruth);
    assertTrue(dopriVsFixture < 5e-6, "DOPRI(1e-14) vs fixture: " + dopriVsFixture);
  }

  @Test
  void linearOscillatorMatchesClosedFormAtDenseOutputs() {
    // x' = v, v' = -ω² x: x = cos ωt, v = -ω sin ωt.
    double w = 3.0;
    OdeSystem f = (t, x, dx) -> {
      dx[0] = x[1];
      dx[1] = -w * w * x[0];
    };
    double[] times = new double[201];
    for (int i = 0; i < times.length; i++) {
      times[i] = 0.05 * i;
    }
    DormandPrince54 dopri = DormandPrince54.withTolerances(1e-10, 1e-10);
    DormandPrince54.Solution sol = dopri.solve(f, times, new double[] {1, 0});
    for (int i = 0; i < times.length; i++) {
      assertEquals(Math.cos(w * times[i]), sol.states()[i][0], 1e-8, "t = " + times[i]);
      assertEquals(-w * Math.sin(w * times[i]), sol.states()[i][1], 3e-8, "t = " + times[i]);
    }
    assertEquals(0, sol.stats().rejected());
  }

  @Test
  void timeDependentScalarMatchesClosedForm() {
    // x' = -2 t x, x(0) = 1: x = exp(-t²).
    double[] times = {0.0, 0.3, 0.7, 0.7, 1.5, 2.5};
    double[][] x = DormandPrince54.withTolerances(1e-9, 1e-12).integrate(
        (t, y, dy) -> dy[0] = -2 * t * y[0], times, new double[] {1});
    for (int i = 0; i < times.length; i++) {
      assertEquals(Math.exp(-times[i] * times[i]), x[i][0], 1e-8, "t = " + times[i]);
    }
  }

  @Test
  void denseOutputDoesNotChangeTheSteps() {
    double[] coarse = {0.0, 2.0};
    double[] fine = new double[2001];
    for (int i = 0; i < fine.length; i++) {
      fine[i] = i * 0.001;
    }
    fine[fine.length - 1] = 2.0;
    DormandPrince54 dopri = DormandPrince54.withTolerances(1e-8, 1e-8);
    DormandPrince54.Solution a = dopri.solve(LORENZ, coarse, new double[] {-8, 8, 27});
    DormandPrince54.Solution b = dopri.solve(LORENZ, fine, new double[] {-8, 8, 27});
    assertEquals(a.stats(), b.stats());
    assertArrayEquals(a.states()[1], b.states()[fine.length - 1], 0.0);
  }

  @Test
  void firstRowIsTheInitialState() {
    double[][] x = DormandPrince54.withTolerances(1e-6, 1e-9).integrate(LORENZ, new double[] {1.0}, new double[] {1, 2, 3});
    assertArrayEquals(new double[] {1, 2, 3}, x[0], 0.0);
  }

  @Test
  void blowUpIsReported() {
    // x' = x², x(0) = 1 blows up at t = 1.
    ModelingException e = assertThrows(ModelingException.class,
        () -> DormandPrince54.withTolerances(1e-8, 1e-8).integrate(
            (t, x, dx) -> dx[0] = x[0] * x[0], new double[] {0, 2}, new double[] {1}));
    assertTrue(e.getMessage().contains("became too small"), e.getMessage());
  }

  @Test
  void maxStepsIsReported() {
    DormandPrince54 dopri = DormandPrince54.builder().rtol(1e-10).atol(1e-10).maxSteps(50).build();
    ModelingException e = assertThrows(
        ModelingException.class, () -> dopri.integrate(LORENZ, new double[] {0, 10}, new double[] {-8, 8, 27}));
    assertTrue(e.getMessage().startsWith("DormandPrince54: gave up after 50 steps at t = "), e.getMessage());
  }

  @Test
  void decreasingTimesAreRejected() {
    ModelingException e = assertThrows(ModelingException.class,
        () -> DormandPrince54.withTolerances(1e-6, 1e-6).integrate(LORENZ, new double[] {0, 1, 0.5}, new double[3]));
    assertEquals("DormandPrince54: output times must be non-decreasing, but times[2] = 0.5 < times[1] = 1.0",
        e.getMessage());
  }

  @Test
  void badToleranceIsRejected() {
    ModelingException e = assertThrows(ModelingException.class, () -> DormandPrince54.withTolerances(1e-6, 0));
    assertEquals("DormandPrince54: atol must be finite and > 0, got 0.0", e.getMessage());
  }
}
