package io.loopforge.mpc;

import io.loopforge.modeling.nn.FoldedReluNetwork;
import java.util.PriorityQueue;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;

/**
 * A branch-and-bound over ReLU phases for the MPC program, on ojAlgo's LP solver (the route of BaB-ND,
 * Liu et al. 2025, in its simplest form), as an alternative to ojAlgo's generic integer search:
 *
 * <ul>
 *   <li>a node fixes the phase of some units (active: {@code a ≥ 0, s = a}; inactive: {@code a ≤ 0, s =
 *       0});
 *   <li><b>bound propagation</b> at each node: from the root's sound bounds with the node's phases
 *       imposed, forward interval bounds and backward tightening of the input, state and activation boxes
 *       through every row the phases make linear (feasibility-based bound tightening); units it proves stable
 *       are fixed too (implications), a contradiction closes the node, and the big-M constants of the free
 *       units and the input and state boxes move to the node's tighter bounds (a tighter relaxation);
 *   <li>the node's LP relaxation gives its lower bound; its inputs, clipped to the box and rate limits and
 *       rolled out through the network in double, give a feasible plan (every admissible input sequence is
 *       feasible), so incumbents come from every node, not only from integral leaves;
 *   <li>with the dual simplex, each new incumbent starts a local search over the network's linear regions
 *       ({@link #regionSearch}): the LP of its region (every phase fixed: exact) and of the neighbouring regions
 *       where that LP's plan ends on a boundary, while the incumbent improves; once the tree has not closed in
 *       {@value #KICK_AFTER} nodes, also from the incumbent with one input moved to an end of its box, for every
 *       step and end ({@link #kicks});
 *   <li>branching on the free unit whose relaxation is furthest from its ReLU ({@code s − max(0, a)}, times
 *       the steps left, H − t, and 100 per layer before the last); with the dual simplex on a network of one
 *       ReLU layer, by reliability (Achterberg, Koch, Martin 2005) among the free units whose relaxation is away
 *       from their ReLU: a unit not yet observed is strong-branched (both children propagated and solved; their
 *       LP inputs are offered as plans too), a unit observed is scored by its
 *       pseudo-costs (the mean rise of its children's bounds over their parent's, per side, learnt from strong
 *       branching and from every child solved); the score is the product of the two rises. Candidates are
 *       visited widest gap first (the gap times the steps left, H − t, and 100 per layer before the last), and
 *       strong branching stops after 4 candidates in a row that do not better the best score (on the dense [8]
 *       H=4 cart-pole instances this halves the LPs solved, strong branching's included, against the widest gap;
 *       on two-layer sparse networks the widest gap with its layer order solved fewer). Best-first by bound; a
 *       node whose LP solution is already a network evaluation is solved.
 * </ul>
 *
 * <p>Node LPs ({@link MipPlanner.NodeLp}): by default a bounded dual simplex in double ({@link
 * BoundedDualSimplex}), built once from the relaxation and kept from node to node, so a node's LP starts
 * from the last node's optimal basis and only its bounds change ({@link #restrictSimplex}); after branching,
 * the search plunges into the child on the side of the LP's binary (after strong branching: the child of the
 * lower bound) while the node's bound is in the lower
 * half between the queue's best bound and the incumbent (a child is a few pivots from its parent, a jump
 * across the tree several times more). A node the simplex cannot settle (iteration limit, an infeasibility
 * it cannot certify) goes to ojAlgo. With {@link MipPlanner.NodeLp#OJALGO} every node is ojAlgo's, strictly
 * best-first, as before.
 *
 * <p>The first incumbent is the caller's (the warm start, or the safe input held). A node is pruned when its
 * bound is within the gap (1e-7 relative) of the incumbent. An LP that does not end OPTIMAL or INFEASIBLE
 * closes nothing: the node is branched with its parent's bound, and the result is not called proven. Not
 * thread-safe; one instance per plan call.
 */
final class ReluBranchAndBound {
  /**
   * What the search found.
   *
   * @param inputs the best plan's inputs (admissible)
   * @param objective J of that plan, in double
   * @param proven whether the search closed every node (optimal within the gap)
   * @param nodes nodes whose LP was solved
   * @param strongLps LPs solved by strong branching (the children of candidates, not counted in nodes)
   * @param regionLps LPs solved by the search over linear regions ({@link #regionSearch})
   * @param lpFailures LPs that ended neither OPTIMAL nor INFEASIBLE
   */
  record Result(double[][] inputs, double objective, boolean proven, long nodes, long strongLps, long regionLps,
      int lpFailures) {
    /** LPs solved in all: the nodes', strong branching's and the region search's. */
    long lps() {
      return nodes + strongLps + regionLps;
    }
  }


  /**
   * A node: its phases, a lower bound, its depth, and how it came about (the unit its parent branched on, −1 at
   * the root, the side, and the parent's bound), to learn the unit's pseudo-costs from its LP.
   */
  private record Node(byte[] phase, double bound, int depth, int unit, byte side, double parentBound) {}

