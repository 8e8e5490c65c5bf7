package io.loopforge.mpc;

import io.loopforge.modeling.DynamicsModel;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;

/**
 * An {@link MpcProblem} linearised about a nominal input sequence ū, and its convex subproblem in the
 * input increments δ = u − ū (one iteration of {@link SindyMpcPlanner}).
 *
 * <p>{@link #linearise} rolls the model out from x₀ under ū (states x̄_t) and takes its Jacobians
 * A_t = ∂f/∂x, B_t = ∂f/∂u at every (x̄_t, ū_t). The predicted states are then affine in δ (condensed,
 * the states substituted):
 *
 * <pre>
 *   x_t(δ) = x̄_t + S_t δ,   S_0 = 0,   S_{t+1} = A_t S_t + B_t E_t
 * </pre>
 *
 * with E_t selecting δ_t. {@link #cost} is the problem's J with these states (the same norms, weights and
 * state-box penalty as {@link MpcProblem#evaluate}), so {@code cost(0)} is J(ū) up to rounding.
 * {@link #solve} minimises {@code cost(δ)} with ojAlgo over the hard input box, the rate limits and a
 * trust-region box |δ_{t,j}| ≤ τ_j:
 * <ul>
 *   <li>{@link MpcProblem.Norm#QUADRATIC}: a QP, δᵀPδ + gᵀδ with the Gauss–Newton Hessian P (the
 *       linearised states' squared errors, exact in δ), plus ρ·slack for the soft state box;
 *   <li>{@link MpcProblem.Norm#L1}: an LP, one auxiliary e ≥ ±w(c + a·δ) per weighted error;
 *   <li>{@link MpcProblem.Norm#LINF}: an LP, one auxiliary per time step and term (state error, input,
 *       input rate) bounding all its weighted errors;
 * </ul>
 * and one slack s ≥ 0, s ≥ x_{t,i}(δ) − x̄_i, s ≥ x̲_i − x_{t,i}(δ) per bounded state component and step
 * when ρ &gt; 0. δ = 0 is feasible whenever ū is admissible, and the trust region keeps every subproblem
 * bounded, so a subproblem that ojAlgo does not solve to optimality is solver trouble, not a property of
 * the problem.
 *
 * <p>Mutable scratch owned by one planner; arrays are allocated once, only the ojAlgo model per solve.
 */
final class LinearisedProblem {
  private final MpcProblem problem;
  private final DynamicsModel model;
  private final int nx;
  private final int nu;
  private final int horizon;
  private final int n;
  private final MpcProblem.Norm norm;
  private final double[] q;
  private final double[] qT;
  private final double[] r;
  private final double[] rateW;
  private final double[] uRef;
  private final double[] uLower;
  private final double[] uUpper;
  private final double[] rateLimit;
  private final double[] xLower;
  private final double[] xUpper;
  private final double rho;

  /** ū, H × nu (the caller writes it before {@link #linearise}). */
  final double[][] nominalInputs;
  /** x̄_0 … x̄_H from the rollout. */
  final double[][] nominalStates;
  /** S_t (nx × n) for t = 0 … H. */
  final double[][][] sensitivity;
  private final double[][] a;
  private final double[][] b;
  private double[][] reference;
  private double[] previousInput;

  // scratch of cost() and solve()
  private final double[][] inputs;
  private final double[] x;
  private final double[][] hessian;
  private final double[] gradient;
  private final double[] lower;
  private final double[] upper;
  private final boolean[] lowerIsTrust;
  private final boolean[] upperIsTrust;

  LinearisedProblem(MpcProblem problem) {
    if (problem.hasTerminalMatrix()) {
      throw new MpcException("SINDy-MPC takes diagonal terminal weights (Q_T), not a terminal matrix; the matrix is"
          + " for the mip, sampling and gradient planners");
    }
    this.problem = problem;
    this.model = problem.model();
    this.nx = problem.stateDim();
    this.nu = problem.inputDim();
    this.horizon = problem.horizon();
    this.n = horizon * nu;
    this.norm = problem.norm();
    this.q = problem.stateWeights();
    this.qT = problem.terminalWeights();
    this.r = problem.inputWeights();
    this.rateW = problem.inputRateWeights();
    this.uRef = problem.inputReference();
    this.uLower = problem.inputLower();
    this.uUpper = problem.inputUpper();
    this.rateLimit = problem.inputRateLimit();
    this.xLower = problem.stateLower();
    this.xUpper = problem.stateUpper();
    this.rho = problem.statePenalty();
    this.nominalInputs = new double[horizon][nu];
    this.nominalStates = new double[horizon + 1][nx];
    this.sensitivity = new double[horizon + 1][nx][n];
    this.a = new double[nx][nx];
    this.b = new double[nx][nu];
    this.inputs = new double[horizon][nu];
    this.x = new double[nx];
    this.hessian = norm == MpcProblem.Norm.QUADRATIC ? new double[n][n] : null;
    this.gradient = norm == MpcProblem.Norm.QUADRATIC ? new double[n] : null;
    this.lower = new double[n];
    this.upper = new double[n];
    this.lowerIsTrust = new boolean[n];
    this.upperIsTrust = new boolean[n];
  }

