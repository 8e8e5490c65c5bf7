package io.loopforge.mpc;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * What the sampling and gradient planners share about input sequences (H rows of nu): the start of a
 * search, the map onto the admissible set, and the checked plan at the end.
 */
final class InputSequences {
  /** Tolerance of the final admissibility check, input units (as the receding-horizon controller's). */
  static final double TOLERANCE = 1e-9;

  private InputSequences() {}

  /**
   * Writes the search's starting sequence into {@code out}: the warm start when the request has one,
   * else u_ref held over the horizon; either made admissible by {@link #clip}.
   */
  static void start(MpcProblem problem, PlanRequest request, double[][] out) {
    double[][] warm = request.warmStart();
    double[] uRef = problem.inputReference();
    for (int t = 0; t < out.length; t++) {
      System.arraycopy(warm != null ? warm[t] : uRef, 0, out[t], 0, uRef.length);
    }
    clip(problem, request.previousInput(), out);
  }

  /**
   * Makes {@code u} admissible in place, step by step from u_{−1}: each u_t is clipped into the box and
   * into the rate limits around the already clipped u_{t−1}. An admissible sequence is left unchanged;
   * with the box alone this is the Euclidean projection, with binding rate limits a feasible map that is
   * not (the exact projection onto the coupled constraints would need a QP per call).
   */
  static void clip(MpcProblem problem, double[] previousInput, double[][] u) {
    for (int t = 0; t < u.length; t++) {
      problem.clip(u[t], t == 0 ? previousInput : u[t - 1]);
    }
  }

  /**
   * The random stream of one plan call: seeded by {@code seed} and every number of the request (state,
   * reference, previous input, warm start), so that a plan is a function of the request and the seed alone
   * (the same request gives the same plan, whatever was asked before), while the states of a closed loop
   * draw different samples at every step.
   */
  static SplittableRandom stream(long seed, PlanRequest request) {
    long h = mix(seed);
    h = mix(h, request.state());
    for (double[] row : request.reference()) {
      h = mix(h, row);
    }
    h = mix(h, request.previousInput());
    if (request.warmStart() != null) {
      for (double[] row : request.warmStart()) {
        h = mix(h, row);
      }
    }
    return new SplittableRandom(h);
  }

  private static long mix(long h, double[] values) {
    for (double v : values) {
      h = mix(h + 0x9E3779B97F4A7C15L + Double.doubleToLongBits(v));
    }
    return mix(h + values.length);
  }

  /** SplitMix64's finaliser: every input bit moves about half the output bits. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * {@code out = clip(mean + sigma ∘ ε)} with ε standard normal, drawn in row order (t, then i), then made
   * admissible by {@link #clip}.
   */
  static void perturb(MpcProblem problem, double[] previousInput, double[][] mean, double[][] sigma,
      SplittableRandom random, double[][] out) {
    for (int t = 0; t < out.length; t++) {
      for (int i = 0; i < out[t].length; i++) {
        out[t][i] = mean[t][i] + sigma[t][i] * random.nextGaussian();
      }
    }
    clip(problem, previousInput, out);
  }

  /** Per input, the box width ū − u̲ (input units); 1 where the box is unbounded. */
  static double[] widths(MpcProblem problem) {
    double[] lo = problem.inputLower();
    double[] hi = problem.inputUpper();
    double[] w = new double[lo.length];
    for (int i = 0; i < w.length; i++) {
      double d = hi[i] - lo[i];
      w[i] = Double.isFinite(d) && d > 0 ? d : 1.0;
    }
    return w;
  }

  /** {@code dst ← src}, row by row; no allocation. */
  static void copy(double[][] src, double[][] dst) {
    for (int t = 0; t < src.length; t++) {
      System.arraycopy(src[t], 0, dst[t], 0, src[t].length);
    }
  }

  /** A fresh H × nu array. */
  static double[][] sequence(MpcProblem problem) {
    return new double[problem.horizon()][problem.inputDim()];
  }

  /** A fresh (H + 1) × nx array for a rollout. */
  static double[][] states(MpcProblem problem) {
    return new double[problem.horizon() + 1][problem.stateDim()];
  }

  /**
   * The plan a heuristic planner returns for {@code inputs}: J and the predicted states from {@link
   * MpcProblem#evaluate}, status {@link PlanStatus#BEST_FOUND} when the inputs are admissible and J and the
   * states are finite, else a failed plan saying which check failed.
   *
   * @param iterations iterations of the planner (reported as {@link SolveStats#nodes()})
   * @param rollouts rollouts it evaluated (reported as {@link SolveStats#samples()})
   */
  static Plan finish(MpcProblem problem, PlanRequest request, double[][] inputs, String name, long startNanos,
      long iterations, long rollouts, String detail) {
    double[][] states = states(problem);
    double[] prev = request.previousInput();
    boolean admissible = problem.admissible(inputs, prev, TOLERANCE);
    double j = admissible ? problem.evaluate(request.state(), request.reference(), prev, inputs, states)
        : Double.NaN;
    SolveStats stats = new SolveStats(System.nanoTime() - startNanos, 0, 0, iterations, rollouts);
    if (!admissible && !finite(inputs)) {
      return Plan.failed(PlanStatus.FAILED, stats, name + ": the search produced a non-finite input");
    }
    if (!admissible) {
      return Plan.failed(PlanStatus.INFEASIBLE, stats, name + ": no input sequence meets the input box and the"
          + " rate limits from the previous input " + Arrays.toString(prev) + " (it lies more than one rate limit"
          + " outside the box)");
    }
    if (!Double.isFinite(j)) {
      return Plan.failed(PlanStatus.FAILED, stats, name + ": the best rollout leaves the finite numbers (J = " + j
          + "); the model diverges from the state " + Arrays.toString(request.state()));
    }
    return new Plan(inputs, states, PlanStatus.BEST_FOUND, j, stats, detail);
  }

  private static boolean finite(double[][] u) {
    for (double[] row : u) {
      for (double v : row) {
        if (!Double.isFinite(v)) {
          return false;
        }
      }
    }
    return true;
  }
}
