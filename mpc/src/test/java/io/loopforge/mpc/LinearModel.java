package io.loopforge.mpc;

import io.loopforge.modeling.DynamicsModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** x⁺ = A x + B u + c: a linear test model with exact Jacobians. */
final class LinearModel implements DynamicsModel {
  private final double[][] a;
  private final double[][] b;
  private final double[] c;
  private final List<String> states = new ArrayList<>();
  private final List<String> inputs = new ArrayList<>();

  LinearModel(double[][] a, double[][] b, double[] c) {
    this.a = a;
    this.b = b;
    this.c = c;
    for (int i = 0; i < a.length; i++) {
      states.add("x" + i);
    }
    for (int j = 0; j < b[0].length; j++) {
      inputs.add("u" + j);
    }
  }

  /** Entries of A near the identity (spectral radius about 1), B and c of order 1. */
  static LinearModel random(int nx, int nu, SplittableRandom rng) {
    double[][] a = new double[nx][nx];
    double[][] b = new double[nx][nu];
    double[] c = new double[nx];
    for (int i = 0; i < nx; i++) {
      for (int k = 0; k < nx; k++) {
        a[i][k] = (i == k ? 1 : 0) + 0.3 * (2 * rng.nextDouble() - 1);
      }
      for (int j = 0; j < nu; j++) {
        b[i][j] = 2 * rng.nextDouble() - 1;
      }
      c[i] = 0.2 * (2 * rng.nextDouble() - 1);
    }
    return new LinearModel(a, b, c);
  }

  @Override
  public List<String> stateNames() {
    return states;
  }

  @Override
  public List<String> inputNames() {
    return inputs;
  }

  @Override
  public double dt() {
    return 0.1;
  }

  @Override
  public void step(double[] x, double[] u, double[] next) {
    for (int i = 0; i < a.length; i++) {
      double s = c[i];
      for (int k = 0; k < x.length; k++) {
        s += a[i][k] * x[k];
      }
      for (int j = 0; j < u.length; j++) {
        s += b[i][j] * u[j];
      }
      next[i] = s;
    }
  }

  @Override
  public void jacobian(double[] x, double[] u, double[][] ja, double[][] jb) {
    for (int i = 0; i < a.length; i++) {
      System.arraycopy(a[i], 0, ja[i], 0, a[i].length);
      System.arraycopy(b[i], 0, jb[i], 0, b[i].length);
    }
  }
}
