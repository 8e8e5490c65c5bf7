package io.loopforge.mpc;

import io.loopforge.modeling.DynamicsModel;
import java.util.Arrays;
import java.util.Objects;

/**
 * Gradient shooting ({@code "gd"}): projected gradient descent on J over the input sequence, with the
 * gradient from the model's exact Jacobians ({@link DynamicsModel#jacobian}) by backpropagation through the
 * rollout (the adjoint equations):
 *
 * <pre>
 *   forward:   x_{t+1} = step(x_t, u_t),  A_t = ∂x_{t+1}/∂x_t,  B_t = ∂x_{t+1}/∂u_t
 *   backward:  λ_H = ∂ℓ_H/∂x_H,   λ_t = ∂ℓ_t/∂x_t + A_tᵀ λ_{t+1}   (t = H−1 … 1)
 *              ∂J/∂u_t = ∂ℓ^u_t/∂u_t + B_tᵀ λ_{t+1}
 * </pre>
 *
 * where ℓ_t is the state error and soft state-box penalty of x_t and ℓ^u_t the input and input-rate terms
 * that hold u_t (see {@link MpcProblem}). The gradient is exact for the {@link MpcProblem.Norm#QUADRATIC
 * quadratic} cost; for {@link MpcProblem.Norm#L1 L1}, {@link MpcProblem.Norm#LINF L∞} and the state-box
 * penalty it is a subgradient (sign(0) = 0; for L∞ the first entry of largest weighted error), and so is
 * the model's own Jacobian at a ReLU kink.
 *
 * <p>A step: with w_i the box width of input i (1 where unbounded), the direction is {@code d = −w_i² ∂J/∂u}
 * (gradient descent in box-normalised inputs) and the trial is {@code U' = clip(U + α d)}, {@code α =
 * s / max|w_i ∂J/∂u_{t,i}|}, so that the largest move is {@code s} box widths; clip is the box, then the
 * rate limits step by step. The trial is accepted when {@code J(U') ≤ J(U) + c·⟨∂J/∂U, U' − U⟩}
 * (Armijo), else s shrinks by the backtracking factor; after an accepted step it grows by the inverse
 * of that factor (at most to 1). Starts from the warm start, else u_ref held; stops after the iterations, or when no step
 * is accepted or none moves; returns the best iterate.
 *
 * <p>Defaults: 30 iterations, s₀ = 0.05, backtracking 0.5, c = 1e-4. On the pendulum's SINDy model
 * (quadratic cost) 30 iterations reached the closed-loop cost of 100 and 1 000, 10 came within 0.2 %, and
 * s₀ made no difference; on {@code cartpole-walls} (L1 cost, piecewise affine) s₀ = 0.05 cost 2 % less
 * than 0.25 or 1 at 10 to 100 iterations, all of them some 15 % above MPPI: there the subgradient stalls
 * in local minima (BENCHMARKS.md, "Sampling and gradient planners").
 *
 * <p>Deterministic (no randomness). Storage is allocated once; an iteration allocates nothing. Not
 * thread-safe: one planner per closed loop.
 */
public final class GradientPlanner implements Planner {
  public static final int DEFAULT_ITERATIONS = 30;
  public static final double DEFAULT_STEP = 0.05;
  public static final double DEFAULT_BACKTRACKING = 0.5;
  public static final double DEFAULT_ARMIJO = 1e-4;
  /** Trials per iteration before the search gives up: s shrinks to s·0.5³⁰ ≈ 1e-9·s with the default. */
  private static final int MAX_BACKTRACKS = 30;
  private static final String NAME = "gd";

