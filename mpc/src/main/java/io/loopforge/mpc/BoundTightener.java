package io.loopforge.mpc;

import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.NetworkBounds;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;

/**
 * Sound bounds for the mixed-integer encoding of a ReLU network, in two stages, each counting the binaries
 * it leaves ({@link TighteningReport}):
 *
 * <ol>
 *   <li><b>Interval propagation</b> ({@link NetworkBounds}), step by step over the horizon: from the
 *       measured state {@code x_0} (exact) and the input boxes (the input box narrowed by the rate limits
 *       from {@code u_{−1}}), the box of {@code x_{t+1}} is the network's output box, plus the box of
 *       {@code x_t} when the network is residual.
 *   <li><b>LP-based tightening</b> (optimisation-based bound tightening, OBBT), within a time budget: step
 *       by step and layer by layer, the minimum and maximum of every unit's pre-activation that interval
 *       propagation left unstable over the LP relaxation of everything encoded before it (earlier steps
 *       included, with their tightened bounds, binaries relaxed to [0, 1]); likewise the minimum and
 *       maximum of every state the next step reads. Before each layer the interval bounds are propagated
 *       again from the tightened ones, so units they prove stable cost no LP. When the budget runs out the
 *       remaining bounds are interval bounds from the last tightened ones.
 * </ol>
 *
 * <p>Soundness: every bound contains every value the network can take for inputs in the boxes (interval
 * propagation rounds outward; see {@link NetworkBounds}). An LP optimum is widened by {@code padding · (1
 * + max(|l|, |u|))} of the interval bounds it improves on before it is used, to cover the LP solver's
 * tolerances, and an LP that does not end OPTIMAL changes nothing. The soft state box of an MPC problem is
 * not used: it is not a bound on the states.
 *
 * <p>Immutable and thread-safe (each call builds its own models).
 */
public final class BoundTightener {
  /** Bounds of one network evaluation over a box ({@link #bound(FoldedReluNetwork, double[], double[])}). */
  public record Single(ReluBounds units, double[] outputLower, double[] outputUpper, TighteningReport report) {}

  private final boolean tighten;
  private final long budgetNanos;
  private final double padding;

