package io.loopforge.mpc;

import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.sindy.SindyModel;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;

/**
 * Mixed-integer MPC on a ReLU network of the dynamics (Liu et al. 2023, "Model-Based Control with Sparse
 * Neural Dynamics"): the {@link MpcProblem} is solved exactly as a mixed-integer linear program, the network
 * unrolled over the horizon with one binary per ReLU unit and step that the sound bounds do not prove
 * stable. Per call:
 *
 * <ol>
 *   <li>sound bounds ({@link BoundTightener}): interval propagation from the measured state and the input
 *       boxes, then LP-based tightening within a time budget; the binaries before and after are in {@link
 *       SolveStats#binariesBefore()} and {@link SolveStats#binariesAfter()};
 *   <li>the program ({@link ReluMilp} per step; L1 costs with one auxiliary per weighted term or terminal-matrix
 *       row, L∞ with one per step and cost group, soft state box with slacks, input box as variable bounds,
 *       rate limits);
 *   <li>the warm start: the request's input sequence (the previous plan shifted), when admissible, else
 *       the safe input held over the horizon (always admissible when any sequence is), polished by gradient
 *       shooting from it when that lowers J ({@link Builder#polish}), given to the search as its first
 *       incumbent (see {@link MilpSolver}); so a time limit ends with a plan, unless the warm start is turned
 *       off;
 *   <li>ojAlgo's branch-and-bound ({@link MilpSolver}: the settings of the project's ojAlgo note, a time
 *       limit per call);
 *   <li>validation in double: the inputs must lie in the box and rate limits (values within the tolerance
 *       outside are moved onto them), the network is evaluated from them with {@link
 *       FoldedReluNetwork#step} and must match the program's predicted states to {@code tolerance · (1 +
 *       |x|)}, and J recomputed by {@link MpcProblem#evaluate} must match the solver's objective to {@code
 *       tolerance · max(1, |J|)}.
 * </ol>
 *
 * Statuses: {@link PlanStatus#OPTIMAL} (proven within ojAlgo's gap, ≈ 1e-7 relative), {@link
 * PlanStatus#FEASIBLE} (the time limit ended the search with a validated incumbent), {@link
 * PlanStatus#INFEASIBLE} (no input sequence meets the hard constraints), {@link PlanStatus#NO_INCUMBENT}
 * (the time limit came first; only without warm start), {@link PlanStatus#INVALID} (validation failed, or ojAlgo said INFEASIBLE
 * although a feasible point is known: the warm start, or the safe input held over the horizon, which is
 * always admissible when any sequence is), {@link PlanStatus#FAILED} (anything else). The plan's detail
 * says why; {@link #lastReport()} has the numbers ({@link SolveStats#nodes()} counts the LPs the ReLU-phase
 * search solved: its nodes and its strong branching's trial children; ojAlgo's search does not report its
 * nodes through ExpressionsBasedModel, so it is 0 there). Falling back is {@link RecedingHorizonController}'s job.
 *
 * <p>Two searches ({@link Search}): ojAlgo's generic branch-and-bound, and a branch-and-bound over ReLU
 * phases on ojAlgo's LP solver ({@link Search#RELU_PHASES}), which on the instances measured so far is as
 * fast or much faster (MipStudy); both solve the same program with the same bounds and are validated the
 * same way. The ReLU-phase search is the default; ojAlgo's generic search stays one option away, and the
 * MIP study reports both side by side. The ReLU-phase search solves its node LPs in double by default (a bounded
 * dual simplex warm-started from node to node, {@link NodeLp#DUAL_SIMPLEX}); {@link NodeLp#OJALGO} gives every node
 * to ojAlgo's LP solver as before.
 *
 * <p>Not thread-safe (it keeps the last report and instance).
 */
public final class MipPlanner implements Planner {
  /** How the program is searched. */
  public enum Search {
    /** ojAlgo's generic branch-and-bound on the whole program ({@link MilpSolver}). */
    OJALGO,
    /**
     * A branch-and-bound over ReLU phases on ojAlgo's LP solver, with bound propagation at each node and an
     * incumbent from every node's inputs rolled out through the network.
     */
    RELU_PHASES
  }