  private final MpcProblem problem;
  private final DynamicsModel model;
  private final int iterations;
  private final double step;
  private final double backtracking;
  private final double armijo;
  private final double[] widths;
  // the cost's weights and bounds, read once
  private final double[] q;
  private final double[] terminal;
  /** The terminal matrix's rows, null for the diagonal Q_T. */
  private final double[][] terminalRows;
  private final double[] r;
  private final double[] rate;
  private final double[] uRef;
  private final double[] xLower;
  private final double[] xUpper;
  private final double rho;
  // scratch
  private final double[][] inputs;
  private final double[][] trial;
  private final double[][] best;
  private final double[][] gradient;
  private double[][] states;
  private double[][] trialStates;
  private final double[][][] a;
  private final double[][][] b;
  private final double[] lambda;
  private final double[] lambdaNext;

  private GradientPlanner(Builder bld) {
    this.problem = bld.problem;
    this.model = problem.model();
    this.iterations = bld.iterations;
    this.step = bld.step;
    this.backtracking = bld.backtracking;
    this.armijo = bld.armijo;
    this.widths = InputSequences.widths(problem);
    this.q = problem.stateWeights();
    this.terminal = problem.terminalWeights();
    this.terminalRows = problem.hasTerminalMatrix() ? problem.terminalMatrix() : null;
    this.r = problem.inputWeights();
    this.rate = problem.inputRateWeights();
    this.uRef = problem.inputReference();
    this.xLower = problem.stateLower();
    this.xUpper = problem.stateUpper();
    this.rho = problem.statePenalty();
    int h = problem.horizon();
    int nx = problem.stateDim();
    int nu = problem.inputDim();
    this.inputs = InputSequences.sequence(problem);
    this.trial = InputSequences.sequence(problem);
    this.best = InputSequences.sequence(problem);
    this.gradient = InputSequences.sequence(problem);
    this.states = InputSequences.states(problem);
    this.trialStates = InputSequences.states(problem);
    this.a = new double[h][nx][nx];
    this.b = new double[h][nx][nu];
    this.lambda = new double[nx];
    this.lambdaNext = new double[nx];
  }

  /** A planner for {@code problem} (the input box may be unbounded). */
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

  /** Most gradient steps per plan. */
  public int iterations() {
    return iterations;
  }

  /** s₀, the first trial's largest move in box widths. */
  public double step() {
    return step;
  }

  /** Factor by which a rejected trial's step shrinks. */
  public double backtracking() {
    return backtracking;
  }

  /** c, the sufficient-decrease constant of the Armijo test. */
  public double armijo() {
    return armijo;
  }

  @Override
  public Plan plan(PlanRequest request) {
    long start = System.nanoTime();
    request.check(problem);
    double[] previous = request.previousInput();
    InputSequences.start(problem, request, inputs);
    double j = gradient(request, inputs, gradient);
    long rollouts = 1;
    int done = 0;
    String why = "ran all " + iterations + " iterations";
    if (!(j < Double.POSITIVE_INFINITY)) {
      why = "the starting sequence's rollout diverges";
    }
    double bestCost = j;
    InputSequences.copy(inputs, best);
    double s = step;
    while (done < iterations && j < Double.POSITIVE_INFINITY) {
      double scale = 0;
      for (int t = 0; t < gradient.length; t++) {
        for (int i = 0; i < widths.length; i++) {
          scale = Math.max(scale, Math.abs(widths[i] * gradient[t][i]));
        }
      }
      if (!(scale > 0) || Double.isInfinite(scale)) {
        why = scale == 0 ? "the gradient vanished" : "the gradient is not finite";
        break;
      }
      boolean accepted = false;
      boolean moved = false;
      double jTrial = j;
      for (int k = 0; k < MAX_BACKTRACKS && !accepted; k++) {
        double alpha = s / scale;
        double move = 0;
        for (int t = 0; t < trial.length; t++) {
          for (int i = 0; i < widths.length; i++) {
            trial[t][i] = inputs[t][i] - alpha * widths[i] * widths[i] * gradient[t][i];
          }
        }
        InputSequences.clip(problem, previous, trial);
        double slope = 0;
        for (int t = 0; t < trial.length; t++) {
          for (int i = 0; i < widths.length; i++) {
            double d = trial[t][i] - inputs[t][i];
            slope += gradient[t][i] * d;
            move = Math.max(move, Math.abs(d) / widths[i]);
          }
        }
        if (move == 0) {
          break; // projected stationary: the clip undoes every step
        }
        moved = true;
        jTrial = problem.evaluate(request.state(), request.reference(), previous, trial, trialStates);
        rollouts++;
        if (jTrial <= j + armijo * slope) {
          accepted = true;
        } else {
          s *= backtracking;
        }
      }
      if (!accepted) {
        why = moved ? "no step met the Armijo test" : "the projected gradient vanished";
        break;
      }
      InputSequences.copy(trial, inputs);
      // the trial's rollout is the new iterate's: keep its states for the Jacobians
      double[][] swap = states;
      states = trialStates;
      trialStates = swap;
      j = jTrial;
      backpropagate(request, inputs, gradient);
      done++;
      if (j < bestCost) {
        // not always true of an accepted step: clipping to the rate limits can turn the step uphill
        bestCost = j;
        InputSequences.copy(inputs, best);
      }
      s = Math.min(1.0, s / backtracking);
    }
    return InputSequences.finish(problem, request, best, NAME, start, done, rollouts,
        done + " gradient steps, " + why);
  }