  private static final double GAP = 1e-7;
  /** Plunge while a child's bound is in this fraction of the way from the queue's best bound to the incumbent. */
  private static final double PLUNGE = 0.5;
  /**
   * Pseudo-costs of a unit's sides are trusted after this many observations; until then it is strong-branched
   * (2 solved no fewer LPs than 1 on the dense [8] H=4 cart-pole instances).
   */
  private static final int RELIABLE = 1;
  /** Strong branching stops after this many candidates in a row that did not better the best score. */
  private static final int LOOKAHEAD = 4;
  /** At most this many moves of one {@link #regionSearch}. */
  private static final int REGION_MOVES = 20;
  /**
   * {@link #kicks} once this many nodes are solved and the tree is still open: most programs of the 4- and
   * 8-ReLU cart-pole networks at H = 5 close in fewer, and there the kicks' 20–40 LPs would double the work.
   */
  private static final int KICK_AFTER = 32;

  private final MpcProblem problem;
  private final FoldedReluNetwork net;
  private final PlanRequest request;
  private final HorizonBounds root;
  private final ExpressionsBasedModel model;
  private final MpcMilp lp;
  private final int h;
  private final int nx;
  private final int nu;
  private final int layers;
  private final int perStep;
  private final int[] layerOffset;
  /** 100^(K − 1 − k): the branching preference of layer k. */
  private final double[] layerWeight;
  private final double[][] weights;
  private final double[][] biases;
  private final double[] outRows;
  private final double[] outBias;
  private final int outCols;
  // node scratch
  private final double[][] lo;
  private final double[][] hi;
  private final double[][] xLo;
  private final double[][] xHi;
  private final byte[] effective;
  /** Per step the box of v_t = [x_t; u_t; h_t] (the node's, after propagation). */
  private final double[][] vLo;
  private final double[][] vHi;
  private final double[] pair = new double[2];
  /** Branching candidates (unit ids) and their weighted gaps, widest first. */
  private final int[] candidates;
  private final double[] candidateGap;
  /** Per unit id and side (0 inactive, 1 active): the sum and number of observed bound rises of its children. */
  private final double[][] pseudoSum;
  private final int[][] pseudoCount;
  /** The bounds of the children strong branching chose: inactive, active. */
  private final double[] childBound = new double[2];
  private long strongLps;
  private long regionLps;
  /**
   * Whether to branch by reliability rather than on the widest gap: with the dual simplex (strong branching takes
   * many cheap warm-started LPs) on networks of one ReLU layer. On the dense [8] H=4 cart-pole instances it
   * halves the LPs; on the sparse two-layer networks (cartpole-walls-gated-8 at H=8, gated-16 at H=5) it solved
   * twice to three times as many as the widest gap with its layer order (100 per layer before the last).
   */
  private final boolean reliability;

  private double[][] best;
  private double bestJ = Double.POSITIVE_INFINITY;
  private long nodes;
  private int failures;
  /** The node LP in double (null with {@link MipPlanner.NodeLp#OJALGO}) and the model's indices it is addressed by. */
  private final BoundedDualSimplex simplex;
  private final int[][][] unitIndex; // [t][k][2j], [2j+1] → the model indices of z and s
  private final int[][] xIndex;
  private final int[][] uIndex;
  private final double[] values;
  private int simplexFallbacks;

  ReluBranchAndBound(MpcProblem problem, FoldedReluNetwork net, PlanRequest request, HorizonBounds root) {
    this(problem, net, request, root, MipPlanner.NodeLp.DUAL_SIMPLEX);
  }

  ReluBranchAndBound(MpcProblem problem, FoldedReluNetwork net, PlanRequest request, HorizonBounds root,
      MipPlanner.NodeLp nodeLp) {
    this.problem = problem;
    this.net = net;
    this.request = request;
    this.root = root;
    this.model = new ExpressionsBasedModel();
    model.options.feasibility = OjAlgo.FEASIBILITY;
    this.lp = MpcMilp.relaxation(problem, net, request, root, model);
    this.h = problem.horizon();
    this.nx = problem.stateDim();
    this.nu = problem.inputDim();
    this.layers = net.reluLayerCount();
    this.layerOffset = new int[layers + 1];
    for (int k = 0; k < layers; k++) {
      layerOffset[k + 1] = layerOffset[k] + net.units(k);
    }
    this.perStep = layerOffset[layers];
    this.layerWeight = new double[layers];
    for (int k = 0; k < layers; k++) {
      layerWeight[k] = Math.pow(100, layers - 1 - k);
    }
    this.weights = new double[layers][];
    this.biases = new double[layers][];
    for (int k = 0; k < layers; k++) {
      weights[k] = net.weights(k);
      biases[k] = net.biases(k);
    }
    this.outCols = net.offset(layers);
    this.outRows = net.outputWeights();
    if (net.residual()) {
      for (int i = 0; i < nx; i++) {
        outRows[i * outCols + i] += 1.0; // x⁺ = x + f: the identity joins the output rows
      }
    }
    this.outBias = net.outputBiases();
    this.lo = new double[h][perStep];
    this.hi = new double[h][perStep];
    this.xLo = new double[h + 1][nx];
    this.xHi = new double[h + 1][nx];
    this.effective = new byte[h * perStep];
    this.reliability = nodeLp == MipPlanner.NodeLp.DUAL_SIMPLEX && layers == 1;
    this.candidates = new int[h * perStep];
    this.candidateGap = new double[h * perStep];
    this.pseudoSum = new double[2][h * perStep];
    this.pseudoCount = new int[2][h * perStep];
    this.vLo = new double[h][outCols];
    this.vHi = new double[h][outCols];
    this.values = new double[model.countVariables()];
    if (nodeLp == MipPlanner.NodeLp.DUAL_SIMPLEX) {
      this.simplex = BoundedDualSimplex.of(model, model.constraints().toList());
      this.unitIndex = new int[h][layers][];
      this.xIndex = new int[h + 1][nx];
      this.uIndex = new int[h][nu];
      for (int t = 0; t < h; t++) {
        ReluMilp step = lp.step(t);
        for (int k = 0; k < layers; k++) {
          unitIndex[t][k] = new int[2 * net.units(k)];
          for (int j = 0; j < net.units(k); j++) {
            if (step.binary(k, j) == null) {
              continue;
            }
            unitIndex[t][k][2 * j] = model.indexOf(step.binary(k, j));
            unitIndex[t][k][2 * j + 1] = model.indexOf(step.postActivation(k, j));
          }
        }
        for (int i = 0; i < nu; i++) {
          uIndex[t][i] = model.indexOf(lp.inputVariables(t)[i]);
        }
      }
      for (int t = 0; t <= h; t++) {
        for (int i = 0; i < nx; i++) {
          xIndex[t][i] = model.indexOf(lp.stateVariables(t)[i]);
        }
      }
    } else {
      this.simplex = null;
      this.unitIndex = null;
      this.xIndex = null;
      this.uIndex = null;
    }
  }

