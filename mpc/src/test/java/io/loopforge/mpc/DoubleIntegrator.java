package io.loopforge.mpc;

import io.loopforge.modeling.DynamicsModel;
import java.util.List;

/** x⁺ = (p + dt v, v + dt u): a linear test model with exact Jacobians. */
final class DoubleIntegrator implements DynamicsModel {
  private final double dt;

  DoubleIntegrator(double dt) {
    this.dt = dt;
  }

  @Override
  public List<String> stateNames() {
    return List.of("p", "v");
  }

  @Override
  public List<String> inputNames() {
    return List.of("f");
  }

  @Override
  public double dt() {
    return dt;
  }

  @Override
  public void step(double[] x, double[] u, double[] next) {
    next[0] = x[0] + dt * x[1];
    next[1] = x[1] + dt * u[0];
  }

  @Override
  public void jacobian(double[] x, double[] u, double[][] a, double[][] b) {
    a[0][0] = 1;
    a[0][1] = dt;
    a[1][0] = 0;
    a[1][1] = 1;
    b[0][0] = 0;
    b[1][0] = dt;
  }
}