  /**
   * J of {@code u} (as {@link MpcProblem#evaluate}) and its (sub)gradient written into {@code grad} (H × nu);
   * the gradient is left unspecified when J is +∞.
   */
  double gradient(PlanRequest request, double[][] u, double[][] grad) {
    double j = problem.evaluate(request.state(), request.reference(), request.previousInput(), u, states);
    if (j < Double.POSITIVE_INFINITY) {
      backpropagate(request, u, grad);
    }
    return j;
  }

  /** The (sub)gradient of J at {@code u} into {@code grad}, from the rollout of {@code u} in {@code states}. */
  private void backpropagate(PlanRequest request, double[][] u, double[][] grad) {
    double[][] reference = request.reference();
    double[] previous = request.previousInput();
    int h = u.length;
    for (int t = 0; t < h; t++) {
      model.jacobian(states[t], u[t], a[t], b[t]);
    }
    double[] lam = lambda;
    double[] next = lambdaNext;
    Arrays.fill(lam, 0);
    if (terminalRows == null) {
      addNormGradient(states[h], reference[h], terminal, 1, lam);
    } else {
      addTerminalGradient(states[h], reference[h], lam);
    }
    addViolationGradient(states[h], lam);
    for (int t = h - 1; t >= 0; t--) {
      double[] g = grad[t];
      Arrays.fill(g, 0);
      addNormGradient(u[t], uRef, r, 1, g);
      addNormGradient(u[t], t == 0 ? previous : u[t - 1], rate, 1, g);
      if (t + 1 < h) {
        addNormGradient(u[t + 1], u[t], rate, -1, g);
      }
      double[][] bt = b[t];
      for (int i = 0; i < lam.length; i++) {
        double li = lam[i];
        if (li != 0) {
          for (int k = 0; k < g.length; k++) {
            g[k] += bt[i][k] * li;
          }
        }
      }
      if (t >= 1) {
        double[][] at = a[t];
        Arrays.fill(next, 0);
        for (int i = 0; i < lam.length; i++) {
          double li = lam[i];
          if (li != 0) {
            for (int k = 0; k < next.length; k++) {
              next[k] += at[i][k] * li;
            }
          }
        }
        addNormGradient(states[t], reference[t], q, 1, next);
        addViolationGradient(states[t], next);
        double[] swap = lam;
        lam = next;
        next = swap;
      }
    }
  }

