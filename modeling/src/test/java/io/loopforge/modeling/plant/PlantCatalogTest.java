package io.loopforge.modeling.plant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.ModelingException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlantCatalogTest {
  @Test
  void namesInOrder() {
    assertEquals(List.of("mass-spring-damper", "pendulum", "cartpole", "cartpole-walls", "lorenz-control"),
        PlantCatalog.names());
  }

  @Test
  void createGivesThePlantOfThatName() {
    for (String name : PlantCatalog.names()) {
      assertEquals(name, PlantCatalog.create(name).name());
    }
    assertEquals(5, PlantCatalog.all().size());
  }

  @Test
  void unknownNameListsKnownNames() {
    ModelingException e = assertThrows(ModelingException.class, () -> PlantCatalog.create("acrobot"));
    assertEquals("unknown plant 'acrobot'; known plants: mass-spring-damper, pendulum, cartpole, cartpole-walls, "
        + "lorenz-control", e.getMessage());
  }

  @Test
  void dimensionsAreConsistent() {
    for (Plant p : PlantCatalog.all()) {
      int nx = p.stateDim();
      int nu = p.inputDim();
      assertEquals(nx, p.defaultInitialState().length, p.name());
      assertEquals(nx, p.defaultTask().referenceState().length, p.name());
      assertEquals(nu, p.defaultTask().referenceInput().length, p.name());
      assertEquals(nu, p.inputLower().length, p.name());
      assertEquals(nu, p.inputUpper().length, p.name());
      for (int j = 0; j < nu; j++) {
        assertTrue(p.inputLower()[j] < p.inputUpper()[j], p.name());
      }
      assertTrue(!p.description().isBlank() && !p.parameters().isEmpty(), p.name());
    }
  }

  @Test
  void referenceIsAnEquilibriumWithItsInput() {
    for (Plant p : PlantCatalog.all()) {
      ControlTask task = p.defaultTask();
      double[] dx = new double[p.stateDim()];
      p.derivative(task.referenceState(), task.referenceInput(), dx);
      assertArrayEquals(new double[p.stateDim()], dx, 1e-12, p.name());
      double[] u = task.referenceInput();
      for (int j = 0; j < u.length; j++) {
        assertTrue(u[j] >= p.inputLower()[j] && u[j] <= p.inputUpper()[j], p.name());
      }
    }
  }

  @Test
  void returnedArraysAreCopies() {
    for (Plant p : PlantCatalog.all()) {
      p.inputLower()[0] = 1e9;
      p.defaultInitialState()[0] = 1e9;
      assertTrue(p.inputLower()[0] < 1e9 && p.defaultInitialState()[0] < 1e9, p.name());
    }
  }
}
