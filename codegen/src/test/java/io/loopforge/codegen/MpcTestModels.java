package io.loopforge.codegen;

import io.loopforge.modeling.nn.FoldedReluNetwork;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Models the MPC tests plan with, here and in hil-tests (which reads them from this module's test jar): the
 * firmware under QEMU must run the same network as the host-side agreement tests.
 */
public final class MpcTestModels {
  private MpcTestModels() {}

  /** Exact zero-order hold of m = 1 kg, k = 2 N/m, c = 0.5 N·s/m on the skip path plus small ReLU terms. */
  public static FoldedReluNetwork massSpringDamper(double dt, int relus, double perturbation, long seed) {
    double[][] a = {{0, 1}, {-2, -0.5}};
    double[] bc = {0, 1};
    double[][] ad = {{1, 0}, {0, 1}};
    double[] bd = new double[2];
    double[][] term = {{1, 0}, {0, 1}};
    for (int k = 1; k < 30; k++) {
      for (int i = 0; i < 2; i++) {
        bd[i] += (term[i][0] * bc[0] + term[i][1] * bc[1]) * dt / k;
      }
      double[][] next = new double[2][2];
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
          next[i][j] = (term[i][0] * a[0][j] + term[i][1] * a[1][j]) * dt / k;
        }
      }
      term = next;
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
          ad[i][j] += term[i][j];
        }
      }
    }
    SplittableRandom rng = new SplittableRandom(seed);
    double[] w0 = new double[relus * 3];
    double[] b0 = new double[relus];
    for (int j = 0; j < relus; j++) {
      for (int c = 0; c < 3; c++) {
        w0[j * 3 + c] = rng.nextDouble(-1, 1);
      }
      b0[j] = rng.nextDouble(-0.5, 0.5);
    }
    double[] out = new double[2 * (3 + relus)];
    for (int i = 0; i < 2; i++) {
      out[i * (3 + relus)] = ad[i][0];
      out[i * (3 + relus) + 1] = ad[i][1];
      out[i * (3 + relus) + 2] = bd[i];
      for (int j = 0; j < relus; j++) {
        out[i * (3 + relus) + 3 + j] = perturbation * rng.nextDouble(-1, 1);
      }
    }
    return new FoldedReluNetwork(List.of("position", "velocity"), List.of("force"), dt, false, List.of(w0),
        List.of(b0), out, new double[2]);
  }
}
