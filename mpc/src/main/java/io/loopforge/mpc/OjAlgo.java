package io.loopforge.mpc;

import java.util.function.Supplier;
import org.ojalgo.concurrent.Parallelism;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.integer.IntegerStrategy;
import org.ojalgo.optimisation.integer.NodeKey;
import org.ojalgo.type.context.NumberContext;

/**
 * The ojAlgo 56.2.1 settings that gave no wrong answers in a randomized test of 10 000 feasible MILPs
 * against brute force (shared/notes/sparse-dynamics-and-mip.md): presolvers off, GMI cuts off (a minimum fractionality of
 * 0.5 is never exceeded by a fractional value's distance to an integer, so no cut is generated), gap
 * tolerance {@code NumberContext.of(7, 8)} (relative ≈ 1e-7), one worker thread.
 *
 * <p>ojAlgo keeps its presolvers in one JVM-wide set, and a model whose set is not empty is scanned and
 * presolved before it is solved. Clearing the set, as the MILPs need, would also take the presolvers from
 * the convex subproblems of SINDy-MPC, and without them ojAlgo's active-set QP solver stalls on some of
 * those (a box- and rate-limited QP of 10 variables ran into a 3 s time limit where it takes 5 ms with
 * the presolvers). So every solve in this package runs through {@link #withoutPresolvers} (MILPs and
 * their LPs) or {@link #withPresolvers} (the convex subproblems): solves of one kind run side by side, a
 * solve of the other kind waits until they have ended, and the set is switched in between.
 */
final class OjAlgo {
  /** The gap tolerance of every mixed-integer solve. */
  static final NumberContext GAP = NumberContext.of(7, 8);

  /**
   * The tolerance of ojAlgo's own feasibility checks ({@code options.feasibility}): relative 1e-4 of the
   * larger of limit and value, or 5e-5 absolute when both are smaller. ojAlgo's default, {@code
   * NumberContext.of(12, 8)}, asks for 1e-11 relative to the row's limit, which a point computed in double
   * misses on rows whose terms cancel to a small limit (the dynamics row of a state whose output bias is
   * 8e-8: an error of 1e-17 is 1e-10 relative). With the default, ojAlgo 56.2.1 rejects the warm start,
   * discards integer leaves of the search as "infeasible for the original model" and so reports feasible
   * programs INFEASIBLE, or suboptimal ones OPTIMAL (seen on closed-loop instances, CBC disagreeing).
   * The simplex itself does not use this tolerance (only for its optional validation); every plan is
   * checked in double afterwards (MipPlanner).
   */
  static final NumberContext FEASIBILITY = NumberContext.of(5, 4);

  private static final IntegerStrategy.ConfigurableStrategy STRATEGY = IntegerStrategy.DEFAULT
      .withGMICutConfiguration(new IntegerStrategy.GMICutConfiguration().withFractionality(0.5))
      .withGapTolerance(GAP)
      .withParallelism(Parallelism.ONE);

  /** Same, nodes taken in the order they were created: the same search every run (tests). */
  private static final IntegerStrategy.ConfigurableStrategy DETERMINISTIC =
      STRATEGY.withPriorityDefinitions(NodeKey.FIFO_SEQUENCE);

  /** Which presolver set the solves now running need, and how many there are. */
  private static final Object ROOM = new Object();
  private static boolean presolving = true; // ojAlgo starts with its defaults
  private static int running;

  private OjAlgo() {}

  /** Runs {@code solve} with ojAlgo's presolver set empty (every MILP and LP of the MIP classes). */
  static <T> T withoutPresolvers(Supplier<T> solve) {
    return in(false, solve);
  }

  /** Runs {@code solve} with ojAlgo's default presolvers (SINDy-MPC's convex subproblems). */
  static <T> T withPresolvers(Supplier<T> solve) {
    return in(true, solve);
  }

  private static <T> T in(boolean presolvers, Supplier<T> solve) {
    synchronized (ROOM) {
      boolean interrupted = false;
      while (running > 0 && presolving != presolvers) {
        try {
          ROOM.wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      if (running == 0 && presolving != presolvers) {
        ExpressionsBasedModel.clearPresolvers();
        if (presolvers) {
          ExpressionsBasedModel.resetPresolvers();
        }
        presolving = presolvers;
      }
      running++;
    }
    try {
      return solve.get();
    } finally {
      synchronized (ROOM) {
        running--;
        ROOM.notifyAll();
      }
    }
  }

  static IntegerStrategy strategy(boolean deterministic) {
    return deterministic ? DETERMINISTIC : STRATEGY;
  }

  /** A new model with the integer strategy, the feasibility tolerance and a time limit (ms, ≥ 1). */
  static ExpressionsBasedModel newModel(boolean deterministic, long millis) {
    ExpressionsBasedModel m = new ExpressionsBasedModel();
    configure(m, deterministic, millis);
    return m;
  }

  static void configure(ExpressionsBasedModel m, boolean deterministic, long millis) {
    m.options.integer(strategy(deterministic));
    m.options.feasibility = FEASIBILITY;
    long ms = Math.max(1, millis);
    m.options.time_abort = ms;
    m.options.time_suffice = ms;
  }
}
