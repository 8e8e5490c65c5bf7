package io.loopforge.modeling.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InputBoundsTest {
  @Test
  void clampsAndKeepsNaN() {
    InputBounds b = InputBounds.of(new double[] {-1, Double.NEGATIVE_INFINITY}, new double[] {1, 2});
    assertEquals(-1.0, b.clamp(0, -5), 0.0);
    assertEquals(1.0, b.clamp(0, 5), 0.0);
    assertEquals(0.5, b.clamp(0, 0.5), 0.0);
    assertEquals(-1e300, b.clamp(1, -1e300), 0.0);
    assertTrue(Double.isNaN(b.clamp(0, Double.NaN)));
    assertFalse(b.isUnbounded());
    assertTrue(InputBounds.unbounded(3).isUnbounded());
  }

  @Test
  void rejectsEmptyBox() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> InputBounds.of(new double[] {1}, new double[] {0}));
    assertEquals("input 0: lower limit 1.0 is above the upper limit 0.0", e.getMessage());
  }
}
