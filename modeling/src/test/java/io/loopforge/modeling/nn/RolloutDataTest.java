package io.loopforge.modeling.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.Trajectory;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutDataTest {
  @Test
  void windowsStayOnTheirSideOfTheCut() {
    RolloutData data = RolloutData.of(SyntheticData.pendulum(2, 50, 1), 5, 0.2);
    // 40 training samples → starts 0..34; 10 validation samples → starts 40..44
    assertEquals(2 * 35, data.trainingWindows());
    assertEquals(2 * 5, data.validationWindows());
    assertEquals(SyntheticData.DT, data.dt(), 1e-12);
    for (int w = 0; w < data.trainingWindows(); w++) {
      assertTrue(data.trainStart(w) + 5 < 40);
    }
    for (int w = 0; w < data.validationWindows(); w++) {
      assertTrue(data.validationStart(w) >= 40 && data.validationStart(w) + 5 <= 49);
    }
  }

  @Test
  void wholeTrajectoriesValidateWhenThereAreMany() {
    RolloutData data = RolloutData.of(SyntheticData.pendulum(10, 20, 1), 4, 0.2);
    // trajectories 4 and 9 validate
    assertEquals(8 * 16, data.trainingWindows());
    assertEquals(2 * 16, data.validationWindows());
    for (int w = 0; w < data.validationWindows(); w++) {
      int t = data.validationTrajectory(w);
      assertTrue(t == 4 || t == 9, "trajectory " + t);
    }
    RolloutData tail = RolloutData.of(SyntheticData.pendulum(10, 20, 1), 3, 0.2, RolloutData.Split.TAIL);
    assertEquals(10 * 13, tail.trainingWindows());
    assertEquals(10, tail.validationWindows());
  }

  @Test
  void dataShorterThanTheHorizonAreRejected() {
    Dataset d = SyntheticData.pendulum(3, 8, 1);
    ModelingException e = assertThrows(ModelingException.class, () -> RolloutData.of(d, 10, 0.2));
    assertTrue(e.getMessage().contains("shorter than the rollout horizon")
        && e.getMessage().contains("longest trajectory has 8 samples"), e.getMessage());
    e = assertThrows(ModelingException.class, () -> RolloutData.of(SyntheticData.pendulum(1, 40, 1), 10, 0.2));
    assertTrue(e.getMessage().contains("validation part"), e.getMessage());
    assertThrows(ModelingException.class, () -> RolloutData.of(d, 0, 0.2));
  }

  @Test
  void unevenSamplingAndNanAreRejected() {
    double[] t = {0, 0.1, 0.3, 0.4};
    double[][] x = {{0}, {1}, {2}, {3}};
    double[][] u = {{0}, {0}, {0}, {0}};
    Dataset uneven = Dataset.of(new Trajectory(t, x, u, List.of("x"), List.of("u")));
    ModelingException e = assertThrows(ModelingException.class, () -> RolloutData.of(uneven, 1, 0));
    assertTrue(e.getMessage().contains("not uniformly sampled"), e.getMessage());
    double[][] xn = {{0}, {Double.NaN}, {2}, {3}};
    Dataset nan = Dataset.of(new Trajectory(new double[] {0, 1, 2, 3}, xn, u, List.of("x"), List.of("u")));
    e = assertThrows(ModelingException.class, () -> RolloutData.of(nan, 1, 0));
    assertTrue(e.getMessage().contains("sample 1: state x is NaN"), e.getMessage());
  }
}