  /** Nodes the dual simplex handed to ojAlgo (0 with {@link MipPlanner.NodeLp#OJALGO}). */
  int simplexFallbacks() {
    return simplexFallbacks;
  }

  /**
   * Solves the node's relaxation (after {@link #propagate}): into {@link #values}, returning ojAlgo's state
   * and the objective in {@code objective[0]}.
   */
  private Optimisation.State solveNode(long deadline, double[] objective) {
    if (simplex != null) {
      restrictSimplex();
      BoundedDualSimplex.Status s = simplex.solve(deadline);
      if (s == BoundedDualSimplex.Status.INFEASIBLE) {
        return Optimisation.State.INFEASIBLE;
      }
      if (s == BoundedDualSimplex.Status.OPTIMAL) {
        simplex.values(values);
        objective[0] = simplex.objective();
        return Optimisation.State.OPTIMAL;
      }
      simplexFallbacks++;
    }
    restrict();
    long ms = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
    model.options.time_abort = ms;
    model.options.time_suffice = ms;
    Optimisation.Result r;
    try {
      r = OjAlgo.withoutPresolvers(model::minimise);
    } catch (RuntimeException e) {
      // seen once with ojAlgo 56.2.1 on a node LP (ArrayIndexOutOfBounds, index −1, in DenseTableau): a failed LP
      return Optimisation.State.FAILED;
    }
    if (r.getState().isOptimal() && Double.isFinite(r.getValue())) {
      for (int i = 0; i < values.length; i++) {
        values[i] = r.doubleValue(i);
      }
      objective[0] = r.getValue();
    }
    return r.getState();
  }

  /**
   * {@link #restrict} for the dual simplex, by bounds only: phases as bounds of z, the node's activation,
   * state and input boxes as bounds of s, x and u. The big-M constants stay the root's (moving them changes
   * a column of the tableau, which costs the warm basis its dual feasibility), so this relaxation is the
   * root's triangles within the node's boxes: sound, a little weaker than {@link #restrict}'s.
   */
  private void restrictSimplex() {
    for (int t = 0; t < h; t++) {
      for (int k = 0; k < layers; k++) {
        int[] idx = unitIndex[t][k];
        for (int j = 0; j < net.units(k); j++) {
          if (idx[2 * j] == idx[2 * j + 1]) {
            continue; // no binary (both 0)
          }
          int at = layerOffset[k] + j;
          byte phase = effective[t * perStep + at];
          int z = idx[2 * j];
          if (phase > 0) {
            simplex.columnBounds(z, 1, 1);
          } else if (phase < 0) {
            simplex.columnBounds(z, 0, 0);
          } else {
            simplex.columnBounds(z, 0, 1);
          }
          double u = Math.max(hi[t][at], 0.0);
          simplex.columnBounds(idx[2 * j + 1], 0, u);
        }
      }
      for (int i = 0; i < nx; i++) {
        simplex.columnBounds(xIndex[t + 1][i], xLo[t + 1][i], xHi[t + 1][i]);
      }
      for (int i = 0; i < nu; i++) {
        simplex.columnBounds(uIndex[t][i], vLo[t][nx + i], vHi[t][nx + i]);
      }
    }
  }

