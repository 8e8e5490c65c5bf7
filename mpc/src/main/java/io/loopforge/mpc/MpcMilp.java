package io.loopforge.mpc;

import io.loopforge.modeling.nn.FoldedReluNetwork;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Variable;

/**
 * The mixed-integer program of one {@link MpcProblem} from one measured state (see {@link MipPlanner}):
 *
 * <pre>
 *   variables  x_0 (fixed to the measured state), u_t ∈ input box ∩ rate box (t = 0 … H−1),
 *              x_t ∈ sound state box (t = 1 … H), the network encoding of each step ({@link ReluMilp}),
 *              cost auxiliaries (L1: one per weighted term, e ≥ ±w·(y − c), and per row of a terminal
 *              matrix, e ≥ ±p·(x_H − r_H); L∞: one per time step and cost group, m ≥ ±w_i·(y_i − c_i)),
 *              soft-box slacks σ ≥ x − x̄, σ ≥ x̲ − x (σ ≥ 0)
 *   x_{t+1} = [x_t +] W_out v_t + b_out       (v_t: the units of step t over [x_t; u_t])
 *   −Δ ≤ u_t − u_{t−1} ≤ Δ                    (t ≥ 1; step 0's rate limit is in u_0's box)
 *   minimise Σ auxiliaries + ρ Σ slacks       (= J of {@link MpcProblem} at an optimum)
 * </pre>
 *
 * A slack is left out where the sound state box already lies inside the soft box (it would be 0).
 * Package-private: {@link MipPlanner} builds it, {@link BoundTightener} reuses its pieces for the LP
 * relaxation.
 */
final class MpcMilp {
  /** One auxiliary of the cost and what it measures, to give it a value in a warm start. */
  private record Aux(Variable variable, boolean max, List<Variable> a, List<Variable> b, double[] c, double[][] rows) {}

  /** The soft-box slacks of state i at one step (either may be absent). */
  private record Slack(Variable over, Variable under, Variable state, int i) {}

  private final ExpressionsBasedModel model;
  private final MpcProblem problem;
  private final FoldedReluNetwork network;
  private final double[] x0;
  private final Variable[][] x;
  private final Variable[][] u;
  private final ReluMilp[] steps;
  private final List<Aux> aux = new ArrayList<>();
  private final List<Slack> slacks = new ArrayList<>();
  private final int binaries;

  private MpcMilp(MpcProblem problem, FoldedReluNetwork network, PlanRequest request, HorizonBounds bounds,
      ExpressionsBasedModel model, boolean relaxed) {
    this.model = model;
    this.problem = problem;
    this.network = network;
    this.x0 = request.state();
    int h = problem.horizon();
    int nx = problem.stateDim();
    this.x = new Variable[h + 1][];
    this.steps = new ReluMilp[h];
    x[0] = fixedState(model, x0);
    u = inputVariables(model, problem, bounds, request.previousInput());
    int bin = 0;
    for (int t = 0; t < h; t++) {
      steps[t] = ReluMilp.encode(model, network, concat(x[t], u[t]), bounds.units(t), "t" + t + "_", relaxed);
      bin += steps[t].binaries();
      x[t + 1] = nextState(model, steps[t], x[t], "x" + (t + 1) + "_", bounds.stateLower(t + 1),
          bounds.stateUpper(t + 1));
    }
    this.binaries = bin;
    double[] uRef = problem.inputReference();
    double[] uPrev = request.previousInput();
    double[] r = problem.inputWeights();
    double[] rate = problem.inputRateWeights();
    double[] q = problem.stateWeights();
    double[][] terminal = problem.terminalMatrix();
    double[][] ref = request.reference();
    for (int t = 0; t < h; t++) {
      group("cu" + t + "_", list(u[t]), null, uRef, r);
      if (t == 0) {
        group("cd0_", list(u[0]), null, uPrev, rate);
      } else {
        group("cd" + t + "_", list(u[t]), list(u[t - 1]), new double[uPrev.length], rate);
      }
    }
    double rho = problem.statePenalty();
    double[] lo = problem.stateLower();
    double[] hi = problem.stateUpper();
    for (int t = 1; t <= h; t++) {
      if (t == h) {
        rows("cx" + t + "_", list(x[t]), null, ref[t], terminal);
      } else {
        group("cx" + t + "_", list(x[t]), null, ref[t], q);
      }
      if (rho <= 0) {
        continue;
      }
      for (int i = 0; i < nx; i++) {
        Variable over = null;
        Variable under = null;
        if (Double.isFinite(hi[i]) && bounds.stateUpper(t, i) > hi[i]) {
          over = model.addVariable("sh" + t + "_" + i).lower(0).weight(rho);
          model.addExpression("sh" + t + "_" + i + "_c").lower(-hi[i]).add(over, 1.0).add(x[t][i], -1.0);
        }
        if (Double.isFinite(lo[i]) && bounds.stateLower(t, i) < lo[i]) {
          under = model.addVariable("sl" + t + "_" + i).lower(0).weight(rho);
          model.addExpression("sl" + t + "_" + i + "_c").lower(lo[i]).add(under, 1.0).add(x[t][i], 1.0);
        }
        if (over != null || under != null) {
          slacks.add(new Slack(over, under, x[t][i], i));
        }
      }
    }
  }

