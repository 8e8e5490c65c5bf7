package io.loopforge.spark;

import io.loopforge.mpc.MpcException;
import io.loopforge.mpc.PlanStatus;
import io.loopforge.mpc.Planner;
import io.loopforge.mpc.distill.SolveJob;
import io.loopforge.mpc.distill.SolveRecord;
import io.loopforge.mpc.distill.SolveTask;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The solves of a distillation dataset on Apache Spark: the tasks are cut into chunks as by {@link
 * SolveJob}, each chunk is solved by a Spark task with a planner of its own ({@link SolveJob#solve}, the
 * same pure function as the local fan-out, so the records are the same) and the workers write the records
 * as Parquet, partitioned by chunk ({@code OUT/chunk=N/…}); rows never pass through the driver. The chunks
 * go out in waves of {@link Builder#wave} chunks, each wave one committed write, so a rerun after a crash
 * solves only the chunks not on disk (a wave cut short leaves nothing of itself). Spark retries failed
 * tasks itself.
 *
 * <p>The session's master decides where it runs: {@code local[*]} when {@code spark.master} is not set
 * ({@link #session}), a cluster when submitted with {@code spark-submit --master spark://…|yarn|k8s://…}.
 */
public final class SparkSolveJob {
  /** Makes fresh planners on the workers: serializable, so it travels with the tasks. */
  public interface PlannerRecipe extends Supplier<Planner>, Serializable {}

  /** The Parquet schema of a record. */
  public static final StructType SCHEMA = new StructType()
      .add("chunk", DataTypes.IntegerType, false)
      .add("index", DataTypes.IntegerType, false)
      .add("state", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
      .add("reference", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
      .add("input", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
      .add("status", DataTypes.StringType, false)
      .add("cost", DataTypes.DoubleType, false)
      .add("solve_ns", DataTypes.LongType, false);

  private final PlannerRecipe recipe;
  private final double[][] states;
  private final double[][] references;
  private final int chunkSize;
  private final String output;
  private final int wave;

  private SparkSolveJob(Builder b) {
    this.recipe = b.recipe;
    this.states = new double[b.tasks.size()][];
    this.references = new double[b.tasks.size()][];
    for (int i = 0; i < states.length; i++) {
      SolveTask t = b.tasks.get(i);
      if (t.index() != i) {
        throw new MpcException("task " + i + " has index " + t.index() + "; tasks must be numbered 0, 1, … in order");
      }
      states[i] = t.state();
      references[i] = t.reference();
    }
    this.chunkSize = b.chunkSize;
    this.output = Objects.requireNonNull(b.output, "the job needs an output path");
    this.wave = b.wave;
  }

  public static Builder builder(PlannerRecipe recipe, List<SolveTask> tasks) {
    return new Builder(recipe, tasks);
  }

  /**
   * A session named {@code appName}: {@code local[*,4]} (all cores, a failed task tried up to four times as
   * on a cluster, where {@code spark.task.maxFailures} says how often) when {@code spark.master} is not set.
   * A standalone master ({@code spark://host:port[,host:port…]}) is tried first with a plain connection: Spark's own
   * client retries its registration for a minute before it gives up, this says at once which master
   * cannot be reached.
   *
   * @throws MpcException when no master of a {@code spark://} URL accepts a connection
   */
  public static SparkSession session(String appName) {
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    String master = System.getProperty("spark.master");
    if (master == null) {
      b.master("local[*,4]");
    } else {
      checkReachable(master, CONNECT_TIMEOUT_MS);
    }
    return b.getOrCreate();
  }

  private static final int CONNECT_TIMEOUT_MS = 3_000;

  /**
   * Checks that at least one master of a standalone URL accepts a TCP connection; other URLs (local,
   * yarn, k8s) are left to Spark.
   *
   * @throws MpcException naming the URL, each master's failure and what to do
   */
  static void checkReachable(String master, int timeoutMillis) {
    if (!master.startsWith("spark://")) {
      return;
    }
    List<String> failures = new ArrayList<>();
    for (String hostPort : master.substring("spark://".length()).split(",")) {
      int colon = hostPort.lastIndexOf(':');
      String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
      int port;
      try {
        port = colon < 0 ? 7077 : Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new MpcException("spark.master " + master + ": '" + hostPort + "' is not host:port");
      }
      try (java.net.Socket socket = new java.net.Socket()) {
        socket.connect(new java.net.InetSocketAddress(host, port), timeoutMillis);
        return;
      } catch (java.io.IOException e) {
        failures.add(host + ":" + port + " (" + (e.getMessage() == null ? e.getClass().getSimpleName()
            : e.getMessage()) + ")");
      }
    }
    throw new MpcException("the Spark master " + master + " cannot be reached: " + String.join(", ", failures)
        + ". Start the master (and a worker), check the URL, or leave spark.master unset to run locally;"
        + " nothing was solved or written, and chunks already under the output are kept");
  }

  public int chunkCount() {
    return (states.length + chunkSize - 1) / chunkSize;
  }

  /**
   * Chunks already written under the output path, listed with Hadoop's default configuration (its
   * {@code core-site.xml} on the classpath, as on a cluster's driver).
   */
  public static List<Integer> chunksOnDisk(String output) {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(output);
    List<Integer> out = new ArrayList<>();
    try {
      org.apache.hadoop.fs.FileSystem fs = p.getFileSystem(new org.apache.hadoop.conf.Configuration());
      if (!fs.exists(p)) {
        return out;
      }
      for (org.apache.hadoop.fs.FileStatus s : fs.listStatus(p)) {
        String name = s.getPath().getName();
        if (s.isDirectory() && name.startsWith("chunk=")) {
          out.add(Integer.parseInt(name.substring("chunk=".length())));
        }
      }
    } catch (java.io.IOException e) {
      throw new MpcException("cannot list " + output + ": " + e.getMessage());
    }
    Collections.sort(out);
    return out;
  }

  /**
   * Solves the chunks not yet under the output path.
   *
   * @return the chunks solved by this run
   */
  public List<Integer> run(SparkSession spark) {
    TreeSet<Integer> done = new TreeSet<>(chunksOnDisk(output));
    List<Integer> pending = new ArrayList<>();
    for (int c = 0; c < chunkCount(); c++) {
      if (!done.contains(c)) {
        pending.add(c);
      }
    }
    for (int from = 0; from < pending.size(); from += wave) {
      List<Integer> batch = pending.subList(from, Math.min(pending.size(), from + wave));
      Dataset<Integer> chunks = spark.createDataset(new ArrayList<>(batch), Encoders.INT()).repartition(batch.size());
      Dataset<Row> rows = chunks.flatMap(new SolveChunk(recipe, states, references, chunkSize), Encoders.row(SCHEMA));
      rows.write().mode(SaveMode.Append).partitionBy("chunk").parquet(output);
    }
    return pending;
  }

  /** Reads the records of every chunk under {@code output}, in task order (for tests and small datasets). */
  public static List<SolveRecord> read(SparkSession spark, String output) {
    List<SolveRecord> out = new ArrayList<>();
    for (Row r : spark.read().parquet(output).orderBy("index").collectAsList()) {
      out.add(new SolveRecord(r.getInt(r.fieldIndex("index")), doubles(r, "state"), doubles(r, "reference"),
          doubles(r, "input"), PlanStatus.valueOf(r.getString(r.fieldIndex("status"))),
          r.getDouble(r.fieldIndex("cost")), r.getLong(r.fieldIndex("solve_ns"))));
    }
    return out;
  }

  private static double[] doubles(Row r, String field) {
    List<Double> l = r.getList(r.fieldIndex(field));
    double[] d = new double[l.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = l.get(i);
    }
    return d;
  }

  /** The work of one Spark task: every task of a chunk, solved cold by a fresh planner. */
  private static final class SolveChunk implements FlatMapFunction<Integer, Row> {
    private static final long serialVersionUID = 1L;
    private final PlannerRecipe recipe;
    private final double[][] states;
    private final double[][] references;
    private final int chunkSize;

    SolveChunk(PlannerRecipe recipe, double[][] states, double[][] references, int chunkSize) {
      this.recipe = recipe;
      this.states = states;
      this.references = references;
      this.chunkSize = chunkSize;
    }

    @Override
    public Iterator<Row> call(Integer chunk) {
      Planner planner = recipe.get();
      List<Row> rows = new ArrayList<>();
      int end = Math.min(states.length, (chunk + 1) * chunkSize);
      for (int i = chunk * chunkSize; i < end; i++) {
        SolveRecord r = SolveJob.solve(planner, new SolveTask(i, states[i], references[i]));
        rows.add(RowFactory.create(chunk, i, boxed(r.state()), boxed(r.reference()), boxed(r.input()),
            r.status().name(), r.cost(), r.solveNanos()));
      }
      return rows.iterator();
    }

    private static Double[] boxed(double[] v) {
      Double[] b = new Double[v.length];
      for (int i = 0; i < v.length; i++) {
        b[i] = v[i];
      }
      return b;
    }
  }

  /** Options of a {@link SparkSolveJob}. */
  public static final class Builder {
    private final PlannerRecipe recipe;
    private final List<SolveTask> tasks;
    private int chunkSize = 100;
    private String output;
    private int wave = 8;

    private Builder(PlannerRecipe recipe, List<SolveTask> tasks) {
      this.recipe = Objects.requireNonNull(recipe, "recipe");
      this.tasks = List.copyOf(tasks);
    }

    public Builder chunkSize(int n) {
      if (n < 1) {
        throw new MpcException("the chunk size must be at least 1, got " + n);
      }
      this.chunkSize = n;
      return this;
    }

    /** Where the workers write Parquet: a path or URI Hadoop understands (file:, hdfs:, s3a:, …). */
    public Builder output(String path) {
      this.output = path;
      return this;
    }

    /** Chunks per committed write (default 8): what a crash can cost at most. */
    public Builder wave(int chunks) {
      if (chunks < 1) {
        throw new MpcException("a wave needs at least one chunk, got " + chunks);
      }
      this.wave = chunks;
      return this;
    }

    public SparkSolveJob build() {
      return new SparkSolveJob(this);
    }
  }
}
