package io.loopforge.modeling.plant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.loopforge.modeling.ModelingException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MassSpringDamperTest {
  private final MassSpringDamper plant = MassSpringDamper.withDefaults();

  @Test
  void namesBoundsAndDefaults() {
    assertEquals("mass-spring-damper", plant.name());
    assertEquals(List.of("position", "velocity"), plant.stateNames());
    assertEquals(List.of("force"), plant.inputNames());
    assertArrayEquals(new double[] {-10}, plant.inputLower());
    assertArrayEquals(new double[] {10}, plant.inputUpper());
    assertEquals(Map.of("mass", 1.0, "stiffness", 2.0, "damping", 0.5), plant.parameters());
    assertEquals(List.of("mass", "stiffness", "damping"), List.copyOf(plant.parameters().keySet()));
    assertArrayEquals(new double[] {0.5, 0.0}, plant.defaultTask().referenceState());
    assertArrayEquals(new double[] {1.0}, plant.defaultTask().referenceInput());
  }

  @Test
  void derivativeIsNewtonsLaw() {
    MassSpringDamper p = MassSpringDamper.builder().mass(2).stiffness(3).damping(0.5).build();
    double[] dx = new double[2];
    p.derivative(new double[] {0.2, -1.0}, new double[] {4.0}, dx);
    assertArrayEquals(new double[] {-1.0, (4.0 - 0.6 + 0.5) / 2.0}, dx, 1e-15);
  }

  @Test
  void badParameterIsNamed() {
    ModelingException e = assertThrows(ModelingException.class, () -> MassSpringDamper.builder().mass(0).build());
    assertEquals("mass-spring-damper: parameter mass must be finite and > 0 (kg), got 0.0", e.getMessage());
  }
}
