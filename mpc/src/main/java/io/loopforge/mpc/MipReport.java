package io.loopforge.mpc;

/**
 * What one {@link MipPlanner#plan} call did, stage by stage: bounds, the program's size, the solver's
 * verdict and the validation of its result.
 *
 * @param status the plan's status
 * @param detail why (the plan's detail)
 * @param bounds the bound stages: binaries after interval propagation and after LP tightening, LPs, times
 * @param variables variables of the mixed-integer program (0 when none was built)
 * @param constraints constraints of the program
 * @param binaries binaries of the program (= {@code bounds.binariesTightened()})
 * @param warmStartGiven whether the request carried an admissible warm start
 * @param warmStartAccepted whether ojAlgo's feasibility check accepted a first incumbent (the warm start, or
 *     the safe input held when the request had none)
 * @param solverState ojAlgo's final state ({@code OPTIMAL}, {@code FEASIBLE}, {@code INFEASIBLE},
 *     {@code FAILED}, …), empty when the solver did not run
 * @param solverObjective the program's objective at the solver's solution (NaN without one)
 * @param objective J of the plan recomputed in double by {@link MpcProblem#evaluate} (NaN without a plan)
 * @param maxStateError largest {@code |x_milp − x_net| / (1 + |x_net|)} between the program's predicted
 *     states and the network evaluated in double from the plan's inputs (NaN without a solution)
 * @param boundNanos wall time of both bound stages, ns
 * @param buildNanos wall time of building the program (and the warm start), ns
 * @param solveNanos wall time of ojAlgo's branch-and-bound, ns
 * @param totalNanos wall time of the whole call, ns
 */
public record MipReport(PlanStatus status, String detail, TighteningReport bounds, int variables, int constraints,
    int binaries, boolean warmStartGiven, boolean warmStartAccepted, String solverState, double solverObjective,
    double objective, double maxStateError, long boundNanos, long buildNanos, long solveNanos, long totalNanos) {

  /** Wall time of the whole call, ms. */
  public double millis() {
    return totalNanos / 1e6;
  }

  /** Wall time of the branch-and-bound alone, ms. */
  public double solveMillis() {
    return solveNanos / 1e6;
  }
}
