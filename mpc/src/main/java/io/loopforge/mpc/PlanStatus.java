package io.loopforge.mpc;

/** What a {@link Plan} is: how the planner ended, or which fallback a controller put in its place. */
public enum PlanStatus {
  /** Proven optimal within the solver's gap tolerance (a MIP or convex subproblem). */
  OPTIMAL(true),
  /** A validated feasible plan, not proven optimal: the time limit ended the search with an incumbent. */
  FEASIBLE(true),
  /** The best plan a heuristic planner (sampling, gradient) found within its budget. */
  BEST_FOUND(true),
  /** The problem was reported infeasible (no input sequence satisfies the hard constraints). */
  INFEASIBLE(false),
  /** The time limit ended the search before any feasible plan was found. */
  NO_INCUMBENT(false),
  /** The solver returned a plan that failed validation in double precision (the network or constraints). */
  INVALID(false),
  /** The solver failed otherwise (numerical trouble, an unexpected state). */
  FAILED(false),
  /** A receding-horizon controller's fallback: the previous plan shifted by one step. */
  FALLBACK_SHIFTED(true),
  /** A receding-horizon controller's last resort: a safe input (u_ref clipped to the box and rate limits). */
  FALLBACK_SAFE(true);

  private final boolean usable;

  PlanStatus(boolean usable) {
    this.usable = usable;
  }

  /** Whether the plan's inputs may be applied (validated, or a stated fallback). */
  public boolean usable() {
    return usable;
  }

  /** Whether this status is a controller's fallback rather than a planner's result. */
  public boolean isFallback() {
    return this == FALLBACK_SHIFTED || this == FALLBACK_SAFE;
  }
}
