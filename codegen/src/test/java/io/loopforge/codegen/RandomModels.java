package io.loopforge.codegen;

import io.loopforge.modeling.nn.NeuronKind;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.policy.AffinePolicy;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.policy.NetworkPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded random models for property tests. */
final class RandomModels {
  private RandomModels() {}

  static List<String> names(String stem, int n) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      names.add(stem + i);
    }
    return names;
  }

  static double[] uniform(SplittableRandom rng, int n, double scale) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = scale * (2 * rng.nextDouble() - 1);
    }
    return v;
  }

  static NeuronKind[] kinds(SplittableRandom rng, int n, double pIdentity, double pZero) {
    NeuronKind[] k = new NeuronKind[n];
    for (int i = 0; i < n; i++) {
      double p = rng.nextDouble();
      k[i] = p < pZero ? NeuronKind.ZERO : p < pZero + pIdentity ? NeuronKind.IDENTITY : NeuronKind.RELU;
    }
    return k;
  }

  /** A network with random shape: nx 1–6, nu 0–3, 0–3 hidden layers of width 1–40, mixed kinds. */
  static ReluNetwork network(SplittableRandom rng) {
    int nx = 1 + rng.nextInt(6);
    int nu = rng.nextInt(4);
    int hidden = rng.nextInt(4);
    boolean sparse = rng.nextBoolean();
    ReluNetwork.Builder b = ReluNetwork.builder(names("x", nx), names("u", nu), 0.01).residual(rng.nextBoolean());
    int cols = nx + nu;
    for (int l = 0; l < hidden; l++) {
      int rows = 1 + rng.nextInt(40);
      b.addHiddenLayer(uniform(rng, rows * cols, 2.0 / Math.sqrt(cols)), uniform(rng, rows, 0.5),
          sparse ? kinds(rng, rows, 0.2, 0.2) : kinds(rng, rows, 0.0, 0.0));
      cols = rows;
    }
    return b.output(uniform(rng, nx * cols, 2.0 / Math.sqrt(cols)), uniform(rng, nx, 0.5)).build();
  }

  /** A dense ReLU network with the given hidden widths (all ReLU). */
  static ReluNetwork network(SplittableRandom rng, int nx, int nu, int... widths) {
    ReluNetwork.Builder b = ReluNetwork.builder(names("x", nx), names("u", nu), 0.01);
    int cols = nx + nu;
    for (int w : widths) {
      b.addHiddenLayer(uniform(rng, w * cols, 2.0 / Math.sqrt(cols)), uniform(rng, w, 0.5), kinds(rng, w, 0, 0));
      cols = w;
    }
    return b.output(uniform(rng, nx * cols, 2.0 / Math.sqrt(cols)), uniform(rng, nx, 0.5)).build();
  }

  static InputBounds bounds(SplittableRandom rng, int nu) {
    double[] lo = new double[nu];
    double[] hi = new double[nu];
    for (int i = 0; i < nu; i++) {
      lo[i] = rng.nextInt(4) == 0 ? Double.NEGATIVE_INFINITY : -0.1 - rng.nextDouble();
      hi[i] = rng.nextInt(4) == 0 ? Double.POSITIVE_INFINITY : 0.1 + rng.nextDouble();
    }
    return InputBounds.of(lo, hi);
  }

  static AffinePolicy affine(SplittableRandom rng) {
    int nx = 1 + rng.nextInt(6);
    int nu = 1 + rng.nextInt(3);
    double[][] k = new double[nu][];
    for (int i = 0; i < nu; i++) {
      k[i] = uniform(rng, nx, 3.0);
    }
    AffinePolicy.Builder b = AffinePolicy.builder(names("x", nx), names("u", nu), 0.01).gain(k)
        .inputBounds(bounds(rng, nu));
    if (rng.nextBoolean()) {
      b.referenceLayout(AffinePolicy.ReferenceLayout.STATE_AND_INPUT);
    } else {
      b.inputReference(uniform(rng, nu, 0.2));
    }
    return b.build();
  }

  static NetworkPolicy networkPolicy(SplittableRandom rng) {
    int nx = 1 + rng.nextInt(5);
    int nu = 1 + rng.nextInt(3);
    int nr = rng.nextInt(nx + 1);
    NetworkPolicy.Builder b = NetworkPolicy.builder(names("x", nx), names("u", nu), names("r", nr), 0.01)
        .inputBounds(bounds(rng, nu));
    int cols = nx + nr;
    int hidden = rng.nextInt(3);
    for (int l = 0; l < hidden; l++) {
      int rows = 1 + rng.nextInt(24);
      b.addHiddenLayer(uniform(rng, rows * cols, 2.0 / Math.sqrt(cols)), uniform(rng, rows, 0.5),
          kinds(rng, rows, 0.1, 0.1));
      cols = rows;
    }
    return b.output(uniform(rng, nu * cols, 2.0 / Math.sqrt(cols)), uniform(rng, nu, 0.5)).build();
  }

  /** A sparse polynomial policy: up to 12 monomials of total degree ≤ 3, some coefficients exactly zero. */
  static io.loopforge.modeling.policy.PolynomialPolicy polynomialPolicy(SplittableRandom rng) {
    int nx = 1 + rng.nextInt(4);
    int nu = 1 + rng.nextInt(3);
    int nr = rng.nextInt(nx + 1);
    int terms = 1 + rng.nextInt(12);
    int[][] e = new int[terms][nx + nr];
    for (int t = 1; t < terms; t++) { // term 0 stays the constant
      int degree = 1 + rng.nextInt(3);
      for (int k = 0; k < degree; k++) {
        e[t][rng.nextInt(nx + nr)]++;
      }
    }
    double[][] c = new double[nu][terms];
    for (int i = 0; i < nu; i++) {
      for (int t = 0; t < terms; t++) {
        c[i][t] = rng.nextInt(4) == 0 ? 0 : 2 * rng.nextDouble() - 1;
      }
    }
    return io.loopforge.modeling.policy.PolynomialPolicy.of(names("x", nx), names("u", nu), names("r", nr), 0.01, e, c,
        bounds(rng, nu));
  }

  /**
   * {@code n} input records of {@code width} floats: the first few exercise the edges (zeros, NaN,
   * infinity, huge values, signed zero), the rest are uniform in [−scale, scale].
   */
  static float[][] inputs(SplittableRandom rng, int n, int width, double scale) {
    float[][] in = new float[n][width];
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < width; i++) {
        in[r][i] = (float) (scale * (2 * rng.nextDouble() - 1));
      }
    }
    if (n > 8 && width > 0) {
      java.util.Arrays.fill(in[0], 0.0f);
      java.util.Arrays.fill(in[1], -0.0f);
      in[2][rng.nextInt(width)] = Float.NaN;
      in[3][width - 1] = Float.POSITIVE_INFINITY;
      java.util.Arrays.fill(in[4], 3e38f);
      java.util.Arrays.fill(in[5], -1e30f);
      in[6][0] = Float.MIN_VALUE;
      in[7][0] = 1e-40f;
    }
    return in;
  }
}
