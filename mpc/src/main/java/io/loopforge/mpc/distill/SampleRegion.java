package io.loopforge.mpc.distill;

import io.loopforge.modeling.plant.Plant;
import io.loopforge.mpc.MpcException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A box of states {@code lower ≤ x ≤ upper} (the plant's state units) that distillation samples from, with
 * uniform and Latin-hypercube designs. Both designs are pure functions of (box, count, seed). Immutable.
 */
public final class SampleRegion {
  /** How states are drawn from the box. */
  public enum Design {
    /** Independent uniform draws. */
    UNIFORM("uniform"),
    /** Latin hypercube: each coordinate's range cut into n equal strata, one draw per stratum, shuffled. */
    LATIN_HYPERCUBE("lhs");

    private final String cliName;

    Design(String cliName) {
      this.cliName = cliName;
    }

    public String cliName() {
      return cliName;
    }

    /** The design spelled {@code name} ({@code uniform}, {@code lhs}). */
    public static Design forName(String name) {
      for (Design d : values()) {
        if (d.cliName.equals(name)) {
          return d;
        }
      }
      throw new MpcException("unknown sampling design '" + name + "'; known: uniform, lhs");
    }
  }

  private final double[] lower;
  private final double[] upper;

  private SampleRegion(double[] lower, double[] upper) {
    this.lower = lower;
    this.upper = upper;
  }

  /**
   * The box {@code [lower, upper]}.
   *
   * @throws MpcException when the corners differ in length, an entry is not finite or lower &gt; upper
   */
  public static SampleRegion of(double[] lower, double[] upper) {
    if (lower.length != upper.length || lower.length == 0) {
      throw new MpcException("the sample region's corners have " + lower.length + " and " + upper.length
          + " values; they need one per state");
    }
    for (int i = 0; i < lower.length; i++) {
      if (!Double.isFinite(lower[i]) || !Double.isFinite(upper[i]) || lower[i] > upper[i]) {
        throw new MpcException("the sample region's state " + i + " range [" + lower[i] + ", " + upper[i]
            + "] is not a finite interval with lower ≤ upper");
      }
    }
    return new SampleRegion(lower.clone(), upper.clone());
  }

  /**
   * The plant's operating region scaled about its centre by {@code fraction} (0 &lt; fraction ≤ 1).
   *
   * @throws MpcException when the plant's operating region is unbounded in some state
   */
  public static SampleRegion ofPlant(Plant plant, double fraction) {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new MpcException("the fraction of the operating region must be in (0, 1], got " + fraction);
    }
    double[] lo = plant.stateLower();
    double[] hi = plant.stateUpper();
    for (int i = 0; i < lo.length; i++) {
      if (!Double.isFinite(lo[i]) || !Double.isFinite(hi[i])) {
        throw new MpcException("plant " + plant.name() + " has no finite operating region in state "
            + plant.stateNames().get(i) + "; give the sample region explicitly");
      }
      double c = 0.5 * (lo[i] + hi[i]);
      double h = 0.5 * (hi[i] - lo[i]) * fraction;
      lo[i] = c - h;
      hi[i] = c + h;
    }
    return new SampleRegion(lo, hi);
  }

  public int dimension() {
    return lower.length;
  }

  public double[] lower() {
    return lower.clone();
  }

  public double[] upper() {
    return upper.clone();
  }

  /**
   * Checks that this box lies inside the plant's operating region (where its model and its MPC problem are
   * meant to hold).
   *
   * @throws MpcException naming the first state whose range leaves the region, and the region
   */
  public SampleRegion requireInside(Plant plant) {
    if (plant.stateDim() != lower.length) {
      throw new MpcException("the sample region has " + lower.length + " states, plant " + plant.name() + " has "
          + plant.stateDim() + " " + plant.stateNames());
    }
    double[] lo = plant.stateLower();
    double[] hi = plant.stateUpper();
    for (int i = 0; i < lower.length; i++) {
      if (lower[i] < lo[i] || upper[i] > hi[i]) {
        throw new MpcException("the sample region's range of " + plant.stateNames().get(i) + ", [" + lower[i] + ", "
            + upper[i] + "], leaves plant " + plant.name() + "'s operating region [" + lo[i] + ", " + hi[i]
            + "]; sample inside it (the MPC and its model are posed there)");
      }
    }
    return this;
  }

  /** {@code n} states drawn by {@code design} with {@code seed}. */
  public List<double[]> sample(Design design, int n, long seed) {
    if (n < 0) {
      throw new MpcException("the number of samples must not be negative, got " + n);
    }
    return design == Design.UNIFORM ? uniform(n, seed) : latinHypercube(n, seed);
  }

  private List<double[]> uniform(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<double[]> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      double[] x = new double[lower.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = lower[i] + (upper[i] - lower[i]) * rng.nextDouble();
      }
      out.add(x);
    }
    return out;
  }

  private List<double[]> latinHypercube(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] x = new double[n][lower.length];
    int[] perm = new int[n];
    for (int i = 0; i < lower.length; i++) {
      for (int k = 0; k < n; k++) {
        perm[k] = k;
      }
      for (int k = n - 1; k > 0; k--) { // Fisher–Yates
        int j = rng.nextInt(k + 1);
        int t = perm[k];
        perm[k] = perm[j];
        perm[j] = t;
      }
      for (int k = 0; k < n; k++) {
        double f = (perm[k] + rng.nextDouble()) / n;
        x[k][i] = lower[i] + (upper[i] - lower[i]) * f;
      }
    }
    return new ArrayList<>(Arrays.asList(x));
  }

  @Override
  public String toString() {
    return "SampleRegion[" + Arrays.toString(lower) + " … " + Arrays.toString(upper) + "]";
  }
}
