package io.loopforge.modeling.plant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.Trajectory;
import io.loopforge.modeling.excitation.Excitation;
import io.loopforge.modeling.excitation.ExcitationKind;
import org.junit.jupiter.api.Test;

class PlantSimulatorCollectTest {
  private static double[][] prbs(Plant p, int steps, double dt) {
    return Excitation.generate(ExcitationKind.PRBS, steps, dt, p.inputLower(), p.inputUpper(), 3);
  }

  @Test
  void unstablePlantIsCollectedInEpisodesThatStayInItsOperatingRegion() {
    Plant p = CartPoleWalls.withDefaults();
    double[][] u = prbs(p, 2000, 0.01);
    Dataset d = PlantSimulator.withDefaults().collect(p, p.defaultInitialState(), u, 0.01, 7);
    assertEquals(2000, d.sampleCount());
    assertTrue(d.size() > 5, "episodes: " + d.size());
    double[] lo = p.stateLower();
    double[] hi = p.stateUpper();
    int row = 0;
    for (Trajectory t : d.trajectories()) {
      assertTrue(t.size() >= PlantSimulator.MIN_EPISODE_ROWS, "episode of " + t.size() + " rows");
      assertEquals(0.0, t.time(0));
      for (int i = 0; i < t.size(); i++, row++) {
        // Each episode's rows are the inputs in order, with no gap or repeat.
        assertEquals(u[row][0], t.inputsUnsafe()[i][0]);
        if (i >= PlantSimulator.MIN_EPISODE_ROWS && row < 2000 - PlantSimulator.MIN_EPISODE_ROWS) {
          for (int j = 0; j < p.stateDim(); j++) {
            double x = t.statesUnsafe()[i][j];
            assertTrue(x >= lo[j] && x <= hi[j], "row " + row + " state " + j + " = " + x);
          }
        }
      }
    }
  }

  @Test
  void episodesContinueTheDynamicsWithinEachEpisode() {
    Plant p = CartPole.withDefaults();
    double[][] u = prbs(p, 600, 0.02);
    PlantSimulator sim = PlantSimulator.withDefaults();
    Dataset d = sim.collect(p, p.defaultInitialState(), u, 0.02, 1);
    Trajectory second = d.get(1);
    Trajectory again = sim.simulate(p, second.state(0), second.inputs(), 0.02);
    assertEquals(again, second);
  }

  @Test
  void sameSeedSameEpisodesAndPlantsWithoutRegionGiveOneRun() {
    Plant walls = CartPoleWalls.withDefaults();
    double[][] u = prbs(walls, 500, 0.01);
    PlantSimulator sim = PlantSimulator.withDefaults();
    Dataset a = sim.collect(walls, walls.defaultInitialState(), u, 0.01, 11);
    Dataset b = sim.collect(walls, walls.defaultInitialState(), u, 0.01, 11);
    assertEquals(a.trajectories(), b.trajectories());

    Plant pendulum = Pendulum.withDefaults();
    double[][] v = prbs(pendulum, 300, 0.02);
    Dataset one = sim.collect(pendulum, pendulum.defaultInitialState(), v, 0.02, 11);
    assertEquals(1, one.size());
    assertEquals(sim.simulate(pendulum, pendulum.defaultInitialState(), v, 0.02), one.get(0));
  }
}
