package io.loopforge.modeling.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.loopforge.modeling.DynamicsModel;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class MpcPolicyTest {
  /** A double integrator (theta, omega) driven by torque, dt = 0.05 s. */
  private static final DynamicsModel MODEL = new DynamicsModel() {
    @Override
    public List<String> stateNames() {
      return List.of("theta", "omega");
    }

    @Override
    public List<String> inputNames() {
      return List.of("torque");
    }

    @Override
    public double dt() {
      return 0.05;
    }

    @Override
    public void step(double[] x, double[] u, double[] next) {
      double omega = x[1] + dt() * u[0];
      next[0] = x[0] + dt() * x[1];
      next[1] = omega;
    }

    @Override
    public void jacobian(double[] x, double[] u, double[][] a, double[][] b) {
      a[0][0] = 1;
      a[0][1] = dt();
      a[1][0] = 0;
      a[1][1] = 1;
      b[0][0] = 0;
      b[1][0] = dt();
    }
  };

  @Test
  void defaultsAndNames() {
    MpcPolicy p = MpcPolicy.builder(MODEL).stateWeights(10, 1).build();
    assertArrayEquals(new double[] {10, 1}, p.terminalWeights());
    assertArrayEquals(new double[] {1}, p.inputWeights());
    assertArrayEquals(new double[] {0}, p.rateWeights());
    assertEquals(List.of("theta_ref", "omega_ref"), p.referenceNames());
    assertEquals(10, p.horizon());
    assertEquals(0.05, p.dt());
  }

  @Test
  void badSettingsAreRefusedWithTheSettingNamed() {
    assertMessage("the horizon must be at least 1 step, got 0", b -> b.horizon(0));
    assertMessage("the horizon must be at least 1 step, got -3", b -> b.horizon(-3));
    assertMessage("the Gauss-Newton iteration budget must be at least 1, got 0", b -> b.iterations(0));
    assertMessage("the box-QP iteration budget must be at least 1, got 0", b -> b.qpIterations(0));
    assertMessage("the state weights (q) must be finite and >= 0, got -1.0 for omega", b -> b.stateWeights(1, -1));
    assertMessage("the state weights (q) must be finite and >= 0, got NaN for theta", b -> b.stateWeights(Double.NaN, 1));
    assertMessage("the terminal weights (q-terminal) must be finite and >= 0, got Infinity for theta",
        b -> b.terminalWeights(Double.POSITIVE_INFINITY, 1));
    assertMessage("the input weights (r) have 2 values, expected 1 (one per torque)", b -> b.inputWeights(1, 1));
    assertMessage("the input-rate weights (r-rate) must be finite and >= 0, got -0.5 for torque", b -> b.rateWeights(-0.5));
    assertMessage("input torque has input weight 0 and rate weight 0: the Gauss-Newton Hessian would be singular;"
        + " give it r > 0 or r-rate > 0", b -> b.inputWeights(0));
    assertMessage("the reference state (x-ref) holds a non-finite value (NaN)", b -> b.referenceState(Double.NaN, 0));
  }

  @Test
  void aModelWithoutInputsIsRefused() {
    DynamicsModel autonomous = new DynamicsModel() {
      @Override
      public List<String> stateNames() {
        return List.of("x");
      }

      @Override
      public List<String> inputNames() {
        return List.of();
      }

      @Override
      public double dt() {
        return 0.1;
      }

      @Override
      public void step(double[] x, double[] u, double[] next) {
        next[0] = 0.9 * x[0];
      }

      @Override
      public void jacobian(double[] x, double[] u, double[][] a, double[][] b) {
        a[0][0] = 0.9;
      }
    };
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MpcPolicy.builder(autonomous).build());
    assertEquals("the model has no input (states [x]): an MPC needs at least one input to plan", e.getMessage());
  }

  private static void assertMessage(String expected, UnaryOperator<MpcPolicy.Builder> settings) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> settings.apply(MpcPolicy.builder(MODEL)).build());
    assertEquals(expected, e.getMessage());
  }
}
