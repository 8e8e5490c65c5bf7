package io.loopforge.bench;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.Trajectory;
import io.loopforge.modeling.ode.DormandPrince54;
import java.util.List;

/**
 * Lorenz data as in PySINDy's reference case {@code lorenz_default}: σ = 10, ρ = 28, β = 8/3 from
 * (-8, 8, 27), sampled every {@code dt} seconds, integrated at rtol = atol = 1e-12.
 */
final class SindyBenchData {
  private SindyBenchData() {}

  static Dataset lorenz(int samples, double dt) {
    double[] times = new double[samples];
    for (int i = 0; i < samples; i++) {
      times[i] = i * dt;
    }
    double[][] x = DormandPrince54.withTolerances(1e-12, 1e-12).integrate(
        (t, s, d) -> {
          d[0] = 10 * (s[1] - s[0]);
          d[1] = s[0] * (28 - s[2]) - s[1];
          d[2] = s[0] * s[1] - 8.0 / 3.0 * s[2];
        },
        times,
        new double[] {-8, 8, 27});
    return Dataset.of(new Trajectory(times, x, new double[samples][0], List.of("x0", "x1", "x2"), List.of()));
  }
}