  /**
   * Searches until every node is closed or {@code deadline} ({@link System#nanoTime()}) passes.
   *
   * @param first a first incumbent (admissible input sequence) or null; without one, the root's LP inputs
   *     give the first
   */
  Result solve(double[][] first, long deadline) {
    if (first != null && problem.admissible(first, request.previousInput(), 0.0)) {
      offerInputs(first);
    }
    PriorityQueue<Node> queue = new PriorityQueue<>((a, b) -> a.bound() != b.bound()
        ? Double.compare(a.bound(), b.bound()) : Integer.compare(b.depth(), a.depth()));
    queue.add(new Node(new byte[h * perStep], Double.NEGATIVE_INFINITY, 0, -1, (byte) 0, 0.0));
    boolean complete = true;
    double[] objective = new double[1];
    double searched = Double.POSITIVE_INFINITY; // the incumbent the region search last started from
    boolean kicked = false;
    Node next = null;
    while (next != null || !queue.isEmpty()) {
      if (System.nanoTime() >= deadline) {
        complete = false;
        break;
      }
      if (nodes >= KICK_AFTER && !kicked) {
        kicks(deadline);
        kicked = true;
      }
      if (bestJ < searched) {
        regionSearch(best, deadline);
        searched = bestJ;
      }
      Node node = next != null ? next : queue.poll();
      next = null;
      if (pruned(node.bound())) {
        continue;
      }
      if (!propagate(node.phase())) {
        continue; // the phases contradict each other: no point of the program is in this node
      }
      Optimisation.State state = solveNode(deadline, objective);
      nodes++;
      double bound = node.bound();
      if (state == Optimisation.State.INFEASIBLE) {
        continue;
      }
      boolean solved = state.isOptimal() && Double.isFinite(objective[0]);
      if (solved) {
        if (node.unit() >= 0 && Double.isFinite(node.parentBound())) {
          observe(node.unit(), node.side(), objective[0] - node.parentBound());
        }
        bound = Math.max(bound, objective[0]);
        offerInputs(lp.inputs(values));
        if (pruned(bound)) {
          continue;
        }
      } else {
        failures++;
      }
      int count = solved ? widestGaps(values, reliability ? candidates.length : 1) : 0;
      int branch = solved ? (count > 0 ? candidates[0] : -1) : firstFree();
      if (branch < 0) {
        continue; // the LP optimum is a network evaluation: the node's best is offered already
      }
      boolean active = simplex != null && solved && values[zIndex(branch)] >= 0.5;
      double onBound = bound;
      double offBound = bound;
      if (count > 1) {
        branch = reliabilityBranch(node.phase(), bound, count, deadline, objective);
        onBound = childBound[1];
        offBound = childBound[0];
        active = onBound <= offBound;
        if (pruned(Math.min(onBound, offBound))) {
          continue; // neither child can hold a better plan
        }
      }
      byte[] on = node.phase().clone();
      byte[] off = node.phase().clone();
      on[branch] = 1;
      off[branch] = -1;
      Node onNode = new Node(on, onBound, node.depth() + 1, branch, (byte) 1, bound);
      Node offNode = new Node(off, offBound, node.depth() + 1, branch, (byte) -1, bound);
      if (simplex != null && solved && plunge(Math.min(onBound, offBound), queue)) {
        // a child next: its LP starts from this node's basis, a few pivots away (a plunge, as CBC's)
        next = active ? onNode : offNode;
        queue.add(active ? offNode : onNode);
      } else {
        queue.add(onNode);
        queue.add(offNode);
      }
    }
    return new Result(best, bestJ, complete && failures == 0, nodes, strongLps, regionLps, failures);
  }

  /**
   * Whether to go on with a child of a node of this bound rather than the queue's best: while the bound is in
   * the lower half between the queue's best bound and the incumbent.
   */
  private boolean plunge(double bound, PriorityQueue<Node> queue) {
    if (queue.isEmpty()) {
      return true;
    }
    double low = queue.peek().bound();
    return !Double.isFinite(bestJ) || bound <= low + PLUNGE * (bestJ - low);
  }

  /** The model index of the binary of unit {@code id} (t · perStep + unit). */
  private int zIndex(int id) {
    int t = id / perStep;
    int at = id % perStep;
    int k = 0;
    while (at >= layerOffset[k + 1]) {
      k++;
    }
    return unitIndex[t][k][2 * (at - layerOffset[k])];
  }

  private boolean pruned(double bound) {
    return bound >= bestJ - GAP * Math.max(1.0, Math.abs(bestJ));
  }

  /**
   * A local search over the network's linear regions from {@code start} (the incumbent, between nodes): the LP
   * with every unit's phase fixed to the start's rollout (its linear region, where the LP is exact) gives the
   * region's best plan; where that plan ends on the region's boundary (units whose pre-activation is 0), those
   * units are freed and the LP's plan, rolled out, lands in a neighbouring region; the better of the two is the
   * next start, while it improves, at most {@value #REGION_MOVES} moves. Every plan it meets is offered as an
   * incumbent; no node is closed by it. On the gated-16 cart-pole programs at H = 5 under a 1 s limit it lowered
   * the plan's J at each of 7 states of a closed loop (by 0.01–1.4 %), below MPPI's at 6 of them; the search
   * alone had kept the polished first incumbent.
   */
  private void regionSearch(double[][] start, long deadline) {
    if (simplex == null) {
      return;
    }
    byte[] phase = new byte[h * perStep];
    double[][] current = clipped(start);
    double currentJ = offer(current);
    for (int move = 0; move < REGION_MOVES && System.nanoTime() < deadline; move++) {
      pattern(current, phase, false);
      if (!regionLp(phase, deadline)) {
        return;
      }
      double[][] next = clipped(lp.inputs(values));
      double nextJ = offer(next);
      if (pattern(next, phase, true) > 0 && regionLp(phase, deadline)) {
        double[][] across = clipped(lp.inputs(values));
        double acrossJ = offer(across);
        if (acrossJ < nextJ) {
          next = across;
          nextJ = acrossJ;
        }
      }
      if (nextJ >= currentJ - GAP * Math.max(1.0, Math.abs(currentJ))) {
        return; // neither the region nor its neighbours held a better plan
      }
      current = next;
      currentJ = nextJ;
    }
  }

