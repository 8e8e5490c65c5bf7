package io.loopforge.modeling.nn;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.Trajectory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small synthetic data sets and networks for the tests: a damped pendulum stepped with explicit Euler. */
final class SyntheticData {
  static final List<String> STATES = List.of("theta", "omega");
  static final List<String> INPUTS = List.of("u");
  static final double DT = 0.05;

  private SyntheticData() {}

  static Dataset pendulum(int trajectories, int samples, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Trajectory> list = new ArrayList<>();
    for (int k = 0; k < trajectories; k++) {
      double[] t = new double[samples];
      double[][] x = new double[samples][2];
      double[][] u = new double[samples][1];
      x[0][0] = 2 * rng.nextDouble() - 1;
      x[0][1] = 2 * rng.nextDouble() - 1;
      double hold = 0;
      for (int i = 0; i < samples; i++) {
        t[i] = i * DT;
        if (i % 5 == 0) {
          hold = 2 * rng.nextDouble() - 1;
        }
        u[i][0] = hold;
        if (i + 1 < samples) {
          x[i + 1][0] = x[i][0] + DT * x[i][1];
          x[i + 1][1] = x[i][1] + DT * (-4 * Math.sin(x[i][0]) - 0.3 * x[i][1] + 2 * u[i][0]);
        }
      }
      list.add(new Trajectory(t, x, u, STATES, INPUTS));
    }
    return new Dataset(list);
  }

  /** A random network with random kinds (each kind with probability 1/3 when {@code mixed}). */
  static ReluNetwork randomNetwork(int[] hidden, int nx, int nu, boolean residual, boolean mixed, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<String> s = new ArrayList<>();
    for (int i = 0; i < nx; i++) {
      s.add("x" + i);
    }
    List<String> in = new ArrayList<>();
    for (int i = 0; i < nu; i++) {
      in.add("u" + i);
    }
    ReluNetwork.Builder b = ReluNetwork.builder(s, in, 0.1).residual(residual);
    int cols = nx + nu;
    for (int h : hidden) {
      NeuronKind[] kinds = new NeuronKind[h];
      for (int i = 0; i < h; i++) {
        kinds[i] = mixed ? NeuronKind.values()[rng.nextInt(3)] : NeuronKind.RELU;
      }
      b.addHiddenLayer(random(rng, h * cols), random(rng, h), kinds);
      cols = h;
    }
    return b.output(random(rng, nx * cols), random(rng, nx)).build();
  }

  static double[] random(SplittableRandom rng, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = 2 * rng.nextDouble() - 1;
    }
    return v;
  }
}
