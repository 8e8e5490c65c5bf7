package io.loopforge.mpc;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Model-predictive path integral control ({@code "mppi"}; Williams, Aldrich and Theodorou 2017,
 * Williams et al. 2018): Gaussian noise around a nominal input sequence, and the nominal moved to the
 * exponentially weighted average of the samples.
 *
 * <pre>
 *   U ← warm start (else u_ref held), made admissible;   σ_i = σ₀ · (ū_i − u̲_i)
 *   repeat iterations times:
 *     u⁽⁰⁾ = U,  u⁽ᵏ⁾ = clip(U + σ ∘ ε⁽ᵏ⁾), ε⁽ᵏ⁾ ~ N(0, I), k = 1 … N     (clip: box, then rate limits, step by step)
 *     ρ = min_k J⁽ᵏ⁾,   w_k = exp(−(J⁽ᵏ⁾ − ρ) / λ)                       (w_k = 0 for a diverging rollout)
 *     U ← Σ_k w_k u⁽ᵏ⁾ / Σ_k w_k
 *   return U, or the sample of lowest J seen when that is lower
 * </pre>
 *
 * The temperature λ is in units of J ({@link Builder#temperature}) or, by default, relative to the spread
 * of the costs in each iteration: {@code λ = λ_rel · (median_k J⁽ᵏ⁾ − ρ)} ({@link
 * Builder#relativeTemperature}), so that one setting fits problems whose costs differ by orders of
 * magnitude. The samples are clipped before they are weighted, so U is a convex combination of admissible
 * sequences and stays admissible. Williams et al.'s importance-sampling term {@code γ·Σ uᵀΣ⁻¹ε} is left
 * out (γ = 0): J carries its own input cost.
 *
 * <p>Defaults: N = 128 samples, 8 iterations (about 1 000 rollouts per plan), σ₀ = 0.05, λ_rel = 0.03,
 * chosen by closed-loop measurement on {@code cartpole-walls} (its exact 10-ReLU network as the model,
 * H = 10, L1 cost, 20 seeded starts, 3 s each) and checked on the pendulum (a SINDy model, H = 15,
 * quadratic cost): at a fixed number of rollouts more iterations beat more samples, a low temperature
 * beat 0.1–2, and σ₀ = 0.05 was a little better than 0.1 (BENCHMARKS.md, "Sampling and gradient
 * planners").
 *
 * <p>Needs a finite input box. Seeded: the random numbers of a plan are drawn from a stream seeded by the
 * seed and the request, so the same request and seed give the same plan, whatever the planner planned
 * before and for any number of {@link Builder#threads threads}.
 * Storage is allocated once; a plan call allocates nothing per sample. Not thread-safe: one planner per
 * closed loop.
 */
public final class MppiPlanner implements Planner {
  /** N: see {@link Builder#samples}. */
  public static final int DEFAULT_SAMPLES = 128;
  /** Iterations: see {@link Builder#iterations}. */
  public static final int DEFAULT_ITERATIONS = 8;
  /** σ₀, fraction of the box width: see {@link Builder#sigma}. */
  public static final double DEFAULT_SIGMA = 0.05;
  /** λ_rel: see {@link Builder#relativeTemperature}. */
  public static final double DEFAULT_RELATIVE_TEMPERATURE = 0.03;
  private static final String NAME = "mppi";

  private final MpcProblem problem;
  private final int samples;
  private final int iterations;
  private final double sigmaFraction;
  private final double temperature;
  private final boolean relative;
  private final long seed;
  private final int threads;
  private final RolloutBatch batch;
  private final double[][] nominal;
  private final double[][] sigma;
  private final double[][] best;
  private final double[] weights;
  private final double[] sorted;

  private MppiPlanner(Builder b) {
    this.problem = b.problem;
    this.samples = b.samples;
    this.iterations = b.iterations;
    this.sigmaFraction = b.sigma;
    this.temperature = b.temperature;
    this.relative = b.relative;
    this.seed = b.seed;
    this.threads = b.threads;
    this.batch = new RolloutBatch(problem, samples + 1, threads);
    this.nominal = InputSequences.sequence(problem);
    this.sigma = InputSequences.sequence(problem);
    double[] widths = InputSequences.widths(problem);
    for (double[] row : sigma) {
      for (int i = 0; i < row.length; i++) {
        row[i] = sigmaFraction * widths[i];
      }
    }
    this.best = InputSequences.sequence(problem);
    this.weights = new double[samples + 1];
    this.sorted = new double[samples + 1];
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

  /** N, noisy samples per iteration (the nominal is evaluated besides them). */
  public int samples() {
    return samples;
  }

  public int iterations() {
    return iterations;
  }

  /** σ₀, the noise's standard deviation as a fraction of each input's box width. */
  public double sigma() {
    return sigmaFraction;
  }

  /** λ in units of J, or λ_rel when {@link #relativeTemperature()}. */
  public double temperature() {
    return temperature;
  }

  /** Whether {@link #temperature()} is relative to the spread of the costs (median − min) per iteration. */
  public boolean relativeTemperature() {
    return relative;
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
    InputSequences.start(problem, request, nominal);
    double bestCost = Double.POSITIVE_INFINITY;
    InputSequences.copy(nominal, best);
    long rollouts = 0;
    int done = 0;
    for (int it = 0; it < iterations; it++) {
      InputSequences.copy(nominal, batch.inputs[0]);
      for (int k = 1; k <= samples; k++) {
        InputSequences.perturb(problem, previous, nominal, sigma, random, batch.inputs[k]);
      }
      batch.evaluate(request, samples + 1);
      rollouts += samples + 1;
      done++;
      int argmin = argmin();
      if (argmin < 0) {
        break; // every rollout diverged: nothing to average
      }
      if (batch.costs[argmin] < bestCost) {
        bestCost = batch.costs[argmin];
        InputSequences.copy(batch.inputs[argmin], best);
      }
      average(batch.costs[argmin]);
      InputSequences.clip(problem, previous, nominal); // rounding of the average only
    }
    double[][] states = InputSequences.states(problem);
    double nominalCost = problem.evaluate(request.state(), request.reference(), previous, nominal, states);
    rollouts++;
    boolean nominalWins = nominalCost <= bestCost;
    return InputSequences.finish(problem, request, nominalWins ? nominal : best, NAME, start, done, rollouts,
        done + " iterations of " + (samples + 1) + " samples, " + (nominalWins ? "the weighted average"
            : "the best sample (J " + bestCost + " below the average's " + nominalCost + ")"));
  }

  private int argmin() {
    int m = -1;
    for (int k = 0; k < batch.costs.length; k++) {
      double c = batch.costs[k];
      if (c < Double.POSITIVE_INFINITY && (m < 0 || c < batch.costs[m])) {
        m = k;
      }
    }
    return m;
  }

  /** The nominal ← the weighted average of the samples, ρ the lowest cost. */
  private void average(double rho) {
    double[] costs = batch.costs;
    double lambda = temperature;
    if (relative) {
      int n = 0;
      for (double c : costs) {
        if (c < Double.POSITIVE_INFINITY) {
          sorted[n++] = c;
        }
      }
      Arrays.sort(sorted, 0, n);
      double median = n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
      lambda = temperature * (median - rho);
    }
    double total = 0;
    for (int k = 0; k < costs.length; k++) {
      double c = costs[k];
      double w;
      if (!(c < Double.POSITIVE_INFINITY)) {
        w = 0;
      } else if (lambda > 0) {
        w = Math.exp(-(c - rho) / lambda);
      } else {
        w = c == rho ? 1 : 0; // no spread (half the samples at the minimum): average the best ones
      }
      weights[k] = w;
      total += w;
    }
    for (int t = 0; t < nominal.length; t++) {
      for (int i = 0; i < nominal[t].length; i++) {
        double s = 0;
        for (int k = 0; k < costs.length; k++) {
          if (weights[k] != 0) {
            s += weights[k] * batch.inputs[k][t][i];
          }
        }
        nominal[t][i] = s / total;
      }
    }
  }

  @Override
  public String toString() {
    return "MppiPlanner[samples=" + samples + ", iterations=" + iterations + ", sigma=" + sigmaFraction
        + (relative ? ", relative temperature=" : ", temperature=") + temperature + ", seed=" + seed + ", threads="
        + threads + "]";
  }

  /** Options of an {@link MppiPlanner}; the defaults are the constants of the class. */
  public static final class Builder {
    private final MpcProblem problem;
    private int samples = DEFAULT_SAMPLES;
    private int iterations = DEFAULT_ITERATIONS;
    private double sigma = DEFAULT_SIGMA;
    private double temperature = DEFAULT_RELATIVE_TEMPERATURE;
    private boolean relative = true;
    private long seed;
    private int threads = 1;

    private Builder(MpcProblem problem) {
      this.problem = Objects.requireNonNull(problem, "problem");
      problem.requireFiniteInputBox("the " + NAME + " planner");
    }

    /** N ≥ 1 noisy samples per iteration. */
    public Builder samples(int n) {
      this.samples = SamplerOptions.atLeast(NAME, "samples", n, 1);
      return this;
    }

    /** Averaging rounds per plan, ≥ 1. */
    public Builder iterations(int n) {
      this.iterations = SamplerOptions.atLeast(NAME, "iterations", n, 1);
      return this;
    }

    /** σ₀ &gt; 0, the noise's standard deviation as a fraction of each input's box width. */
    public Builder sigma(double fraction) {
      this.sigma = SamplerOptions.positive(NAME, "sigma", fraction);
      return this;
    }

    /** λ &gt; 0 in units of J, the same in every iteration (replaces the relative temperature). */
    public Builder temperature(double lambda) {
      this.temperature = SamplerOptions.positive(NAME, "temperature", lambda);
      this.relative = false;
      return this;
    }

    /**
     * λ_rel &gt; 0: each iteration uses λ = λ_rel · (median J − min J) of its samples (replaces an absolute
     * temperature). Smaller values follow the best samples more closely.
     */
    public Builder relativeTemperature(double lambdaRel) {
      this.temperature = SamplerOptions.positive(NAME, "relative temperature", lambdaRel);
      this.relative = true;
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

    public MppiPlanner build() {
      return new MppiPlanner(this);
    }
  }
}
