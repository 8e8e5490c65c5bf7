package io.loopforge.spark;

import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantCatalog;
import io.loopforge.mpc.MpcException;
import io.loopforge.mpc.distill.MpcSpec;
import io.loopforge.mpc.distill.SampleRegion;
import io.loopforge.mpc.distill.SolveJob;
import io.loopforge.mpc.distill.SolveTask;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The distillation's sampled solves as a Spark application, for {@code spark-submit}: reads the MPC spec on
 * the driver ({@link MpcSpec}, which travels to the executors with the model's text), draws the same states
 * as {@code loopforge distill} with the same options (its {@code samples} batch) and runs a {@link
 * SparkSolveJob} writing Parquet to {@code --out}. Runs in {@code local[*]} when {@code spark.master} is not
 * set; on a cluster when submitted with {@code --master spark://…|yarn|k8s://…}.
 *
 * <pre>
 * spark-submit --master spark://host:7077 --class io.loopforge.spark.SparkSolveApp \
 *     --jars loopforge-mpc.jar,loopforge-modeling.jar,ojalgo.jar,… loopforge-spark.jar \
 *     --mpc walls-mpc.json --plant cartpole-walls --samples 1000000 --out hdfs:///solves/walls
 * </pre>
 */
public final class SparkSolveApp {
  static final String USAGE = String.join("\n",
      "Usage: spark-submit [SPARK OPTIONS] --class io.loopforge.spark.SparkSolveApp loopforge-spark.jar \\",
      "         --mpc MPC-SPEC.json --plant NAME --samples N --out PATH [options]",
      "Solves the MPC of MPC-SPEC from N states sampled in the plant's operating region, as the 'samples' batch of",
      "'loopforge distill' with the same options; the executors write the records as Parquet under PATH (a path",
      "or a URI Hadoop understands: file:, hdfs:, s3a:, ...), one folder per chunk. A rerun solves only the chunks",
      "not under PATH. Runs on local[*] when spark.master is not set.",
      "  --mpc FILE          the MPC spec (JSON, as for loopforge distill; read on the driver)",
      "  --plant NAME        catalog plant: " + String.join(", ", PlantCatalog.names()),
      "  --samples N         states sampled",
      "  --out PATH          output folder or URI",
      "  --sampling D        lhs (Latin hypercube) or uniform (default: lhs)",
      "  --region F          sample the central fraction F of the operating region (default: 0.5)",
      "  --region-lower X,.. and --region-upper X,..: the sample box instead",
      "  --seed S            seed of the samples (default: 1)",
      "  --chunk-size N      solves per chunk, one Spark task each (default: 50)",
      "  --wave N            chunks per committed write (default: 8)");

  private SparkSolveApp() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** A usage error: exit code 2. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** The parsed command line. */
  record Options(Path mpc, String plant, int samples, String out, SampleRegion.Design design, double region,
      double[] regionLower, double[] regionUpper, long seed, int chunkSize, int wave) {}

  /**
   * Runs the application.
   *
   * @return 0 when done, 2 for a usage error, 1 for a failure (a bad spec, an unreachable master)
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Options o;
    try {
      o = parse(args);
      if (o == null) {
        out.println(USAGE);
        return 0;
      }
    } catch (UsageException e) {
      err.println("loopforge-spark: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    SparkSession spark = null;
    try {
      Plant plant;
      try {
        plant = PlantCatalog.create(o.plant());
      } catch (ModelingException e) {
        throw new UsageException("--plant: " + e.getMessage());
      }
      SampleRegion region;
      try {
        region = (o.regionLower() != null ? SampleRegion.of(o.regionLower(), o.regionUpper())
            : SampleRegion.ofPlant(plant, o.region())).requireInside(plant);
      } catch (MpcException e) {
        throw new UsageException("the sample region: " + e.getMessage());
      }
      MpcSpec spec = MpcSpec.read(o.mpc(), plant.name());
      List<SolveTask> tasks = SolveJob.tasks(region.sample(o.design(), o.samples(), o.seed()),
          spec.problem().stateReference());
      spark = SparkSolveJob.session("loopforge-solves");
      SparkSolveJob job = SparkSolveJob.builder((SparkSolveJob.PlannerRecipe) spec::planner, tasks)
          .chunkSize(o.chunkSize()).wave(o.wave()).output(o.out()).build();
      out.printf(Locale.ROOT, "loopforge-spark: %d %s samples of %s in %s, MPC %s, %d chunks on %s -> %s%n",
          tasks.size(), o.design().cliName(), plant.name(), region, spec.source(), job.chunkCount(),
          spark.sparkContext().master(), o.out());
      long t0 = System.nanoTime();
      List<Integer> solved = job.run(spark);
      double seconds = (System.nanoTime() - t0) / 1e9;
      Map<String, Long> statuses = new LinkedHashMap<>();
      long rows = 0;
      for (Row r : spark.read().parquet(o.out()).groupBy("status").count().orderBy("status").collectAsList()) {
        statuses.put(r.getString(0), r.getLong(1));
        rows += r.getLong(1);
      }
      out.printf(Locale.ROOT, "  solved %d of %d chunks in %.1f s (%.1f solves/s); %d records on disk: %s%n",
          solved.size(), job.chunkCount(), seconds, seconds > 0 ? countSolves(solved, o, tasks.size()) / seconds : 0,
          rows, statuses);
      return 0;
    } catch (UsageException e) {
      err.println("loopforge-spark: " + e.getMessage());
      return 2;
    } catch (MpcException | ModelingException e) {
      err.println("loopforge-spark: " + e.getMessage());
      return 1;
    } finally {
      if (spark != null) {
        spark.stop();
      }
    }
  }

  private static long countSolves(List<Integer> chunks, Options o, int tasks) {
    long n = 0;
    for (int c : chunks) {
      n += Math.min(tasks, (long) (c + 1) * o.chunkSize()) - (long) c * o.chunkSize();
    }
    return n;
  }

  /** The options; null when help was asked for. */
  static Options parse(String[] args) {
    Map<String, String> v = new LinkedHashMap<>();
    List<String> known = List.of("--mpc", "--plant", "--samples", "--out", "--sampling", "--region", "--region-lower",
        "--region-upper", "--seed", "--chunk-size", "--wave");
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        return null;
      }
      String key = a;
      String value;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        key = a.substring(0, eq);
        value = a.substring(eq + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        value = null;
      }
      if (!known.contains(key)) {
        throw new UsageException("unknown option '" + a + "'");
      }
      if (value == null) {
        throw new UsageException(key + " needs a value");
      }
      if (v.put(key, value) != null) {
        throw new UsageException(key + " given twice");
      }
    }
    List<String> missing = new ArrayList<>();
    for (String k : List.of("--mpc", "--plant", "--samples", "--out")) {
      if (!v.containsKey(k)) {
        missing.add(k);
      }
    }
    if (!missing.isEmpty()) {
      throw new UsageException("missing required option" + (missing.size() > 1 ? "s " : " ") + String.join(", ",
          missing));
    }
    if (v.containsKey("--region-lower") != v.containsKey("--region-upper")) {
      throw new UsageException("--region-lower and --region-upper go together");
    }
    SampleRegion.Design design;
    try {
      design = SampleRegion.Design.forName(v.getOrDefault("--sampling", "lhs"));
    } catch (MpcException e) {
      throw new UsageException("--sampling: " + e.getMessage());
    }
    return new Options(Path.of(v.get("--mpc")), v.get("--plant"), positive(v, "--samples", 0),
        output(v.get("--out")), design, fraction(v.getOrDefault("--region", "0.5")), doubles(v, "--region-lower"),
        doubles(v, "--region-upper"), longValue(v.getOrDefault("--seed", "1")), positive(v, "--chunk-size", 50),
        positive(v, "--wave", 8));
  }

  /** A path without a scheme is made absolute, so that executors on other machines write where it says. */
  private static String output(String s) {
    try {
      URI u = new URI(s);
      if (u.getScheme() != null && u.getScheme().length() > 1) {
        return s;
      }
    } catch (java.net.URISyntaxException e) {
      // a plain path with characters a URI does not take
    }
    return Path.of(s).toAbsolutePath().normalize().toUri().toString();
  }

  private static int positive(Map<String, String> v, String key, int dflt) {
    String s = v.get(key);
    if (s == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(s);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(key + " must be a positive integer, got '" + s + "'");
  }

  private static double fraction(String s) {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new UsageException("--region must be a number, got '" + s + "'");
    }
  }

  private static long longValue(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new UsageException("--seed must be an integer, got '" + s + "'");
    }
  }

  private static double[] doubles(Map<String, String> v, String key) {
    String s = v.get(key);
    if (s == null) {
      return null;
    }
    String[] parts = s.split(",");
    double[] d = new double[parts.length];
    for (int i = 0; i < d.length; i++) {
      try {
        d[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new UsageException(key + " must be numbers separated by commas, got '" + s + "'");
      }
    }
    return d;
  }
}
