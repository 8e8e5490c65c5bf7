package io.loopforge.modeling.ode;

import io.loopforge.modeling.ModelingException;

/**
 * The classic fixed-step fourth-order Runge–Kutta method (global error O(h⁴)).
 *
 * <p>An instance owns its stage buffers for one state dimension, so stepping allocates nothing. It is
 * therefore not thread-safe: use one instance per thread.
 */
public final class Rk4 {
  private final int dim;
  private final double[] k1;
  private final double[] k2;
  private final double[] k3;
  private final double[] k4;
  private final double[] tmp;

  /** @param dim state dimension, at least 1 */
  public Rk4(int dim) {
    if (dim < 1) {
      throw new ModelingException("Rk4: state dimension must be at least 1, got " + dim);
    }
    this.dim = dim;
    this.k1 = new double[dim];
    this.k2 = new double[dim];
    this.k3 = new double[dim];
    this.k4 = new double[dim];
    this.tmp = new double[dim];
  }

  /** State dimension this instance was made for. */
  public int dim() {
    return dim;
  }

  /**
   * One step of size {@code h} from {@code (t, x)}; writes {@code x(t + h)} into {@code out}.
   * {@code out} may be the same array as {@code x}.
   *
   * @param t time, s
   * @param h step, s (may be negative)
   */
  public void step(OdeSystem f, double t, double[] x, double h, double[] out) {
    if (x.length != dim || out.length != dim) {
      throw new ModelingException(
          "Rk4: expected state arrays of length " + dim + ", got x " + x.length + " and out " + out.length);
    }
    double half = 0.5 * h;
    f.derivative(t, x, k1);
    for (int i = 0; i < dim; i++) {
      tmp[i] = x[i] + half * k1[i];
    }
    f.derivative(t + half, tmp, k2);
    for (int i = 0; i < dim; i++) {
      tmp[i] = x[i] + half * k2[i];
    }
    f.derivative(t + half, tmp, k3);
    for (int i = 0; i < dim; i++) {
      tmp[i] = x[i] + h * k3[i];
    }
    f.derivative(t + h, tmp, k4);
    double sixth = h / 6.0;
    for (int i = 0; i < dim; i++) {
      out[i] = x[i] + sixth * (k1[i] + 2.0 * (k2[i] + k3[i]) + k4[i]);
    }
  }

  /**
   * Takes {@code steps} steps of size {@code h} from {@code (t0, x0)} and returns the final state
   * {@code x(t0 + steps·h)}; {@code x0} is not modified.
   */
  public double[] integrate(OdeSystem f, double t0, double[] x0, double h, int steps) {
    if (steps < 0) {
      throw new ModelingException("Rk4: number of steps must be non-negative, got " + steps);
    }
    double[] x = x0.clone();
    for (int s = 0; s < steps; s++) {
      step(f, t0 + s * h, x, h, x);
    }
    return x;
  }
}
