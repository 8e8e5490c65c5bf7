package io.loopforge.mpc;

import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.loop.StageCost;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A finite-horizon optimal control problem on a discrete-time model, the one every planner solves: from
 * the measured state {@code x₀}, choose inputs {@code u₀ … u_{H−1}} that minimise
 *
 * <pre>
 *   J = Σ_{t=1}^{H−1} ‖Q (x_t − r_t)‖ + ‖Q_T (x_H − r_H)‖            state error (r: the reference window)
 *     + Σ_{t=0}^{H−1} ‖R (u_t − u_ref)‖ + Σ_{t=0}^{H−1} ‖R_Δ (u_t − u_{t−1})‖   input and input rate
 *     + ρ Σ_{t=1}^{H} Σ_i max(0, x_{t,i} − x̄_i, x_i̲ − x_{t,i})          soft state box
 *   subject to  x_{t+1} = step(x_t, u_t),  u̲ ≤ u_t ≤ ū,  |u_t − u_{t−1}| ≤ Δ
 * </pre>
 *
 * with diagonal weights and {@code ‖·‖} the weighted {@link Norm#L1 L1} norm (sum of |w_i e_i|), the
 * {@link Norm#LINF L∞} norm (max of |w_i e_i|, per time step) or, for planners without integers, the
 * {@link Norm#QUADRATIC quadratic} cost Σ w_i e_i². The terminal term may instead be a full matrix P
 * ({@link Builder#terminalMatrix}): {@code ‖P (x_H − r_H)‖} over P's rows (Σ_i |p_i·e|, max_i |p_i·e| or
 * Σ_i (p_i·e)²), e.g. the cost of an LQR's tail ({@link TerminalCost#lqrTail}), which makes the plan pay
 * for what its last state leaves to the steps after the horizon. L1 and L∞ stay linear in a mixed-integer program,
 * where ojAlgo 56.2.1 is not reliable with quadratic objectives. {@code u_{−1}} is the input
 * applied before the plan (given at plan time); the rate terms of step 0 use it.
 *
 * <p>Units: states and inputs in the model's units, {@code dt} in seconds. The state box is soft (a
 * slack with penalty ρ per unit of violation); inputs and input rates are hard. {@link #evaluate}
 * computes J of an input sequence in double precision; planners and the validation of MIP plans use it.
 * Immutable.
 */
public final class MpcProblem {
  /** How the weighted errors of one time step are combined. */
  public enum Norm {
    /** Σ_i |w_i e_i|. */
    L1,
    /** max_i |w_i e_i|. */
    LINF,
    /**
     * Σ_i w_i e_i², the classic tracking cost (Kaiser et al.'s SINDy-MPC): for planners without integers
     * (sampling, gradient, SINDy-MPC); the mixed-integer planner refuses it.
     */
    QUADRATIC;

    /** Whether a mixed-integer program with this cost stays linear. */
    public boolean linear() {
      return this != QUADRATIC;
    }
  }

  private final DynamicsModel model;
  // read once: a model may build its name lists on every call, and evaluate runs once per sample
  private final int nx;
  private final int nu;
  private final int horizon;
  private final Norm norm;
  private final double[] stateReference;
  private final double[] inputReference;
  private final double[] q;
  private final double[] terminal;
  /** Rows of P when the terminal cost is a matrix, else null (then Q_T). */
  private final double[][] terminalRows;
  private final double[] r;
  private final double[] rate;
  private final double[] uLower;
  private final double[] uUpper;
  private final double[] rateLimit;
  private final double[] xLower;
  private final double[] xUpper;
  private final double statePenalty;

  private MpcProblem(Builder b) {
    this.model = b.model;
    this.nx = b.model.stateDim();
    this.nu = b.model.inputDim();
    this.horizon = b.horizon;
    this.norm = b.norm;
    this.stateReference = b.stateReference.clone();
    this.inputReference = b.inputReference.clone();
    this.q = b.q.clone();
    this.terminal = (b.terminal != null ? b.terminal : b.q).clone();
    this.terminalRows = b.terminalRows == null ? null : Plan.deepCopy(b.terminalRows);
    this.r = b.r.clone();
    this.rate = b.rate.clone();
    this.uLower = b.uLower.clone();
    this.uUpper = b.uUpper.clone();
    this.rateLimit = b.rateLimit.clone();
    this.xLower = b.xLower.clone();
    this.xUpper = b.xUpper.clone();
    this.statePenalty = b.statePenalty;
  }

  /**
   * A problem on {@code model} over {@code horizon} steps: by default reference 0, L1 norm, Q = I,
   * Q_T = Q, R = 0, no rate penalty, the input box unbounded (set it: every planner needs one), no rate
   * limit, no state box.
   */
  public static Builder builder(DynamicsModel model, int horizon) {
    return new Builder(model, horizon);
  }

  public DynamicsModel model() {
    return model;
  }

  public int stateDim() {
    return nx;
  }

  public int inputDim() {
    return nu;
  }

  /** H, the number of planned inputs. */
  public int horizon() {
    return horizon;
  }

  public Norm norm() {
    return norm;
  }

  /** The default set-point, used when a plan is asked for without a reference. */
  public double[] stateReference() {
    return stateReference.clone();
  }

  /** u_ref, the input the input cost measures from. */
  public double[] inputReference() {
    return inputReference.clone();
  }

  public double[] stateWeights() {
    return q.clone();
  }

  /**
   * Q_T, the diagonal terminal weights; when the terminal cost is a {@link #hasTerminalMatrix() matrix} these are
   * not used (read {@link #terminalMatrix()}).
   */
  public double[] terminalWeights() {
    return terminal.clone();
  }

  /** Whether the terminal cost is a full matrix P rather than the diagonal Q_T. */
  public boolean hasTerminalMatrix() {
    return terminalRows != null;
  }

  /**
   * The rows of the terminal cost ‖P (x_H − r_H)‖: P when one was set, else the rows {@code Q_T,ii · e_i} of the
   * non-zero diagonal weights ({@code √Q_T,ii · e_i} for the {@link Norm#QUADRATIC quadratic} cost, whose terms are
   * (p·e)²).
   */
  public double[][] terminalMatrix() {
    if (terminalRows != null) {
      return Plan.deepCopy(terminalRows);
    }
    int count = 0;
    for (double w : terminal) {
      count += w != 0 ? 1 : 0;
    }
    double[][] p = new double[count][];
    int k = 0;
    for (int i = 0; i < nx; i++) {
      if (terminal[i] != 0) {
        p[k] = new double[nx];
        p[k++][i] = norm == Norm.QUADRATIC ? Math.sqrt(terminal[i]) : terminal[i];
      }
    }
    return p;
  }

  /** The terminal cost ‖P (x − ref)‖ (or ‖Q_T (x − ref)‖) in the problem's norm. */
  public double terminalCost(double[] x, double[] ref) {
    if (terminalRows == null) {
      return weighted(x, ref, terminal);
    }
    double s = 0;
    for (double[] p : terminalRows) {
      double d = 0;
      for (int i = 0; i < nx; i++) {
        d += p[i] * (x[i] - ref[i]);
      }
      switch (norm) {
        case L1 -> s += Math.abs(d);
        case LINF -> s = Math.max(s, Math.abs(d));
        default -> s += d * d;
      }
    }
    return s;
  }

  public double[] inputWeights() {
    return r.clone();
  }

  public double[] inputRateWeights() {
    return rate.clone();
  }

  public double[] inputLower() {
    return uLower.clone();
  }

  public double[] inputUpper() {
    return uUpper.clone();
  }

  /** Δ per input, +∞ where unlimited. */
  public double[] inputRateLimit() {
    return rateLimit.clone();
  }

  /** Lower corner of the soft state box, −∞ where unbounded. */
  public double[] stateLower() {
    return xLower.clone();
  }

  /** Upper corner of the soft state box, +∞ where unbounded. */
  public double[] stateUpper() {
    return xUpper.clone();
  }

  /** ρ, the cost of one unit of state-box violation per state and step. */
  public double statePenalty() {
    return statePenalty;
  }

  /** Whether every input has finite lower and upper bounds. */
  public boolean inputBoxIsFinite() {
    for (int i = 0; i < uLower.length; i++) {
      if (!Double.isFinite(uLower[i]) || !Double.isFinite(uUpper[i])) {
        return false;
      }
    }
    return true;
  }

  /**
   * Refuses a problem whose input box is not finite, naming the input.
   *
   * @param who the planner, for the message
   */
  public void requireFiniteInputBox(String who) {
    for (int i = 0; i < uLower.length; i++) {
      if (!Double.isFinite(uLower[i]) || !Double.isFinite(uUpper[i])) {
        throw new MpcException(who + " needs a finite input box, but input '" + model.inputNames().get(i)
            + "' is bounded by [" + uLower[i] + ", " + uUpper[i] + "]; set the bounds (e.g. the plant's)");
      }
    }
  }

  /** A reference window of H + 1 rows that all equal {@code setPoint}. */
  public double[][] constantWindow(double[] setPoint) {
    checkLength("set-point", setPoint, stateDim());
    double[][] w = new double[horizon + 1][];
    for (int t = 0; t <= horizon; t++) {
      w[t] = setPoint.clone();
    }
    return w;
  }

  /**
   * J of the inputs from {@code x0} (see the class doc), in double precision.
   *
   * @param reference H + 1 rows of nx (row t is r_t; row 0 is not used)
   * @param previousInput u_{−1}, nu values
   * @param inputs H rows of nu
   * @param states out: H + 1 distinct rows of nx receiving x₀ … x_H (may be null). When given, the rollout
   *     runs in these rows and the call allocates nothing (what sampling planners need per sample); after a
   *     non-finite state the rows past it are unspecified.
   * @return J, or +∞ when the rollout leaves the finite numbers
   */
  public double evaluate(double[] x0, double[][] reference, double[] previousInput, double[][] inputs,
      double[][] states) {
    double[] x;
    double[] next;
    if (states != null) {
      System.arraycopy(x0, 0, states[0], 0, nx);
      x = states[0];
      next = null;
    } else {
      x = x0.clone();
      next = new double[nx];
    }
    double j = 0;
    for (int t = 0; t < horizon; t++) {
      double[] u = inputs[t];
      j += weighted(u, inputReference, r);
      j += weighted(u, t == 0 ? previousInput : inputs[t - 1], rate);
      if (states != null) {
        next = states[t + 1];
      }
      model.step(x, u, next);
      double[] tmp = x;
      x = next;
      next = tmp;
      for (double v : x) {
        if (!Double.isFinite(v)) {
          return Double.POSITIVE_INFINITY;
        }
      }
      j += t + 1 == horizon ? terminalCost(x, reference[t + 1]) : weighted(x, reference[t + 1], q);
      j += statePenalty * violation(x);
    }
    return j;
  }

  /**
   * The problem's own stage cost as a closed loop's {@link StageCost}: {@code ‖Q (x − r)‖ + ‖R (u − u_ref)‖ +
   * ρ · violation(x)} in the problem's norm, on the true state, so that every controller is judged by what the
   * planners were asked to minimise.
   */
  public StageCost stageCost() {
    return (x, u, ref, dt) -> weighted(x, ref, q) + weighted(u, inputReference, r) + statePenalty * violation(x);
  }

  /** Σ_i max(0, x_i − x̄_i, x̲_i − x_i): how far x is outside the state box. */
  public double violation(double[] x) {
    double v = 0;
    for (int i = 0; i < x.length; i++) {
      v += Math.max(0, Math.max(x[i] - xUpper[i], xLower[i] - x[i]));
    }
    return v;
  }

  /** ‖w (a − b)‖ in the problem's norm ({@code Σ w_i (a_i − b_i)²} for {@link Norm#QUADRATIC}). */
  public double weighted(double[] a, double[] b, double[] w) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      if (w[i] == 0) {
        continue;
      }
      double d = a[i] - b[i];
      switch (norm) {
        case L1:
          s += Math.abs(w[i] * d);
          break;
        case LINF:
          s = Math.max(s, Math.abs(w[i] * d));
          break;
        default:
          s += w[i] * d * d;
      }
    }
    return s;
  }

  /**
   * Whether the inputs are finite, inside the box and within the rate limits (from {@code previousInput}),
   * with a tolerance of {@code tol} in input units.
   */
  public boolean admissible(double[][] inputs, double[] previousInput, double tol) {
    if (inputs.length != horizon) {
      return false;
    }
    for (int t = 0; t < horizon; t++) {
      double[] u = inputs[t];
      if (u.length != nu) {
        return false;
      }
      for (int i = 0; i < u.length; i++) {
        double prev = t == 0 ? previousInput[i] : inputs[t - 1][i];
        if (!Double.isFinite(u[i]) || u[i] < uLower[i] - tol || u[i] > uUpper[i] + tol
            || Math.abs(u[i] - prev) > rateLimit[i] + tol) {
          return false;
        }
      }
    }
    return true;
  }

  /** Clips {@code u} into the input box and, from {@code previous}, into the rate limits; in place. */
  public void clip(double[] u, double[] previous) {
    for (int i = 0; i < u.length; i++) {
      double lo = uLower[i];
      double hi = uUpper[i];
      if (previous != null && Double.isFinite(rateLimit[i])) {
        lo = Math.max(lo, previous[i] - rateLimit[i]);
        hi = Math.min(hi, previous[i] + rateLimit[i]);
      }
      u[i] = Math.min(hi, Math.max(lo, u[i]));
    }
  }

  /**
   * A safe input: u_ref clipped into the box and the rate limits from {@code previous}; what a
   * receding-horizon controller applies when no plan and no earlier plan can be trusted.
   */
  public double[] safeInput(double[] previous) {
    double[] u = inputReference.clone();
    clip(u, previous);
    return u;
  }

  private static void checkLength(String what, double[] v, int n) {
    if (v.length != n) {
      throw new MpcException(what + " has " + v.length + " values, expected " + n);
    }
  }

  @Override
  public String toString() {
    return "MpcProblem[H=" + horizon + ", " + norm + ", states " + model.stateNames() + ", inputs "
        + model.inputNames() + ", input box " + Arrays.toString(uLower) + " .. " + Arrays.toString(uUpper) + "]";
  }

  /** Options of an {@link MpcProblem}; every weight vector is a diagonal, every bound per entry. */
  public static final class Builder {
    private final DynamicsModel model;
    private final int horizon;
    private Norm norm = Norm.L1;
    private double[] stateReference;
    private double[] inputReference;
    private double[] q;
    private double[] terminal;
    private double[][] terminalRows;
    private double[] r;
    private double[] rate;
    private double[] uLower;
    private double[] uUpper;
    private double[] rateLimit;
    private double[] xLower;
    private double[] xUpper;
    private double statePenalty = 1e3;

    private Builder(DynamicsModel model, int horizon) {
      this.model = Objects.requireNonNull(model, "model");
      if (horizon < 1) {
        throw new MpcException("the horizon must be at least 1 step, got " + horizon);
      }
      this.horizon = horizon;
      int nx = model.stateDim();
      int nu = model.inputDim();
      this.stateReference = new double[nx];
      this.inputReference = new double[nu];
      this.q = fill(nx, 1);
      this.r = new double[nu];
      this.rate = new double[nu];
      this.uLower = fill(nu, Double.NEGATIVE_INFINITY);
      this.uUpper = fill(nu, Double.POSITIVE_INFINITY);
      this.rateLimit = fill(nu, Double.POSITIVE_INFINITY);
      this.xLower = fill(nx, Double.NEGATIVE_INFINITY);
      this.xUpper = fill(nx, Double.POSITIVE_INFINITY);
    }

    public Builder norm(Norm norm) {
      this.norm = Objects.requireNonNull(norm, "norm");
      return this;
    }

    /** The default set-point (state units). */
    public Builder stateReference(double... x) {
      this.stateReference = finite("state reference", x, model.stateNames());
      return this;
    }

    /** u_ref (input units): the input cost and the safe input measure from it. */
    public Builder inputReference(double... u) {
      this.inputReference = finite("input reference", u, model.inputNames());
      return this;
    }

    /** Q, one non-negative weight per state (also Q_T unless {@link #terminalWeights} is set). */
    public Builder stateWeights(double... w) {
      this.q = weights("state weights (Q)", w, model.stateNames());
      return this;
    }

    /** Q_T, the weights of the last step's state error (replaces a {@link #terminalMatrix} set before). */
    public Builder terminalWeights(double... w) {
      this.terminal = weights("terminal weights (Q_T)", w, model.stateNames());
      this.terminalRows = null;
      return this;
    }

    /**
     * P, the terminal cost {@code ‖P (x_H − r_H)‖} over its rows (each of nx finite values, at least one row) in
     * place of the diagonal Q_T; see {@link TerminalCost#lqrTail}.
     */
    public Builder terminalMatrix(double[][] p) {
      if (p.length == 0) {
        throw new MpcException("the terminal matrix needs at least one row");
      }
      for (int k = 0; k < p.length; k++) {
        if (p[k].length != model.stateDim()) {
          throw new MpcException("row " + k + " of the terminal matrix has " + p[k].length
              + " values but the model has states " + model.stateNames());
        }
        for (double v : p[k]) {
          if (!Double.isFinite(v)) {
            throw new MpcException("row " + k + " of the terminal matrix is not finite: " + Arrays.toString(p[k]));
          }
        }
      }
      this.terminalRows = Plan.deepCopy(p);
      return this;
    }

    /** R, one non-negative weight per input. */
    public Builder inputWeights(double... w) {
      this.r = weights("input weights (R)", w, model.inputNames());
      return this;
    }

    /** R_Δ, one non-negative weight per input on u_t − u_{t−1}. */
    public Builder inputRateWeights(double... w) {
      this.rate = weights("input-rate weights", w, model.inputNames());
      return this;
    }

    /** The hard input box (input units); infinite entries are unbounded sides. */
    public Builder inputBounds(double[] lower, double[] upper) {
      box("input", lower, upper, model.inputNames());
      this.uLower = lower.clone();
      this.uUpper = upper.clone();
      return this;
    }

    /** Δ ≥ 0 per input: |u_t − u_{t−1}| ≤ Δ (input units per step); +∞ for none. */
    public Builder inputRateLimit(double... delta) {
      if (delta.length != model.inputDim()) {
        throw new MpcException("input-rate limits have " + delta.length + " values but the model has inputs "
            + model.inputNames());
      }
      for (double d : delta) {
        if (Double.isNaN(d) || d < 0) {
          throw new MpcException("input-rate limits must be non-negative, got " + Arrays.toString(delta));
        }
      }
      this.rateLimit = delta.clone();
      return this;
    }

    /** The soft state box (state units), violations cost {@code penalty} per unit and step. */
    public Builder stateBounds(double[] lower, double[] upper, double penalty) {
      box("state", lower, upper, model.stateNames());
      if (!(penalty >= 0) || Double.isInfinite(penalty)) {
        throw new MpcException("the state-box penalty must be finite and non-negative, got " + penalty);
      }
      this.xLower = lower.clone();
      this.xUpper = upper.clone();
      this.statePenalty = penalty;
      return this;
    }

    public MpcProblem build() {
      return new MpcProblem(this);
    }

    private double[] finite(String what, double[] v, List<String> names) {
      if (v.length != names.size()) {
        throw new MpcException(what + " has " + v.length + " values but the model has " + names.size() + " "
            + names);
      }
      for (double d : v) {
        if (!Double.isFinite(d)) {
          throw new MpcException(what + " must be finite, got " + Arrays.toString(v));
        }
      }
      return v.clone();
    }

    private double[] weights(String what, double[] w, List<String> names) {
      double[] v = finite(what, w, names);
      for (double d : v) {
        if (d < 0) {
          throw new MpcException(what + " must be non-negative, got " + Arrays.toString(w));
        }
      }
      return v;
    }

    private static void box(String what, double[] lower, double[] upper, List<String> names) {
      if (lower.length != names.size() || upper.length != names.size()) {
        throw new MpcException(what + " bounds have " + lower.length + " lower and " + upper.length
            + " upper values but the model has " + names.size() + " " + what + "s " + names);
      }
      for (int i = 0; i < lower.length; i++) {
        if (Double.isNaN(lower[i]) || Double.isNaN(upper[i]) || lower[i] > upper[i]
            || lower[i] == Double.POSITIVE_INFINITY || upper[i] == Double.NEGATIVE_INFINITY) {
          throw new MpcException(what + " bounds of '" + names.get(i) + "' are [" + lower[i] + ", " + upper[i]
              + "]: the lower bound must not exceed the upper one");
        }
      }
    }

    private static double[] fill(int n, double v) {
      double[] a = new double[n];
      Arrays.fill(a, v);
      return a;
    }
  }
}
