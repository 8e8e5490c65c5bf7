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
 * <p>Arguments: {@code MODELS_DIR [EPISODES [STEPS [TIME_LIMIT_S]]] [--standard] [--only=dense|sparse|FILE:H]
 * [--compare=A,B]}: {@code --standard} trains the dense network as {@link MipStudy.Options#standard()} does
 * (and defaults to its 2 episodes of 30 steps); {@code A} and {@code B} name planner configurations (see
 * {@link #planner}; default {@code ojalgo,simplex}).
 */
public final class NodeLpBenchmark {
  private NodeLpBenchmark() {}

  /** One instance family: a model file (null: the dense [8] network MipStudy trains) and a horizon. */
  record Family(String file, int horizon) {}

  public static void main(String[] args) throws Exception {
    List<String> positional = new ArrayList<>();
    boolean standard = false;
    String only = null;
    String configA = "ojalgo";
    String configB = "simplex";
    for (String a : args) {
      if (a.equals("--standard")) {
        standard = true;
      } else if (a.startsWith("--only=")) {
        only = a.substring("--only=".length());
      } else if (a.startsWith("--compare=")) {
        String[] ab = a.substring("--compare=".length()).split(",");
        configA = ab[0];
        configB = ab[1];
      } else {
        positional.add(a);
      }
    }
    Path dir = Path.of(positional.size() > 0 ? positional.get(0) : "/work/models");
    int episodes = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : 2;
    int steps = positional.size() > 2 ? Integer.parseInt(positional.get(2)) : standard ? 30 : 15;
    Duration limit = Duration.ofSeconds(positional.size() > 3 ? Long.parseLong(positional.get(3)) : 10);
    List<Family> families = List.of(new Family(null, 4), new Family("cartpole-walls-gated-8.json", 8),
        new Family("cartpole-walls-gated-8.json", 5), new Family("cartpole-walls-small-dense-8.json", 4),
        new Family("cartpole-walls-gated-16.json", 5));
    if (only != null) {
      String o = only;
      families = families.stream().filter(f -> (f.file() == null ? "dense" : f.file() + ":" + f.horizon()).equals(o)
          || f.file() != null && o.equals("sparse")).toList();
    }
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    // MipStudy.quick()'s training settings and seed: the dense [8] network of BENCHMARKS.md's Figure 1; with
    // --standard, MipStudy.Options.standard()'s (8000 transitions, 60 epochs), the network of the MIP benchmark
    MipStudy.Options o = new MipStudy.Options(List.of(), standard ? 8_000 : 2_000, standard ? 60 : 15, episodes,
        steps, limit, Duration.ofMillis(300), 0, 0, Duration.ofSeconds(60), 0, Duration.ofSeconds(60), 1);
    out.println("machine: " + MipStudy.machine() + "; load average at start " + loadAverage() + "; A = " + configA
        + ", B = " + configB + (standard ? "; standard training" : "; quick training"));
    List<double[]> rows = new ArrayList<>(); // binaries, A ms, B ms, A nodes, B nodes, …, A and B thread CPU ms
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
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
      MipPlanner old = planner(configA, problem, o, limit);
      MipPlanner neu = planner(configB, problem, o, limit);
      for (int i = 0; i < Math.min(5, requests.size()); i++) { // JIT warm-up
        old.plan(requests.get(i));
        neu.plan(requests.get(i));
      }
      int first = rows.size();
      for (int i = 0; i < requests.size(); i++) {
        PlanRequest r = requests.get(i);
        long cpu0 = threads.getCurrentThreadCpuTime();
        Plan a = old.plan(r);
        long cpu1 = threads.getCurrentThreadCpuTime();
        MipReport ra = old.lastReport();
        Plan b = neu.plan(r);
        long cpu2 = threads.getCurrentThreadCpuTime();
        MipReport rb = neu.lastReport();
        double agree = Math.abs(a.objective() - b.objective()) / Math.max(1, Math.abs(a.objective()));
        int bins = ra.bounds().binariesTightened();
        out.printf(Locale.ROOT, "%s #%d bins %d | A %s %.1f ms (cpu %.1f, bounds %.1f) %d nodes | B %s %.1f ms "
            + "(cpu %.1f, bounds %.1f) %d nodes | rel diff %.1e%n", label, i, bins, a.status(), ra.millis(),
            (cpu1 - cpu0) / 1e6, ra.boundNanos() / 1e6, a.stats().nodes(), b.status(), rb.millis(),
            (cpu2 - cpu1) / 1e6, rb.boundNanos() / 1e6, b.stats().nodes(), agree);
        rows.add(new double[] {bins, ra.millis(), rb.millis(), a.stats().nodes(), b.stats().nodes(),
            a.status().toString().equals("OPTIMAL") ? 1 : 0, b.status().toString().equals("OPTIMAL") ? 1 : 0,
            ra.boundNanos() / 1e6, rb.boundNanos() / 1e6, agree > 1e-6 && a.status() == b.status() ? 1 : 0,
            (cpu1 - cpu0) / 1e6, (cpu2 - cpu1) / 1e6});
      }
      List<double[]> mine = rows.subList(first, rows.size());
      MipStudy.Times nodesA = MipStudy.Times.of(column(mine, 3));
      MipStudy.Times nodesB = MipStudy.Times.of(column(mine, 4));
      out.printf(Locale.ROOT, "%s: nodes A median %.0f p95 %.0f | B median %.0f p95 %.0f%n", label, nodesA.median(),
          nodesA.p95(), nodesB.median(), nodesB.p95());
      summary(out, new ArrayList<>(mine), 0, Integer.MAX_VALUE - 1);
      for (int col = 10; col <= 11; col++) {
        List<Double> cpu = column(mine, col);
        MipStudy.Times t = MipStudy.Times.of(cpu);
        double[] v = cpu.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        out.printf(Locale.ROOT, "%s: thread CPU %s median %.1f p89 %.1f p95 %.1f max %.1f ms%n", label,
            col == 10 ? "A" : "B", t.median(), v[Math.max(0, (int) Math.ceil(0.89 * v.length) - 1)], t.p95(),
            v[v.length - 1]);
      }
    }
    out.println("load average at end " + loadAverage());
    out.println();
    out.println("| binaries (tightened) | instances | proven optimal, A / B | A: median / p95"
        + " (ms) | of which bounds | B: median / p95 (ms) | of which bounds | nodes, median (A /"
        + " B) | objectives differ (both optimal) |");
    out.println("|---|---|---|---|---|---|---|---|---|");
    int[][] ranges = {{0, 10}, {11, 20}, {21, 30}, {31, 40}, {41, Integer.MAX_VALUE}, {0, 40}};
    for (int[] range : ranges) {
      summary(out, rows, range[0], range[1]);
    }
  }

  /**
   * A planner by name: {@code ojalgo} (ojAlgo's LP at each node), {@code simplex} (the default).
   */
  private static MipPlanner planner(String name, MpcProblem problem, MipStudy.Options o, Duration limit) {
    MipPlanner.Builder b = MipPlanner.builder(problem).tighteningBudget(o.tighteningBudget()).timeLimit(limit);
    return switch (name) {
      case "ojalgo" -> b.nodeLp(MipPlanner.NodeLp.OJALGO).build();
      case "simplex" -> b.build();
      default -> throw new IllegalArgumentException("unknown planner configuration " + name);
    };
  }

  private static List<Double> column(List<double[]> rows, int c) {
    List<Double> v = new ArrayList<>();
    for (double[] r : rows) {
      v.add(r[c]);
    }
    return v;
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
