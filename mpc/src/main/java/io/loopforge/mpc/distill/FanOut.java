package io.loopforge.mpc.distill;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.IntConsumer;

/**
 * Runs independent pieces of work (the chunks of a solve job) somewhere: the engine-neutral seam between a
 * {@link SolveJob} and what computes it. {@link ExecutorFanOut} (threads of this JVM) is the default; other
 * engines live in their own modules and are found by name through {@link Provider} ({@link #provider}), so
 * that nothing here depends on them. Each chunk's work writes its own result, so an engine needs to return
 * nothing but success or the first failure.
 */
public interface FanOut extends AutoCloseable {
  /**
   * The work of one chunk, run by the engine; it writes the chunk's file itself. Serializable, so that an
   * engine may run it in another JVM (it is, when everything it holds is: {@link SolveJob}'s work is when
   * its planner factory is, as {@link MpcSpec#planners()}).
   */
  @FunctionalInterface
  interface ChunkWork extends Serializable {
    void run(int chunk) throws Exception;
  }

  /** A short name for messages and tables, e.g. {@code "local (2 threads)"}. */
  String name();

  /**
   * Runs {@code work} for every chunk in {@code chunks} and returns when all have finished; {@code finished}
   * is told of each chunk when its work has returned, in this JVM (possibly from several threads).
   *
   * @throws InterruptedException when the calling thread is interrupted; the engine stops starting chunks
   *     and interrupts those running (chunks already finished stay written)
   * @throws Exception the first failure of a chunk's work (the others are stopped)
   */
  void run(List<Integer> chunks, ChunkWork work, IntConsumer finished) throws Exception;

  /** Releases what the engine holds (a cluster session); nothing for {@link ExecutorFanOut}. */
  @Override
  default void close() {}

  /** An engine another module provides, found with {@link java.util.ServiceLoader}. */
  interface Provider {
    /** The engine's name on command lines, e.g. {@code "spark"}. */
    String engine();

    /** A new fan-out of this engine, to be closed after use. */
    FanOut open();
  }

  /** The provider of {@code engine} on the class path, if there is one. */
  static Optional<Provider> provider(String engine) {
    for (Provider p : ServiceLoader.load(Provider.class, FanOut.class.getClassLoader())) {
      if (p.engine().equals(engine)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
