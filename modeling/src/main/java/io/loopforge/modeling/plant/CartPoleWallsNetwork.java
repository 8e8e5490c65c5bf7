package io.loopforge.modeling.plant;

import io.loopforge.modeling.nn.FoldedReluNetwork;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link CartPoleWalls} plant discretised by semi-implicit Euler and written exactly as a {@link
 * FoldedReluNetwork}: a model of the piecewise-affine benchmark that needs no training, with two ReLUs
 * (the two walls) per substep. Planners and mixed-integer encoders can be tested and timed on it against
 * the plant it came from.
 *
 * <p>One substep of h = dt / substeps seconds, with positions q = (x, θ) and velocities v = (ẋ, θ̇):
 *
 * <pre>
 *   p  = x + l·θ                                         tip position
 *   f  = −k·relu(p − d) + k·relu(−d − p)                  wall force on the tip (the plant's, exactly)
 *   v⁺ = v + h·a(q, F, f)                                 a: the plant's accelerations, affine in q, F, f
 *   q⁺ = q + h·v⁺
 * </pre>
 *
 * Every substep's state is affine in the network input and the ReLUs before it, so substep s is ReLU
 * layer s (2 units: right wall, left wall) of the folded network, and the output is the state after the
 * last substep. States, input and units are the plant's (m, rad, m/s, rad/s; force in N); not residual.
 */
public final class CartPoleWallsNetwork {
  private CartPoleWallsNetwork() {}

  /**
   * @param dt sample interval of the model, s
   * @param substeps Euler substeps per sample, ≥ 1 (the network has 2 ReLUs per substep)
   */
  public static FoldedReluNetwork semiImplicitEuler(CartPoleWalls plant, double dt, int substeps) {
    if (!(dt > 0) || Double.isInfinite(dt)) {
      throw new IllegalArgumentException("dt must be a positive number of seconds, got " + dt);
    }
    if (substeps < 1) {
      throw new IllegalArgumentException("substeps must be at least 1, got " + substeps);
    }
    double h = dt / substeps;
    double mc = plant.cartMass();
    double mp = plant.poleMass();
    double l = plant.poleLength();
    double g = plant.gravity();
    double d = plant.wallDistance();
    double k = plant.wallStiffness();
    int nx = 4;
    int n0 = 5; // [x, θ, ẋ, θ̇, F]
    int cols = n0 + 2 * substeps;
    // state i = e[i] · v + c[i], v the folded network's growing vector
    double[][] e = new double[nx][cols];
    double[] c = new double[nx];
    for (int i = 0; i < nx; i++) {
      e[i][i] = 1;
    }
    List<double[]> weights = new ArrayList<>();
    List<double[]> biases = new ArrayList<>();
    int off = n0;
    for (int s = 0; s < substeps; s++) {
      // p = x + l θ; unit 0: relu(p − d), unit 1: relu(−p − d)
      double[] w = new double[2 * off];
      for (int j = 0; j < off; j++) {
        double pj = e[0][j] + l * e[1][j];
        w[j] = pj;
        w[off + j] = -pj;
      }
      double pc = c[0] + l * c[1];
      weights.add(w);
      biases.add(new double[] {pc - d, -pc - d});
      int right = off;
      int left = off + 1;
      // ẍ = (F − m_p g θ)/m_c;  θ̈ = (m_c + m_p) g θ/(m_c l) − F/(m_c l) + f/(m_p l),  f = −k·right + k·left
      double[] ax = new double[cols];
      double[] at = new double[cols];
      for (int j = 0; j < off; j++) {
        ax[j] = -mp * g * e[1][j] / mc;
        at[j] = (mc + mp) * g * e[1][j] / (mc * l);
      }
      ax[4] += 1 / mc;
      at[4] -= 1 / (mc * l);
      at[right] = -k / (mp * l);
      at[left] = k / (mp * l);
      double axc = -mp * g * c[1] / mc;
      double atc = (mc + mp) * g * c[1] / (mc * l);
      for (int j = 0; j < cols; j++) {
        e[2][j] += h * ax[j];
        e[3][j] += h * at[j];
        e[0][j] += h * e[2][j];
        e[1][j] += h * e[3][j];
      }
      c[2] += h * axc;
      c[3] += h * atc;
      c[0] += h * c[2];
      c[1] += h * c[3];
      off += 2;
    }
    double[] out = new double[nx * cols];
    for (int i = 0; i < nx; i++) {
      System.arraycopy(e[i], 0, out, i * cols, cols);
    }
    return new FoldedReluNetwork(plant.stateNames(), plant.inputNames(), dt, false, weights, biases, out, c);
  }
}
