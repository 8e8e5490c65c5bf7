package io.loopforge.mpc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;

/**
 * A batch of input sequences and their costs J, evaluated by {@link MpcProblem#evaluate}: the storage of
 * a sampling planner, allocated once per planner. Sequence k is {@code inputs[k]} (H × nu); the planner
 * writes the sequences (drawing every random number itself, in one thread), {@link #evaluate} fills
 * {@code costs}. With {@code threads > 1} the rollouts are split into contiguous chunks, one per thread,
 * each with its own state rows; a rollout depends only on its own sequence, so the costs are the same for
 * any number of threads. The model's {@code step} must then be safe to call from several threads at once.
 *
 * <p>Not thread-safe itself: one batch per planner.
 */
final class RolloutBatch {
  final double[][][] inputs;
  final double[] costs;
  private final MpcProblem problem;
  private final int threads;
  private final double[][][] chunkStates;
  private final List<Callable<Void>> tasks;
  private ForkJoinPool pool;
  // the request being evaluated, read by the chunk tasks
  private PlanRequest request;
  private int count;

  RolloutBatch(MpcProblem problem, int size, int threads) {
    this.problem = problem;
    this.threads = threads;
    this.inputs = new double[size][][];
    for (int k = 0; k < size; k++) {
      inputs[k] = InputSequences.sequence(problem);
    }
    this.costs = new double[size];
    int chunks = Math.max(1, Math.min(threads, size));
    this.chunkStates = new double[chunks][][];
    this.tasks = new ArrayList<>(chunks);
    for (int c = 0; c < chunks; c++) {
      chunkStates[c] = InputSequences.states(problem);
      int chunk = c;
      tasks.add(() -> {
        evaluateChunk(chunk, chunks);
        return null;
      });
    }
  }

  int size() {
    return costs.length;
  }

  /** Fills {@code costs[0 … count − 1]} with J of {@code inputs[0 … count − 1]} (+∞ for a diverging rollout). */
  void evaluate(PlanRequest request, int count) {
    this.request = request;
    this.count = count;
    if (tasks.size() == 1 || count < 2) {
      evaluateRange(0, 0, count);
      return;
    }
    if (pool == null) {
      // Daemon workers that end after a minute idle: a planner needs no close().
      pool = new ForkJoinPool(threads);
    }
    List<Future<Void>> done = pool.invokeAll(tasks);
    for (Future<Void> f : done) {
      try {
        f.get();
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException) {
          throw (RuntimeException) cause;
        }
        if (cause instanceof Error) {
          throw (Error) cause;
        }
        throw new IllegalStateException(cause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MpcException("interrupted while evaluating rollouts", e);
      }
    }
  }

  private void evaluateChunk(int chunk, int chunks) {
    long n = count;
    evaluateRange(chunk, (int) (chunk * n / chunks), (int) ((chunk + 1) * n / chunks));
  }

  private void evaluateRange(int chunk, int from, int to) {
    double[][] states = chunkStates[chunk];
    double[] x0 = request.state();
    double[][] reference = request.reference();
    double[] previous = request.previousInput();
    for (int k = from; k < to; k++) {
      costs[k] = problem.evaluate(x0, reference, previous, inputs[k], states);
    }
  }
}
