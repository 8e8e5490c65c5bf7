package io.loopforge.modeling.plant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.Trajectory;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PlantSimulatorTest {
  /** A free mass (double integrator): exact under zero-order hold. */
  private static final MassSpringDamper FREE_MASS =
      MassSpringDamper.builder().mass(2.0).stiffness(0).damping(0).build();

  private static double[][] randomInputs(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] u = new double[n][1];
    for (int i = 0; i < n; i++) {
      u[i][0] = rng.nextDouble(-10, 10);
    }
    return u;
  }

  @Test
  void zeroOrderHoldIsExactForADoubleIntegrator() {
    int n = 200;
    double dt = 0.05;
    double[][] u = randomInputs(n, 3);
    for (PlantSimulator sim : List.of(PlantSimulator.withDefaults(),
        PlantSimulator.builder().integrator(PlantSimulator.Integrator.RK4).rk4Substeps(1).build())) {
      Trajectory tr = sim.simulate(FREE_MASS, new double[] {0.1, -0.2}, u, dt);
      assertEquals(n, tr.size());
      double p = 0.1;
      double v = -0.2;
      for (int i = 0; i < n; i++) {
        assertEquals(i * dt, tr.time(i), 0.0);
        assertArrayEquals(u[i], tr.input(i), 0.0);
        assertEquals(p, tr.state(i)[0], 1e-9, sim + " step " + i);
        assertEquals(v, tr.state(i)[1], 1e-9, sim + " step " + i);
        double acc = u[i][0] / 2.0;
        p += v * dt + 0.5 * acc * dt * dt;
        v += acc * dt;
      }
      assertEquals(List.of("position", "velocity"), tr.stateNames());
      assertEquals(List.of("force"), tr.inputNames());
    }
  }

  @Test
  void stepResponseMatchesClosedForm() {
    // m = 1, k = 2, c = 0.5, F = 1 from rest: p(t) = (F/k)(1 − e^{−ζωt}(cos ω_d t + ζω/ω_d sin ω_d t)).
    MassSpringDamper p = MassSpringDamper.withDefaults();
    int n = 501;
    double dt = 0.02;
    double[][] u = new double[n][];
    for (int i = 0; i < n; i++) {
      u[i] = new double[] {1.0};
    }
    double wn = Math.sqrt(2.0);
    double zw = 0.25;
    double wd = Math.sqrt(wn * wn - zw * zw);
    for (PlantSimulator sim : List.of(PlantSimulator.withDefaults(),
        PlantSimulator.builder().integrator(PlantSimulator.Integrator.RK4).build())) {
      Trajectory tr = sim.simulate(p, new double[2], u, dt);
      for (int i = 0; i < n; i++) {
        double t = i * dt;
        double expected = 0.5 * (1 - Math.exp(-zw * t) * (Math.cos(wd * t) + zw / wd * Math.sin(wd * t)));
        assertEquals(expected, tr.state(i)[0], 1e-8, sim + " t = " + t);
      }
    }
  }

  @Test
  void singleRowIsTheInitialState() {
    Trajectory tr = PlantSimulator.withDefaults().simulate(Pendulum.withDefaults(), new double[] {1, 2},
        new double[][] {{0.5}}, 0.1);
    assertEquals(1, tr.size());
    assertArrayEquals(new double[] {1, 2}, tr.state(0), 0.0);
  }

  @Test
  void wrongInputWidthIsReported() {
    ModelingException e = assertThrows(ModelingException.class, () -> PlantSimulator.withDefaults()
        .simulate(Pendulum.withDefaults(), new double[2], new double[][] {{0}, {0, 1}}, 0.1));
    assertEquals("PlantSimulator: input row 1 has 2 values but pendulum has 1 inputs [torque]", e.getMessage());
  }

  @Test
  void wrongStateWidthIsReported() {
    ModelingException e = assertThrows(ModelingException.class, () -> PlantSimulator.withDefaults()
        .simulate(CartPole.withDefaults(), new double[2], new double[3][1], 0.1));
    assertEquals("PlantSimulator: x0 has 2 values but cartpole has 4 states "
        + "[cart_position, pole_angle, cart_velocity, pole_angular_velocity]", e.getMessage());
  }

  @Test
  void blowUpNamesTheStepAndTime() {
    Plant explosive = new Plant() {
      @Override public String name() {
        return "explosive";
      }

      @Override public String description() {
        return "dx/dt = x²";
      }

      @Override public List<String> stateNames() {
        return List.of("x");
      }

      @Override public List<String> inputNames() {
        return List.of("u");
      }

      @Override public void derivative(double[] x, double[] u, double[] dx) {
        dx[0] = x[0] * x[0] + u[0];
      }

      @Override public double[] inputLower() {
        return new double[] {-1};
      }

      @Override public double[] inputUpper() {
        return new double[] {1};
      }

      @Override public double[] defaultInitialState() {
        return new double[] {1};
      }

      @Override public ControlTask defaultTask() {
        return new ControlTask("none", new double[] {0});
      }

      @Override public Map<String, Double> parameters() {
        return Map.of();
      }
    };
    // x(0) = 1 blows up at t = 1 s, inside step 3 (t = 0.75 s to 1.0 s).
    for (PlantSimulator sim : List.of(PlantSimulator.withDefaults(),
        PlantSimulator.builder().integrator(PlantSimulator.Integrator.RK4).rk4Substeps(2).build())) {
      ModelingException e = assertThrows(ModelingException.class,
          () -> sim.simulate(explosive, new double[] {1}, new double[10][1], 0.25));
      assertTrue(e.getMessage().startsWith("PlantSimulator: explosive blows up in step "), e.getMessage());
      if (sim.integrator() == PlantSimulator.Integrator.DORMAND_PRINCE_54) {
        assertTrue(e.getMessage().contains("step 3 (t = 0.75 s to 1.0 s"), e.getMessage());
      }
    }
  }
}