  /** Which LP solver a node's relaxation goes to. */
  public enum NodeLp {
    /** ojAlgo's LP solver on the {@code ExpressionsBasedModel}, rebuilt at every node. */
    OJALGO,
    /**
     * A bounded dual simplex in double (BoundedDualSimplex), built once, warm-started from the last node's basis; a node it
     * cannot solve goes to ojAlgo.
     */
    DUAL_SIMPLEX
  }

  /** The tightening budget of a deterministic planner: all its LPs. */
  private static final Duration UNLIMITED = Duration.ofDays(1);

  private final MpcProblem problem;
  private final FoldedReluNetwork network;
  private final NodeLp nodeLp;
  private final BoundTightener tightener;
  private final MilpSolver solver;
  private final boolean warmStart;
  private final double tolerance;
  private final Search search;
  private final long timeLimitNanos;
  /** Gradient shooting that polishes the first incumbent, or null. */
  private final GradientPlanner polish;
  private MipReport lastReport;
  private MilpInstance lastInstance;

  private MipPlanner(Builder b) {
    this.problem = b.problem;
    this.network = b.network;
    // deterministic: every tightening LP, whatever the machine's speed (a budget cut short on a cold JVM changed
    // the big-M constants and so the optimum's last digits)
    this.tightener = BoundTightener.builder().tighten(b.tighten)
        .budget(b.deterministic ? UNLIMITED : b.tighteningBudget).padding(b.padding).build();
    this.solver = MilpSolver.builder().timeLimit(b.timeLimit).deterministic(b.deterministic).build();
    this.warmStart = b.warmStart;
    this.tolerance = b.tolerance;
    this.search = b.search;
    this.nodeLp = b.nodeLp;
    this.timeLimitNanos = b.timeLimit.toNanos();
    this.polish = b.polish ? GradientPlanner.builder(b.problem).build() : null;
  }

  /**
   * A planner for {@code problem}, whose model must be a {@link FoldedReluNetwork} or a {@link
   * ReluNetwork} (folded here), with a linear cost (L1 or L∞) and a finite input box.
   *
   * @throws MpcException naming what does not fit
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
    return "mip";
  }

  /** The network encoded (the problem's model, folded). */
  public FoldedReluNetwork network() {
    return network;
  }

  /** What the last {@link #plan} call did, or null before the first. */
  public MipReport lastReport() {
    return lastReport;
  }

  /**
   * The mixed-integer program of the last {@link #plan} call (to export with {@link MilpInstance#writeMps}),
   * or null when none was built (before the first call, or when the hard constraints were infeasible).
   */
  public MilpInstance lastInstance() {
    return lastInstance;
  }

