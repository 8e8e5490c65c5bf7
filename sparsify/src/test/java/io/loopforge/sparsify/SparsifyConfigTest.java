package io.loopforge.sparsify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SparsifyConfigTest {
  @Test
  void halvingSchedules() {
    assertArrayEquals(new int[] {64, 32, 16, 8}, SparsifyConfig.halvingSchedule(128, 8));
    assertArrayEquals(new int[] {64, 32, 16, 10}, SparsifyConfig.halvingSchedule(128, 10));
    assertArrayEquals(new int[] {4}, SparsifyConfig.halvingSchedule(8, 4));
    assertArrayEquals(new int[] {5}, SparsifyConfig.halvingSchedule(8, 5));
    assertArrayEquals(new int[] {8, 4, 2, 1, 0}, SparsifyConfig.halvingSchedule(16, 0));
  }

  @Test
  void schedulesMustDecrease() {
    SparsifyException e = assertThrows(SparsifyException.class, () -> SparsifyConfig.builder(16, 16, 8));
    assertTrue(e.getMessage().contains("decrease strictly"), e.getMessage());
    assertThrows(SparsifyException.class, () -> SparsifyConfig.builder());
    assertThrows(SparsifyException.class, () -> SparsifyConfig.builder(4, -1));
  }

  @Test
  void onlyKeptBudgetsAreFineTunedToConvergence() {
    SparsifyConfig c = SparsifyConfig.builder(64, 32, 16, 8).fineTuneEpochs(300).intermediateFineTuneEpochs(20).build();
    assertArrayEquals(new int[] {8}, c.kept());
    assertEquals(20, c.fineTuneEpochs(64));
    assertEquals(300, c.fineTuneEpochs(8));
    SparsifyConfig k = c.toBuilder().keep(32, 8).build();
    assertEquals(300, k.fineTuneEpochs(32));
    assertEquals(20, k.fineTuneEpochs(16));
    // a new schedule keeps its own last budget
    assertArrayEquals(new int[] {4}, k.toBuilder().schedule(16, 4).build().kept());
    SparsifyException e = assertThrows(SparsifyException.class, () -> c.toBuilder().keep(12).build());
    assertTrue(e.getMessage().contains("kept budget 12 is not in the schedule [64, 32, 16, 8]"), e.getMessage());
  }
}