  /**
   * The region search from the incumbent with one input of one step moved to an end of its box, for every step,
   * input and end (2 H nu starts), once per search ({@value #KICK_AFTER} nodes in): a kick that lets the search
   * reach basins its moves between neighbouring regions do not (on a gated-16 cart-pole program at H = 5 where
   * MPPI's plan pushes at +20 N first, J 8.32 → 6.72 within 1 s, MPPI's 7.27).
   */
  private void kicks(long deadline) {
    if (best == null || simplex == null) {
      return;
    }
    double[][] base = best;
    double[] lo = problem.inputLower();
    double[] hi = problem.inputUpper();
    for (int t = 0; t < h; t++) {
      for (int i = 0; i < nu; i++) {
        for (double end : new double[] {lo[i], hi[i]}) {
          if (System.nanoTime() >= deadline) {
            return;
          }
          double[][] kick = Plan.deepCopy(base);
          kick[t][i] = end;
          regionSearch(kick, deadline);
        }
      }
    }
  }

  /**
   * The region search alone from {@code first} (admissible), without branching, then with {@code kicks} the kicks:
   * the best plan it reaches.
   */
  double[][] searchRegions(double[][] first, boolean kicks, long deadline) {
    regionSearch(first, deadline);
    if (kicks) {
      kicks(deadline);
    }
    return best;
  }

  /** The linear region of {@code u}: per unit with a binary (t · units per step + unit) its phase ±1, else 0. */
  byte[] regionOf(double[][] u) {
    byte[] phase = new byte[h * perStep];
    pattern(u, phase, false);
    return phase;
  }

  /**
   * The LP of the phases given, by the dual simplex alone (a program it cannot settle is left, not handed to
   * ojAlgo: the search needs no answer here), into {@link #values}; whether it ended optimal.
   */
  private boolean regionLp(byte[] phase, long deadline) {
    if (!propagate(phase)) {
      return false;
    }
    restrictSimplex();
    regionLps++;
    if (simplex.solve(deadline) != BoundedDualSimplex.Status.OPTIMAL) {
      return false;
    }
    simplex.values(values);
    return true;
  }

  /**
   * The phases along the rollout of {@code u} ({@link #clipped}) from the request's state, into
   * {@code phase}: +1 where a unit's pre-activation is ≥ 0, −1 below, 0 for units without a binary and, with
   * {@code freeBoundary}, for units whose pre-activation is 0 to rounding; how many of those were freed.
   */
  private int pattern(double[][] u, byte[] phase, boolean freeBoundary) {
    double[] v = new double[outCols];
    double[] x = request.state().clone();
    double[] prev = request.previousInput();
    int freed = 0;
    for (int t = 0; t < h; t++) {
      double[] ut = u[t].clone();
      problem.clip(ut, prev);
      prev = ut;
      System.arraycopy(x, 0, v, 0, nx);
      System.arraycopy(ut, 0, v, nx, nu);
      ReluMilp step = lp.step(t);
      for (int k = 0; k < layers; k++) {
        int cols = net.offset(k);
        for (int j = 0; j < net.units(k); j++) {
          double a = biases[k][j];
          double scale = Math.abs(a);
          for (int c = 0; c < cols; c++) {
            double term = weights[k][j * cols + c] * v[c];
            a += term;
            scale += Math.abs(term);
          }
          v[cols + j] = Math.max(0.0, a);
          int id = t * perStep + layerOffset[k] + j;
          if (step.binary(k, j) == null) {
            phase[id] = 0; // stable at the root
          } else if (freeBoundary && Math.abs(a) <= 1e-7 * (1 + scale)) {
            phase[id] = 0;
            freed++;
          } else {
            phase[id] = (byte) (a >= 0 ? 1 : -1);
          }
        }
      }
      for (int i = 0; i < nx; i++) {
        double y = outBias[i];
        for (int c = 0; c < outCols; c++) {
          y += outRows[i * outCols + c] * v[c];
        }
        x[i] = y;
      }
    }
    return freed;
  }

  /** Clips {@code inputs} into the box and rate limits, rolls them out, keeps them when better. */
  private void offerInputs(double[][] inputs) {
    offer(clipped(inputs));
  }

  /** Keeps {@code u} (admissible) when it is better than the incumbent; its J. */
  private double offer(double[][] u) {
    double j = problem.evaluate(request.state(), request.reference(), request.previousInput(), u, null);
    if (j < bestJ) {
      bestJ = j;
      best = u;
    }
    return j;
  }

