package io.loopforge.sparsify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.Dataset;
import java.util.List;
import org.junit.jupiter.api.Test;

class SparsifyBenchmarkTest {
  @Test
  void schedulesPassThroughEveryReportedBudget() {
    assertArrayEquals(new int[] {64, 32, 16, 8, 4}, SparsifyBenchmark.schedule(128, new int[] {32, 16, 8, 4}));
    assertArrayEquals(new int[] {16, 12, 8, 4}, SparsifyBenchmark.schedule(32, new int[] {12, 4}));
  }

  @Test
  void simulatedDataHaveTheRequestedSize() {
    Dataset d = SparsifyBenchmark.simulate("cartpole-walls", 1000, 1);
    assertEquals(10, d.size());
    assertEquals(1000, d.sampleCount() - d.size());
    assertEquals(d.trajectories(), SparsifyBenchmark.simulate("cartpole-walls", 1000, 1).trajectories());
  }

  @Test
  void quickRunProducesTheTable() {
    SparsifyBenchmark.Options o = SparsifyBenchmark.Options.quick();
    SparsifyBenchmark.PlantReport r = SparsifyBenchmark.run("pendulum", o, SparsifyListener.NONE);
    assertEquals(1 + o.budgets().length, r.rows().size());
    for (SparsifyBenchmark.Row row : r.rows()) {
      for (double[] cell : List.of(row.gated(), row.magnitude(), row.smallDense())) {
        assertTrue(Double.isFinite(cell[0]) && Double.isFinite(cell[1]) && cell[0] > 0);
        assertTrue(cell[3] <= row.budget());
      }
    }
    String md = SparsifyBenchmark.markdown(List.of(r), o, 1.0);
    assertTrue(md.contains("| dense (32) |"), md);
    assertTrue(md.contains("| 4 |") || md.contains("| 4 (gated:"), md);
  }
}
