package io.loopforge.studies;

import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.mpc.MipPlanner;
import io.loopforge.mpc.MipReport;
import io.loopforge.mpc.MpcProblem;
import io.loopforge.mpc.Plan;
import io.loopforge.mpc.PlanRequest;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A smaller harness than {@link MipStudy} for the ReLU-phase search's node LPs (issue 15, goal 1): the
 * closed-loop instances of a few sparse cart-pole networks, each solved in one warm JVM by the planner with
 * ojAlgo's LP at every node and with the bounded dual simplex in double, alternately, instance by instance;
 * prints one line per instance and the medians and 95th percentiles at ≤ 40 binaries. Not run by tests.
 *
 * <p>Arguments: {@code MODELS_DIR [EPISODES [STEPS [TIME_LIMIT_S]]]}.
 */
public final class NodeLpBenchmark {
  private NodeLpBenchmark() {}

  /** One instance family: a model file (null: the dense [8] network MipStudy trains) and a horizon. */
  record Family(String file, int horizon) {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "/work/models");
    int episodes = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 15;
    Duration limit = Duration.ofSeconds(args.length > 3 ? Long.parseLong(args[3]) : 10);
    List<Family> families = List.of(new Family(null, 4), new Family("cartpole-walls-gated-8.json", 8),
        new Family("cartpole-walls-gated-8.json", 5), new Family("cartpole-walls-small-dense-8.json", 4),
        new Family("cartpole-walls-gated-16.json", 5));
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    // MipStudy.quick()'s training settings and seed: the dense [8] network of BENCHMARKS.md's Figure 1
    MipStudy.Options o = new MipStudy.Options(List.of(), 2_000, 15, episodes, steps, limit, Duration.ofMillis(300), 0,
        0, Duration.ofSeconds(60), 0, Duration.ofSeconds(60), 1);
    out.println("machine: " + MipStudy.machine() + "; load average at start " + loadAverage());
    List<double[]> rows = new ArrayList<>(); // binaries, old ms, new ms, old nodes, new nodes
    for (Family f : families) {
      Path file = f.file() == null ? null : dir.resolve(f.file());
      if (file != null && !Files.exists(file)) {
        out.println("missing " + file);
        continue;
      }
      MipStudy.Case c = new MipStudy.Case("cartpole-walls", file == null ? new int[] {8} : new int[0], f.horizon(),
          file);
      String label = c.label();
      FoldedReluNetwork net = MipStudy.network(c, o);
      MpcProblem problem = MipStudy.problem("cartpole-walls", net, f.horizon());
      List<PlanRequest> requests = MipStudy.closedLoops(c, problem, o, out);
      MipPlanner old = MipPlanner.builder(problem).tighteningBudget(o.tighteningBudget()).timeLimit(limit)
          .nodeLp(MipPlanner.NodeLp.OJALGO).build();
      MipPlanner neu = MipPlanner.builder(problem).tighteningBudget(o.tighteningBudget()).timeLimit(limit)
          .nodeLp(MipPlanner.NodeLp.DUAL_SIMPLEX).build();
      for (int i = 0; i < Math.min(5, requests.size()); i++) { // JIT warm-up
        old.plan(requests.get(i));
        neu.plan(requests.get(i));
      }
      for (int i = 0; i < requests.size(); i++) {
        PlanRequest r = requests.get(i);
        Plan a = old.plan(r);
        MipReport ra = old.lastReport();
        Plan b = neu.plan(r);
        MipReport rb = neu.lastReport();
        double agree = Math.abs(a.objective() - b.objective()) / Math.max(1, Math.abs(a.objective()));
        int bins = ra.bounds().binariesTightened();
        out.printf(Locale.ROOT, "%s #%d bins %d | old %s %.1f ms (bounds %.1f) %d nodes | new %s %.1f ms "
            + "(bounds %.1f) %d nodes | rel diff %.1e%n", label, i, bins, a.status(), ra.millis(),
            ra.boundNanos() / 1e6, a.stats().nodes(), b.status(), rb.millis(), rb.boundNanos() / 1e6,
            b.stats().nodes(), agree);
        rows.add(new double[] {bins, ra.millis(), rb.millis(), a.stats().nodes(), b.stats().nodes(),
            a.status().toString().equals("OPTIMAL") ? 1 : 0, b.status().toString().equals("OPTIMAL") ? 1 : 0,
            ra.boundNanos() / 1e6, rb.boundNanos() / 1e6, agree > 1e-6 && a.status() == b.status() ? 1 : 0});
      }
    }
    out.println("load average at end " + loadAverage());
    out.println();
    out.println("| binaries (tightened) | instances | proven optimal, ojAlgo LP / dual simplex | ojAlgo LP: median / p95"
        + " (ms) | of which bounds | dual simplex: median / p95 (ms) | of which bounds | nodes, median (ojAlgo LP /"
        + " dual simplex) | objectives differ (both optimal) |");
    out.println("|---|---|---|---|---|---|---|---|---|");
    int[][] ranges = {{0, 10}, {11, 20}, {21, 30}, {31, 40}, {41, Integer.MAX_VALUE}, {0, 40}};
    for (int[] range : ranges) {
      summary(out, rows, range[0], range[1]);
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private static void summary(PrintWriter out, List<double[]> rows, int lo, int hi) {
    List<List<Double>> cols = new ArrayList<>();
    for (int c = 0; c < 6; c++) {
      cols.add(new ArrayList<>());
    }
    int pa = 0;
    int pb = 0;
    int differ = 0;
    for (double[] r : rows) {
      if (r[0] >= lo && r[0] <= hi) {
        cols.get(0).add(r[1]);
        cols.get(1).add(r[7]);
        cols.get(2).add(r[2]);
        cols.get(3).add(r[8]);
        cols.get(4).add(r[3]);
        cols.get(5).add(r[4]);
        pa += (int) r[5];
        pb += (int) r[6];
        differ += (int) r[9];
      }
    }
    MipStudy.Times ta = MipStudy.Times.of(cols.get(0));
    MipStudy.Times ba = MipStudy.Times.of(cols.get(1));
    MipStudy.Times tb = MipStudy.Times.of(cols.get(2));
    MipStudy.Times bb = MipStudy.Times.of(cols.get(3));
    String range = hi == Integer.MAX_VALUE ? lo + "+" : lo == 0 && hi == 40 ? "**all ≤ 40**" : lo + "–" + hi;
    out.printf(Locale.ROOT, "| %s | %d | %d / %d | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f | %.0f / %.0f | %d |%n",
        range, ta.n(), pa, pb, ta.median(), ta.p95(), ba.median(), ba.p95(), tb.median(), tb.p95(), bb.median(),
        bb.p95(), MipStudy.Times.of(cols.get(4)).median(), MipStudy.Times.of(cols.get(5)).median(), differ);
  }
}
