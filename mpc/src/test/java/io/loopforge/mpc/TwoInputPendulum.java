package io.loopforge.mpc;

import io.loopforge.modeling.DynamicsModel;
import java.util.List;

/**
 * A nonlinear test model with two inputs, one of them multiplying the state (Euler step of a pendulum
 * with a torque u0 and a stiffness input u1): θ⁺ = θ + h ω, ω⁺ = ω + h (u0 − sin θ − u1 θ − 0.1 ω).
 */
final class TwoInputPendulum implements DynamicsModel {
  private static final double H = 0.1;

  @Override
  public List<String> stateNames() {
    return List.of("theta", "omega");
  }

  @Override
  public List<String> inputNames() {
    return List.of("torque", "stiffness");
  }

  @Override
  public double dt() {
    return H;
  }

  @Override
  public void step(double[] x, double[] u, double[] next) {
    next[0] = x[0] + H * x[1];
    next[1] = x[1] + H * (u[0] - Math.sin(x[0]) - u[1] * x[0] - 0.1 * x[1]);
  }

  @Override
  public void jacobian(double[] x, double[] u, double[][] a, double[][] b) {
    a[0][0] = 1;
    a[0][1] = H;
    a[1][0] = -H * (Math.cos(x[0]) + u[1]);
    a[1][1] = 1 - 0.01;
    b[0][0] = 0;
    b[0][1] = 0;
    b[1][0] = H;
    b[1][1] = -H * x[0];
  }
}
