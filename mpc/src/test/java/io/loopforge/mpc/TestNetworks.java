package io.loopforge.mpc;

import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.NeuronKind;
import io.loopforge.modeling.nn.ReluNetwork;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded networks for the MIP tests. */
final class TestNetworks {
  private TestNetworks() {}

  /**
   * A dense ReLU network with He-initialised weights (N(0, 2/fan_in)) times {@code scale} and biases
   * N(0, biasStd²), folded.
   */
  static FoldedReluNetwork random(List<String> states, List<String> inputs, int[] hidden, boolean residual,
      double scale, double biasStd, long seed) {
    return FoldedReluNetwork.fold(randomDense(states, inputs, hidden, residual, scale, biasStd, seed));
  }

  static ReluNetwork randomDense(List<String> states, List<String> inputs, int[] hidden, boolean residual,
      double scale, double biasStd, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    ReluNetwork.Builder b = ReluNetwork.builder(states, inputs, 0.05).residual(residual);
    int in = states.size() + inputs.size();
    for (int width : hidden) {
      NeuronKind[] kinds = new NeuronKind[width];
      Arrays.fill(kinds, NeuronKind.RELU);
      b.addHiddenLayer(gaussian(rng, width * in, scale * Math.sqrt(2.0 / in)), gaussian(rng, width, biasStd), kinds);
      in = width;
    }
    b.output(gaussian(rng, states.size() * in, scale * Math.sqrt(1.0 / in)), gaussian(rng, states.size(), biasStd));
    return b.build();
  }

  /** One input, one output, no control input: the shape of OMLT's example (1 → hidden → 1). */
  static FoldedReluNetwork scalar(int[] hidden, long seed) {
    return random(List.of("x"), List.of(), hidden, false, 1.0, 0.3, seed);
  }

  static double[] gaussian(SplittableRandom rng, int n, double std) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      // Box–Muller
      double u1 = rng.nextDouble();
      double u2 = rng.nextDouble();
      v[i] = std * Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
    return v;
  }

  /**
   * A model of the mass-spring-damper (m = 1 kg, k = 2 N/m, c = 0.5 N·s/m) at {@code dt} s: the exact
   * zero-order-hold discretisation on the skip path, plus {@code relus} ReLU units over [x; u/10] whose
   * small output weights ({@code perturbation} times N(0, 1)) stand in for a learned model's error.
   */
  static FoldedReluNetwork massSpringDamper(double dt, int relus, double perturbation, long seed) {
    double[][] a = {{0, 1}, {-2, -0.5}};
    double[] bc = {0, 1};
    // exp(A dt) and ∫₀^dt exp(A s) ds · B by their series
    double[][] ad = {{1, 0}, {0, 1}};
    double[] bd = new double[2];
    double[][] term = {{1, 0}, {0, 1}};
    for (int k = 1; k < 30; k++) {
      // bd += term · B · dt / k   (term = (A dt)^{k−1} / (k−1)!)
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
    double[] w0 = gaussian(rng, relus * 3, 1.0);
    for (int j = 0; j < relus; j++) {
      w0[j * 3 + 2] *= 0.1; // the force spans ±10 N: keep each unit's input in the range of the states'
    }
    double[] b0 = gaussian(rng, relus, 0.5);
    double[] out = new double[2 * (3 + relus)];
    for (int i = 0; i < 2; i++) {
      out[i * (3 + relus)] = ad[i][0];
      out[i * (3 + relus) + 1] = ad[i][1];
      out[i * (3 + relus) + 2] = bd[i];
      for (int j = 0; j < relus; j++) {
        out[i * (3 + relus) + 3 + j] = perturbation * gaussian(rng, 1, 1.0)[0];
      }
    }
    List<double[]> weights = new ArrayList<>();
    List<double[]> biases = new ArrayList<>();
    weights.add(w0);
    biases.add(b0);
    return new FoldedReluNetwork(List.of("position", "velocity"), List.of("force"), dt, false, weights, biases, out,
        new double[2]);
  }
}