  /** The program with the given (sound) bounds, in {@code model} (fresh). */
  static MpcMilp build(MpcProblem problem, FoldedReluNetwork network, PlanRequest request, HorizonBounds bounds,
      ExpressionsBasedModel model) {
    return new MpcMilp(problem, network, request, bounds, model, false);
  }

  /** Its LP relaxation: the binaries continuous in [0, 1] (for {@link ReluBranchAndBound}). */
  static MpcMilp relaxation(MpcProblem problem, FoldedReluNetwork network, PlanRequest request, HorizonBounds bounds,
      ExpressionsBasedModel model) {
    return new MpcMilp(problem, network, request, bounds, model, true);
  }

  ReluMilp step(int t) {
    return steps[t];
  }

  /** The input variables of step t (t = 0 … H−1). */
  Variable[] inputVariables(int t) {
    return u[t];
  }

  /** The state variables of step t (t = 0 … H). */
  Variable[] stateVariables(int t) {
    return x[t];
  }

  /** Variables fixed to the measured state, named {@code x0_<i>}. */
  static Variable[] fixedState(ExpressionsBasedModel model, double[] x0) {
    Variable[] v = new Variable[x0.length];
    for (int i = 0; i < x0.length; i++) {
      v[i] = model.addVariable("x0_" + i).level(x0[i]);
    }
    return v;
  }

  /**
   * Input variables {@code u<t>_<i>} bounded by the boxes of {@code bounds}, with the rate limits between
   * steps as constraints ({@code d<t>_<i>}); step 0's rate limit from {@code u_{−1}} is in its box.
   */
  static Variable[][] inputVariables(ExpressionsBasedModel model, MpcProblem problem, HorizonBounds bounds,
      double[] previousInput) {
    int h = problem.horizon();
    int nu = problem.inputDim();
    double[] delta = problem.inputRateLimit();
    Variable[][] u = new Variable[h][nu];
    for (int t = 0; t < h; t++) {
      for (int i = 0; i < nu; i++) {
        u[t][i] = model.addVariable("u" + t + "_" + i).lower(bounds.inputLower(t, i)).upper(bounds.inputUpper(t, i));
        if (t > 0 && Double.isFinite(delta[i])) {
          model.addExpression("d" + t + "_" + i).lower(-delta[i]).upper(delta[i]).add(u[t][i], 1.0)
              .add(u[t - 1][i], -1.0);
        }
      }
    }
    return u;
  }

  /**
   * Variables of the next state ({@code <prefix><i>}, within the given sound box) and the constraints
   * {@code x⁺ − [x] − W_out v = b_out} ({@code <prefix><i>_dyn}) tying them to the encoding.
   */
  static Variable[] nextState(ExpressionsBasedModel model, ReluMilp step, Variable[] x, String prefix,
      double[] lower, double[] upper) {
    boolean residual = step.network().residual();
    Variable[] next = new Variable[x.length];
    for (int i = 0; i < x.length; i++) {
      next[i] = model.addVariable(prefix + i).lower(lower[i]).upper(upper[i]);
      Expression dyn = model.addExpression(prefix + i + "_dyn");
      dyn.add(next[i], 1.0);
      if (residual) {
        dyn.add(x[i], -1.0);
      }
      double b = step.addOutput(dyn, i, -1.0);
      dyn.level(-b);
    }
    return next;
  }

  /**
   * One cost group: the errors {@code a_i − b_i − c_i} (b may be absent) with diagonal weights w, in the problem's
   * norm (L1: an auxiliary per weighted error; L∞: one for the group).
   */
  private void group(String name, List<Variable> a, List<Variable> b, double[] c, double[] w) {
    List<double[]> rows = new ArrayList<>();
    for (int i = 0; i < w.length; i++) {
      if (w[i] != 0) {
        double[] row = new double[w.length];
        row[i] = w[i];
        rows.add(row);
      }
    }
    rows(name, a, b, c, rows.toArray(new double[0][]));
  }