  /** Number of decision variables δ (H·nu). */
  int size() {
    return n;
  }

  /**
   * Rolls the model out from {@code x0} under {@link #nominalInputs} and computes the sensitivities.
   *
   * @param reference H + 1 rows (kept by reference until the next call)
   * @param previousInput u_{−1} (kept by reference)
   * @return null when every state and Jacobian entry is finite, else what was not
   */
  String linearise(double[] x0, double[][] reference, double[] previousInput) {
    this.reference = reference;
    this.previousInput = previousInput;
    System.arraycopy(x0, 0, nominalStates[0], 0, nx);
    for (double[] row : sensitivity[0]) {
      java.util.Arrays.fill(row, 0.0);
    }
    for (int t = 0; t < horizon; t++) {
      double[] xt = nominalStates[t];
      double[] ut = nominalInputs[t];
      model.step(xt, ut, nominalStates[t + 1]);
      model.jacobian(xt, ut, a, b);
      for (int i = 0; i < nx; i++) {
        if (!Double.isFinite(nominalStates[t + 1][i])) {
          return "the model's state " + model.stateNames().get(i) + " at step " + (t + 1) + " is "
              + nominalStates[t + 1][i];
        }
        for (int k = 0; k < nx; k++) {
          if (!Double.isFinite(a[i][k])) {
            return "the model's Jacobian ∂x⁺/∂x at step " + t + " is not finite";
          }
        }
        for (int j = 0; j < nu; j++) {
          if (!Double.isFinite(b[i][j])) {
            return "the model's Jacobian ∂x⁺/∂u at step " + t + " is not finite";
          }
        }
      }
      // S_{t+1} = A_t S_t + B_t E_t; columns from t·nu on are zero in S_t (causality)
      double[][] s = sensitivity[t];
      double[][] next = sensitivity[t + 1];
      int cols = t * nu;
      for (int i = 0; i < nx; i++) {
        double[] row = next[i];
        for (int k = 0; k < cols; k++) {
          double acc = 0;
          for (int m = 0; m < nx; m++) {
            acc += a[i][m] * s[m][k];
          }
          row[k] = acc;
        }
        for (int j = 0; j < nu; j++) {
          row[cols + j] = b[i][j];
        }
        for (int k = cols + nu; k < n; k++) {
          row[k] = 0.0;
        }
      }
    }
    return null;
  }

  /**
   * J of ū + δ with the linearised states: the subproblem's objective (with its auxiliaries at their
   * least values), in double precision.
   */
  double cost(double[] delta) {
    for (int t = 0; t < horizon; t++) {
      for (int j = 0; j < nu; j++) {
        inputs[t][j] = nominalInputs[t][j] + delta[t * nu + j];
      }
    }
    double j = 0;
    for (int t = 0; t < horizon; t++) {
      j += problem.weighted(inputs[t], uRef, r);
      j += problem.weighted(inputs[t], t == 0 ? previousInput : inputs[t - 1], rateW);
      linearisedState(t + 1, delta, x);
      j += problem.weighted(x, reference[t + 1], t + 1 == horizon ? qT : q);
      j += rho * problem.violation(x);
    }
    return j;
  }

  /** x̄_t + S_t δ into {@code out}. */
  void linearisedState(int t, double[] delta, double[] out) {
    double[][] s = sensitivity[t];
    int cols = Math.min(t * nu, n);
    for (int i = 0; i < nx; i++) {
      double acc = nominalStates[t][i];
      double[] row = s[i];
      for (int k = 0; k < cols; k++) {
        acc += row[k] * delta[k];
      }
      out[i] = acc;
    }
  }

  /** What {@link #solve} returns: ojAlgo's state, and whether the trust region bounds the step. */
  record Outcome(Optimisation.State state, boolean trustRegionActive) {
    /**
     * Whether ojAlgo returned a point to use. Not {@code state.isFeasible()}: in ojAlgo 56.2.1 that is true
     * for UNBOUNDED too.
     */
    boolean usable() {
      return state.isOptimal() || state == Optimisation.State.FEASIBLE;
    }

    /** Whether ojAlgo proved the point optimal (OPTIMAL or DISTINCT). */
    boolean optimal() {
      return state.isOptimal();
    }
  }