  @Override
  public Plan plan(PlanRequest request) {
    long start = System.nanoTime();
    request.check(problem);
    lastInstance = null;
    double[] x0 = request.state();
    double[] uPrev = request.previousInput();
    HorizonBounds bounds = tightener.bound(problem, network, x0, uPrev);
    TighteningReport tr = bounds.report();
    long afterBounds = System.nanoTime();
    if (bounds.infeasible() != null) {
      return finish(Plan.failed(PlanStatus.INFEASIBLE, stats(start, tr), bounds.infeasible()), tr, null, false, false,
          "", Double.NaN, Double.NaN, Double.NaN, afterBounds - start, 0, 0, start);
    }
    ExpressionsBasedModel model = new ExpressionsBasedModel();
    // ojAlgo's own check of the warm start (in assign) must use the tolerance the solve will use
    model.options.feasibility = OjAlgo.FEASIBILITY;
    MpcMilp milp = MpcMilp.build(problem, network, request, bounds, model);
    MilpInstance instance = MilpInstance.of(model, 0.0, "mpc");
    lastInstance = instance;
    double[][] warm = request.warmStart();
    boolean given = warmStart && warm != null && problem.admissible(warm, uPrev, 0.0);
    // without a warm start the safe input held is one: any admissible sequence is feasible, so the search
    // always has an incumbent, and a time limit ends with a plan
    double[][] first = given ? warm : warmStart ? held(uPrev) : null;
    if (first != null && polish != null) {
      first = polished(request, first);
    }
    boolean accepted = first != null && problem.admissible(first, uPrev, 0.0) && milp.assign(first);
    long afterBuild = System.nanoTime();
    if (search == Search.RELU_PHASES) {
      return reluPhases(request, bounds, instance, first, given, start, afterBounds, afterBuild);
    }
    MilpSolver.Solution sol = solver.solve(instance);
    long boundNanos = afterBounds - start;
    long buildNanos = afterBuild - afterBounds;
    Optimisation.State state = sol.state();
    Plan plan;
    double maxErr = Double.NaN;
    double objective = Double.NaN;
    if (state.isFeasible()) {
      double[][] inputs = milp.inputs(sol.values());
      double[][] predicted = milp.states(sol.values());
      PlanStatus ok = state.isOptimal() ? PlanStatus.OPTIMAL : PlanStatus.FEASIBLE;
      Validation v = validate(request, inputs, predicted, sol.objective());
      maxErr = v.maxStateError;
      objective = v.objective;
      if (v.failure != null) {
        plan = Plan.failed(PlanStatus.INVALID, stats(start, tr), v.failure);
      } else {
        String detail = ok == PlanStatus.OPTIMAL ? "" : "the time limit of " + solver.timeLimit().toMillis()
            + " ms ended the search; the best plan found is validated but not proven optimal";
        plan = new Plan(v.inputs, v.states, ok, v.objective, stats(start, tr), detail);
      }
    } else if (state == Optimisation.State.INFEASIBLE) {
      plan = infeasible(request, warm, given, tr, start);
    } else if (sol.nanos() >= solver.timeLimit().toNanos()) {
      plan = Plan.failed(PlanStatus.NO_INCUMBENT, stats(start, tr), "the time limit of "
          + solver.timeLimit().toMillis() + " ms ended the search before any feasible plan was found ("
          + milp.binaries() + " binaries; ojAlgo's state " + state + "); give more time, a warm start, or a smaller"
          + " network or horizon");
    } else {
      plan = Plan.failed(PlanStatus.FAILED, stats(start, tr), "ojAlgo ended in state " + state + " after "
          + String.format(Locale.ROOT, "%.1f", sol.millis()) + " ms without a solution");
    }
    return finish(plan, tr, instance, given, accepted, state.toString(),
        state.isFeasible() ? sol.objective() : Double.NaN, objective, maxErr, boundNanos, buildNanos, sol.nanos(),
        start);
  }

  /** The search of {@link ReluBranchAndBound}; the program built for export has the same bounds. */
  private Plan reluPhases(PlanRequest request, HorizonBounds bounds, MilpInstance instance, double[][] first,
      boolean given, long start, long afterBounds, long afterBuild) {
    TighteningReport tr = bounds.report();
    ReluBranchAndBound bab = new ReluBranchAndBound(problem, network, request, bounds, nodeLp);
    ReluBranchAndBound.Result res = bab.solve(first, afterBuild + timeLimitNanos);
    long afterSolve = System.nanoTime();
    if (res.inputs() == null) {
      long nanos = System.nanoTime() - start;
      Plan none = Plan.failed(PlanStatus.NO_INCUMBENT, new SolveStats(nanos, tr.binariesInterval(),
          tr.binariesTightened(), res.lps(), 0), "the time limit of "
          + solver.timeLimit().toMillis() + " ms ended the search over ReLU phases before any plan was found (no warm start)");
      lastReport = new MipReport(none.status(), none.detail(), tr, instance.variables(), instance.constraints(),
          instance.integers(), given, false, "NO_INCUMBENT", Double.NaN, Double.NaN, Double.NaN,
          afterBounds - start, afterBuild - afterBounds, afterSolve - afterBuild, nanos);
      return none;
    }
    double[][] inputs = res.inputs();
    double[][] predicted = new double[problem.horizon() + 1][problem.stateDim()];
    problem.evaluate(request.state(), request.reference(), request.previousInput(), inputs, predicted);
    Validation v = validate(request, Plan.deepCopy(inputs), predicted, res.objective());
    Plan plan;
    PlanStatus ok = res.proven() ? PlanStatus.OPTIMAL : PlanStatus.FEASIBLE;
    long nanos = System.nanoTime() - start;
    SolveStats stats = new SolveStats(nanos, tr.binariesInterval(), tr.binariesTightened(), res.lps(), 0);
    if (v.failure != null) {
      plan = Plan.failed(PlanStatus.INVALID, stats, v.failure);
    } else {
      String detail = res.proven() ? "" : res.lpFailures() > 0
          ? res.lpFailures() + " LPs failed, so the search proves nothing; the best plan found is validated"
          : "the time limit of " + solver.timeLimit().toMillis() + " ms ended the search; the best plan found is"
              + " validated but not proven optimal";
      plan = new Plan(v.inputs, v.states, ok, v.objective, stats, detail);
    }
    lastReport = new MipReport(plan.status(), plan.detail(), tr, instance.variables(), instance.constraints(),
        instance.integers(), given, first != null, ok.toString(), res.objective(), v.objective, v.maxStateError,
        afterBounds - start, afterBuild - afterBounds, afterSolve - afterBuild, nanos);
    return plan;
  }

