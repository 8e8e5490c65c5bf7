package io.loopforge.modeling.sindy;

import java.util.List;

/**
 * The rows {@code [Θ(z_i) | y_i]} of a SINDy regression, and their reduction to an {@link LsProblem}.
 * Rows are produced on the fly by a {@link RowSource}; {@link #materialize()} keeps them for
 * optimizers that resample rows (bagging).
 */
final class Design {
  /**
   * Writes rows {@code start … start + count - 1} into {@code dst} by columns: entry (r, j) of the
   * block ({@code j < p}: term j, else target {@code j - p}) at {@code dst[j][r]}.
   */
  interface RowSource {
    void fill(int start, int count, double[][] dst);

    /** A source of the same rows for use by another thread. */
    RowSource copy();
  }

  /** Rows × columns² below which the reduction runs in the calling thread alone. */
  private static final double PARALLEL_WORK = 1 << 24;

  final int n;
  final int p;
  final int m;
  private final RowSource source;
  private double[] rows; // n × (p + m) once materialised
  private LsProblem full;

  private final int threads;

  /** @param threads most threads that reduce rows in parallel (1: the calling thread only) */
  Design(int n, int p, int m, RowSource source, int threads) {
    this.n = n;
    this.p = p;
    this.m = m;
    this.source = source;
    this.threads = threads;
  }

  /** Keeps all rows in memory (for row resampling). */
  void materialize() {
    if (rows == null) {
      int c = p + m;
      rows = new double[n * c];
      int step = TallQr.blockRows(c);
      double[][] block = new double[c][step];
      for (int start = 0; start < n; start += step) {
        int count = Math.min(step, n - start);
        source.fill(start, count, block);
        for (int j = 0; j < c; j++) {
          double[] col = block[j];
          for (int r = 0; r < count; r++) {
            rows[(start + r) * c + j] = col[r];
          }
        }
      }
    }
  }

  /**
   * The reduced problem of all rows (computed once). Large problems are cut into row chunks fixed by
   * the problem's shape alone, reduced (in parallel when more than one thread is allowed) and combined
   * in chunk order, so the result does not depend on the number of threads or the machine.
   */
  LsProblem full() {
    if (full == null) {
      int c = p + m;
      int step = TallQr.blockRows(c);
      int chunks = (int) Math.min(16, Math.ceil((double) n * c * c / PARALLEL_WORK));
      int perChunk = (int) Math.ceil((double) n / Math.max(1, chunks) / step) * step;
      chunks = Math.max(1, (n + perChunk - 1) / perChunk);
      if (chunks == 1) {
        full = reduce(source, 0, n).problem();
      } else {
        full = reduceParallel(chunks, perChunk).problem();
      }
    }
    return full;
  }

  private TallQr reduceParallel(int chunks, int perChunk) {
    TallQr[] parts = new TallQr[chunks];
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    int helpers = Math.min(Math.min(chunks, threads), Runtime.getRuntime().availableProcessors()) - 1;
    List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
    for (int h = 0; h < helpers; h++) {
      RowSource src = source.copy();
      futures.add(java.util.concurrent.ForkJoinPool.commonPool().submit(() -> work(src, next, parts, perChunk)));
    }
    work(source, next, parts, perChunk);
    for (java.util.concurrent.Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while reducing the SINDy regression", e);
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof RuntimeException) {
          throw (RuntimeException) e.getCause();
        }
        throw new IllegalStateException(e.getCause());
      }
    }
    TallQr all = parts[0];
    for (int i = 1; i < chunks; i++) {
      all.absorb(parts[i]);
    }
    return all;
  }

  private void work(RowSource src, java.util.concurrent.atomic.AtomicInteger next, TallQr[] parts, int perChunk) {
    int i;
    while ((i = next.getAndIncrement()) < parts.length) {
      int from = i * perChunk;
      parts[i] = reduce(src, from, Math.min(n, from + perChunk));
    }
  }

  /** QR of rows {@code from … to - 1}. */
  private TallQr reduce(RowSource src, int from, int to) {
    int c = p + m;
    TallQr qr = new TallQr(p, m);
    int step = TallQr.blockRows(c);
    double[][] block = new double[c][step];
    for (int start = from; start < to; start += step) {
      int count = Math.min(step, to - start);
      if (rows != null) {
        for (int r = 0; r < count; r++) {
          for (int j = 0; j < c; j++) {
            block[j][r] = rows[(start + r) * c + j];
          }
        }
      } else {
        src.fill(start, count, block);
      }
      qr.absorb(block, count);
    }
    return qr;
  }

  /** The reduced problem of the given rows (with repetitions); needs {@link #materialize()}. */
  LsProblem rows(int[] idx) {
    materialize();
    int c = p + m;
    TallQr qr = new TallQr(p, m);
    int step = TallQr.blockRows(c);
    double[][] block = new double[c][step];
    for (int start = 0; start < idx.length; start += step) {
      int count = Math.min(step, idx.length - start);
      for (int r = 0; r < count; r++) {
        int src = idx[start + r] * c;
        for (int j = 0; j < c; j++) {
          block[j][r] = rows[src + j];
        }
      }
      qr.absorb(block, count);
    }
    return qr.problem();
  }
}
