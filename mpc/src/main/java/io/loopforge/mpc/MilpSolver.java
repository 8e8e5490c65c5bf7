package io.loopforge.mpc;

import java.time.Duration;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;

/**
 * Solves a {@link MilpInstance} with ojAlgo 56.2.1's branch-and-bound in the configuration of
 * shared/notes/sparse-dynamics-and-mip.md (presolvers cleared, GMI cuts off, gap tolerance ≈ 1e-7
 * relative, one thread) with a time limit ({@code options.time_abort} and {@code time_suffice}).
 *
 * <p><b>Warm start.</b> ojAlgo 56.2.1 takes an incumbent from the model itself: {@code IntegerSolver.solve}
 * starts from the model's variable values ({@code ExpressionsBasedModel.getVariableValues()}, the value
 * set on each {@code Variable}) and, when every variable has one and they pass the model's own
 * feasibility check, marks that point as its first integer solution, which prunes every node whose
 * relaxation is not better. ({@code setKnownSolution} is not a warm start: it only validates the solver
 * during development and must be optimal.) Set the values, then solve.
 *
 * <p>ojAlgo changes the model it solves: it tightens variable bounds while it prepares the search (its
 * two-variable constraint analysis runs even with the presolvers cleared) and writes the solution back
 * into the variables. So this solver solves a copy, and the instance stays as built: written as MPS after
 * a solve it is still the program that was solved, and a second solve starts where the first did.
 *
 * <p>Immutable; one solve at a time per instance.
 */
public final class MilpSolver {
  /**
   * What ojAlgo returned.
   *
   * @param state ojAlgo's state: OPTIMAL (proven within the gap), FEASIBLE (stopped by the time limit with
   *     an incumbent), INFEASIBLE, FAILED (stopped without an incumbent, or numerical failure), …
   * @param objective the objective at the solution, constant included (meaningless without a solution)
   * @param values variable values by model index
   * @param nanos wall time, ns
   */
  public record Solution(Optimisation.State state, double objective, double[] values, long nanos) {
    /** Whether there is a feasible solution (OPTIMAL, DISTINCT or FEASIBLE). */
    public boolean hasSolution() {
      return state.isFeasible();
    }

    public double millis() {
      return nanos / 1e6;
    }
  }

  private final long timeLimitMillis;
  private final boolean deterministic;

  private MilpSolver(Builder b) {
    this.timeLimitMillis = b.timeLimit.toMillis();
    this.deterministic = b.deterministic;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Duration timeLimit() {
    return Duration.ofMillis(timeLimitMillis);
  }

  public boolean deterministic() {
    return deterministic;
  }

  /** Solves (minimises) a copy of {@code instance}; the time includes the copy. */
  public Solution solve(MilpInstance instance) {
    long start = System.nanoTime();
    ExpressionsBasedModel model = instance.model().copy();
    OjAlgo.configure(model, deterministic, timeLimitMillis);
    Optimisation.Result r = OjAlgo.withoutPresolvers(model::minimise);
    long nanos = System.nanoTime() - start;
    double[] values = new double[model.countVariables()];
    for (int i = 0; i < values.length; i++) {
      values[i] = r.doubleValue(i);
    }
    return new Solution(r.getState(), r.getValue() + instance.objectiveConstant(), values, nanos);
  }

  /** Options of a {@link MilpSolver}. */
  public static final class Builder {
    private Duration timeLimit = Duration.ofSeconds(1);
    private boolean deterministic;

    private Builder() {}

    /** Time limit of one solve (default 1 s; at least 1 ms is used). */
    public Builder timeLimit(Duration d) {
      this.timeLimit = Durations.positive(d, "the MIP time limit");
      return this;
    }

    /**
     * Nodes in creation order (FIFO) instead of best-first: the same search on every run, for tests
     * (default false).
     */
    public Builder deterministic(boolean on) {
      this.deterministic = on;
      return this;
    }

    public MilpSolver build() {
      return new MilpSolver(this);
    }
  }
}