  /** The plan with its total time, and the report of this call. */
  private Plan finish(Plan plan, TighteningReport tr, MilpInstance instance, boolean given, boolean accepted,
      String state, double solverObjective, double objective, double maxErr, long boundNanos, long buildNanos,
      long solveNanos, long start) {
    long total = System.nanoTime() - start;
    Plan p = new Plan(plan.inputs(), plan.states(), plan.status(), plan.objective(),
        new SolveStats(total, tr.binariesInterval(), tr.binariesTightened(), 0, 0), plan.detail());
    lastReport = new MipReport(p.status(), p.detail(), tr, instance == null ? 0 : instance.variables(),
        instance == null ? 0 : instance.constraints(), instance == null ? 0 : instance.integers(), given, accepted,
        state, solverObjective, objective, maxErr, boundNanos, buildNanos, solveNanos, total);
    return p;
  }

  private static SolveStats stats(long start, TighteningReport tr) {
    return new SolveStats(System.nanoTime() - start, tr.binariesInterval(), tr.binariesTightened(), 0, 0);
  }

  /**
   * The first incumbent improved by projected gradient steps from it (else as given): gradient shooting keeps the
   * best sequence it evaluated, its start included, and replaces it only by a strictly lower J, so its plan is
   * never worse than {@code first}; it must also be admissible without tolerance.
   */
  private double[][] polished(PlanRequest request, double[][] first) {
    Plan p = polish.plan(new PlanRequest(request.state(), request.reference(), request.previousInput(), first));
    return p.status().usable() && problem.admissible(p.inputs(), request.previousInput(), 0.0) ? p.inputs() : first;
  }

  /** The safe input from {@code uPrev}, then held (each step clipped to the rate limit from the last). */
  private double[][] held(double[] uPrev) {
    double[][] held = new double[problem.horizon()][];
    double[] prev = uPrev;
    for (int t = 0; t < held.length; t++) {
      held[t] = problem.safeInput(prev);
      prev = held[t];
    }
    return held;
  }

  /** ojAlgo said INFEASIBLE: believe it only when no feasible point is known. */
  private Plan infeasible(PlanRequest request, double[][] warm, boolean given, TighteningReport tr, long start) {
    double[] uPrev = request.previousInput();
    String known = null;
    double[][] point = null;
    if (given) {
      known = "the warm start (the previous plan shifted)";
      point = warm;
    } else {
      double[][] held = held(uPrev);
      if (problem.admissible(held, uPrev, 0.0)) {
        known = "the safe input " + Arrays.toString(held[0]) + " held over the horizon";
        point = held;
      }
    }
    if (known == null) {
      return Plan.failed(PlanStatus.INFEASIBLE, stats(start, tr), "ojAlgo reported the program infeasible");
    }
    double j = problem.evaluate(request.state(), request.reference(), uPrev, point, null);
    return Plan.failed(PlanStatus.INVALID, stats(start, tr), "ojAlgo reported the program INFEASIBLE, which "
        + "contradicts a known feasible point: " + known + " meets every hard constraint (J = " + j + ")");
  }

