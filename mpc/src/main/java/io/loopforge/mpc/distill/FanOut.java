package io.loopforge.mpc.distill;

import java.util.List;

/**
 * Runs independent pieces of work (the chunks of a solve job) somewhere: the engine-neutral seam between a
 * {@link SolveJob} and what computes it. {@link ExecutorFanOut} (threads of this JVM) is the default; a
 * cluster engine lives in its own module. Each chunk's work writes its own result, so an engine needs to
 * return nothing but success or the first failure.
 */
public interface FanOut {
  /** The work of one chunk, run by the engine; it writes the chunk's file itself. */
  @FunctionalInterface
  interface ChunkWork {
    void run(int chunk) throws Exception;
  }

  /** A short name for messages and tables, e.g. {@code "local (2 threads)"}. */
  String name();

  /**
   * Runs {@code work} for every chunk in {@code chunks} and returns when all have finished.
   *
   * @throws InterruptedException when the calling thread is interrupted; the engine stops starting chunks
   *     and interrupts those running (chunks already finished stay written)
   * @throws Exception the first failure of a chunk's work (the others are stopped)
   */
  void run(List<Integer> chunks, ChunkWork work) throws Exception;
}
