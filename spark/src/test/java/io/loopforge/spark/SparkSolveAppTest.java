package io.loopforge.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.plant.CartPoleWalls;
import io.loopforge.modeling.plant.CartPoleWallsNetwork;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.mpc.distill.ExecutorFanOut;
import io.loopforge.mpc.distill.MpcSpec;
import io.loopforge.mpc.distill.SampleRegion;
import io.loopforge.mpc.distill.SolveJob;
import io.loopforge.mpc.distill.SolveRecord;
import io.loopforge.mpc.distill.SolveTask;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SparkSolveApp}: its usage errors, and the application submitted through {@code SparkSubmit} to a
 * standalone master and worker on 127.0.0.1 (three JVMs started from the test class path, plus the executor
 * the worker starts), giving the same records as the local fan-out. Every process is ended before the test
 * returns, whatever happened.
 */
class SparkSolveAppTest {
  private static final long TIMEOUT_S = 180;

  @Test
  void usageErrorsSayWhatIsWrongAndExitWith2() {
    assertUsage("missing required options --samples, --out", "--mpc", "m.json", "--plant", "cartpole-walls");
    assertUsage("unknown option '--sample'", "--sample", "3");
    assertUsage("--samples must be a positive integer, got 'many'", "--mpc", "m.json", "--plant", "cartpole-walls",
        "--samples", "many", "--out", "o");
    assertUsage("--plant: ", "--mpc", "m.json", "--plant", "teapot", "--samples", "3", "--out", "o");
    assertUsage("the sample region: ", "--mpc", "m.json", "--plant", "cartpole-walls", "--samples", "3", "--out", "o",
        "--region-lower", "-2,-0.1,-1,-1", "--region-upper", "0.5,0.1,1,1");
  }