  private static final class Validation {
    String failure;
    double[][] inputs;
    double[][] states;
    double objective = Double.NaN;
    double maxStateError = Double.NaN;
  }

  /** The checks of step 5 of the class doc. */
  private Validation validate(PlanRequest request, double[][] inputs, double[][] predicted, double solverObjective) {
    Validation v = new Validation();
    int h = problem.horizon();
    int nx = problem.stateDim();
    int nu = problem.inputDim();
    double[] lo = problem.inputLower();
    double[] hi = problem.inputUpper();
    double[] delta = problem.inputRateLimit();
    double[] prev = request.previousInput();
    for (int t = 0; t < h; t++) {
      for (int i = 0; i < nu; i++) {
        double a = lo[i];
        double b = hi[i];
        if (Double.isFinite(delta[i])) {
          a = Math.max(a, prev[i] - delta[i]);
          b = Math.min(b, prev[i] + delta[i]);
        }
        double tol = tolerance * (1 + Math.max(Math.abs(lo[i]), Math.abs(hi[i])));
        double ui = inputs[t][i];
        if (!Double.isFinite(ui) || ui < a - tol || ui > b + tol) {
          v.failure = "the solver's input " + problem.model().inputNames().get(i) + " at step " + t + " is " + ui
              + ", outside [" + a + ", " + b + "] (the box and the rate limit) by more than " + tol;
          return v;
        }
        inputs[t][i] = Math.min(b, Math.max(a, ui));
      }
      prev = inputs[t];
    }
    double[] x = request.state().clone(); // the record's array itself: the loop below writes into x
    double[] next = new double[nx];
    double maxErr = 0;
    for (int t = 0; t < h; t++) {
      network.step(x, inputs[t], next);
      for (int i = 0; i < nx; i++) {
        double err = Math.abs(predicted[t + 1][i] - next[i]) / (1 + Math.abs(next[i]));
        if (!(err <= maxErr)) {
          maxErr = err;
        }
      }
      double[] tmp = x;
      x = next;
      next = tmp;
    }
    v.maxStateError = maxErr;
    if (!(maxErr <= tolerance)) {
      v.failure = "the program's predicted states differ from the network evaluated in double by "
          + String.format(Locale.ROOT, "%.3g", maxErr) + " (relative), more than the tolerance " + tolerance;
      return v;
    }
    double[][] states = new double[h + 1][nx];
    double j = problem.evaluate(request.state(), request.reference(), request.previousInput(), inputs, states);
    v.objective = j;
    if (!Double.isFinite(j)) {
      v.failure = "J of the solver's inputs is not finite (" + j + ")";
      return v;
    }
    if (!(Math.abs(j - solverObjective) <= tolerance * Math.max(1, Math.abs(j)))) {
      v.failure = "the solver's objective " + solverObjective + " differs from J = " + j
          + " recomputed in double by more than " + tolerance + " relative";
      return v;
    }
    v.inputs = inputs;
    v.states = states;
    return v;
  }

  /** Options of a {@link MipPlanner}. */
  public static final class Builder {
    private final MpcProblem problem;
    private final FoldedReluNetwork network;
    private Duration timeLimit = Duration.ofSeconds(1);
    private boolean tighten = true;
    private Duration tighteningBudget = Duration.ofMillis(200);
    private double padding = 1e-6;
    private boolean deterministic;
    private boolean warmStart = true;
    private double tolerance = 1e-6;
    private Search search = Search.RELU_PHASES;
    private NodeLp nodeLp = NodeLp.DUAL_SIMPLEX;
    private boolean polish = true;

