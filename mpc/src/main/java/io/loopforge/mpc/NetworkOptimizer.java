package io.loopforge.mpc;

import io.loopforge.modeling.nn.FoldedReluNetwork;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Variable;

/**
 * Optimisation over a trained network (OMLT's use case): the input {@code z = [x; u]} in a box that
 * minimises or maximises one output of one evaluation, proven by a mixed-integer program. The encoding is
 * the MPC's ({@link ReluMilp}, big-M per unit) on a single evaluation, with the same sound bounds: interval
 * propagation tightened over the LP relaxation ({@link BoundTightener}); the search is the MPC planner's
 * branch-and-bound over ReLU phases ({@link Search#RELU_PHASES}, the default) or ojAlgo's generic one
 * ({@link Search#OJALGO}, started from the network at the box's centre). {@link #problem} gives the MILP
 * itself, e.g. to write as MPS for another solver.
 *
 * <p>The output is the model's prediction of the next state: {@code f_i(z)}, or {@code x_i + f_i(z)} for a
 * residual network. Every result is validated: the network is evaluated in double at the input found, and
 * that value, not the MILP's, is reported as the optimum (the two must agree to 1e-6 relative, else
 * {@link Result#validated()} is false).
 *
 * <pre>
 * NetworkOptimizer.Result r = NetworkOptimizer.builder().timeLimit(Duration.ofSeconds(10)).build()
 *     .optimize(net, new double[] {-1}, new double[] {1}, 0, NetworkOptimizer.Sense.MINIMIZE);
 * </pre>
 *
 * Immutable.
 */
public final class NetworkOptimizer {
  /** Relative agreement required between the MILP's objective and the network evaluated at its input. */
  public static final double VALIDATION_TOLERANCE = 1e-6;

  /** Direction of the optimisation. */
  public enum Sense {
    MINIMIZE,
    MAXIMIZE
  }

  /** How the program is searched (as {@link MipPlanner.Search}). */
  public enum Search {
    /** ojAlgo's generic branch-and-bound on the MILP ({@link MilpSolver}). */
    OJALGO,
    /**
     * The MPC planner's branch-and-bound over ReLU phases ({@link MipPlanner.Search#RELU_PHASES}), with the
     * problem posed as a one-step MPC problem: the network input is the control input, the output's L1
     * distance to a reference beyond its sound bound is the cost.
     */
    RELU_PHASES
  }

  /** How a run ended. */
  public enum Status {
    /** Proven optimal within ojAlgo's relative gap tolerance ({@link #GAP_TOLERANCE}). */
    OPTIMAL,
    /** Stopped by the time limit with an incumbent: the gap is to the sound bound of the output. */
    TIME_LIMIT,
    /** No solution (the solver failed); nothing to report but the bound. */
    FAILED
  }

  /** ojAlgo's relative gap tolerance for OPTIMAL (see {@link MilpSolver}). */
  public static final double GAP_TOLERANCE = 1e-7;

  /**
   * One optimisation.
   *
   * @param status how it ended
   * @param optimum the output of the network at {@link #input()} (NaN without a solution)
   * @param input the input found, one value per network input (states, then inputs), inside the box
   * @param milpObjective the MILP's objective at that input, in the output's sense (NaN without a solution)
   * @param bound a proven bound on the output over the box: no input does better (lower for minimise, upper
   *     for maximise); for OPTIMAL the optimum itself within the gap tolerance
   * @param gap {@code |optimum − bound|}, absolute
   * @param units ReLU units of the network, {@code binaries} the ones left unstable by the bounds
   * @param boundNanos time of the bound tightening, ns; {@code solveNanos} of the MILP solve, ns
   */
  public record Result(Status status, double optimum, double[] input, double milpObjective, double bound, double gap,
      int units, int binaries, long boundNanos, long solveNanos) {
    /** Whether the network at {@link #input()} gives the MILP's objective (to {@link #VALIDATION_TOLERANCE}). */
    public boolean validated() {
      return status != Status.FAILED
          && Math.abs(optimum - milpObjective) <= VALIDATION_TOLERANCE * Math.max(1.0, Math.abs(optimum));
    }

    /** Bound tightening and solve, s. */
    public double seconds() {
      return (boundNanos + solveNanos) / 1e9;
    }
  }

  /**
   * The MILP of one optimisation, before solving (e.g. to write as MPS for another solver): minimise
   * {@code sign ·} output {@code output} of {@code network} over the box.
   */
  public record Problem(MilpInstance instance, BoundTightener.Single bounds, FoldedReluNetwork network,
      double[] lower, double[] upper, int output, Sense sense) {
    /** +1 when minimising, −1 when maximising: the MILP minimises {@code sign · output}. */
    public double sign() {
      return sense == Sense.MINIMIZE ? 1.0 : -1.0;
    }
  }

  private final Duration timeLimit;
  private final Duration tighteningBudget;
  private final boolean deterministic;
  private final Search search;

