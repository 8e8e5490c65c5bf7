package io.loopforge.mpc;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Random shooting, the simplest sampling planner ({@code "random"}): draw N input sequences uniformly
 * in the admissible set, evaluate J of each (and of the warm start, or of u_ref held when there is none)
 * with {@link MpcProblem#evaluate}, keep the best. Sequence k is drawn step by step: {@code u_{t,i}} is
 * uniform on {@code [max(u̲_i, u_{t−1,i} − Δ_i), min(ū_i, u_{t−1,i} + Δ_i)]}, so every sample meets the
 * box and the rate limits from u_{−1} by construction.
 *
 * <p>Default N = 1 024, the rollout budget of the other samplers' defaults; on the {@code cartpole-walls}
 * closed loop of BENCHMARKS.md ("Sampling and gradient planners") its cost fell from 32.3 at N = 128 to
 * 29.1 at N = 2 048; MPPI's default costs 24.3–24.5 there.
 *
 * <p>Needs a finite input box. Seeded: the random numbers of a plan are drawn from a stream seeded by the
 * seed and the request, so the same request and seed give the same plan, whatever the planner planned
 * before and for any number of {@link Builder#threads threads}.
 * Storage is allocated once; a plan call allocates nothing per sample. Not thread-safe: one planner per
 * closed loop.
 */
public final class RandomShootingPlanner implements Planner {
  /** N: see {@link Builder#samples}. */
  public static final int DEFAULT_SAMPLES = 1024;
  private static final String NAME = "random";

  private final MpcProblem problem;
  private final int samples;
  private final long seed;
  private final int threads;
  private final RolloutBatch batch;

  private RandomShootingPlanner(Builder b) {
    this.problem = b.problem;
    this.samples = b.samples;
    this.seed = b.seed;
    this.threads = b.threads;
    // slot 0: the warm start (or u_ref held), slots 1 … N: the random sequences
    this.batch = new RolloutBatch(problem, samples + 1, threads);
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

  /** N, random sequences per plan. */
  public int samples() {
    return samples;
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
    InputSequences.start(problem, request, batch.inputs[0]);
    double[] lower = problem.inputLower();
    double[] upper = problem.inputUpper();
    double[] rate = problem.inputRateLimit();
    double[] previous = request.previousInput();
    for (int k = 1; k <= samples; k++) {
      double[][] u = batch.inputs[k];
      for (int t = 0; t < u.length; t++) {
        double[] before = t == 0 ? previous : u[t - 1];
        for (int i = 0; i < lower.length; i++) {
          double lo = Math.max(lower[i], before[i] - rate[i]);
          double hi = Math.min(upper[i], before[i] + rate[i]);
          // lo > hi only when u_{-1} lies further outside the box than one rate limit; clip says so later
          u[t][i] = hi > lo ? lo + (hi - lo) * random.nextDouble() : Math.min(upper[i], Math.max(lower[i], lo));
        }
      }
    }
    batch.evaluate(request, samples + 1);
    int best = 0;
    for (int k = 1; k <= samples; k++) {
      if (batch.costs[k] < batch.costs[best]) {
        best = k;
      }
    }
    return InputSequences.finish(problem, request, batch.inputs[best], name(), start, 1, samples + 1,
        best == 0 ? "no sample beat the " + (request.warmStart() != null ? "warm start" : "input reference held")
            : "best of " + (samples + 1) + " sequences");
  }

  @Override
  public String toString() {
    return "RandomShootingPlanner[samples=" + samples + ", seed=" + seed + ", threads=" + threads + "]";
  }

  /** Options of a {@link RandomShootingPlanner}. */
  public static final class Builder {
    private final MpcProblem problem;
    private int samples = DEFAULT_SAMPLES;
    private long seed;
    private int threads = 1;

    private Builder(MpcProblem problem) {
      this.problem = Objects.requireNonNull(problem, "problem");
      problem.requireFiniteInputBox("the random-shooting planner");
    }

    /** N ≥ 1 random sequences per plan; the cost of a plan grows linearly with it. */
    public Builder samples(int n) {
      this.samples = SamplerOptions.atLeast(NAME, "samples", n, 1);
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

    public RandomShootingPlanner build() {
      return new RandomShootingPlanner(this);
    }
  }
}
