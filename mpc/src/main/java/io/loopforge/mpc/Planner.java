package io.loopforge.mpc;

/**
 * Solves an {@link MpcProblem} from a measured state. Implementations are seeded (the same request gives
 * the same plan) and validate what they return: a plan with a {@link PlanStatus#usable() usable} status
 * has finite inputs inside the box and the rate limits, and states the model predicts from them.
 * Not required to be thread-safe: use one planner per closed loop.
 */
public interface Planner {
  /** The problem this planner solves. */
  MpcProblem problem();

  /** A short name for tables and messages, e.g. {@code "mip"} or {@code "mppi"}. */
  String name();

  /**
   * One plan.
   *
   * @param request the measured state, the reference window, u_{−1} and an optional warm start
   */
  Plan plan(PlanRequest request);

  /** Forgets what earlier calls left behind (warm-start state, sampler means); a new episode starts. */
  default void reset() {}
}