  private NetworkOptimizer(Builder b) {
    this.timeLimit = b.timeLimit;
    this.tighteningBudget = b.tighteningBudget;
    this.deterministic = b.deterministic;
    this.search = b.search;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The MILP {@code minimise sign · output_i(z)} over {@code lower ≤ z ≤ upper}, with bounds tightened.
   *
   * @throws MpcException when the box does not fit the network or is not finite, or the output does not exist
   */
  public Problem problem(FoldedReluNetwork net, double[] lower, double[] upper, int output, Sense sense) {
    int n0 = net.offset(0);
    if (lower.length != n0 || upper.length != n0) {
      throw new MpcException("the box has " + lower.length + " intervals, the network has " + n0 + " inputs "
          + names(net));
    }
    for (int i = 0; i < n0; i++) {
      if (!(lower[i] <= upper[i]) || !Double.isFinite(lower[i]) || !Double.isFinite(upper[i])) {
        throw new MpcException("interval " + (i + 1) + " of the box (" + names(net).get(i) + ") is [" + lower[i] + ", "
            + upper[i] + "]; it must be finite with lower ≤ upper");
      }
    }
    if (output < 0 || output >= net.stateDim()) {
      throw new MpcException("output " + output + " does not exist; the network has " + net.stateDim() + " outputs "
          + net.stateNames());
    }
    BoundTightener.Single bounds = BoundTightener.builder().budget(tighteningBudget).build().bound(net, lower, upper);
    ExpressionsBasedModel model = new ExpressionsBasedModel();
    List<Variable> z = new ArrayList<>();
    for (int i = 0; i < n0; i++) {
      z.add(model.addVariable("z" + i).lower(lower[i]).upper(upper[i]));
    }
    ReluMilp enc = ReluMilp.encode(model, net, z, bounds.units(), "n_", false);
    double sign = sense == Sense.MINIMIZE ? 1.0 : -1.0;
    Expression objective = model.addExpression("objective").weight(1);
    double constant = enc.addOutput(objective, output, sign);
    if (net.residual()) {
      objective.add(z.get(output), sign);
    }
    // warm start: the network at the centre of the box is a feasible point (ojAlgo's first incumbent)
    double[] centre = new double[n0];
    for (int i = 0; i < n0; i++) {
      centre[i] = 0.5 * (lower[i] + upper[i]);
      z.get(i).setValue(BigDecimal.valueOf(centre[i]));
    }
    enc.assign(centre);
    return new Problem(MilpInstance.of(model, constant, "optimize"), bounds, net, lower.clone(), upper.clone(), output,
        sense);
  }

  /**
   * Minimises or maximises output {@code output} of {@code net} over the box {@code lower ≤ z ≤ upper}.
   *
   * @throws MpcException as {@link #problem}
   */
  public Result optimize(FoldedReluNetwork net, double[] lower, double[] upper, int output, Sense sense) {
    return solve(problem(net, lower, upper, output, sense));
  }

  /** Solves a problem from {@link #problem} (its instance is not changed: it can be written after). */
  public Result solve(Problem p) {
    return search == Search.OJALGO ? solveMilp(p) : solveByReluPhases(p);
  }

  private Result solveMilp(Problem p) {
    FoldedReluNetwork net = p.network();
    double[] lower = p.lower();
    double[] upper = p.upper();
    int output = p.output();
    Sense sense = p.sense();
    long boundNanos = p.bounds().report().intervalNanos() + p.bounds().report().tighteningNanos();
    MilpSolver.Solution s = MilpSolver.builder().timeLimit(timeLimit).deterministic(deterministic).build()
        .solve(p.instance());
    double bound = soundBound(p);
    int units = net.reluCount();
    int binaries = p.bounds().units().unstableCount();
    if (!s.hasSolution()) {
      return new Result(Status.FAILED, Double.NaN, new double[0], Double.NaN, bound, Double.NaN, units, binaries,
          boundNanos, s.nanos());
    }
    int n0 = lower.length;
    double[] z = new double[n0];
    for (int i = 0; i < n0; i++) {
      // ojAlgo's values may stray outside the box by its feasibility tolerance
      z[i] = Math.min(upper[i], Math.max(lower[i], s.values()[i]));
    }
    double[] f = new double[net.stateDim()];
    net.evaluate(z, f);
    double value = f[output] + (net.residual() ? z[output] : 0.0);
    double milp = p.sign() * s.objective();
    boolean proven = s.state().isOptimal();
    if (proven) {
      bound = milp;
    }
    Status status = proven ? Status.OPTIMAL : Status.TIME_LIMIT;
    return new Result(status, value, z, milp, bound, Math.abs(value - bound), units, binaries, boundNanos, s.nanos());
  }

  /**
   * The problem as a one-step MPC problem: the posed network's inputs are z (it reads no state), its
   * outputs the original's (plus z_i on the diagonal when residual), and the cost is |y_i − ref| with ref
   * beyond the sound bound of y_i over the box, i.e. {@code y_i − ref} (minimise) or {@code ref − y_i}
   * (maximise) everywhere in the box.
   */
  private Result solveByReluPhases(Problem p) {
    FoldedReluNetwork net = p.network();
    int nx = net.stateDim();
    int n0 = net.offset(0);
    int k = net.reluLayerCount();
    List<double[]> weights = new ArrayList<>();
    List<double[]> biases = new ArrayList<>();
    for (int l = 0; l < k; l++) {
      weights.add(prependColumns(net.weights(l), net.units(l), net.offset(l), nx));
      biases.add(net.biases(l));
    }
    int cols = net.offset(k);
    double[] out = prependColumns(net.outputWeights(), nx, cols, nx);
    if (net.residual()) {
      for (int i = 0; i < nx; i++) {
        out[i * (cols + nx) + nx + i] += 1.0;
      }
    }
    List<String> zNames = new ArrayList<>();
    for (int i = 0; i < n0; i++) {
      zNames.add("z" + i);
    }
    FoldedReluNetwork posed = new FoldedReluNetwork(net.stateNames(), zNames, net.dt(), false, weights, biases, out,
        net.outputBiases());
    int i = p.output();
    boolean min = p.sense() == Sense.MINIMIZE;
    double bound = soundBound(p);
    double ref = min ? bound - (1 + Math.abs(bound)) : bound + (1 + Math.abs(bound));
    double[] reference = new double[nx];
    reference[i] = ref;
    double[] q = new double[nx];
    q[i] = 1.0;
    MpcProblem mpc = MpcProblem.builder(posed, 1).norm(MpcProblem.Norm.L1).stateReference(reference).stateWeights(q)
        .terminalWeights(q).inputBounds(p.lower(), p.upper()).build();
    MipPlanner planner = MipPlanner.builder(mpc).search(MipPlanner.Search.RELU_PHASES).timeLimit(timeLimit)
        .tighteningBudget(tighteningBudget).deterministic(deterministic).build();
    double[] centre = new double[n0];
    for (int c = 0; c < n0; c++) {
      centre[c] = 0.5 * (p.lower()[c] + p.upper()[c]);
    }
    Plan plan = planner.plan(new PlanRequest(new double[nx], mpc.constantWindow(reference), centre, null));
    MipReport report = planner.lastReport();
    long boundNanos = report.boundNanos();
    long solveNanos = report.buildNanos() + report.solveNanos();
    int units = net.reluCount();
    int binaries = report.bounds().binariesTightened();
    if (!plan.status().usable()) {
      return new Result(Status.FAILED, Double.NaN, new double[0], Double.NaN, bound, Double.NaN, units, binaries,
          boundNanos, solveNanos);
    }
    double[] z = plan.firstInput();
    double[] f = new double[nx];
    net.evaluate(z, f);
    double value = f[i] + (net.residual() ? z[i] : 0.0);
    // the search's own objective (MipPlanner validated the plan against the network already)
    double j = Double.isFinite(report.solverObjective()) ? report.solverObjective() : plan.objective();
    double milp = min ? ref + j : ref - j;
    boolean proven = plan.status() == PlanStatus.OPTIMAL;
    double proved = proven ? milp : bound;
    return new Result(proven ? Status.OPTIMAL : Status.TIME_LIMIT, value, z, milp, proved, Math.abs(value - proved),
        units, binaries, boundNanos, solveNanos);
  }

  /** The sound bound of the output over the box, in the optimisation's direction (residual included). */
  private static double soundBound(Problem p) {
    int i = p.output();
    boolean min = p.sense() == Sense.MINIMIZE;
    double b = min ? p.bounds().outputLower()[i] : p.bounds().outputUpper()[i];
    if (p.network().residual()) {
      b += min ? p.lower()[i] : p.upper()[i];
    }
    return b;
  }

  /** Row-major {@code rows × cols} with {@code extra} zero columns in front. */
  private static double[] prependColumns(double[] w, int rows, int cols, int extra) {
    double[] out = new double[rows * (cols + extra)];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(w, r * cols, out, r * (cols + extra) + extra, cols);
    }
    return out;
  }