  /**
   * One cost group over the rows p_k of a matrix: the terms {@code p_k·(a − b − c)} (b may be absent) in the
   * problem's norm (L1: an auxiliary per row, {@code e_k ≥ ±p_k·(a − b − c)}; L∞: one for the group).
   */
  private void rows(String name, List<Variable> a, List<Variable> b, double[] c, double[][] p) {
    boolean max = problem.norm() == MpcProblem.Norm.LINF;
    Variable m = null;
    for (int k = 0; k < p.length; k++) {
      double[] row = p[k];
      Variable e = m;
      if (e == null) {
        e = model.addVariable(name + (max ? "m" : "e" + k)).lower(0).weight(1);
        if (max) {
          m = e;
          aux.add(new Aux(e, true, a, b, c, p));
        } else {
          aux.add(new Aux(e, false, a, b, c, new double[][] {row}));
        }
      }
      // e ≥ p·(a − b − c)  and  e ≥ −p·(a − b − c)
      double pc = 0;
      for (int i = 0; i < row.length; i++) {
        pc += row[i] * c[i];
      }
      Expression pos = model.addExpression(name + k + "_p").lower(-pc).add(e, 1.0);
      Expression neg = model.addExpression(name + k + "_n").lower(pc).add(e, 1.0);
      for (int i = 0; i < row.length; i++) {
        if (row[i] == 0) {
          continue;
        }
        pos.add(a.get(i), -row[i]);
        neg.add(a.get(i), row[i]);
        if (b != null) {
          pos.add(b.get(i), row[i]);
          neg.add(b.get(i), -row[i]);
        }
      }
    }
  }

  /**
   * Sets every variable to its value under {@code inputs} (H rows of nu), the network evaluated in
   * double: a feasible point when the inputs are admissible, which ojAlgo takes as its first incumbent.
   *
   * @return whether ojAlgo's own check finds the point feasible (else it will not use it)
   */
  boolean assign(double[][] inputs) {
    int nx = x0.length;
    int nu = problem.inputDim();
    double[] xt = x0.clone();
    double[] z = new double[nx + nu];
    set(x[0], xt);
    for (int t = 0; t < steps.length; t++) {
      set(u[t], inputs[t]);
      System.arraycopy(xt, 0, z, 0, nx);
      System.arraycopy(inputs[t], 0, z, nx, nu);
      double[] f = steps[t].assign(z);
      for (int i = 0; i < nx; i++) {
        xt[i] = network.residual() ? xt[i] + f[i] : f[i];
      }
      set(x[t + 1], xt);
    }
    for (Aux e : aux) {
      double v = 0;
      for (double[] row : e.rows()) {
        double d = 0;
        for (int i = 0; i < row.length; i++) {
          if (row[i] != 0) {
            d += row[i] * (value(e.a().get(i)) - (e.b() == null ? 0 : value(e.b().get(i))) - e.c()[i]);
          }
        }
        v = e.max() ? Math.max(v, Math.abs(d)) : v + Math.abs(d);
      }
      e.variable().setValue(BigDecimal.valueOf(v));
    }
    double[] lo = problem.stateLower();
    double[] hi = problem.stateUpper();
    for (Slack s : slacks) {
      double xv = value(s.state());
      if (s.over() != null) {
        s.over().setValue(BigDecimal.valueOf(Math.max(0, xv - hi[s.i()])));
      }
      if (s.under() != null) {
        s.under().setValue(BigDecimal.valueOf(Math.max(0, lo[s.i()] - xv)));
      }
    }
    return model.getVariableValues().getState().isFeasible();
  }

  private static double value(Variable v) {
    return v.getValue().doubleValue();
  }

  private static void set(Variable[] vars, double[] values) {
    for (int i = 0; i < vars.length; i++) {
      vars[i].setValue(BigDecimal.valueOf(values[i]));
    }
  }

  ExpressionsBasedModel model() {
    return model;
  }

  int binaries() {
    return binaries;
  }

  /** The inputs of a solution (values by model variable index), H rows of nu. */
  double[][] inputs(double[] values) {
    double[][] out = new double[u.length][];
    for (int t = 0; t < u.length; t++) {
      out[t] = read(u[t], values);
    }
    return out;
  }

  /** The states of a solution, H + 1 rows of nx. */
  double[][] states(double[] values) {
    double[][] out = new double[x.length][];
    for (int t = 0; t < x.length; t++) {
      out[t] = read(x[t], values);
    }
    return out;
  }

  private double[] read(Variable[] vars, double[] values) {
    double[] out = new double[vars.length];
    for (int i = 0; i < vars.length; i++) {
      out[i] = values[model.indexOf(vars[i])];
    }
    return out;
  }

  static List<Variable> concat(Variable[] a, Variable[] b) {
    List<Variable> all = new ArrayList<>(a.length + b.length);
    all.addAll(List.of(a));
    all.addAll(List.of(b));
    return all;
  }

  private static List<Variable> list(Variable[] a) {
    return List.of(a);
  }
}
