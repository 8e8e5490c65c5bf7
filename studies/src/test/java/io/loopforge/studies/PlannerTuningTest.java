package io.loopforge.studies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.studies.PlannerTuning.Row;
import io.loopforge.studies.PlannerTuning.Scenario;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlannerTuningTest {
  @Test
  void scoresEveryCandidateAgainstTheBestOfEachEpisode() {
    Scenario s = PlannerTuning.cartPoleWalls(1);
    assertEquals(1, s.starts().length);
    List<Row> rows = PlannerTuning.run(s, PlannerTuning.grid("defaults"));
    assertEquals(List.of("random (defaults)", "cem (defaults)", "mppi (defaults)", "gd (defaults)"),
        rows.stream().map(Row::label).toList());
    double lowest = Double.POSITIVE_INFINITY;
    for (Row r : rows) {
      assertTrue(r.meanExcess() >= 0 && r.meanCost() > 0, r.toString());
      lowest = Math.min(lowest, r.medianExcess());
    }
    assertEquals(0.0, lowest, 0.0, "some candidate is the best of the episode");
    String table = PlannerTuning.markdown(s, rows);
    assertTrue(table.startsWith("cartpole-walls, 1 episode of 60 steps, H = 10, L1 cost"), table);
    assertEquals(2 + 2 + 4, table.split("\n").length, table);
  }

  @Test
  void theGridsBehindTheDefaultsAreNamed() {
    assertEquals(72, PlannerTuning.grid("cem").size());
    assertEquals(54, PlannerTuning.grid("mppi").size());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PlannerTuning.grid("pso"));
    assertTrue(e.getMessage().startsWith("unknown grid 'pso'"), e.getMessage());
  }
}
