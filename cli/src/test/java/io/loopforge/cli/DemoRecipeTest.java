package io.loopforge.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.Trajectory;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantCatalog;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every catalog plant has a demo recipe that fits it: dimensions, a region around the task, data inside it. */
class DemoRecipeTest {
  static List<String> plants() {
    return PlantCatalog.names();
  }

  @ParameterizedTest
  @MethodSource("plants")
  void theRecipeFitsThePlantAndItsDataStayInItsRegion(String name) {
    Plant p = PlantCatalog.create(name);
    DemoRecipe r = DemoRecipe.of(name);
    assertNotNull(r, "no demo recipe for " + name);
    int n = p.stateDim();
    assertEquals(n, r.regionLower().length);
    assertEquals(n, r.regionUpper().length);
    assertEquals(n, r.startSpread().length);
    assertEquals(n, r.stateWeights().length);
    double[] ref = p.defaultTask().referenceState();
    for (double[] x : r.starts(ref, 20, 3)) {
      for (int i = 0; i < n; i++) {
        assertTrue(x[i] > r.regionLower()[i] && x[i] < r.regionUpper()[i], name + ": a start outside the region");
        assertTrue(Math.abs(x[i] - ref[i]) <= r.startSpread()[i], name + ": a start beyond the spread");
      }
    }
    Dataset d = r.data(p, 600, 5);
    assertEquals(600, d.sampleCount() - d.size(), "transitions");
    if (!name.startsWith("cartpole")) { // the cart-poles' recipe is the sparsification benchmark's, with its own box
      for (Trajectory t : d.trajectories()) {
        for (double[] x : t.statesUnsafe()) {
          for (int i = 0; i < n; i++) {
            assertTrue(x[i] >= r.regionLower()[i] && x[i] <= r.regionUpper()[i], name + ": data outside the region");
          }
        }
      }
    }
    Dataset again = r.data(p, 600, 5);
    assertArrayEquals(d.trajectories().get(0).statesUnsafe(), again.trajectories().get(0).statesUnsafe(),
        "the same seed gives the same data");
  }
}