  /** {@code out += sign · ∂‖w (x − y)‖/∂x} in the problem's norm (a subgradient for L1 and L∞). */
  private void addNormGradient(double[] x, double[] y, double[] w, double sign, double[] out) {
    switch (problem.norm()) {
      case QUADRATIC:
        for (int i = 0; i < x.length; i++) {
          out[i] += sign * 2 * w[i] * (x[i] - y[i]);
        }
        break;
      case L1:
        for (int i = 0; i < x.length; i++) {
          out[i] += sign * w[i] * Math.signum(x[i] - y[i]);
        }
        break;
      default: {
        int arg = -1;
        double max = 0;
        for (int i = 0; i < x.length; i++) {
          double e = Math.abs(w[i] * (x[i] - y[i]));
          if (e > max) {
            max = e;
            arg = i;
          }
        }
        if (arg >= 0) {
          out[arg] += sign * w[arg] * Math.signum(x[arg] - y[arg]);
        }
      }
    }
  }

  /**
   * {@code out += ∂‖P (x − y)‖/∂x} over the terminal matrix's rows p_k (a subgradient for L1, Σ sign(p_k·e) p_k,
   * and L∞, the row of largest |p_k·e|).
   */
  private void addTerminalGradient(double[] x, double[] y, double[] out) {
    int arg = -1;
    double max = 0;
    double argSign = 0;
    for (int k = 0; k < terminalRows.length; k++) {
      double[] p = terminalRows[k];
      double d = 0;
      for (int i = 0; i < x.length; i++) {
        d += p[i] * (x[i] - y[i]);
      }
      if (problem.norm() == MpcProblem.Norm.LINF) {
        if (Math.abs(d) > max) {
          max = Math.abs(d);
          arg = k;
          argSign = Math.signum(d);
        }
        continue;
      }
      double scale = problem.norm() == MpcProblem.Norm.QUADRATIC ? 2 * d : Math.signum(d);
      for (int i = 0; i < x.length; i++) {
        out[i] += scale * p[i];
      }
    }
    if (arg >= 0) {
      for (int i = 0; i < x.length; i++) {
        out[i] += argSign * terminalRows[arg][i];
      }
    }
  }

  /** {@code out += ρ · ∂ violation(x)/∂x}. */
  private void addViolationGradient(double[] x, double[] out) {
    if (rho == 0) {
      return;
    }
    for (int i = 0; i < x.length; i++) {
      if (x[i] > xUpper[i]) {
        out[i] += rho;
      } else if (x[i] < xLower[i]) {
        out[i] -= rho;
      }
    }
  }

  @Override
  public String toString() {
    return "GradientPlanner[iterations=" + iterations + ", step=" + step + ", backtracking=" + backtracking
        + ", armijo=" + armijo + "]";
  }

  /** Options of a {@link GradientPlanner}; the defaults are the constants of the class. */
  public static final class Builder {
    private final MpcProblem problem;
    private int iterations = DEFAULT_ITERATIONS;
    private double step = DEFAULT_STEP;
    private double backtracking = DEFAULT_BACKTRACKING;
    private double armijo = DEFAULT_ARMIJO;

    private Builder(MpcProblem problem) {
      this.problem = Objects.requireNonNull(problem, "problem");
    }

    /** Most gradient steps per plan, ≥ 1. */
    public Builder iterations(int n) {
      this.iterations = SamplerOptions.atLeast(NAME, "iterations", n, 1);
      return this;
    }

    /** s₀ in (0, 1]: the first trial moves the input that moves most by this many box widths. */
    public Builder step(double s) {
      if (!(s > 0 && s <= 1)) {
        throw new MpcException(NAME + ": step must be in (0, 1] box widths, got " + s);
      }
      this.step = s;
      return this;
    }

    /** Factor in (0, 1) by which a rejected trial's step shrinks. */
    public Builder backtracking(double factor) {
      this.backtracking = SamplerOptions.inRange(NAME, "backtracking", factor, 0, 1, false);
      return this;
    }

    /** c in [0, 1): the sufficient decrease the Armijo test asks for. */
    public Builder armijo(double c) {
      this.armijo = SamplerOptions.inRange(NAME, "armijo", c, 0, 1, true);
      return this;
    }

    public GradientPlanner build() {
      return new GradientPlanner(this);
    }
  }
}