  private BoundTightener(Builder b) {
    this.tighten = b.tighten;
    this.budgetNanos = b.budget.toNanos();
    this.padding = b.padding;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Interval propagation only (stage a). */
  public static BoundTightener intervalOnly() {
    return builder().tighten(false).build();
  }

  public boolean tightens() {
    return tighten;
  }

  /** The LP stage's time budget. */
  public Duration budget() {
    return Duration.ofNanos(budgetNanos);
  }

  /**
   * Bounds over the horizon of {@code problem} from {@code x0} with {@code previousInput} applied before.
   *
   * @throws MpcException when the input box is not finite or the interval bounds overflow
   */
  public HorizonBounds bound(MpcProblem problem, FoldedReluNetwork network, double[] x0, double[] previousInput) {
    problem.requireFiniteInputBox("the MIP planner");
    long start = System.nanoTime();
    int h = problem.horizon();
    int nx = problem.stateDim();
    int nu = problem.inputDim();
    double[] lo = problem.inputLower();
    double[] hi = problem.inputUpper();
    double[] delta = problem.inputRateLimit();
    double[][] uLo = new double[h][nu];
    double[][] uHi = new double[h][nu];
    for (int t = 0; t < h; t++) {
      for (int i = 0; i < nu; i++) {
        double fromLo = t == 0 ? previousInput[i] : uLo[t - 1][i];
        double fromHi = t == 0 ? previousInput[i] : uHi[t - 1][i];
        uLo[t][i] = Double.isFinite(delta[i]) ? Math.max(lo[i], Intervals.addDown(fromLo, -delta[i])) : lo[i];
        uHi[t][i] = Double.isFinite(delta[i]) ? Math.min(hi[i], Intervals.addUp(fromHi, delta[i])) : hi[i];
        if (uLo[t][i] > uHi[t][i]) {
          String name = problem.model().inputNames().get(i);
          return HorizonBounds.infeasible("no input sequence satisfies the hard constraints: the previous input "
              + name + " = " + previousInput[i] + " is more than its rate limit " + delta[i]
              + " away from the input box [" + lo[i] + ", " + hi[i] + "]",
              new TighteningReport(0, 0, 0, 0, 0, System.nanoTime() - start, 0, false));
        }
      }
    }
    // stage a
    double[][] xLo = new double[h + 1][];
    double[][] xHi = new double[h + 1][];
    xLo[0] = x0.clone();
    xHi[0] = x0.clone();
    ReluBounds[] interval = new ReluBounds[h];
    int units = 0;
    int binariesInterval = 0;
    for (int t = 0; t < h; t++) {
      NetworkBounds nb = intervalBounds(network, xLo[t], uLo[t], xHi[t], uHi[t], t);
      interval[t] = ReluBounds.of(nb);
      units += interval[t].reluCount();
      binariesInterval += interval[t].unstableCount();
      double[] oLo = nb.outputLower();
      double[] oHi = nb.outputUpper();
      xLo[t + 1] = new double[nx];
      xHi[t + 1] = new double[nx];
      for (int i = 0; i < nx; i++) {
        xLo[t + 1][i] = network.residual() ? Intervals.addDown(xLo[t][i], oLo[i]) : oLo[i];
        xHi[t + 1][i] = network.residual() ? Intervals.addUp(xHi[t][i], oHi[i]) : oHi[i];
      }
    }
    long afterInterval = System.nanoTime();
    if (!tighten) {
      TighteningReport r = new TighteningReport(units, binariesInterval, binariesInterval, 0, 0,
          afterInterval - start, 0, false);
      return new HorizonBounds(uLo, uHi, xLo, xHi, interval, r);
    }
    // stage b
    Lp lp = new Lp(afterInterval + budgetNanos);
    HorizonBounds boxes = new HorizonBounds(uLo, uHi, xLo, xHi, interval, null);
    Variable[] xv = MpcMilp.fixedState(lp.model, x0);
    Variable[][] uv = MpcMilp.inputVariables(lp.model, problem, boxes, previousInput);
    ReluBounds[] tight = new ReluBounds[h];
    double[][] txLo = new double[h + 1][];
    double[][] txHi = new double[h + 1][];
    txLo[0] = x0.clone();
    txHi[0] = x0.clone();
    int binariesTight = 0;
    for (int t = 0; t < h; t++) {
      double[] zLo = concat(txLo[t], uLo[t]);
      double[] zHi = concat(txHi[t], uHi[t]);
      ReluBounds start0 = ReluBounds.of(intervalBounds(network, txLo[t], uLo[t], txHi[t], uHi[t], t));
      boolean encode = lp.open();
      ReluMilp enc = encode ? ReluMilp.start(lp.model, network, MpcMilp.concat(xv, uv[t]), "t" + t + "_", true) : null;
      tight[t] = tightenLayers(lp, network, enc, zLo, zHi, start0, interval[t], t > 0);
      binariesTight += tight[t].unstableCount();
      // the next state: interval from the tightened units (residual folded into the row), then LPs
      double[] vLo = activationBox(network, zLo, tight[t], true);
      double[] vHi = activationBox(network, zHi, tight[t], false);
      double[] w = network.outputWeights();
      double[] b = network.outputBiases();
      int cols = network.offset(network.reluLayerCount());
      txLo[t + 1] = new double[nx];
      txHi[t + 1] = new double[nx];
      double[] out = new double[2];
      double[] row = new double[cols];
      for (int i = 0; i < nx; i++) {
        System.arraycopy(w, i * cols, row, 0, cols);
        if (network.residual()) {
          row[i] += 1.0;
        }
        Intervals.affine(row, 0, cols, b[i], vLo, vHi, out);
        txLo[t + 1][i] = Math.max(out[0], xLo[t + 1][i]);
        txHi[t + 1][i] = Math.min(out[1], xHi[t + 1][i]);
      }
      if (enc != null && enc.layers() == network.reluLayerCount()) {
        Variable[] next = MpcMilp.nextState(lp.model, enc, xv, "x" + (t + 1) + "_", txLo[t + 1], txHi[t + 1]);
        if (t + 1 < h) {
          // the last state is read by no network evaluation: its box would only serve the slacks
          for (int i = 0; i < nx; i++) {
            Variable target = next[i];
            double[] range = lp.range(e -> {
              e.add(target, 1.0);
              return 0.0;
            }, txLo[t + 1][i], txHi[t + 1][i], padding, false);
            txLo[t + 1][i] = range[0];
            txHi[t + 1][i] = range[1];
            target.lower(range[0]).upper(range[1]);
          }
        }
        xv = next;
      }
    }
    long end = System.nanoTime();
    TighteningReport r = new TighteningReport(units, binariesInterval, binariesTight, lp.solved, lp.failed,
        afterInterval - start, end - afterInterval, lp.exhausted);
    return new HorizonBounds(uLo, uHi, txLo, txHi, tight, r);
  }

  /**
   * Bounds of one evaluation of {@code network} over the box {@code lower ≤ z ≤ upper} of its input: the
   * interval bounds, tightened over the LP relaxation layer by layer (the first layer's interval bounds
   * are exact over a box).
   *
   * @throws MpcException when the box is not finite or has the wrong length
   */
  public Single bound(FoldedReluNetwork network, double[] lower, double[] upper) {
    long start = System.nanoTime();
    NetworkBounds nb;
    try {
      nb = NetworkBounds.of(network, lower, upper);
    } catch (ModelingException e) {
      throw new MpcException(e.getMessage(), e);
    }
    ReluBounds interval = ReluBounds.of(nb);
    long afterInterval = System.nanoTime();
    ReluBounds units = interval;
    Lp lp = new Lp(afterInterval + budgetNanos);
    ReluMilp enc = null;
    if (tighten) {
      Variable[] z = new Variable[lower.length];
      for (int i = 0; i < z.length; i++) {
        z[i] = lp.model.addVariable("in" + i).lower(lower[i]).upper(upper[i]);
      }
      enc = ReluMilp.start(lp.model, network, List.of(z), "n_", true);
      units = tightenLayers(lp, network, enc, lower, upper, interval, interval, false);
    }
    double[] vLo = activationBox(network, lower, units, true);
    double[] vHi = activationBox(network, upper, units, false);
    int nx = network.stateDim();
    int cols = network.offset(network.reluLayerCount());
    double[] w = network.outputWeights();
    double[] b = network.outputBiases();
    double[] oLo = nb.outputLower();
    double[] oHi = nb.outputUpper();
    double[] out = new double[2];
    for (int i = 0; i < nx; i++) {
      Intervals.affine(w, i * cols, cols, b[i], vLo, vHi, out);
      oLo[i] = Math.max(oLo[i], out[0]);
      oHi[i] = Math.min(oHi[i], out[1]);
      if (enc != null && enc.layers() == network.reluLayerCount()) {
        int row = i;
        ReluMilp e0 = enc;
        double[] range = lp.range(e -> e0.addOutput(e, row, 1.0), oLo[i], oHi[i], padding, false);
        oLo[i] = range[0];
        oHi[i] = range[1];
      }
    }
    long end = System.nanoTime();
    TighteningReport r = new TighteningReport(interval.reluCount(), interval.unstableCount(), units.unstableCount(),
        lp.solved, lp.failed, afterInterval - start, tighten ? end - afterInterval : 0, lp.exhausted);
    return new Single(units, oLo, oHi, r);
  }

  /**
   * Layer by layer: interval bounds re-propagated from the tightened layers before (intersected with
   * {@code start} and {@code outer}), then LP bounds of each unit still unstable, then the layer is added
   * to {@code enc} (when not null) with its final bounds.
   *
   * @param lpFirstLayer whether the first layer's bounds are worth LPs (not over a plain box)
   * @return the bounds of every layer
   */
  private ReluBounds tightenLayers(Lp lp, FoldedReluNetwork network, ReluMilp enc, double[] zLo,
      double[] zHi, ReluBounds start, ReluBounds outer, boolean lpFirstLayer) {
    int layers = network.reluLayerCount();
    double[][] lo = new double[layers][];
    double[][] hi = new double[layers][];
    int total = network.offset(layers);
    double[] vLo = Arrays.copyOf(zLo, total);
    double[] vHi = Arrays.copyOf(zHi, total);
    double[] out = new double[2];
    for (int k = 0; k < layers; k++) {
      int cols = network.offset(k);
      int rows = network.units(k);
      double[] w = network.weights(k);
      double[] b = network.biases(k);
      lo[k] = new double[rows];
      hi[k] = new double[rows];
      for (int j = 0; j < rows; j++) {
        Intervals.affine(w, j * cols, cols, b[j], vLo, vHi, out);
        lo[k][j] = Math.max(out[0], Math.max(start.lower(k, j), outer.lower(k, j)));
        hi[k][j] = Math.min(out[1], Math.min(start.upper(k, j), outer.upper(k, j)));
        if (lo[k][j] > hi[k][j]) {
          // only rounding can do this (each is sound): keep the looser one
          lo[k][j] = Math.min(lo[k][j], out[0]);
          hi[k][j] = Math.max(hi[k][j], out[1]);
        }
      }
      boolean lpOn = enc != null && enc.layers() == k && (k > 0 || lpFirstLayer);
      for (int j = 0; j < rows && lpOn; j++) {
        if (!(lo[k][j] < 0 && hi[k][j] > 0)) {
          continue;
        }
        if (!lp.open()) {
          break;
        }
        int layer = k;
        int unit = j;
        double[] range = lp.range(e -> enc.addPreActivation(e, layer, unit, 1.0), lo[k][j], hi[k][j], padding,
            true);
        lo[k][j] = range[0];
        hi[k][j] = range[1];
      }
      if (enc != null && enc.layers() == k && lp.open()) {
        enc.addLayer(lo[k], hi[k]);
      }
      for (int j = 0; j < rows; j++) {
        vLo[cols + j] = Math.max(0.0, lo[k][j]);
        vHi[cols + j] = Math.max(0.0, hi[k][j]);
      }
    }
    return ReluBounds.of(lo, hi);
  }

  /** The box of v = [z; h_0; …] from the input box corner and the unit bounds (ReLU of them). */
  private static double[] activationBox(FoldedReluNetwork network, double[] z, ReluBounds units, boolean lower) {
    double[] v = Arrays.copyOf(z, network.offset(network.reluLayerCount()));
    for (int k = 0; k < units.layerCount(); k++) {
      for (int j = 0; j < units.units(k); j++) {
        v[network.offset(k) + j] = Math.max(0.0, lower ? units.lower(k, j) : units.upper(k, j));
      }
    }
    return v;
  }

  private static NetworkBounds intervalBounds(FoldedReluNetwork network, double[] xLo, double[] uLo, double[] xHi,
      double[] uHi, int t) {
    try {
      return NetworkBounds.of(network, concat(xLo, uLo), concat(xHi, uHi));
    } catch (ModelingException e) {
      throw new MpcException("the interval bounds of the states overflow at step " + t + " of the horizon (the "
          + "network grows without bound over the input box): " + e.getMessage() + "; shorten the horizon", e);
    }
  }

  private static double[] concat(double[] a, double[] b) {
    double[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /** The LP relaxation being built, its budget and counts. */
  private static final class Lp {
    private static final String OBJECTIVE = "obbt";
    final ExpressionsBasedModel model;
    final long deadline;
    int solved;
    int failed;
    boolean exhausted;

    Lp(long deadline) {
      this.model = new ExpressionsBasedModel();
      model.options.feasibility = OjAlgo.FEASIBILITY;
      this.deadline = deadline;
    }

    /** Whether budget is left (once it is not, never again). */
    boolean open() {
      if (!exhausted && System.nanoTime() >= deadline) {
        exhausted = true;
      }
      return !exhausted;
    }

    /**
     * The range of a linear expression over the relaxation: its maximum and minimum, widened by the
     * padding, intersected with {@code [lo, hi]} (what is known already); {@code [lo, hi]} where an LP fails.
     *
     * @param fill adds the expression's terms and returns its constant
     * @param unit the expression is a ReLU pre-activation: no minimum is needed when the maximum is ≤ 0
     */
    double[] range(java.util.function.ToDoubleFunction<Expression> fill, double lo, double hi, double padding,
        boolean unit) {
      double[] r = {lo, hi};
      if (!open()) {
        return r;
      }
      Expression e = model.addExpression(OBJECTIVE).weight(1);
      double c = fill.applyAsDouble(e);
      double pad = padding * (1 + Math.max(Math.abs(lo), Math.abs(hi)));
      long ms = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      model.options.time_abort = ms;
      model.options.time_suffice = ms;
      // the maximum first: a unit whose maximum is ≤ 0 is inactive, and its minimum is never used
      Optimisation.Result max = OjAlgo.withoutPresolvers(model::maximise);
      solved++;
      if (max.getState() == Optimisation.State.OPTIMAL && Double.isFinite(max.getValue())) {
        double v = max.getValue() + c + pad;
        if (v >= lo) {
          r[1] = Math.min(hi, v);
        }
      } else {
        failed++;
      }
      if (!(unit && r[1] <= 0)) {
        Optimisation.Result min = OjAlgo.withoutPresolvers(model::minimise);
        solved++;
        if (min.getState() == Optimisation.State.OPTIMAL && Double.isFinite(min.getValue())) {
          double v = min.getValue() + c - pad;
          if (v <= r[1]) {
            r[0] = Math.max(lo, v);
          }
        } else {
          failed++;
        }
      }
      model.removeExpression(OBJECTIVE);
      return r;
    }
  }

  /** Options of a {@link BoundTightener}. */
  public static final class Builder {
    private boolean tighten = true;
    private Duration budget = Duration.ofMillis(200);
    private double padding = 1e-6;

    private Builder() {}

    /** Whether the LP stage runs (default true); without it, interval propagation only. */
    public Builder tighten(boolean on) {
      this.tighten = on;
      return this;
    }

    /** Wall-time budget of the LP stage per call (default 200 ms). */
    public Builder budget(Duration d) {
      this.budget = Durations.nonNegative(d, "the tightening budget");
      return this;
    }

    /**
     * Relative widening of each LP bound (default 1e-6): a bound is moved out by {@code padding · (1 +
     * max(|l|, |u|))} of the bounds it replaces, to cover the LP solver's feasibility tolerances.
     */
    public Builder padding(double p) {
      if (!(p >= 0) || Double.isInfinite(p)) {
        throw new MpcException("the bound padding must be finite and non-negative, got " + p);
      }
      this.padding = p;
      return this;
    }

    public BoundTightener build() {
      return new BoundTightener(this);
    }
  }
}
