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

  /** One instance family: a model file and a horizon. */
  record Family(String file, int horizon) {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "/work/models");
    int episodes = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 15;
    Duration limit = Duration.ofSeconds(args.length > 3 ? Long.parseLong(args[3]) : 10);
    List<Family> families = List.of(new Family("cartpole-walls-gated-8.json", 8),
        new Family("cartpole-walls-small-dense-8.json", 4), new Family("cartpole-walls-gated-8.json", 5),
        new Family("cartpole-walls-gated-16.json", 5));
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    MipStudy.Options o = new MipStudy.Options(List.of(), 0, 0, episodes, steps, limit, Duration.ofMillis(300), 0, 0,
        Duration.ofSeconds(60), 0, Duration.ofSeconds(60), 1);
    List<double[]> rows = new ArrayList<>(); // binaries, old ms, new ms, old nodes, new nodes
    for (Family f : families) {
      Path file = dir.resolve(f.file());
      if (!Files.exists(file)) {
        out.println("missing " + file);
        continue;
      }
      MipStudy.Case c = new MipStudy.Case("cartpole-walls", new int[0], f.horizon(), file);
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
        out.printf(Locale.ROOT, "%s H=%d #%d bins %d | old %s %.1f ms (bounds %.1f) %d nodes | new %s %.1f ms "
            + "(bounds %.1f) %d nodes | rel diff %.1e%n", f.file(), f.horizon(), i, bins, a.status(), ra.millis(),
            ra.boundNanos() / 1e6, a.stats().nodes(), b.status(), rb.millis(), rb.boundNanos() / 1e6,
            b.stats().nodes(), agree);
        rows.add(new double[] {bins, ra.millis(), rb.millis(), a.stats().nodes(), b.stats().nodes(),
            a.status().toString().equals("OPTIMAL") ? 1 : 0, b.status().toString().equals("OPTIMAL") ? 1 : 0});
      }
    }
    summary(out, rows, 21, 40);
    summary(out, rows, 0, 40);
    summary(out, rows, 41, Integer.MAX_VALUE);
  }

  private static void summary(PrintWriter out, List<double[]> rows, int lo, int hi) {
    List<Double> a = new ArrayList<>();
    List<Double> b = new ArrayList<>();
    int pa = 0;
    int pb = 0;
    for (double[] r : rows) {
      if (r[0] >= lo && r[0] <= hi) {
        a.add(r[1]);
        b.add(r[2]);
        pa += (int) r[5];
        pb += (int) r[6];
      }
    }
    MipStudy.Times ta = MipStudy.Times.of(a);
    MipStudy.Times tb = MipStudy.Times.of(b);
    out.printf(Locale.ROOT, "binaries %d-%d: %d instances | ojAlgo LP: %d optimal, median %.1f p95 %.1f max %.1f ms"
        + " | dual simplex: %d optimal, median %.1f p95 %.1f max %.1f ms%n", lo, hi, ta.n(), pa, ta.median(), ta.p95(),
        ta.max(), pb, tb.median(), tb.p95(), tb.max());
  }
}
