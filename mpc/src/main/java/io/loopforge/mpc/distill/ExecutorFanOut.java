package io.loopforge.mpc.distill;

import io.loopforge.mpc.MpcException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * {@link FanOut} on a fixed pool of threads of this JVM (a plain {@link ExecutorService}); by default one
 * thread per available processor.
 */
public final class ExecutorFanOut implements FanOut {
  private final int threads;

  private ExecutorFanOut(int threads) {
    if (threads < 1) {
      throw new MpcException("the fan-out needs at least one thread, got " + threads);
    }
    this.threads = threads;
  }

  public static ExecutorFanOut threads(int threads) {
    return new ExecutorFanOut(threads);
  }

  /** One thread per available processor. */
  public static ExecutorFanOut allCores() {
    return new ExecutorFanOut(Runtime.getRuntime().availableProcessors());
  }

  public int threadCount() {
    return threads;
  }

  @Override
  public String name() {
    return "local (" + threads + (threads == 1 ? " thread)" : " threads)");
  }

  @Override
  public void run(List<Integer> chunks, ChunkWork work, IntConsumer finished) throws Exception {
    if (chunks.isEmpty()) {
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, chunks.size()), r -> {
      Thread t = new Thread(r, "loopforge-solve");
      t.setDaemon(true);
      return t;
    });
    ExecutorCompletionService<Void> done = new ExecutorCompletionService<>(pool);
    List<Future<Void>> futures = new ArrayList<>();
    try {
      for (int c : chunks) {
        futures.add(done.submit(() -> {
          work.run(c);
          finished.accept(c);
          return null;
        }));
      }
      for (int i = 0; i < futures.size(); i++) {
        try {
          done.take().get();
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof Exception ex) {
            throw ex;
          }
          throw (Error) cause;
        }
      }
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(1, TimeUnit.MINUTES);
    }
  }
}
