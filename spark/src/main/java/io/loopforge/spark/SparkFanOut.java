package io.loopforge.spark;

import io.loopforge.mpc.distill.FanOut;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.function.IntConsumer;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * {@link FanOut} on Apache Spark: each chunk is a one-task Spark job, all submitted at once, so the
 * scheduler hands them to free executor cores and retries a failed one ({@code spark.task.maxFailures}). The
 * chunk's work ({@link FanOut.ChunkWork}, serialized to the executor) writes the chunk's file where the job
 * says: with a {@code local[…]} master that is this machine; on a cluster the folder must be one that every
 * worker mounts at the same path (for output on HDFS or S3 use {@link SparkSolveApp}, which writes Parquet).
 * Found by {@link FanOut#provider} as engine {@code "spark"} ({@link Engine}).
 */
public final class SparkFanOut implements FanOut {
  private final SparkSession spark;
  private final boolean owned;

  private SparkFanOut(SparkSession spark, boolean owned) {
    this.spark = Objects.requireNonNull(spark, "spark");
    this.owned = owned;
  }

  /** A fan-out on {@code spark}; {@link #close} leaves the session running. */
  public static SparkFanOut on(SparkSession spark) {
    return new SparkFanOut(spark, false);
  }

  @Override
  public String name() {
    return "spark (" + spark.sparkContext().master() + ")";
  }

  @Override
  public void run(List<Integer> chunks, ChunkWork work, IntConsumer finished) throws Exception {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<JavaFutureAction<Void>> jobs = new ArrayList<>();
    List<Integer> pending = new ArrayList<>(chunks);
    try {
      for (int c : chunks) {
        jobs.add(jsc.parallelize(List.of(c), 1).foreachAsync(work::run));
      }
      while (!pending.isEmpty()) {
        boolean any = false;
        for (int i = 0; i < pending.size(); i++) {
          if (jobs.get(i).isDone()) {
            try {
              jobs.get(i).get();
            } catch (ExecutionException e) {
              Throwable cause = e.getCause();
              throw cause instanceof Exception ex ? ex : new ExecutionException(cause);
            }
            finished.accept(pending.get(i));
            jobs.remove(i);
            pending.remove(i);
            i--;
            any = true;
          }
        }
        if (!any) {
          Thread.sleep(50);
        }
      }
    } finally {
      for (JavaFutureAction<Void> j : jobs) {
        j.cancel(true);
      }
    }
  }

  @Override
  public void close() {
    if (owned) {
      spark.stop();
    }
  }

  /**
   * The engine {@code "spark"}: a session from {@link SparkSolveJob#session} ({@code local[*,4]} unless the
   * system property {@code spark.master} names another master), stopped when the fan-out is closed.
   */
  public static final class Engine implements FanOut.Provider {
    @Override
    public String engine() {
      return "spark";
    }

    @Override
    public FanOut open() {
      return new SparkFanOut(SparkSolveJob.session("loopforge-distill"), true);
    }
  }
}