  /** {@code inputs} clipped step by step into the input box and rate limits (a copy). */
  private double[][] clipped(double[][] inputs) {
    double[] prev = request.previousInput();
    double[][] u = new double[h][];
    for (int t = 0; t < h; t++) {
      u[t] = inputs[t].clone();
      problem.clip(u[t], prev);
      prev = u[t];
    }
    return u;
  }

  /**
   * Bounds of the node by constraint propagation from the root's sound bounds with the phases imposed:
   * forward, interval bounds of every unit and state from the boxes of [x_t; u_t; h_t]; backward, every
   * row the node makes linear (a fixed-phase unit's {@code a ≥ 0} with {@code h = a}, or {@code a ≤ 0}; a
   * free unit's {@code a ≤ h}; the dynamics {@code x_{t+1} = W_out v_t + b_out}; the rate limits)
   * tightens the boxes of its variables; repeated while a bound moves by more than 1e-6 (at most 6
   * rounds). Fills {@link #lo}, {@link #hi}, the boxes and {@link #effective} (explicit and implied
   * phases).
   *
   * @return false when the node holds no point (the phases contradict each other or the constraints)
   */
  private boolean propagate(byte[] phase) {
    double[] x0 = request.state();
    double[] delta = problem.inputRateLimit();
    double[] uPrev = request.previousInput();
    for (int t = 0; t < h; t++) {
      for (int i = 0; i < nx; i++) {
        vLo[t][i] = t == 0 ? x0[i] : root.stateLower(t, i);
        vHi[t][i] = t == 0 ? x0[i] : root.stateUpper(t, i);
      }
      for (int i = 0; i < nu; i++) {
        vLo[t][nx + i] = root.inputLower(t, i);
        vHi[t][nx + i] = root.inputUpper(t, i);
      }
      ReluBounds rb = root.units(t);
      for (int k = 0; k < layers; k++) {
        for (int j = 0; j < net.units(k); j++) {
          lo[t][layerOffset[k] + j] = rb.lower(k, j);
          hi[t][layerOffset[k] + j] = rb.upper(k, j);
          vLo[t][net.offset(k) + j] = 0.0;
          vHi[t][net.offset(k) + j] = Math.max(0.0, rb.upper(k, j));
        }
      }
    }
    for (int i = 0; i < nx; i++) {
      xLo[h][i] = root.stateLower(h, i);
      xHi[h][i] = root.stateUpper(h, i);
    }
    for (int round = 0; round < 6; round++) {
      double moved = 0;
      // forward
      for (int t = 0; t < h; t++) {
        double[] a = vLo[t];
        double[] b = vHi[t];
        for (int k = 0; k < layers; k++) {
          int cols = net.offset(k);
          for (int j = 0; j < net.units(k); j++) {
            int at = layerOffset[k] + j;
            int id = t * perStep + at;
            Intervals.affine(weights[k], j * cols, cols, biases[k][j], a, b, pair);
            double l = Math.max(pair[0], lo[t][at]);
            double u = Math.min(pair[1], hi[t][at]);
            byte ph = phase[id];
            if (ph > 0) {
              l = Math.max(l, 0.0);
            } else if (ph < 0) {
              u = Math.min(u, 0.0);
            }
            if (l > u) {
              if (l - u > 1e-9 * (1 + Math.abs(l) + Math.abs(u))) {
                return false;
              }
              double m = l;
              l = u;
              u = m;
            }
            moved = Math.max(moved, Math.max((l - lo[t][at]) / (1 + Math.abs(lo[t][at])),
                (hi[t][at] - u) / (1 + Math.abs(hi[t][at]))));
            lo[t][at] = l;
            hi[t][at] = u;
            byte eff = ph;
            if (eff == 0 && u <= 0) {
              eff = -1;
            } else if (eff == 0 && l >= 0) {
              eff = 1;
            }
            effective[id] = eff;
            // the activation h = max(0, a): its box within what backward rounds left
            double hl = eff < 0 ? 0.0 : Math.max(0.0, l);
            double hu = eff < 0 ? 0.0 : Math.max(0.0, u);
            a[cols + j] = Math.max(a[cols + j], hl);
            b[cols + j] = Math.min(b[cols + j], hu);
            if (a[cols + j] > b[cols + j]) {
              if (a[cols + j] - b[cols + j] > 1e-9 * (1 + Math.abs(b[cols + j]))) {
                return false;
              }
              a[cols + j] = Math.min(hl, b[cols + j]);
            }
          }
        }
        double[] nextLo = t + 1 < h ? vLo[t + 1] : xLo[h];
        double[] nextHi = t + 1 < h ? vHi[t + 1] : xHi[h];
        for (int i = 0; i < nx; i++) {
          Intervals.affine(outRows, i * outCols, outCols, outBias[i], a, b, pair);
          if (pair[0] > nextLo[i]) {
            moved = Math.max(moved, (pair[0] - nextLo[i]) / (1 + Math.abs(nextLo[i])));
            nextLo[i] = pair[0];
          }
          if (pair[1] < nextHi[i]) {
            moved = Math.max(moved, (nextHi[i] - pair[1]) / (1 + Math.abs(nextHi[i])));
            nextHi[i] = pair[1];
          }
          if (nextLo[i] > nextHi[i]) {
            if (nextLo[i] - nextHi[i] > 1e-9 * (1 + Math.abs(nextLo[i]))) {
              return false;
            }
            double m = nextLo[i];
            nextLo[i] = nextHi[i];
            nextHi[i] = m;
          }
        }
      }
      // backward
      for (int t = h - 1; t >= 0; t--) {
        double[] a = vLo[t];
        double[] b = vHi[t];
        double[] nextLo = t + 1 < h ? vLo[t + 1] : xLo[h];
        double[] nextHi = t + 1 < h ? vHi[t + 1] : xHi[h];
        for (int i = 0; i < nx; i++) {
          double m = Intervals.tightenRow(outRows, i * outCols, outCols, outBias[i], nextLo[i], nextHi[i], a, b);
          if (m < 0) {
            return false;
          }
          moved = Math.max(moved, m);
        }
        for (int k = layers - 1; k >= 0; k--) {
          int cols = net.offset(k);
          for (int j = 0; j < net.units(k); j++) {
            int id = t * perStep + layerOffset[k] + j;
            byte eff = effective[id];
            double rowLo;
            double rowHi;
            if (eff > 0) {
              rowLo = Math.max(0.0, a[cols + j]); // a = h ≥ 0
              rowHi = b[cols + j];
            } else if (eff < 0) {
              rowLo = Double.NEGATIVE_INFINITY;
              rowHi = 0.0;
            } else {
              rowLo = Double.NEGATIVE_INFINITY; // a ≤ h
              rowHi = b[cols + j];
            }
            double m = Intervals.tightenRow(weights[k], j * cols, cols, biases[k][j], rowLo, rowHi, a, b);
            if (m < 0) {
              return false;
            }
            moved = Math.max(moved, m);
          }
        }
        for (int i = 0; i < nu && t > 0; i++) {
          if (!Double.isFinite(delta[i])) {
            continue;
          }
          // |u_t − u_{t−1}| ≤ Δ, both ways
          moved = Math.max(moved, clamp(vLo[t], vHi[t], nx + i, vLo[t - 1][nx + i] - delta[i],
              vHi[t - 1][nx + i] + delta[i]));
          moved = Math.max(moved, clamp(vLo[t - 1], vHi[t - 1], nx + i, vLo[t][nx + i] - delta[i],
              vHi[t][nx + i] + delta[i]));
          if (vLo[t][nx + i] > vHi[t][nx + i] || vLo[t - 1][nx + i] > vHi[t - 1][nx + i]) {
            return false;
          }
        }
        if (t == 0) {
          for (int i = 0; i < nu; i++) {
            if (vLo[0][nx + i] > vHi[0][nx + i]) {
              return false;
            }
          }
        }
      }
      if (moved <= 1e-6) {
        break;
      }
    }
    for (int t = 1; t < h; t++) {
      System.arraycopy(vLo[t], 0, xLo[t], 0, nx);
      System.arraycopy(vHi[t], 0, xHi[t], 0, nx);
    }
    return true;
  }

