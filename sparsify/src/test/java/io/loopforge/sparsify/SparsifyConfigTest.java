package io.loopforge.sparsify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
}
