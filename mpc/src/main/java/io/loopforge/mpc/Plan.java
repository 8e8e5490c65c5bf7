package io.loopforge.mpc;

import java.util.Arrays;
import java.util.Objects;

/**
 * The result of one planner call: H inputs, the H + 1 states the model predicts from the measured state
 * (row 0 is that state), the status, the objective J (see {@link MpcProblem}; NaN when there is no
 * plan) and what it cost to compute. A plan whose status is not {@link PlanStatus#usable() usable} has
 * no inputs a plant may receive: its arrays are empty. Immutable (arrays are copied out).
 */
public final class Plan {
  private final double[][] inputs;
  private final double[][] states;
  private final PlanStatus status;
  private final double objective;
  private final SolveStats stats;
  private final String detail;

  public Plan(double[][] inputs, double[][] states, PlanStatus status, double objective, SolveStats stats,
      String detail) {
    this.inputs = deepCopy(inputs);
    this.states = deepCopy(states);
    this.status = Objects.requireNonNull(status, "status");
    this.objective = objective;
    this.stats = Objects.requireNonNull(stats, "stats");
    this.detail = detail == null ? "" : detail;
  }

  /** A plan that failed: no inputs, the status and a sentence saying why. */
  public static Plan failed(PlanStatus status, SolveStats stats, String detail) {
    if (status.usable()) {
      throw new IllegalArgumentException(status + " is not a failure");
    }
    return new Plan(new double[0][], new double[0][], status, Double.NaN, stats, detail);
  }

  public double[][] inputs() {
    return deepCopy(inputs);
  }

  /** The first input, the one a receding-horizon controller applies. */
  public double[] firstInput() {
    if (inputs.length == 0) {
      throw new IllegalStateException("a " + status + " plan has no inputs: " + detail);
    }
    return inputs[0].clone();
  }

  public double[][] states() {
    return deepCopy(states);
  }

  public PlanStatus status() {
    return status;
  }

  public double objective() {
    return objective;
  }

  public SolveStats stats() {
    return stats;
  }

  /** Why the plan has its status (the solver's message, the failed check), or empty. */
  public String detail() {
    return detail;
  }

  /** This plan with another status and detail (a controller's verdict on it). */
  Plan withStatus(PlanStatus s, String why) {
    return new Plan(inputs, states, s, objective, stats, why);
  }

  static double[][] deepCopy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }

  @Override
  public String toString() {
    return "Plan[" + status + ", J=" + objective + ", " + stats.millis() + " ms, u0="
        + (inputs.length == 0 ? "-" : Arrays.toString(inputs[0])) + (detail.isEmpty() ? "" : ", " + detail) + "]";
  }
}
