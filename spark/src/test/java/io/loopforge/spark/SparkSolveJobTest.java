package io.loopforge.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.plant.CartPoleWalls;
import io.loopforge.modeling.plant.CartPoleWallsNetwork;
import io.loopforge.mpc.MipPlanner;
import io.loopforge.mpc.MpcException;
import io.loopforge.mpc.MpcProblem;
import io.loopforge.mpc.Planner;
import io.loopforge.mpc.distill.ExecutorFanOut;
import io.loopforge.mpc.distill.SampleRegion;
import io.loopforge.mpc.distill.SolveDataset;
import io.loopforge.mpc.distill.SolveJob;
import io.loopforge.mpc.distill.SolveRecord;
import io.loopforge.mpc.distill.SolveTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark job in {@code local[2]}: the same records as the local fan-out, and a rerun solves only what is missing. */
class SparkSolveJobTest {
  private static SparkSession spark;

  /** The cartpole-walls MPC, made small (one substep, H = 3), built on the workers from nothing but this class. */
  static final class WallsMip implements SparkSolveJob.PlannerRecipe {
    private static final long serialVersionUID = 1L;

    static MpcProblem problem() {
      CartPoleWalls plant = CartPoleWalls.withDefaults();
      return MpcProblem.builder(CartPoleWallsNetwork.semiImplicitEuler(plant, 0.05, 1), 3).norm(MpcProblem.Norm.L1)
          .stateReference(plant.defaultTask().referenceState()).stateWeights(1, 1, 0.1, 0.1).inputWeights(0.01)
          .inputBounds(plant.inputLower(), plant.inputUpper()).stateBounds(plant.stateLower(), plant.stateUpper(), 100)
          .build();
    }

    @Override
    public Planner get() {
      return MipPlanner.builder(problem()).deterministic(true).build();
    }
  }

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().appName("loopforge-test").master("local[2]").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void sameRecordsAsTheLocalFanOutAndARerunSolvesOnlyMissingChunks(@TempDir Path dir) throws Exception {
    List<SolveTask> tasks = SolveJob.tasks(SampleRegion.ofPlant(CartPoleWalls.withDefaults(), 0.3)
        .sample(SampleRegion.Design.LATIN_HYPERCUBE, 16, 3), WallsMip.problem().stateReference());
    SolveDataset local = SolveJob.builder(new WallsMip(), tasks).directory(dir.resolve("local")).chunkSize(4)
        .fanOut(ExecutorFanOut.threads(2)).build().run();
    String out = dir.resolve("parquet").toUri().toString();
    SparkSolveJob job = SparkSolveJob.builder(new WallsMip(), tasks).chunkSize(4).wave(2).output(out).build();
    assertEquals(List.of(0, 1, 2, 3), job.run(spark));
    assertSame(local.records(), SparkSolveJob.read(spark, out));

    // a lost chunk (as after a crash) is the only one solved again
    Path chunk2 = dir.resolve("parquet").resolve("chunk=2");
    try (Stream<Path> s = Files.walk(chunk2)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    assertEquals(List.of(0, 1, 3), SparkSolveJob.chunksOnDisk(out));
    assertEquals(List.of(2), job.run(spark));
    assertSame(local.records(), SparkSolveJob.read(spark, out));
    assertEquals(List.of(), job.run(spark));
  }

  @Test
  void anUnreachableMasterIsNamedAtOnceAndTheChunksOnDiskStay(@TempDir Path dir) throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort(); // closed again: nothing listens there
    }
    Path chunk = Files.createDirectories(dir.resolve("parquet").resolve("chunk=0"));
    Files.writeString(chunk.resolve("part-0.parquet"), "kept");
    String master = "spark://127.0.0.1:" + port;
    long t0 = System.nanoTime();
    String before = System.getProperty("spark.master");
    System.setProperty("spark.master", master);
    MpcException e;
    try {
      e = assertThrows(MpcException.class, () -> SparkSolveJob.session("unreachable"));
    } finally {
      if (before == null) {
        System.clearProperty("spark.master");
      } else {
        System.setProperty("spark.master", before);
      }
    }
    assertTrue(e.getMessage().startsWith("the Spark master " + master + " cannot be reached: 127.0.0.1:" + port
        + " ("), e.getMessage());
    assertTrue(e.getMessage().endsWith("chunks already under the output are kept"), e.getMessage());
    assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "said at once, not after Spark's minute of retries");
    assertEquals("kept", Files.readString(chunk.resolve("part-0.parquet")));
    assertEquals(List.of(0), SparkSolveJob.chunksOnDisk(dir.resolve("parquet").toUri().toString()));
    e = assertThrows(MpcException.class, () -> SparkSolveJob.checkReachable("spark://host:port", 100));
    assertEquals("spark.master spark://host:port: 'host:port' is not host:port", e.getMessage());
  }

  private static void assertSame(List<SolveRecord> expected, List<SolveRecord> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertTrue(expected.get(i).sameSolution(actual.get(i)), "record " + i + ": " + expected.get(i) + " vs "
          + actual.get(i));
    }
  }
}
