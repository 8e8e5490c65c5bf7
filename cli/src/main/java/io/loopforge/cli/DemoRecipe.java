package io.loopforge.cli;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.Trajectory;
import io.loopforge.modeling.excitation.Excitation;
import io.loopforge.modeling.excitation.ExcitationKind;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantSimulator;
import io.loopforge.modeling.sindy.FeatureLibrary;
import io.loopforge.studies.SparsifyBenchmark;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What the demo knows about each built-in plant: where it operates (the MPC's state box, the region the
 * data and the distillation samples come from), where its episodes start, how its costs are weighed and
 * which SINDy library describes it. Everything else in the demo is the same for every plant.
 *
 * @param regionLower lower corner of the operating region (state units): the MPC's soft state box
 * @param regionUpper upper corner of the operating region
 * @param startSpread episodes start uniformly within ± this of the reference state
 * @param stateWeights Q of the L1 MPC cost (and, squared, of the quadratic LQR and on-device MPC cost)
 * @param inputWeight R of the same costs, per input
 * @param library SINDy feature library
 * @param discreteSindy learn the SINDy model as a map x⁺ = Θ(x, u)ξ (true) or as an ODE (false)
 * @param threshold STLSQ threshold
 * @param excitation input signal of the data (the cart-poles: see {@link #data})
 */
record DemoRecipe(double[] regionLower, double[] regionUpper, double[] startSpread, double[] stateWeights,
    double inputWeight, FeatureLibrary library, boolean discreteSindy, double threshold, ExcitationKind excitation) {

  /** Sampling and control interval of every demo, s. */
  static final double DT = 0.05;

  private static final Map<String, DemoRecipe> RECIPES = Map.of(
      // the plant's own region; the starts are the planner comparison's (many press the pole to a wall)
      "cartpole-walls", new DemoRecipe(new double[] {-1, -0.6, -4, -6}, new double[] {1, 0.6, 4, 6},
          new double[] {0.4, 0.25, 0.5, 0.5}, new double[] {1, 1, 0.1, 0.1}, 0.01, FeatureLibrary.polynomial(3), true,
          0.01, ExcitationKind.RANDOM_STEPS),
      "cartpole", new DemoRecipe(new double[] {-2.4, -0.6, -4, -6}, new double[] {2.4, 0.6, 4, 6},
          new double[] {0.4, 0.25, 0.5, 0.5}, new double[] {1, 1, 0.1, 0.1}, 0.01, FeatureLibrary.polynomial(3), true,
          0.01, ExcitationKind.RANDOM_STEPS),
      // about upright, where gravity's torque stays within the motor's limit; a multisine, not a two-level
      // PRBS, under which sin(u) and cos(u) of the Fourier library would be collinear with u and 1
      "pendulum", new DemoRecipe(new double[] {Math.PI - 1.2, -4}, new double[] {Math.PI + 1.2, 4},
          new double[] {0.25, 0.3}, new double[] {1, 0.1}, 0.01,
          FeatureLibrary.concat(FeatureLibrary.polynomial(1), FeatureLibrary.fourier(1)), false, 0.05,
          ExcitationKind.MULTISINE),
      // random steps rather than a PRBS switching every sample: finite differences of such data are poor
      "mass-spring-damper", new DemoRecipe(new double[] {-1.5, -3}, new double[] {2.5, 3},
          new double[] {1, 0.5}, new double[] {1, 0.1}, 0.01, FeatureLibrary.polynomial(1), false, 0.05,
          ExcitationKind.RANDOM_STEPS),
      // about the fixed point the task stabilises (-8.49, -8.49, 27)
      "lorenz-control", new DemoRecipe(new double[] {-20, -25, 5}, new double[] {5, 5, 45},
          new double[] {2, 2, 2}, new double[] {1, 1, 1}, 0.001, FeatureLibrary.polynomial(2), false, 0.05,
          ExcitationKind.RANDOM_STEPS));

  /** The recipe of a catalog plant, or null when the demo has none. */
  static DemoRecipe of(String plant) {
    return RECIPES.get(plant);
  }

  static List<String> plants() {
    return RECIPES.keySet().stream().sorted().toList();
  }

  /** The region's box scaled about its centre by {@code fraction}: lower and upper corner. */
  double[][] region(double fraction) {
    double[] lo = regionLower.clone();
    double[] hi = regionUpper.clone();
    for (int i = 0; i < lo.length; i++) {
      double c = 0.5 * (regionLower[i] + regionUpper[i]);
      double h = 0.5 * (regionUpper[i] - regionLower[i]) * fraction;
      lo[i] = c - h;
      hi[i] = c + h;
    }
    return new double[][] {lo, hi};
  }

  /** Seeded episode starts about the reference. */
  List<double[]> starts(double[] reference, int episodes, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<double[]> s = new ArrayList<>();
    for (int e = 0; e < episodes; e++) {
      double[] x = reference.clone();
      for (int i = 0; i < x.length; i++) {
        x[i] += startSpread[i] * (2 * rng.nextDouble() - 1);
      }
      s.add(x);
    }
    return s;
  }

  /**
   * About {@code transitions} transitions of data at {@link #DT}: the cart-poles under the sparsification
   * benchmark's stabilising feedback plus random steps (open loop they fall within a second); the others
   * from random states in the central half of the region under the recipe's excitation between the input
   * bounds, each trajectory cut where it leaves the region.
   */
  Dataset data(Plant plant, int transitions, long seed) {
    if (plant.name().startsWith("cartpole")) {
      return SparsifyBenchmark.simulate(plant.name(), transitions, seed);
    }
    int samples = 101;
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] start = region(0.5);
    PlantSimulator sim = PlantSimulator.withDefaults();
    List<Trajectory> list = new ArrayList<>();
    int total = 0;
    for (int attempt = 0; total < transitions; attempt++) {
      if (attempt > 50 * (transitions / (samples - 1) + 1)) {
        throw new ModelingException("the demo's data recipe for " + plant.name() + " keeps leaving its region");
      }
      double[] x0 = new double[plant.stateDim()];
      for (int i = 0; i < x0.length; i++) {
        x0[i] = start[0][i] + (start[1][i] - start[0][i]) * rng.nextDouble();
      }
      double[][] u = Excitation.generate(excitation, samples, DT, plant.inputLower(), plant.inputUpper(),
          rng.nextLong());
      Trajectory t;
      try {
        t = sim.simulate(plant, x0, u, DT);
      } catch (ModelingException e) {
        continue;
      }
      int n = Math.min(inside(t), transitions - total + 1);
      if (n >= 21 || (n >= 2 && n == transitions - total + 1)) {
        list.add(n == t.size() ? t : new Trajectory(Arrays.copyOf(t.times(), n), Arrays.copyOf(t.statesUnsafe(), n),
            Arrays.copyOf(t.inputsUnsafe(), n), t.stateNames(), t.inputNames()));
        total += n - 1;
      }
    }
    return new Dataset(list);
  }

  /** Samples before the first one outside the region. */
  private int inside(Trajectory t) {
    double[][] s = t.statesUnsafe();
    for (int k = 0; k < s.length; k++) {
      for (int i = 0; i < s[k].length; i++) {
        if (s[k][i] < regionLower[i] || s[k][i] > regionUpper[i]) {
          return k;
        }
      }
    }
    return s.length;
  }
}