    private Builder(MpcProblem problem) {
      this.problem = Objects.requireNonNull(problem, "problem");
      this.network = foldedNetwork(problem.model());
      if (!problem.norm().linear()) {
        throw new MpcException("the MIP planner needs a linear cost (norm L1 or LINF), but the problem's norm is "
            + problem.norm() + ": ojAlgo 56.2.1 is not reliable with quadratic objectives and integer variables;"
            + " use L1 or LINF, or a sampling or gradient planner for a quadratic cost");
      }
      problem.requireFiniteInputBox("the MIP planner");
    }

    private static FoldedReluNetwork foldedNetwork(DynamicsModel model) {
      if (model instanceof FoldedReluNetwork) {
        return (FoldedReluNetwork) model;
      }
      if (model instanceof ReluNetwork) {
        return FoldedReluNetwork.fold((ReluNetwork) model);
      }
      String what = model instanceof SindyModel ? "a SINDy model" : "a " + model.getClass().getSimpleName();
      throw new MpcException("the MIP planner needs a ReLU network model (a relu-network file); this is " + what
          + " of states " + model.stateNames() + ", which has no mixed-integer encoding: fit a ReLU network"
          + " (identify mlp, sparsify) or use another planner (mppi, cem, random, gd, sindy-mpc)");
    }

    /** Time limit of the branch-and-bound per call (default 1 s). */
    public Builder timeLimit(Duration d) {
      this.timeLimit = Durations.positive(d, "the MIP time limit");
      return this;
    }

    /** Whether the LP-based bound tightening runs (default true); false: interval bounds only. */
    public Builder tighten(boolean on) {
      this.tighten = on;
      return this;
    }

    /** Time budget of the LP-based bound tightening per call (default 200 ms). */
    public Builder tighteningBudget(Duration d) {
      this.tighteningBudget = Durations.nonNegative(d, "the tightening budget");
      return this;
    }

    /** Relative widening of LP bounds (default 1e-6, see {@link BoundTightener.Builder#padding}). */
    public Builder padding(double p) {
      if (!(p >= 0) || Double.isInfinite(p)) {
        throw new MpcException("the bound padding must be finite and non-negative, got " + p);
      }
      this.padding = p;
      return this;
    }

    /**
     * Nodes in creation order and bound tightening without its time budget (every LP solved): the same plan on
     * every run and machine, up to the B&B time limit (default false: best-first, the budget). Distillation's
     * solves, which other JVMs must repeat bit for bit, and the tests use it.
     */
    public Builder deterministic(boolean on) {
      this.deterministic = on;
      return this;
    }

    /**
     * Whether a first incumbent is given to the search (default true): the request's warm start, or the safe
     * input held over the horizon when it has none.
     */
    public Builder warmStart(boolean on) {
      this.warmStart = on;
      return this;
    }

    /** Relative tolerance of the validation (default 1e-6; see the class doc). */
    public Builder tolerance(double tol) {
      if (!(tol > 0) || Double.isInfinite(tol)) {
        throw new MpcException("the validation tolerance must be positive and finite, got " + tol);
      }
      this.tolerance = tol;
      return this;
    }

    /**
     * How the program is searched (default {@link Search#RELU_PHASES}: as fast or much faster than ojAlgo's
     * generic search on the instances measured, see BENCHMARKS.md).
     */
    public Builder search(Search s) {
      this.search = Objects.requireNonNull(s, "search");
      return this;
    }

    /**
     * The LP solver of the ReLU-phase search's nodes (default {@link NodeLp#DUAL_SIMPLEX}); ojAlgo's generic
     * search ignores it.
     */
    public Builder nodeLp(NodeLp lp) {
      this.nodeLp = Objects.requireNonNull(lp, "nodeLp");
      return this;
    }

    /**
     * Whether the first incumbent (the warm start, or the safe input held) is first improved by gradient shooting
     * from it (default true): under a time limit that ends the search unproven the plan is at least as good as the
     * polished one (on the 16-ReLU cart-pole network at H = 5 with 1 s per plan, the closed-loop cost fell from
     * 19.4 to 10.9; MPPI's 10.3); a proven optimum is the same either way.
     */
    public Builder polish(boolean on) {
      this.polish = on;
      return this;
    }

    public MipPlanner build() {
      return new MipPlanner(this);
    }
  }
}
