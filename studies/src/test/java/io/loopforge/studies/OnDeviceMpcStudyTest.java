package io.loopforge.studies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The quality goals for the on-device MPC at the standard settings (20 seeded episodes, torque bound
 * active): the generated float32 controller no worse than the saturated LQR in at least 90 % of episodes, and
 * within 10 % of the same MPC in double in every episode.
 */
class OnDeviceMpcStudyTest {
  @Test
  void generatedMpcMeetsTheQualityGoals() {
    OnDeviceMpcStudy.Report r = OnDeviceMpcStudy.run(OnDeviceMpcStudy.Options.standard(), null);
    String table = OnDeviceMpcStudy.markdown(r);
    assertEquals(20, r.episodes().size());
    assertTrue(r.saturated() >= 18, "the torque bound should be active in the episodes:\n" + table);
    assertTrue(r.noWorseThanLqr() >= 18, "no worse than the LQR in " + r.noWorseThanLqr() + " of 20:\n" + table);
    assertEquals(20, r.withinTenPercentOfDouble(), table);
  }
}
