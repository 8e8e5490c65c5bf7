package io.loopforge.modeling.plant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.Trajectory;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendulumTest {
  @Test
  void namesBoundsAndDefaults() {
    Pendulum p = Pendulum.withDefaults();
    assertEquals("pendulum", p.name());
    assertEquals(List.of("theta", "omega"), p.stateNames());
    assertEquals(List.of("torque"), p.inputNames());
    assertArrayEquals(new double[] {-3}, p.inputLower());
    assertArrayEquals(new double[] {3}, p.inputUpper());
    assertEquals(List.of("mass", "length", "gravity", "damping"), List.copyOf(p.parameters().keySet()));
    assertArrayEquals(new double[] {Math.PI, 0}, p.defaultTask().referenceState());
    assertArrayEquals(new double[] {0.1, 0}, p.defaultInitialState());
  }

  @Test
  void torqueLimitIsBelowTheStaticHoldingTorque() {
    // Swing-up needs pumping: the motor cannot hold the pendulum horizontal.
    Pendulum p = Pendulum.withDefaults();
    assertTrue(p.torqueLimit() < p.mass() * p.gravity() * p.length());
    double[] dx = new double[2];
    p.derivative(new double[] {Math.PI / 2, 0}, p.inputUpper(), dx);
    assertTrue(dx[1] < 0, "falls back even at full torque");
  }

  @Test
  void undampedPendulumConservesEnergy() {
    Pendulum p = Pendulum.builder().damping(0).build();
    double[] x0 = {2.5, 0.0};
    int n = 1001;
    Trajectory tr = PlantSimulator.builder().rtol(1e-10).atol(1e-10).build()
        .simulate(p, x0, new double[n][1], 0.01);
    double e0 = p.energy(x0);
    double maxDrift = 0;
    for (int i = 0; i < n; i++) {
      maxDrift = Math.max(maxDrift, Math.abs(p.energy(tr.state(i)) - e0));
    }
    assertTrue(maxDrift < 1e-7 * Math.abs(e0), "energy drift " + maxDrift);
    // It actually swings: theta changes sign.
    assertTrue(tr.state(150)[0] < 0 || tr.state(300)[0] < 0);
  }

  @Test
  void dampingDissipatesEnergy() {
    Pendulum p = Pendulum.withDefaults();
    double[] x0 = {2.5, 0.0};
    Trajectory tr = PlantSimulator.withDefaults().simulate(p, x0, new double[501][1], 0.01);
    assertTrue(p.energy(tr.state(500)) < p.energy(x0) - 0.1);
  }
}
