package io.loopforge.modeling.plant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ControlTaskTest {
  @Test
  void copiesItsArrays() {
    double[] ref = {1, 2};
    ControlTask task = new ControlTask("hold", ref, new double[] {0.5});
    ref[0] = 9;
    task.referenceState()[1] = 9;
    assertArrayEquals(new double[] {1, 2}, task.referenceState());
    assertEquals(new ControlTask("hold", new double[] {1, 2}, new double[] {0.5}), task);
  }

  @Test
  void referenceInputIsOptional() {
    ControlTask task = new ControlTask("go", new double[] {0});
    assertFalse(task.hasReferenceInput());
    assertNull(task.referenceInput());
  }
}
