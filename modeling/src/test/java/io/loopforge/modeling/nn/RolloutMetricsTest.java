package io.loopforge.modeling.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.ModelingException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutMetricsTest {
  /** The synthetic data's own Euler step, wrong by {@code bias} in ω wherever θ > {@code above}. */
  private record Euler(double bias, double above) implements DynamicsModel {
    @Override
    public List<String> stateNames() {
      return SyntheticData.STATES;
    }

    @Override
    public List<String> inputNames() {
      return SyntheticData.INPUTS;
    }

    @Override
    public double dt() {
      return SyntheticData.DT;
    }

    @Override
    public void step(double[] x, double[] u, double[] next) {
      double dt = SyntheticData.DT;
      next[0] = x[0] + dt * x[1];
      next[1] = x[1] + dt * (-4 * Math.sin(x[0]) - 0.3 * x[1] + 2 * u[0]) + (x[0] > above ? bias : 0.0);
    }

    @Override
    public void jacobian(double[] x, double[] u, double[][] a, double[][] b) {
      throw new UnsupportedOperationException();
    }
  }

  private final RolloutData data = RolloutData.of(SyntheticData.pendulum(6, 40, 3), 4, 0.2);
  private final double[] scale = {1.0, 1.0};

  @Test
  void theExactModelHasNoErrorAndErrorsGrowAlongTheRollout() {
    for (double v : RolloutMetrics.mseByStep(new Euler(0, 0), data, true, scale)) {
      assertEquals(0.0, v, 1e-24);
    }
    double[] biased = RolloutMetrics.mseByStep(new Euler(0.01, -10), data, true, scale);
    // a constant ω error of 0.01 per step: ω is off by 0.01 k, θ by 0.01 dt k (k − 1) / 2
    assertEquals((0.01 * 0.01 + 0.0) / 2, biased[0], 1e-15);
    for (int k = 1; k < biased.length; k++) {
      assertTrue(biased[k] > biased[k - 1]);
    }
  }

  @Test
  void windowErrorsAverageToTheMseAndTrimmingDropsTheWorstWindows() {
    DynamicsModel m = new Euler(0.05, 0.5);
    double[][] e = RolloutMetrics.windowErrors(m, data, true, scale);
    double[] mse = RolloutMetrics.mseByStep(m, data, true, scale);
    assertEquals(data.validationWindows(), e.length);
    double sum = 0;
    double max = 0;
    int wrong = 0;
    for (double[] w : e) {
      sum += w[3];
      max = Math.max(max, w[3]);
      wrong += w[3] > 0 ? 1 : 0;
    }
    assertEquals(sum / e.length, mse[3], 1e-15);
    assertEquals(mse[3], RolloutMetrics.trimmedMse(m, data, true, scale, 0.0), 1e-15);
    assertTrue(wrong > 0 && wrong < e.length, wrong + " of " + e.length + " windows see the bias");
    // leaving out every window the bias reaches leaves no error at all
    double fraction = (double) wrong / e.length;
    assertEquals(0.0, RolloutMetrics.trimmedMse(m, data, true, scale, Math.min(0.99, fraction + 1e-9)), 1e-24);
    double fewer = RolloutMetrics.trimmedMse(m, data, true, scale, 1.0 / e.length);
    assertEquals((sum - max) / (e.length - 1), fewer, 1e-15);
  }

  @Test
  void aFractionOutsideTheUnitIntervalIsRefused() {
    ModelingException ex = assertThrows(ModelingException.class,
        () -> RolloutMetrics.trimmedMse(new Euler(0, 0), data, true, scale, 1.0));
    assertTrue(ex.getMessage().contains("fraction of windows left out must be in [0, 1), got 1.0"), ex.getMessage());
  }
}