  /**
   * Minimises {@link #cost} over the increments within the input box, the rate limits and the trust
   * region |δ_{t,j}| ≤ {@code radius[j]}; writes the minimiser into {@code delta} (when the state is
   * feasible).
   *
   * @param radius τ_j per input, input units, &gt; 0
   * @param timeLimitMillis ojAlgo's time_abort, ms (≤ 0: none)
   */
  Outcome solve(double[] radius, long timeLimitMillis, double[] delta) {
    ExpressionsBasedModel m = new ExpressionsBasedModel();
    if (timeLimitMillis > 0) {
      m.options.time_abort = timeLimitMillis;
    }
    Variable[] d = new Variable[n];
    for (int t = 0; t < horizon; t++) {
      for (int j = 0; j < nu; j++) {
        int k = t * nu + j;
        double ub = nominalInputs[t][j];
        // written as (bound) − ū so that an admissible ū gives lo ≤ 0 ≤ hi exactly
        double lo = uLower[j] - ub;
        double hi = uUpper[j] - ub;
        if (t == 0 && Double.isFinite(rateLimit[j])) {
          lo = Math.max(lo, (previousInput[j] - rateLimit[j]) - ub);
          hi = Math.min(hi, (previousInput[j] + rateLimit[j]) - ub);
        }
        lowerIsTrust[k] = -radius[j] >= lo;
        upperIsTrust[k] = radius[j] <= hi;
        lower[k] = Math.max(lo, -radius[j]);
        upper[k] = Math.min(hi, radius[j]);
        d[k] = m.addVariable("du" + t + "_" + j).lower(lower[k]).upper(upper[k]);
      }
    }
    for (int t = 1; t < horizon; t++) {
      for (int j = 0; j < nu; j++) {
        if (Double.isFinite(rateLimit[j])) {
          double step = nominalInputs[t][j] - nominalInputs[t - 1][j];
          m.addExpression("rate" + t + "_" + j).set(d[t * nu + j], 1.0).set(d[(t - 1) * nu + j], -1.0)
              .lower(-rateLimit[j] - step).upper(rateLimit[j] - step);
        }
      }
    }
    Expression objective = m.addExpression("objective").weight(1.0);
    if (norm == MpcProblem.Norm.QUADRATIC) {
      quadraticObjective(objective, d);
    } else {
      linearObjective(m, objective, d);
    }
    stateBox(m, objective, d);
    // ojAlgo's default presolvers, which the MILPs do without (OjAlgo)
    Optimisation.Result result = OjAlgo.withPresolvers(m::minimise);
    Optimisation.State state = result.getState();
    boolean active = false;
    if (state.isOptimal() || state == Optimisation.State.FEASIBLE) {
      for (int k = 0; k < n; k++) {
        double v = Math.min(upper[k], Math.max(lower[k], result.doubleValue(k)));
        delta[k] = v;
        double tau = radius[k % nu];
        active |= (upperIsTrust[k] && v >= tau * (1 - 1e-6)) || (lowerIsTrust[k] && v <= -tau * (1 - 1e-6));
      }
    }
    return new Outcome(state, active);
  }

  /** P and g of Σ w (c + a·δ)² over every weighted error, then into the objective. */
  private void quadraticObjective(Expression objective, Variable[] d) {
    for (double[] row : hessian) {
      java.util.Arrays.fill(row, 0.0);
    }
    java.util.Arrays.fill(gradient, 0.0);
    for (int t = 0; t < horizon; t++) {
      for (int j = 0; j < nu; j++) {
        int k = t * nu + j;
        double u = nominalInputs[t][j];
        if (r[j] != 0) {
          double c = u - uRef[j];
          hessian[k][k] += r[j];
          gradient[k] += 2 * r[j] * c;
        }
        if (rateW[j] != 0) {
          double w = rateW[j];
          double c = u - (t == 0 ? previousInput[j] : nominalInputs[t - 1][j]);
          hessian[k][k] += w;
          gradient[k] += 2 * w * c;
          if (t > 0) {
            int p = k - nu;
            hessian[p][p] += w;
            hessian[k][p] -= w;
            hessian[p][k] -= w;
            gradient[p] -= 2 * w * c;
          }
        }
      }
      double[] w = t + 1 == horizon ? qT : q;
      double[][] s = sensitivity[t + 1];
      int cols = (t + 1) * nu;
      for (int i = 0; i < nx; i++) {
        if (w[i] == 0) {
          continue;
        }
        double c = nominalStates[t + 1][i] - reference[t + 1][i];
        double[] row = s[i];
        for (int k = 0; k < cols; k++) {
          if (row[k] == 0) {
            continue;
          }
          gradient[k] += 2 * w[i] * c * row[k];
          double wk = w[i] * row[k];
          for (int l = 0; l < cols; l++) {
            hessian[k][l] += wk * row[l];
          }
        }
      }
    }
    for (int k = 0; k < n; k++) {
      if (gradient[k] != 0) {
        objective.set(d[k], gradient[k]);
      }
      for (int l = 0; l < n; l++) {
        if (hessian[k][l] != 0) {
          // ojAlgo's quadratic factor (k, l) multiplies δ_k δ_l: Σ_kl P_kl δ_k δ_l = δᵀPδ
          objective.set(d[k], d[l], hessian[k][l]);
        }
      }
    }
  }

