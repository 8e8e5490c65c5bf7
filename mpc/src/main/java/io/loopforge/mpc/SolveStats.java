package io.loopforge.mpc;

/**
 * What a plan cost to compute. Fields a planner does not have are 0 (binaries for a sampling planner,
 * samples for the MIP).
 *
 * @param nanos wall time of the planner call, ns
 * @param binariesBefore binaries of the mixed-integer program with interval bounds only
 * @param binariesAfter binaries left after bound tightening (what the solver branched on)
 * @param nodes branch-and-bound nodes, or solver iterations of an iterative planner
 * @param samples rollouts evaluated (sampling planners)
 */
public record SolveStats(long nanos, int binariesBefore, int binariesAfter, long nodes, long samples) {
  /** Wall time, ms. */
  public double millis() {
    return nanos / 1e6;
  }

  /** Only a time. */
  public static SolveStats ofTime(long nanos) {
    return new SolveStats(nanos, 0, 0, 0, 0);
  }
}
