package io.loopforge.modeling.sindy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.Trajectory;
import io.loopforge.modeling.ode.DormandPrince54;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 50 000 Lorenz samples, degree-5 library (56 terms, cond(Θ) ≈ 2e10): plain sequential thresholding
 * (α = 0) recovers exactly the 7 true terms.
 */
class LorenzDegreeFiveTest {
  static Trajectory lorenz(int n, double dt) {
    double[] times = new double[n];
    for (int i = 0; i < n; i++) {
      times[i] = i * dt;
    }
    DormandPrince54 dp = DormandPrince54.withTolerances(1e-12, 1e-12);
    double[][] x = dp.integrate(
        (t, s, d) -> {
          d[0] = 10 * (s[1] - s[0]);
          d[1] = s[0] * (28 - s[2]) - s[1];
          d[2] = s[0] * s[1] - 8.0 / 3.0 * s[2];
        },
        times,
        new double[] {-8, 8, 27});
    return new Trajectory(times, x, new double[n][0], List.of("x0", "x1", "x2"), List.of());
  }

  @Test
  void alphaZeroGivesTheTrueSevenTermModel() {
    double dt = 0.0002;
    Dataset data = Dataset.of(lorenz(50_000, dt));
    Sindy sindy = Sindy.builder()
        .dt(dt)
        .library(FeatureLibrary.polynomial(5))
        .optimizer(Stlsq.sequentialThresholding(0.1))
        .build();
    SindyModel model = sindy.fit(data);
    assertEquals(56, model.featureNames().size());
    double[][] c = model.coefficients();
    List<String> f = model.featureNames();
    int x0 = f.indexOf("x0");
    int x1 = f.indexOf("x1");
    int x2 = f.indexOf("x2");
    int x0x1 = f.indexOf("x0 x1");
    int x0x2 = f.indexOf("x0 x2");
    assertEquals(7, model.complexity(), model.toString());
    assertEquals(-10, c[0][x0], 1e-2);
    assertEquals(10, c[0][x1], 1e-2);
    assertEquals(28, c[1][x0], 1e-2);
    assertEquals(-1, c[1][x1], 1e-2);
    assertEquals(-1, c[1][x0x2], 1e-3);
    assertEquals(-8.0 / 3.0, c[2][x2], 1e-3);
    assertEquals(1, c[2][x0x1], 1e-3);
    assertTrue(model.fitReport().orElseThrow().warnings().isEmpty(), model.fitReport().orElseThrow().warnings().toString());

    // the row chunks are fixed by the problem's shape: any number of threads gives the same model
    SindyModel parallel = sindy.toBuilder().threads(2).build().fit(data);
    assertArrayEquals(c, parallel.coefficients());
  }
}