  /** Narrows {@code [lo[c], hi[c]]} to {@code [a, b]} (widened by an ulp); the relative shrink. */
  private static double clamp(double[] lo, double[] hi, int c, double a, double b) {
    double moved = 0;
    a = Math.nextDown(a);
    b = Math.nextUp(b);
    if (a > lo[c]) {
      moved = (a - lo[c]) / (1 + Math.abs(lo[c]));
      lo[c] = a;
    }
    if (b < hi[c]) {
      moved = Math.max(moved, (hi[c] - b) / (1 + Math.abs(hi[c])));
      hi[c] = b;
    }
    return moved;
  }

  /** Moves the relaxation to the node: phases, big-M constants, state boxes. */
  private void restrict() {
    for (int t = 0; t < h; t++) {
      ReluMilp step = lp.step(t);
      for (int k = 0; k < layers; k++) {
        for (int j = 0; j < net.units(k); j++) {
          if (step.binary(k, j) == null) {
            continue; // stable at the root
          }
          int at = layerOffset[k] + j;
          step.restrict(k, j, lo[t][at], hi[t][at], effective[t * perStep + at]);
        }
      }
      Variable[] x = lp.stateVariables(t + 1);
      for (int i = 0; i < nx; i++) {
        x[i].lower(xLo[t + 1][i]).upper(xHi[t + 1][i]);
      }
      Variable[] u = lp.inputVariables(t);
      for (int i = 0; i < nu; i++) {
        u[i].lower(vLo[t][nx + i]).upper(vHi[t][nx + i]);
      }
    }
  }