  /** Auxiliaries of the L1 and L∞ norms: each bounds ± the weighted errors of its term. */
  private void linearObjective(ExpressionsBasedModel m, Expression objective, Variable[] d) {
    boolean l1 = norm == MpcProblem.Norm.L1;
    for (int t = 0; t < horizon; t++) {
      Variable group = null;
      for (int j = 0; j < nu; j++) {
        if (r[j] == 0) {
          continue;
        }
        Variable e = l1 || group == null ? auxiliary(m, objective, "in" + t + "_" + j) : group;
        group = l1 ? null : e;
        double c = r[j] * (nominalInputs[t][j] - uRef[j]);
        bound(m, e, c, new int[] {t * nu + j}, new double[] {r[j]}, d);
      }
      group = null;
      for (int j = 0; j < nu; j++) {
        if (rateW[j] == 0) {
          continue;
        }
        Variable e = l1 || group == null ? auxiliary(m, objective, "rt" + t + "_" + j) : group;
        group = l1 ? null : e;
        int k = t * nu + j;
        double c = rateW[j] * (nominalInputs[t][j] - (t == 0 ? previousInput[j] : nominalInputs[t - 1][j]));
        if (t == 0) {
          bound(m, e, c, new int[] {k}, new double[] {rateW[j]}, d);
        } else {
          bound(m, e, c, new int[] {k, k - nu}, new double[] {rateW[j], -rateW[j]}, d);
        }
      }
      group = null;
      double[] w = t + 1 == horizon ? qT : q;
      double[][] s = sensitivity[t + 1];
      int cols = (t + 1) * nu;
      int[] index = new int[cols];
      for (int k = 0; k < cols; k++) {
        index[k] = k;
      }
      for (int i = 0; i < nx; i++) {
        if (w[i] == 0) {
          continue;
        }
        Variable e = l1 || group == null ? auxiliary(m, objective, "x" + (t + 1) + "_" + i) : group;
        group = l1 ? null : e;
        double c = w[i] * (nominalStates[t + 1][i] - reference[t + 1][i]);
        double[] coef = new double[cols];
        for (int k = 0; k < cols; k++) {
          coef[k] = w[i] * s[i][k];
        }
        bound(m, e, c, index, coef, d);
      }
    }
  }

  private static Variable auxiliary(ExpressionsBasedModel m, Expression objective, String name) {
    Variable e = m.addVariable("e_" + name).lower(0.0);
    objective.set(e, 1.0);
    return e;
  }

  /** e ≥ c + coef·δ and e ≥ −(c + coef·δ). */
  private static void bound(ExpressionsBasedModel m, Variable e, double c, int[] index, double[] coef, Variable[] d) {
    Expression above = m.addExpression().set(e, 1.0).lower(c);
    Expression below = m.addExpression().set(e, 1.0).lower(-c);
    for (int k = 0; k < index.length; k++) {
      if (coef[k] != 0) {
        above.set(d[index[k]], -coef[k]);
        below.set(d[index[k]], coef[k]);
      }
    }
  }

  /** ρ·s with s ≥ x_{t,i}(δ) − x̄_i and s ≥ x̲_i − x_{t,i}(δ), s ≥ 0, per bounded component and step. */
  private void stateBox(ExpressionsBasedModel m, Expression objective, Variable[] d) {
    if (rho == 0) {
      return;
    }
    for (int t = 1; t <= horizon; t++) {
      double[][] s = sensitivity[t];
      int cols = t * nu;
      for (int i = 0; i < nx; i++) {
        boolean hasUpper = Double.isFinite(xUpper[i]);
        boolean hasLower = Double.isFinite(xLower[i]);
        if (!hasUpper && !hasLower) {
          continue;
        }
        Variable slack = m.addVariable("s" + t + "_" + i).lower(0.0);
        objective.set(slack, rho);
        double xb = nominalStates[t][i];
        if (hasUpper) {
          Expression e = m.addExpression().set(slack, 1.0).lower(xb - xUpper[i]);
          for (int k = 0; k < cols; k++) {
            if (s[i][k] != 0) {
              e.set(d[k], -s[i][k]);
            }
          }
        }
        if (hasLower) {
          Expression e = m.addExpression().set(slack, 1.0).lower(xLower[i] - xb);
          for (int k = 0; k < cols; k++) {
            if (s[i][k] != 0) {
              e.set(d[k], s[i][k]);
            }
          }
        }
      }
    }
  }
}
