package io.loopforge.mpc;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The cross-entropy method ({@code "cem"}; Rubinstein 1999, as an MPC planner in Chua et al.'s PETS,
 * 2018): an independent Gaussian per time step and input, refitted to the best samples.
 *
 * <pre>
 *   μ ← warm start (else u_ref held), made admissible;   σ_{t,i} ← σ₀ · (ū_i − u̲_i)
 *   repeat iterations times:
 *     u⁽⁰⁾ = μ,  u⁽ᵏ⁾ = clip(μ + σ ∘ ε⁽ᵏ⁾), ε⁽ᵏ⁾ ~ N(0, I), k = 1 … N     (clip: box, then rate limits, step by step)
 *     E = the K samples of lowest J (ties: the lower k)
 *     μ ← s·μ + (1 − s)·mean_E(u),   σ ← s·σ + (1 − s)·std_E(u)        (s: smoothing)
 *   return the sample of lowest J seen
 * </pre>
 *
 * The refitted mean is a convex combination of admissible sequences, so it stays admissible (the box and
 * the rate limits are convex). Samples whose rollout diverges (J = +∞) are never elites.
 *
 * <p>Defaults: N = 128 samples, 8 iterations (about 1 000 rollouts per plan), K = ⌈N/32⌉ elites, σ₀ =
 * 0.1, no smoothing, chosen by closed-loop measurement on {@code cartpole-walls} (its exact 10-ReLU
 * network as the model, H = 10, L1 cost, 20 seeded starts, 3 s each) and checked on the pendulum (a SINDy
 * model, H = 15, quadratic cost): few elites (3–5 %) and more iterations did best; σ₀ = 0.1 was best on
 * the cart-pole, 0.2 on the pendulum (BENCHMARKS.md, "Sampling and gradient planners").
 *
 * <p>Needs a finite input box. Seeded: the random numbers of a plan are drawn from a stream seeded by the
 * seed and the request, so the same request and seed give the same plan, whatever the planner planned
 * before and for any number of {@link Builder#threads threads}.
 * Storage is allocated once; a plan call allocates nothing per sample. Not thread-safe: one planner per
 * closed loop.
 */
public final class CemPlanner implements Planner {
  /** N: see {@link Builder#samples}. */
  public static final int DEFAULT_SAMPLES = 128;
  /** Iterations: see {@link Builder#iterations}. */
  public static final int DEFAULT_ITERATIONS = 8;
  /** σ₀, fraction of the box width: see {@link Builder#sigma}. */
  public static final double DEFAULT_SIGMA = 0.1;
  /** s: see {@link Builder#smoothing}. */
  public static final double DEFAULT_SMOOTHING = 0.0;
  private static final String NAME = "cem";

  private final MpcProblem problem;
  private final int samples;
  private final int elites;
  private final int iterations;
  private final double sigmaFraction;
  private final double smoothing;
  private final long seed;
  private final int threads;
  private final RolloutBatch batch;
  private final double[] widths;
  private final double[][] mean;
  private final double[][] sigma;
  private final double[][] best;
  private final int[] elite;

  private CemPlanner(Builder b) {
    this.problem = b.problem;
    this.samples = b.samples;
    this.elites = b.elites > 0 ? b.elites : defaultElites(samples);
    if (elites > samples + 1) {
      throw new MpcException(NAME + ": elites (" + elites + ") must not exceed the samples per iteration (" + samples
          + ", plus the mean)");
    }
    this.iterations = b.iterations;
    this.sigmaFraction = b.sigma;
    this.smoothing = b.smoothing;
    this.seed = b.seed;
    this.threads = b.threads;
    this.batch = new RolloutBatch(problem, samples + 1, threads);
    this.widths = InputSequences.widths(problem);
    this.mean = InputSequences.sequence(problem);
    this.sigma = InputSequences.sequence(problem);
    this.best = InputSequences.sequence(problem);
    this.elite = new int[elites];
  }

  /** K for N samples when none is given: ⌈N/32⌉, at least 2 (at most N + 1). */
  public static int defaultElites(int samples) {
    return Math.min(samples + 1, Math.max(2, (samples + 31) / 32));
  }

  /** A planner for {@code problem}, whose input box must be finite. */
  public static Builder builder(MpcProblem problem) {
    return new Builder(problem);
  }

  @Override
  public MpcProblem problem() {
    return problem;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** N, random samples per iteration (the mean is evaluated besides them). */
  public int samples() {
    return samples;
  }

  /** K, samples the distribution is refitted to. */
  public int elites() {
    return elites;
  }

  public int iterations() {
    return iterations;
  }

  /** σ₀, the initial standard deviation as a fraction of each input's box width. */
  public double sigma() {
    return sigmaFraction;
  }

  /** s, the weight of the previous mean and deviation in each refit. */
  public double smoothing() {
    return smoothing;
  }

  public long seed() {
    return seed;
  }

  public int threads() {
    return threads;
  }

  @Override
  public Plan plan(PlanRequest request) {
    long start = System.nanoTime();
    request.check(problem);
    SplittableRandom random = InputSequences.stream(seed, request);
    double[] previous = request.previousInput();
    InputSequences.start(problem, request, mean);
    for (double[] row : sigma) {
      for (int i = 0; i < row.length; i++) {
        row[i] = sigmaFraction * widths[i];
      }
    }
    double bestCost = Double.POSITIVE_INFINITY;
    InputSequences.copy(mean, best);
    long rollouts = 0;
    int done = 0;
    for (int it = 0; it < iterations; it++) {
      InputSequences.copy(mean, batch.inputs[0]);
      for (int k = 1; k <= samples; k++) {
        InputSequences.perturb(problem, previous, mean, sigma, random, batch.inputs[k]);
      }
      batch.evaluate(request, samples + 1);
      rollouts += samples + 1;
      done++;
      int found = selectElites();
      if (found == 0) {
        break; // every rollout diverged: nothing to refit to
      }
      if (batch.costs[elite[0]] < bestCost) {
        bestCost = batch.costs[elite[0]];
        InputSequences.copy(batch.inputs[elite[0]], best);
      }
      refit(found, previous);
    }
    return InputSequences.finish(problem, request, best, NAME, start, done, rollouts,
        done + " iterations of " + (samples + 1) + " samples, " + elites + " elites");
  }

  /** Writes the indices of the lowest finite costs into {@code elite}, ascending; returns how many. */
  private int selectElites() {
    double[] costs = batch.costs;
    int n = 0;
    for (int k = 0; k < costs.length; k++) {
      double c = costs[k];
      if (!(c < Double.POSITIVE_INFINITY)) {
        continue;
      }
      if (n == elites && c >= costs[elite[n - 1]]) {
        continue;
      }
      int j = n == elites ? n - 1 : n++;
      // insertion: strictly greater costs move up, so equal costs keep index order
      while (j > 0 && costs[elite[j - 1]] > c) {
        elite[j] = elite[j - 1];
        j--;
      }
      elite[j] = k;
    }
    return n;
  }

  private void refit(int n, double[] previous) {
    double keep = smoothing;
    for (int t = 0; t < mean.length; t++) {
      for (int i = 0; i < mean[t].length; i++) {
        double m = 0;
        for (int e = 0; e < n; e++) {
          m += batch.inputs[elite[e]][t][i];
        }
        m /= n;
        double v = 0;
        for (int e = 0; e < n; e++) {
          double d = batch.inputs[elite[e]][t][i] - m;
          v += d * d;
        }
        double sd = Math.sqrt(v / n);
        mean[t][i] = keep * mean[t][i] + (1 - keep) * m;
        sigma[t][i] = keep * sigma[t][i] + (1 - keep) * sd;
      }
    }
    // rounding in the convex combination must not step outside the box or the rate limits
    InputSequences.clip(problem, previous, mean);
  }

  @Override
  public String toString() {
    return "CemPlanner[samples=" + samples + ", elites=" + elites + ", iterations=" + iterations + ", sigma="
        + sigmaFraction + ", smoothing=" + smoothing + ", seed=" + seed + ", threads=" + threads + "]";
  }

  /** Options of a {@link CemPlanner}; the defaults are the constants of the class. */
  public static final class Builder {
    private final MpcProblem problem;
    private int samples = DEFAULT_SAMPLES;
    private int elites; // 0: ⌈N/32⌉, at least 2
    private int iterations = DEFAULT_ITERATIONS;
    private double sigma = DEFAULT_SIGMA;
    private double smoothing = DEFAULT_SMOOTHING;
    private long seed;
    private int threads = 1;

    private Builder(MpcProblem problem) {
      this.problem = Objects.requireNonNull(problem, "problem");
      problem.requireFiniteInputBox("the " + NAME + " planner");
    }

    /** N ≥ 1 random samples per iteration. */
    public Builder samples(int n) {
      this.samples = SamplerOptions.atLeast(NAME, "samples", n, 1);
      return this;
    }

    /** K ≥ 1 elites, at most N + 1 (default {@link CemPlanner#defaultElites ⌈N/32⌉}, at least 2). */
    public Builder elites(int k) {
      this.elites = SamplerOptions.atLeast(NAME, "elites", k, 1);
      return this;
    }

    /** Refits per plan, ≥ 1. */
    public Builder iterations(int n) {
      this.iterations = SamplerOptions.atLeast(NAME, "iterations", n, 1);
      return this;
    }

    /** σ₀ &gt; 0, the initial standard deviation as a fraction of each input's box width. */
    public Builder sigma(double fraction) {
      this.sigma = SamplerOptions.positive(NAME, "sigma", fraction);
      return this;
    }

    /** s in [0, 1), the weight of the previous mean and deviation in each refit (0: no smoothing). */
    public Builder smoothing(double s) {
      this.smoothing = SamplerOptions.inRange(NAME, "smoothing", s, 0, 1, true);
      return this;
    }

    /** Seed of the random stream (default 0). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Threads evaluating rollouts (default 1). More than one requires a model whose {@code step} may run in
     * several threads at once ({@code SindyModel} and {@code FoldedReluNetwork} may); plans do not depend
     * on it.
     */
    public Builder threads(int threads) {
      this.threads = SamplerOptions.atLeast(NAME, "threads", threads, 1);
      return this;
    }

    public CemPlanner build() {
      return new CemPlanner(this);
    }
  }
}