  private static void assertUsage(String message, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = SparkSolveApp.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String e = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, code, e);
    assertTrue(e.startsWith("loopforge-spark: " + message), e);
  }

  @Test
  void submittedToAStandaloneClusterOn127001GivesTheRecordsOfTheLocalFanOut(@TempDir Path dir) throws Exception {
    ModelFiles.write(Model.of(CartPoleWallsNetwork.semiImplicitEuler(CartPoleWalls.withDefaults(), 0.05, 1)),
        dir.resolve("walls.json"));
    Path specFile = Files.writeString(dir.resolve("mpc.json"),
        "{\"model\": \"walls.json\", \"horizon\": 3, \"q\": [1, 1, 0.1, 0.1], \"r\": [0.01]}");
    MpcSpec spec = MpcSpec.read(specFile, "cartpole-walls");
    List<SolveTask> tasks = SolveJob.tasks(SampleRegion.ofPlant(CartPoleWalls.withDefaults(), 0.3)
        .sample(SampleRegion.Design.LATIN_HYPERCUBE, 12, 5), spec.problem().stateReference());
    List<SolveRecord> local = SolveJob.builder(spec::planner, tasks).directory(dir.resolve("local")).chunkSize(4)
        .fanOut(ExecutorFanOut.threads(2)).build().run().records();

    // Spark's launcher wants SPARK_HOME/jars; the classes come from the test class path instead
    Path home = Files.createDirectories(dir.resolve("spark-home/jars"));
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    int masterPort = freePort();
    String master = "spark://127.0.0.1:" + masterPort;
    List<Process> started = new ArrayList<>();
    try {
      Path masterLog = dir.resolve("master.log");
      started.add(java(dir, home.getParent(), cp, masterLog, "-Xmx256m", "org.apache.spark.deploy.master.Master",
          "--host", "127.0.0.1", "--port", Integer.toString(masterPort), "--webui-port", "0"));
      Path workerLog = dir.resolve("worker.log");
      started.add(java(dir, home.getParent(), cp, workerLog, "-Xmx256m", "org.apache.spark.deploy.worker.Worker",
          "--host", "127.0.0.1", "--port", "0", "--webui-port", "0", "--cores", "2", "--memory", "1g", "--work-dir",
          dir.resolve("work").toString(), master));
      awaitLine(workerLog, "Successfully registered with master", started);

      Path out = dir.resolve("parquet");
      Path driverLog = dir.resolve("driver.log");
      Process submit = java(dir, home.getParent(), cp, driverLog, "-Xmx512m", "org.apache.spark.deploy.SparkSubmit",
          "--master", master, "--deploy-mode", "client", "--class", SparkSolveApp.class.getName(),
          "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
          "--conf", "spark.ui.enabled=false", "--conf", "spark.executor.memory=512m", "--conf", "spark.cores.max=2",
          "--conf", "spark.executor.extraClassPath=" + cp, "spark-internal",
          "--mpc", specFile.toString(), "--plant", "cartpole-walls", "--samples", "12", "--region", "0.3",
          "--seed", "5", "--chunk-size", "4", "--out", out.toString());
      started.add(submit);
      assertTrue(submit.waitFor(TIMEOUT_S, TimeUnit.SECONDS), "spark-submit did not finish: " + tail(driverLog));
      String log = Files.readString(driverLog);
      assertEquals(0, submit.exitValue(), tail(driverLog));
      assertTrue(log.contains("3 chunks on " + master), tail(driverLog));
      assertTrue(log.contains("12 records on disk: {OPTIMAL=12}"), tail(driverLog));
      assertTrue(Files.readString(workerLog).contains("Asked to launch executor"), tail(workerLog));

      // its scratch folders under the test's folder too, not in /tmp until the JVM ends
      SparkSession spark = SparkSession.builder().appName("read").master("local[1]")
          .config("spark.ui.enabled", "false").config("spark.local.dir", dir.resolve("local").toString())
          .getOrCreate();
      try {
        List<SolveRecord> cluster = SparkSolveJob.read(spark, out.toUri().toString());
        assertEquals(local.size(), cluster.size());
        for (int i = 0; i < local.size(); i++) {
          assertClose(local.get(i), cluster.get(i));
        }
      } finally {
        spark.stop();
      }
    } finally {
      for (int i = started.size() - 1; i >= 0; i--) {
        stop(started.get(i));
      }
    }
    for (Process p : started) {
      assertTrue(!p.isAlive() && p.descendants().findAny().isEmpty(), "process " + p.pid() + " is still running");
    }
  }

  /**
   * Same task and status, same input and cost up to 1e-12 relative: across JVMs the MIP's first input was
   * seen to differ in the 14th digit (same status and objective), where within one JVM it is bit-exact.
   */
  private static void assertClose(SolveRecord expected, SolveRecord actual) {
    String what = expected + " vs " + actual;
    assertEquals(expected.index(), actual.index(), what);
    assertTrue(java.util.Arrays.equals(expected.state(), actual.state()), what);
    assertTrue(java.util.Arrays.equals(expected.reference(), actual.reference()), what);
    assertEquals(expected.status(), actual.status(), what);
    assertEquals(expected.cost(), actual.cost(), 1e-12 * (1 + Math.abs(expected.cost())), what);
    for (int j = 0; j < expected.input().length; j++) {
      assertEquals(expected.input()[j], actual.input()[j], 1e-12 * (1 + Math.abs(expected.input()[j])), what);
    }
  }

  /** A JVM with the test class path, bound to 127.0.0.1, its output to {@code log}. */
  private static Process java(Path dir, Path sparkHome, String cp, Path log, String heap, String main,
      String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        heap, "-cp", cp, main));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_LOCAL_DIRS", Files.createDirectories(dir.resolve("local")).toString());
    env.remove("SPARK_CONF_DIR");
    env.remove("HADOOP_CONF_DIR");
    return pb.start();
  }

  /** Ends a process and everything it started (the worker's executor): politely, then by force. */
  private static void stop(Process p) throws InterruptedException {
    List<ProcessHandle> children = p.descendants().toList();
    p.destroy();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    for (ProcessHandle c : children) {
      c.destroy();
      try {
        c.onExit().get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        c.destroyForcibly();
      }
    }
  }

  private static void awaitLine(Path log, String line, List<Process> started) throws Exception {
    long end = System.nanoTime() + TIMEOUT_S * 1_000_000_000L;
    while (System.nanoTime() < end) {
      if (Files.exists(log) && Files.readString(log).contains(line)) {
        return;
      }
      for (Process p : started) {
        if (!p.isAlive()) {
          throw new AssertionError("a Spark daemon ended early (exit " + p.exitValue() + "): " + tail(log));
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no '" + line + "' in " + log + " after " + TIMEOUT_S + " s: " + tail(log));
  }

  private static String tail(Path log) throws IOException {
    if (!Files.exists(log)) {
      return "(no " + log + ")";
    }
    String s = Files.readString(log);
    return s.substring(Math.max(0, s.length() - 4000));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
