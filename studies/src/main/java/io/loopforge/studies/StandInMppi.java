package io.loopforge.studies;

import io.loopforge.mpc.MpcProblem;
import io.loopforge.mpc.Plan;
import io.loopforge.mpc.PlanRequest;
import io.loopforge.mpc.PlanStatus;
import io.loopforge.mpc.Planner;
import io.loopforge.mpc.SolveStats;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A plain MPPI (model-predictive path integral control, Williams et al. 2017) <b>standing in</b> for the
 * sampling planner of the {@code mpc} module while that is being written, so that {@link SindyMpcStudy} can
 * put SINDy-MPC beside MPPI now; the study takes any {@link Planner}, and the real one replaces this.
 *
 * <p>Per plan: the mean sequence μ starts from the warm start (else u_ref); {@code samples} sequences
 * μ + ε, ε ~ N(0, σ²) per input and step, are clipped into the box and the rate limits and scored by
 * {@link MpcProblem#evaluate}; μ becomes their average weighted by {@code exp(−(J_k − J_min)/λ)} with
 * {@code λ = temperature · (mean J − J_min)} (the weights adapt to the spread of the costs). μ itself is one
 * of the samples. The weighted average of admissible sequences is admissible (box and rate limits are
 * convex), so the plan needs no repair. Status {@link PlanStatus#BEST_FOUND}.
 *
 * <p>Seeded: the random stream restarts at {@link #reset()}, so an episode is reproducible. Not thread-safe.
 */
final class StandInMppi implements Planner {
  private final MpcProblem problem;
  private final int samples;
  private final double[] sigma;
  private final double temperature;
  private final long seed;
  private SplittableRandom random;
  private final double[][][] sequences;
  private final double[] costs;

  /**
   * @param samples rollouts per plan (≥ 2)
   * @param sigmaFraction σ per input as a fraction of its box width
   * @param temperature λ relative to the mean cost above the least
   */
  StandInMppi(MpcProblem problem, int samples, double sigmaFraction, double temperature, long seed) {
    problem.requireFiniteInputBox("mppi");
    this.problem = problem;
    this.samples = samples;
    this.temperature = temperature;
    this.seed = seed;
    int nu = problem.inputDim();
    this.sigma = new double[nu];
    double[] lo = problem.inputLower();
    double[] hi = problem.inputUpper();
    for (int j = 0; j < nu; j++) {
      sigma[j] = sigmaFraction * (hi[j] - lo[j]);
    }
    this.sequences = new double[samples][problem.horizon()][nu];
    this.costs = new double[samples];
    reset();
  }

  @Override
  public MpcProblem problem() {
    return problem;
  }

  @Override
  public String name() {
    return "mppi (stand-in)";
  }

  @Override
  public void reset() {
    random = new SplittableRandom(seed);
  }

  @Override
  public Plan plan(PlanRequest request) {
    long t0 = System.nanoTime();
    request.check(problem);
    int h = problem.horizon();
    int nu = problem.inputDim();
    double[] x0 = request.state();
    double[][] reference = request.reference();
    double[] previous = request.previousInput();
    double[][] warm = request.warmStart();
    double[] uRef = problem.inputReference();
    double[][] mean = sequences[0];
    for (int t = 0; t < h; t++) {
      System.arraycopy(warm != null ? warm[t] : uRef, 0, mean[t], 0, nu);
      problem.clip(mean[t], t == 0 ? previous : mean[t - 1]);
    }
    double least = Double.POSITIVE_INFINITY;
    for (int k = 0; k < samples; k++) {
      double[][] u = sequences[k];
      if (k > 0) {
        for (int t = 0; t < h; t++) {
          for (int j = 0; j < nu; j++) {
            u[t][j] = mean[t][j] + sigma[j] * random.nextGaussian();
          }
          problem.clip(u[t], t == 0 ? previous : u[t - 1]);
        }
      }
      costs[k] = problem.evaluate(x0, reference, previous, u, null);
      least = Math.min(least, costs[k]);
    }
    if (!Double.isFinite(least)) {
      return Plan.failed(PlanStatus.FAILED, SolveStats.ofTime(System.nanoTime() - t0),
          "every sampled rollout leaves the finite numbers");
    }
    double spread = 0;
    int finite = 0;
    for (double c : costs) {
      if (Double.isFinite(c)) {
        spread += c - least;
        finite++;
      }
    }
    double lambda = Math.max(temperature * spread / finite, 1e-300);
    double[][] plan = new double[h][nu];
    double total = 0;
    for (int k = 0; k < samples; k++) {
      if (!Double.isFinite(costs[k])) {
        continue;
      }
      double w = Math.exp(-(costs[k] - least) / lambda);
      total += w;
      for (int t = 0; t < h; t++) {
        for (int j = 0; j < nu; j++) {
          plan[t][j] += w * sequences[k][t][j];
        }
      }
    }
    for (double[] row : plan) {
      for (int j = 0; j < nu; j++) {
        row[j] /= total;
      }
    }
    double[][] states = new double[h + 1][problem.stateDim()];
    double j = problem.evaluate(x0, reference, previous, plan, states);
    SolveStats stats = new SolveStats(System.nanoTime() - t0, 0, 0, 1, samples);
    if (!Double.isFinite(j) || !problem.admissible(plan, previous, 1e-9)) {
      return Plan.failed(PlanStatus.INVALID, stats, "the weighted mean " + Arrays.deepToString(plan)
          + " is not a valid plan (J = " + j + ")");
    }
    return new Plan(plan, states, PlanStatus.BEST_FOUND, j, stats, samples + " samples");
  }
}