  /**
   * The free units whose LP values are furthest from a ReLU, the widest first, into {@link #candidates} (at most
   * {@code max}); how many (0 when none is: the LP is exact there).
   */
  private int widestGaps(double[] values, int max) {
    int count = 0;
    for (int t = 0; t < h; t++) {
      ReluMilp step = lp.step(t);
      for (int k = 0; k < layers; k++) {
        for (int j = 0; j < net.units(k); j++) {
          int id = t * perStep + layerOffset[k] + j;
          if (effective[id] != 0 || step.binary(k, j) == null) {
            continue;
          }
          // earlier steps weigh more: their phases decide the states every later step starts from; within a
          // step earlier layers come first (by a factor 100 per layer): their phases cut the input box, after
          // which the propagation fixes most later units (OMLT's 1→30→30→1 shape: 119 nodes instead of 1057)
          double gap = step.relaxationGap(k, j, values) * (h - t) * layerWeight[k];
          double scale = 1e-9 * (1 + Math.max(Math.abs(lo[t][layerOffset[k] + j]), Math.abs(hi[t][layerOffset[k] + j])));
          if (!(gap > scale) || count == max && gap <= candidateGap[count - 1]) {
            continue;
          }
          // insertion into the sorted list (a few entries)
          int at = count < max ? count++ : count - 1;
          while (at > 0 && candidateGap[at - 1] < gap) {
            candidateGap[at] = candidateGap[at - 1];
            candidates[at] = candidates[at - 1];
            at--;
          }
          candidateGap[at] = gap;
          candidates[at] = id;
        }
      }
    }
    return count;
  }

  /**
   * Reliability branching (Achterberg, Koch, Martin 2005) among the first {@code count} {@link #candidates}: a
   * unit whose pseudo-costs (the mean rise of its children's bounds, per side) rest on fewer than {@link
   * #RELIABLE} observations is strong-branched (both sides solved, which observes them), until {@link #LOOKAHEAD}
   * such candidates in a row have not bettered the best score; the others are scored by their pseudo-costs; the
   * score of a candidate is the product of its two rises. Children's bounds known from strong branching are left
   * in {@link #childBound} (the node's bound otherwise).
   */
  private int reliabilityBranch(byte[] phase, double bound, int count, long deadline, double[] objective) {
    double eps = 1e-6 * (1 + Math.abs(bound));
    double meanDown = mean(0, eps);
    double meanUp = mean(1, eps);
    int pick = candidates[0];
    double best = -1;
    double down0 = bound;
    double up0 = bound;
    int stale = 0;
    for (int c = 0; c < count; c++) {
      int id = candidates[c];
      double down;
      double up;
      double score;
      boolean strong = (pseudoCount[0][id] < RELIABLE || pseudoCount[1][id] < RELIABLE) && stale < LOOKAHEAD
          && System.nanoTime() < deadline;
      if (strong) {
        down = sideBound(phase, id, (byte) -1, bound, deadline, objective);
        up = sideBound(phase, id, (byte) 1, bound, deadline, objective);
        if (Double.isFinite(down)) {
          observe(id, (byte) -1, down - bound);
        }
        if (Double.isFinite(up)) {
          observe(id, (byte) 1, up - bound);
        }
        score = Math.max(Math.min(down, bestJ) - bound, eps) * Math.max(Math.min(up, bestJ) - bound, eps);
      } else {
        down = bound;
        up = bound;
        double pd = pseudoCount[0][id] > 0 ? pseudoSum[0][id] / pseudoCount[0][id] : meanDown;
        double pu = pseudoCount[1][id] > 0 ? pseudoSum[1][id] / pseudoCount[1][id] : meanUp;
        score = Math.max(pd, eps) * Math.max(pu, eps);
      }
      if (score > best) {
        best = score;
        pick = id;
        down0 = down;
        up0 = up;
        stale = 0;
      } else if (strong) {
        stale++;
      }
      if (strong && pruned(Math.min(down, up))) {
        break; // this unit closes the node
      }
    }
    childBound[0] = down0;
    childBound[1] = up0;
    return pick;
  }

  /** Records a child's bound rise over its parent's for a unit and side. */
  private void observe(int id, byte side, double rise) {
    int s = side > 0 ? 1 : 0;
    pseudoSum[s][id] += Math.max(0.0, rise);
    pseudoCount[s][id]++;
  }

  /** The mean pseudo-cost of one side over the units observed (eps when none is). */
  private double mean(int side, double eps) {
    double sum = 0;
    int n = 0;
    for (int id = 0; id < pseudoSum[side].length; id++) {
      if (pseudoCount[side][id] > 0) {
        sum += pseudoSum[side][id] / pseudoCount[side][id];
        n++;
      }
    }
    return n > 0 ? sum / n : eps;
  }

  /** The bound of the node with unit {@code id} in phase {@code side} (+∞ when it is empty). */
  private double sideBound(byte[] phase, int id, byte side, double bound, long deadline, double[] objective) {
    byte was = phase[id];
    phase[id] = side;
    try {
      if (!propagate(phase)) {
        return Double.POSITIVE_INFINITY;
      }
      Optimisation.State state = solveNode(deadline, objective);
      strongLps++;
      if (state == Optimisation.State.INFEASIBLE) {
        return Double.POSITIVE_INFINITY;
      }
      if (state.isOptimal() && Double.isFinite(objective[0])) {
        offerInputs(lp.inputs(values));
        return Math.max(bound, objective[0]);
      }
      return bound;
    } finally {
      phase[id] = was;
    }
  }

  private int firstFree() {
    for (int id = 0; id < effective.length; id++) {
      int t = id / perStep;
      int at = id % perStep;
      int k = 0;
      while (at >= layerOffset[k + 1]) {
        k++;
      }
      if (effective[id] == 0 && lp.step(t).binary(k, at - layerOffset[k]) != null) {
        return id;
      }
    }
    return -1;
  }
}