  private static List<String> names(FoldedReluNetwork net) {
    List<String> out = new ArrayList<>(net.stateNames());
    out.addAll(net.inputNames());
    return out;
  }

  /** Options of a {@link NetworkOptimizer}. */
  public static final class Builder {
    private Duration timeLimit = Duration.ofSeconds(60);
    private Duration tighteningBudget = Duration.ofSeconds(2);
    private boolean deterministic;
    private Search search = Search.RELU_PHASES;

    private Builder() {}

    /** The search (default {@link Search#RELU_PHASES}, as the MPC planner's). */
    public Builder search(Search s) {
      this.search = java.util.Objects.requireNonNull(s, "search");
      return this;
    }

    /** Time limit of the MILP solve (default 60 s). */
    public Builder timeLimit(Duration d) {
      this.timeLimit = Durations.positive(d, "the time limit");
      return this;
    }

    /** Time budget of the LP bound tightening before the solve (default 2 s). */
    public Builder tighteningBudget(Duration d) {
      this.tighteningBudget = Durations.nonNegative(d, "the tightening budget");
      return this;
    }

    /** The same search on every run (FIFO nodes), for tests (default false). */
    public Builder deterministic(boolean on) {
      this.deterministic = on;
      return this;
    }

    public NetworkOptimizer build() {
      return new NetworkOptimizer(this);
    }
  }
}
