package io.loopforge.mpc;

import io.loopforge.modeling.DynamicsModel;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * SINDy-MPC (Kaiser, Kutz and Brunton 2018) by sequential linearisation: MPC on a learned model, usually a
 * {@link io.loopforge.modeling.sindy.SindyModel}, solved as a sequence of convex subproblems in the input
 * increments with ojAlgo. Works with any {@link DynamicsModel} whose {@link DynamicsModel#jacobian} is the
 * exact derivative of its {@link DynamicsModel#step}; a SINDy model's is exact through the RK4 stages of its
 * discretisation, so the linearisation is that of the very map the planner predicts with.
 *
 * <pre>{@code
 * SindyModel model = Sindy.builder().library(FeatureLibrary.polynomial(2)).build()
 *     .fit(data)              // continuous-time SINDYc, e.g. on data sampled every 1 ms
 *     .withStep(0.01, 1);     // plan every Ts = 10 ms: one RK4 step of the fitted right-hand side
 * MpcProblem problem = MpcProblem.builder(model, 10).norm(MpcProblem.Norm.QUADRATIC)
 *     .stateReference(xStar).inputWeights(0.001).inputBounds(lower, upper).build();
 * Controller mpc = RecedingHorizonController.builder(SindyMpcPlanner.builder(problem).build()).build();
 * }</pre>
 * {@code withStep} suits continuous-time models only: a discrete-time SINDy model maps x[k] to x[k+1] at
 * the data's interval whatever {@code dt} says, so plan on it at that interval.
 *
 * <h2>The scheme</h2>
 * From the start ū (the warm start, usually the previous plan shifted, or u_ref repeated, whichever has the
 * lower J; both clipped into the input box and the rate limits), repeat:
 * <ol>
 *   <li>roll the model out from x₀ under ū and linearise every step: x_t(δ) = x̄_t + S_t δ
 *       ({@link LinearisedProblem});
 *   <li>solve the convex subproblem: J with the linearised states, minimised over δ within the hard input
 *       box, the rate limits and the trust region |δ_{t,j}| ≤ τ_j; a QP for the
 *       {@link MpcProblem.Norm#QUADRATIC quadratic} cost (its Gauss–Newton model), an LP with auxiliaries
 *       for {@link MpcProblem.Norm#L1 L1} and {@link MpcProblem.Norm#LINF L∞}; the soft state box by
 *       slacks with penalty ρ;
 *   <li>evaluate the step by the true J of the nonlinear rollout ({@link MpcProblem#evaluate}): accept it
 *       when the actual decrease is at least {@value #ACCEPT} of the decrease the subproblem predicted,
 *       otherwise reject it and shrink τ by 4; after an accepted step τ doubles (up to the box width) when
 *       the prediction was good ({@literal >} {@value #GOOD}) and the trust region was binding, and halves
 *       when it was poor ({@literal <} {@value #POOR}).
 * </ol>
 *
 * <h2>Statuses</h2>
 * <ul>
 *   <li>{@link PlanStatus#OPTIMAL}: the scheme converged: the subproblem at ū predicts a decrease of at most
 *       {@code tolerance · J(ū)} while the trust region does not bind (or binds at its full initial size).
 *       δ = 0 then solves the subproblem up to that tolerance, and since the subproblem's objective has the
 *       same value and first derivatives as J at ū and the constraints are linear in u, ū satisfies the
 *       first-order (KKT) conditions of the nonlinear problem: <b>a stationary point of the subproblem
 *       sequence, a local and not necessarily a global optimum</b>. On a linear model the subproblem is the
 *       problem itself, and OPTIMAL is its global optimum.
 *   <li>{@link PlanStatus#BEST_FOUND}: the iteration budget or the time limit ended the scheme, the trust
 *       region shrank below 1e-9 of the box width without a decrease, or ojAlgo failed on a subproblem after
 *       at least one accepted step; the plan is the best iterate (the detail says which).
 *   <li>{@link PlanStatus#INFEASIBLE}: no first input satisfies both the box and the rate limit from u_{−1}.
 *   <li>{@link PlanStatus#FAILED}: the rollout from both starts leaves the finite numbers, a Jacobian is
 *       not finite, or ojAlgo failed on the first subproblem.
 * </ul>
 * A usable plan is validated before it is returned: its inputs are finite and pass
 * {@link MpcProblem#admissible}, its states are the nonlinear model's rollout, and its objective is J
 * recomputed by {@link MpcProblem#evaluate}.
 *
 * <h2>Inputs the planner refuses</h2>
 * An unbounded input box ({@link MpcException} at {@link Builder#build()}): the trust region is measured
 * in fractions of the box width, and without a box a step of the linearisation has no scale. Requests with
 * wrong lengths or non-finite values (state, reference, previous input) throw {@link MpcException}; a
 * non-finite warm start is ignored.
 *
 * <p>Deterministic (the same request gives the same plan); not thread-safe (one planner per closed loop);
 * the scratch arrays are allocated once, only ojAlgo's model is built per subproblem.
 */
public final class SindyMpcPlanner implements Planner {
  /** The planner's name in tables and on the command line. */
  public static final String NAME = "sindy-mpc";
  /** Least ratio of actual to predicted decrease for a step to be accepted. */
  static final double ACCEPT = 1e-4;
  /** Above this ratio the model predicted well: the trust region may grow. */
  static final double GOOD = 0.75;
  /** Below this ratio the model predicted poorly: the trust region shrinks. */
  static final double POOR = 0.25;
  /** The trust region collapses below this fraction of the box width. */
  static final double MIN_RADIUS = 1e-9;

  private final MpcProblem problem;
  private final int maxIterations;
  private final double tolerance;
  private final double trustRegion;
  private final long timeLimitNanos;
  private final LinearisedProblem lin;
  private final int nx;
  private final int nu;
  private final int horizon;
  private final double[] width;
  private final double[] uLower;
  private final double[] uUpper;
  private final double[] rateLimit;
  // scratch
  private final double[][] start;
  private final double[][] candidate;
  private final double[][] states;
  private final double[][] candidateStates;
  private final double[] delta;
  private final double[] zero;
  private final double[] radius;

  private SindyMpcPlanner(Builder b) {
    this.problem = b.problem;
    problem.requireFiniteInputBox(NAME);
    this.nx = problem.stateDim();
    this.nu = problem.inputDim();
    if (nu == 0) {
      throw new MpcException(NAME + ": the model " + problem.model().stateNames() + " has no inputs: there is"
          + " nothing to plan");
    }
    this.horizon = problem.horizon();
    this.maxIterations = b.maxIterations;
    this.tolerance = b.tolerance;
    this.trustRegion = b.trustRegion;
    this.timeLimitNanos = b.timeLimit == null ? Long.MAX_VALUE : b.timeLimit.toNanos();
    this.lin = new LinearisedProblem(problem);
    this.uLower = problem.inputLower();
    this.uUpper = problem.inputUpper();
    this.rateLimit = problem.inputRateLimit();
    this.width = new double[nu];
    for (int j = 0; j < nu; j++) {
      width[j] = uUpper[j] - uLower[j];
    }
    this.start = new double[horizon][nu];
    this.candidate = new double[horizon][nu];
    this.states = new double[horizon + 1][nx];
    this.candidateStates = new double[horizon + 1][nx];
    this.delta = new double[horizon * nu];
    this.zero = new double[horizon * nu];
    this.radius = new double[nu];
  }

  /**
   * A planner for {@code problem} with the defaults: {@value Builder#DEFAULT_ITERATIONS} subproblems,
   * tolerance {@value Builder#DEFAULT_TOLERANCE}, initial trust region {@value Builder#DEFAULT_TRUST_REGION}
   * of the input box width, no time limit.
   */
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

  /** Most convex subproblems solved per plan (rejected steps count too). */
  public int maxIterations() {
    return maxIterations;
  }

  /** Relative predicted decrease below which the scheme has converged (dimensionless). */
  public double tolerance() {
    return tolerance;
  }

  /** Initial trust-region half-width, as a fraction of each input's box width. */
  public double trustRegion() {
    return trustRegion;
  }

  /** Wall-time limit per plan, or null for none. */
  public Duration timeLimit() {
    return timeLimitNanos == Long.MAX_VALUE ? null : Duration.ofNanos(timeLimitNanos);
  }

  @Override
  public Plan plan(PlanRequest request) {
    long t0 = System.nanoTime();
    request.check(problem);
    double[] x0 = request.state();
    double[][] reference = request.reference();
    double[] previous = request.previousInput();
    checkFinite(reference, previous);
    String infeasible = firstInputInfeasible(previous);
    if (infeasible != null) {
      return Plan.failed(PlanStatus.INFEASIBLE, SolveStats.ofTime(System.nanoTime() - t0), infeasible);
    }

    // the start: the warm start or u_ref repeated, each clipped, whichever has the lower J
    double[][] nominal = lin.nominalInputs;
    double j = Double.POSITIVE_INFINITY;
    double[][] warm = request.warmStart();
    if (warm != null && allFinite(warm)) {
      clipSequence(warm, previous, nominal);
      j = problem.evaluate(x0, reference, previous, nominal, states);
    }
    double[] uRef = problem.inputReference();
    for (int t = 0; t < horizon; t++) {
      System.arraycopy(uRef, 0, start[t], 0, nu);
    }
    clipSequence(start, previous, start);
    double jRef = problem.evaluate(x0, reference, previous, start, candidateStates);
    if (jRef < j || !(j < Double.POSITIVE_INFINITY)) {
      j = jRef;
      copy(start, nominal);
      copy(candidateStates, states);
    }
    if (!Double.isFinite(j)) {
      return Plan.failed(PlanStatus.FAILED, SolveStats.ofTime(System.nanoTime() - t0),
          "the model's rollout from the state " + Arrays.toString(x0) + " leaves the finite numbers under the warm"
              + " start and under u_ref: there is nothing to linearise about");
    }

    for (int k = 0; k < nu; k++) {
      radius[k] = trustRegion * width[k];
    }
    int solved = 0;
    int accepted = 0;
    boolean linearised = false;
    double jLin0 = Double.NaN;
    String ended = null;
    PlanStatus status = PlanStatus.BEST_FOUND;
    while (true) {
      if (solved >= maxIterations) {
        ended = "the iteration budget of " + maxIterations + " subproblems was used";
        break;
      }
      long left = timeLimitNanos == Long.MAX_VALUE ? Long.MAX_VALUE : timeLimitNanos - (System.nanoTime() - t0);
      if (left <= 0) {
        ended = "the time limit of " + millis(timeLimitNanos) + " ms was reached";
        break;
      }
      if (!linearised) {
        String bad = lin.linearise(x0, reference, previous);
        if (bad != null) {
          ended = "the linearisation failed: " + bad;
          status = accepted > 0 ? PlanStatus.BEST_FOUND : PlanStatus.FAILED;
          break;
        }
        jLin0 = lin.cost(zero);
        linearised = true;
      }
      long limitMillis = left == Long.MAX_VALUE ? 0 : Math.max(1, left / 1_000_000);
      LinearisedProblem.Outcome outcome = lin.solve(radius, limitMillis, delta);
      solved++;
      if (!outcome.usable()) {
        boolean timeUp = timeLimitNanos != Long.MAX_VALUE && System.nanoTime() - t0 >= timeLimitNanos;
        ended = timeUp ? "the time limit of " + millis(timeLimitNanos) + " ms was reached inside ojAlgo"
            : "ojAlgo returned " + outcome.state() + " for subproblem " + solved + " (δ = 0 is feasible and the"
                + " trust region bounds it: solver trouble)";
        status = timeUp || accepted > 0 ? PlanStatus.BEST_FOUND : PlanStatus.FAILED;
        break;
      }
      double predicted = jLin0 - lin.cost(delta);
      if (predicted <= tolerance * j) {
        boolean fullRadius = true;
        for (int k = 0; k < nu; k++) {
          fullRadius &= radius[k] >= trustRegion * width[k];
        }
        if (!outcome.trustRegionActive() || fullRadius) {
          if (outcome.optimal()) {
            status = PlanStatus.OPTIMAL;
            ended = String.format(Locale.ROOT, "converged to a stationary point of the sequential scheme after %d"
                + " subproblems (%d steps accepted): predicted decrease %.3g <= %.1g J", solved, accepted,
                predicted, tolerance);
          } else {
            ended = "ojAlgo returned " + outcome.state() + " (not OPTIMAL) where the scheme would have converged";
          }
          break;
        }
        // a shrunken trust region that binds predicts little only because it is small: widen it again
        for (int k = 0; k < nu; k++) {
          radius[k] = Math.min(2 * radius[k], width[k]);
        }
        continue;
      }
      for (int t = 0; t < horizon; t++) {
        for (int k = 0; k < nu; k++) {
          candidate[t][k] = nominal[t][k] + delta[t * nu + k];
        }
      }
      // ojAlgo meets the constraints within its tolerance; the clip makes the candidate exactly admissible
      clipSequence(candidate, previous, candidate);
      double jc = problem.evaluate(x0, reference, previous, candidate, candidateStates);
      double ratio = (j - jc) / predicted;
      if (Double.isFinite(jc) && ratio >= ACCEPT) {
        copy(candidate, nominal);
        copy(candidateStates, states);
        j = jc;
        accepted++;
        linearised = false;
        for (int k = 0; k < nu; k++) {
          if (ratio > GOOD && outcome.trustRegionActive()) {
            radius[k] = Math.min(2 * radius[k], width[k]);
          } else if (ratio < POOR) {
            radius[k] *= 0.5;
          }
        }
      } else {
        boolean collapsed = false;
        for (int k = 0; k < nu; k++) {
          radius[k] *= 0.25;
          collapsed |= radius[k] < MIN_RADIUS * width[k];
        }
        if (collapsed) {
          ended = "the trust region shrank below " + MIN_RADIUS + " of the box width without a decrease";
          break;
        }
      }
    }

    // validation: admissible, finite, states and J from the nonlinear model
    double jCheck = problem.evaluate(x0, reference, previous, nominal, states);
    long nanos = System.nanoTime() - t0;
    SolveStats stats = new SolveStats(nanos, 0, 0, solved, 0);
    if (!status.usable()) {
      return Plan.failed(status, stats, ended);
    }
    if (!problem.admissible(nominal, previous, 1e-9) || !Double.isFinite(jCheck)) {
      return Plan.failed(PlanStatus.INVALID, stats, "the plan failed validation: inputs "
          + Arrays.deepToString(nominal) + ", J = " + jCheck + " (" + ended + ")");
    }
    return new Plan(nominal, states, status, jCheck, stats, ended);
  }

  /** Clips each row into the box and the rate limit from the row before (u_{−1} for the first); may alias. */
  private void clipSequence(double[][] in, double[] previous, double[][] out) {
    for (int t = 0; t < horizon; t++) {
      if (out[t] != in[t]) {
        System.arraycopy(in[t], 0, out[t], 0, nu);
      }
      problem.clip(out[t], t == 0 ? previous : out[t - 1]);
    }
  }

  /** Why no first input fits both the box and the rate limit from u_{−1}, or null when one does. */
  private String firstInputInfeasible(double[] previous) {
    for (int j = 0; j < nu; j++) {
      if (Double.isFinite(rateLimit[j])
          && (previous[j] - rateLimit[j] > uUpper[j] || previous[j] + rateLimit[j] < uLower[j])) {
        return String.format(Locale.ROOT, "input '%s': the previous input %s is farther than the rate limit %s"
            + " from the box [%s, %s], so no first input satisfies both", problem.model().inputNames().get(j),
            previous[j], rateLimit[j], uLower[j], uUpper[j]);
      }
    }
    return null;
  }

  private void checkFinite(double[][] reference, double[] previous) {
    for (int t = 0; t < reference.length; t++) {
      for (int i = 0; i < nx; i++) {
        if (!Double.isFinite(reference[t][i])) {
          throw new MpcException(NAME + ": the reference window holds a non-finite value at row " + t + ", state '"
              + problem.model().stateNames().get(i) + "': " + reference[t][i]);
        }
      }
    }
    for (int j = 0; j < nu; j++) {
      if (!Double.isFinite(previous[j])) {
        throw new MpcException(NAME + ": the previous input '" + problem.model().inputNames().get(j)
            + "' is not finite: " + previous[j]);
      }
    }
  }

  private static boolean allFinite(double[][] a) {
    for (double[] row : a) {
      for (double v : row) {
        if (!Double.isFinite(v)) {
          return false;
        }
      }
    }
    return true;
  }

  private static void copy(double[][] from, double[][] to) {
    for (int t = 0; t < from.length; t++) {
      System.arraycopy(from[t], 0, to[t], 0, from[t].length);
    }
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.3g", nanos / 1e6);
  }

  @Override
  public String toString() {
    return NAME + "[iterations " + maxIterations + ", tolerance " + tolerance + ", trust region " + trustRegion
        + (timeLimitNanos == Long.MAX_VALUE ? "" : ", time limit " + millis(timeLimitNanos) + " ms") + "]";
  }

  /**
   * Options of a {@link SindyMpcPlanner}. The defaults were chosen on Kaiser's Lorenz setting
   * (studies' {@code SindyMpcStudy}: H = 10, quadratic cost, 10 initial states × 300 steps): warm-started
   * from the shifted plan the scheme takes 2 subproblems per step on average (one accepted Gauss–Newton
   * step and the one that confirms convergence) whatever the trust region (0.05, 0.25 or 1 of the box) and
   * the tolerance (1e-3 … 1e-9); the closed-loop cost was the same to 3 digits for all of them and for a
   * budget of 2 or more subproblems (one subproblem: 6 % higher on average). 20 subproblems leave room for
   * cold starts and harder models; 0.25 avoids the longest first steps on a cold start.
   */
  public static final class Builder {
    /** Default budget of subproblems per plan. */
    public static final int DEFAULT_ITERATIONS = 20;
    /** Default relative tolerance on the predicted decrease. */
    public static final double DEFAULT_TOLERANCE = 1e-6;
    /** Default initial trust region, fraction of the input box width. */
    public static final double DEFAULT_TRUST_REGION = 0.25;

    private final MpcProblem problem;
    private int maxIterations = DEFAULT_ITERATIONS;
    private double tolerance = DEFAULT_TOLERANCE;
    private double trustRegion = DEFAULT_TRUST_REGION;
    private Duration timeLimit;

    private Builder(MpcProblem problem) {
      this.problem = Objects.requireNonNull(problem, "problem");
    }

    /** Most convex subproblems per plan, ≥ 1 (rejected steps count too). */
    public Builder maxIterations(int n) {
      if (n < 1) {
        throw new MpcException(NAME + ": maxIterations must be at least 1, got " + n);
      }
      this.maxIterations = n;
      return this;
    }

    /**
     * Convergence tolerance: the scheme stops when the subproblem predicts a decrease of at most
     * {@code tol · J} (dimensionless, in (0, 1)).
     */
    public Builder tolerance(double tol) {
      if (!(tol > 0 && tol < 1)) {
        throw new MpcException(NAME + ": the tolerance must be in (0, 1), got " + tol);
      }
      this.tolerance = tol;
      return this;
    }

    /** Initial trust-region half-width per input, as a fraction of its box width, in (0, 1]. */
    public Builder trustRegion(double fraction) {
      if (!(fraction > 0 && fraction <= 1)) {
        throw new MpcException(NAME + ": the trust region must be a fraction of the box width in (0, 1], got "
            + fraction);
      }
      this.trustRegion = fraction;
      return this;
    }

    /** Wall-time limit per plan (positive), or null for none; when it ends the scheme the plan is BEST_FOUND. */
    public Builder timeLimit(Duration limit) {
      this.timeLimit = limit == null ? null : Durations.positive(limit, NAME + ": the time limit");
      return this;
    }

    /** @throws MpcException when the problem's input box is not finite, or the model has no inputs */
    public SindyMpcPlanner build() {
      return new SindyMpcPlanner(this);
    }
  }
}
