package io.loopforge.studies;

import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.loop.ClosedLoop;
import io.loopforge.modeling.loop.ClosedLoopResult;
import io.loopforge.modeling.loop.StageCost;
import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.nn.RolloutData;
import io.loopforge.modeling.nn.RolloutMetrics;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantCatalog;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.mpc.MpcProblem;
import io.loopforge.mpc.PlanLog;
import io.loopforge.mpc.Planner;
import io.loopforge.mpc.PlanStatus;
import io.loopforge.mpc.PlannerKind;
import io.loopforge.mpc.RecedingHorizonController;
import io.loopforge.mpc.TerminalCost;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Figure 3 of the MPC issue, the paper's comparison (Liu et al. 2023): on {@code cartpole-walls}, the
 * piecewise-affine contact benchmark, sparse ReLU networks from {@code sparsify} at several ReLU budgets,
 * each planned with by every planner (MIP, MPPI, CEM, random shooting, gradient), beside MPPI on the dense
 * network: sparse + exact MIP against dense + sampling.
 *
 * <p>Per episode (seeded initial states, many of them pressing the pole against a wall) every controller
 * runs a closed loop against the simulated plant from the same start; the cost of an episode is the
 * problem's own stage cost on the true states, Σ_k ‖Q (x_k − x_ref)‖₁ + ‖R u_k‖₁ + ρ · (distance outside
 * the operating region), so every planner is judged by what it was asked to minimise. The goal: the MIP
 * planner's cost is no worse (within {@link #TIE}) than the best other controller's on at least 80 % of the
 * episodes. Each model's open-loop 10-step prediction MSE on held-out data (the sparsify benchmark's data
 * recipe, another seed) is reported beside it.
 *
 * <p>The models are read from a folder written by {@code loopforge sparsify benchmark --models DIR}
 * ({@code <plant>-dense.json}, {@code <plant>-gated-<budget>.json}).
 */
public final class PlannerComparisonStudy {
  /** Relative tolerance within which two episode costs count as equal. */
  public static final double TIE = 1e-6;

  /** The controllers compared on each sparse model (MPPI on the dense model is added once). */
  public static final List<PlannerKind> SPARSE_PLANNERS = List.of(PlannerKind.MIP, PlannerKind.MPPI,
      PlannerKind.CEM, PlannerKind.RANDOM, PlannerKind.GRADIENT);

  private PlannerComparisonStudy() {}

  /**
   * Study settings.
   *
   * @param models folder of the model files
   * @param plant catalog plant the models were trained on
   * @param budgets ReLU budgets of the sparse models
   * @param episodes seeded initial states
   * @param steps control steps per episode
   * @param horizon planning horizon, steps
   * @param mipTimeLimit time limit of one MIP plan
   * @param seed seed of the initial states and the sampling planners
   * @param terminalFactor Q_T = terminalFactor · Q when the terminal cost is diagonal
   * @param lqrTail whether the terminal cost is the L1 cost of the LQR tail ({@link TerminalCost#lqrTail}) on each
   *     model instead of Q_T
   */
  public record Options(Path models, String plant, int[] budgets, int episodes, int steps, int horizon,
      Duration mipTimeLimit, long seed, double terminalFactor, boolean lqrTail) {
    /** The LQR tail as terminal cost. */
    public Options(Path models, String plant, int[] budgets, int episodes, int steps, int horizon,
        Duration mipTimeLimit, long seed) {
      this(models, plant, budgets, episodes, steps, horizon, mipTimeLimit, seed, 1, true);
    }

    public static Options standard(Path models) {
      // H = 5: the MIP on the 16-ReLU network stays near a second per plan on a loaded machine; a generous time
      // limit so that the MIP's plans are proven optimal whatever the load (the costs then do not depend on it)
      return new Options(models, "cartpole-walls", new int[] {16, 8, 4}, 20, 60, 5, Duration.ofSeconds(20), 1);
    }

    public static Options quick(Path models) {
      return new Options(models, "cartpole-walls", new int[] {4}, 2, 10, 4, Duration.ofSeconds(1), 1);
    }

    /** These options with another planning horizon, steps. */
    public Options withHorizon(int steps) {
      if (steps < 1) {
        throw new IllegalArgumentException("the horizon must be at least 1 step, got " + steps);
      }
      return new Options(models, plant, budgets, episodes, this.steps, steps, mipTimeLimit, seed, terminalFactor,
          lqrTail);
    }

    /** These options at other ReLU budgets (a model {@code <plant>-gated-<budget>.json} each). */
    public Options withBudgets(int... relus) {
      if (relus.length == 0) {
        throw new IllegalArgumentException("at least one ReLU budget is needed");
      }
      return new Options(models, plant, relus.clone(), episodes, steps, horizon, mipTimeLimit, seed, terminalFactor,
          lqrTail);
    }

    /** These options with the diagonal terminal weights Q_T = {@code factor} · Q (no LQR tail). */
    public Options withTerminalFactor(double factor) {
      if (!(factor >= 0) || Double.isInfinite(factor)) {
        throw new IllegalArgumentException("the terminal factor must be finite and non-negative, got " + factor);
      }
      return new Options(models, plant, budgets, episodes, steps, horizon, mipTimeLimit, seed, factor, false);
    }

    /** These options with another time limit per MIP plan. */
    public Options withMipTimeLimit(Duration limit) {
      if (limit.isNegative() || limit.isZero()) {
        throw new IllegalArgumentException("the MIP time limit must be positive, got " + limit);
      }
      return new Options(models, plant, budgets, episodes, steps, horizon, limit, seed, terminalFactor, lqrTail);
    }
  }

  /** One controller's closed-loop costs on a model, one per episode, and its planning times. */
  public record Row(String model, String planner, int relus, double tenStepMse, double[] costs, double solveMedianMs,
      double solveP95Ms, int fallbacks, int steps, int optimal) {
    double mean() {
      double s = 0;
      for (double c : costs) {
        s += c;
      }
      return s / costs.length;
    }
  }

  /** Per budget: the rows and how often MIP was no worse than the best other controller. */
  public record Budget(int relus, List<Row> rows, int mipNoWorse, int episodes) {
    public double share() {
      return episodes == 0 ? 0 : (double) mipNoWorse / episodes;
    }

    public boolean met() {
      return share() >= 0.8;
    }
  }

  public record Report(Options options, List<double[]> starts, Row dense, List<Budget> budgets, double seconds) {}

  /** Runs the study; progress (one line per controller and model) goes to {@code log}. */
  public static Report run(Options o, PrintWriter log) {
    long t0 = System.nanoTime();
    Plant plant = PlantCatalog.create(o.plant());
    Network dense = read(o.models().resolve(o.plant() + "-dense.json"));
    List<double[]> starts = starts(o);
    RolloutData test = RolloutData.of(SparsifyBenchmark.simulate(o.plant(), 20_000,
        SparsifyBenchmark.testSeed(o.seed() + 1)), 10, 0.0, RolloutData.Split.TRAJECTORIES);
    Row denseRow = row(o, plant, dense, "dense", PlannerKind.MPPI, starts, test, log);
    List<Budget> budgets = new ArrayList<>();
    for (int b : o.budgets()) {
      String name = o.plant() + "-gated-" + b;
      Network sparse = read(o.models().resolve(name + ".json"));
      List<Row> rows = new ArrayList<>();
      for (PlannerKind k : SPARSE_PLANNERS) {
        rows.add(row(o, plant, sparse, "gated-" + b, k, starts, test, log));
      }
      rows.add(denseRow);
      int noWorse = 0;
      for (int e = 0; e < starts.size(); e++) {
        double mip = rows.get(0).costs()[e];
        double best = bestOther(rows, e);
        if (mip <= best + TIE * Math.max(1, Math.abs(best))) {
          noWorse++;
        }
      }
      budgets.add(new Budget(b, rows, noWorse, starts.size()));
    }
    return new Report(o, starts, denseRow, budgets, (System.nanoTime() - t0) / 1e9);
  }

  /** A network of the study and its ReLU count. */
  private record Network(DynamicsModel model, int relus) {}

  private static Network read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no model " + file + ": make the models with 'loopforge sparsify benchmark"
          + " --plants cartpole-walls --budgets 16,8,4 --models " + file.getParent() + "'");
    }
    Model m = ModelFiles.read(file).model();
    int relus = switch (m.kind()) {
      case RELU_NETWORK -> ((ReluNetwork) m.value()).reluCount();
      case FOLDED_RELU_NETWORK -> ((FoldedReluNetwork) m.value()).reluCount();
      case SINDY, AFFINE_POLICY, NETWORK_POLICY, MPC_POLICY, POLYNOMIAL_POLICY -> throw new IllegalArgumentException(file + " holds "
          + m.kind().withArticle() + ", not a ReLU network");
    };
    return new Network(m.dynamics("the planner comparison"), relus);
  }

  /** Seeded initial states inside the central part of the operating region; many touch a wall. */
  static List<double[]> starts(Options o) {
    SplittableRandom rng = new SplittableRandom(o.seed());
    double[] range = {0.4, 0.25, 0.5, 0.5};
    List<double[]> s = new ArrayList<>();
    for (int e = 0; e < o.episodes(); e++) {
      double[] x = new double[range.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = range[i] * (2 * rng.nextDouble() - 1);
      }
      s.add(x);
    }
    return s;
  }

  /**
   * The problem every controller solves: L1 costs, the plant's input box, its region as a soft state box, and as
   * terminal cost the LQR tail on the model (or Q_T = factor · Q).
   */
  static MpcProblem problem(Options o, Plant plant, DynamicsModel model) {
    double[] q = {1, 1, 0.1, 0.1};
    double[] r = {0.01};
    double f = o.terminalFactor();
    MpcProblem.Builder b = MpcProblem.builder(model, o.horizon()).norm(MpcProblem.Norm.L1)
        .stateReference(plant.defaultTask().referenceState())
        .stateWeights(q).inputWeights(r).terminalWeights(f * q[0], f * q[1], f * q[2], f * q[3])
        .inputBounds(plant.inputLower(), plant.inputUpper())
        .stateBounds(plant.stateLower(), plant.stateUpper(), 100);
    if (plant.defaultTask().hasReferenceInput()) {
      b.inputReference(plant.defaultTask().referenceInput());
    }
    if (o.lqrTail()) {
      b.terminalMatrix(TerminalCost.lqrTail(b.build()));
    }
    return b.build();
  }

  private static Row row(Options o, Plant plant, Network network, String label, PlannerKind kind,
      List<double[]> starts, RolloutData test, PrintWriter log) {
    DynamicsModel model = network.model();
    MpcProblem problem = problem(o, plant, model);
    StageCost cost = problem.stageCost();
    PlannerKind.Settings settings = PlannerKind.Settings.defaults(o.seed()).withTimeLimit(o.mipTimeLimit());
    Planner planner = kind.create(problem, settings);
    PlanLog planLog = new PlanLog();
    RecedingHorizonController c = RecedingHorizonController.builder(planner).listener(planLog).build();
    double[] costs = new double[starts.size()];
    List<Double> times = new ArrayList<>();
    int fallbacks = 0;
    int optimal = 0;
    for (int e = 0; e < starts.size(); e++) {
      planLog.clear();
      ClosedLoopResult r = ClosedLoop.builder(plant, c).steps(o.steps()).initialState(starts.get(e))
          .reference(problem.stateReference()).stopOutsideRegion(false).stageCost(cost)
          .controllerName(kind.cliName() + " on " + label).build().run();
      costs[e] = r.totalCost();
      log.printf(Locale.ROOT, "  %s on %s: episode %d of %d, cost %.4g%n", kind.cliName(), label, e + 1,
          starts.size(), costs[e]);
      log.flush();
      for (double t : planLog.solveMillis()) {
        times.add(t);
      }
      fallbacks += planLog.fallbacks();
      optimal += planLog.plannerStatuses().getOrDefault(PlanStatus.OPTIMAL, 0);
    }
    double[] t = times.stream().mapToDouble(Double::doubleValue).toArray();
    double[] scale = test.stateStd();
    double[] mse = RolloutMetrics.mseByStep(model, test, false, scale);
    Row row = new Row(label, kind.cliName(), network.relus(), mse[mse.length - 1], costs, PlanLog.quantile(t, 0.5),
        PlanLog.quantile(t, 0.95), fallbacks, t.length, optimal);
    log.printf(Locale.ROOT, "%-10s %-7s mean cost %.4g, solve median %.3g ms, p95 %.3g ms, %d fallbacks%n", label,
        kind.cliName(), row.mean(), row.solveMedianMs(), row.solveP95Ms(), fallbacks);
    log.flush();
    return row;
  }

  /** The lowest cost of episode {@code e} among the controllers other than the MIP (rows after the first). */
  private static double bestOther(List<Row> rows, int e) {
    double best = Double.POSITIVE_INFINITY;
    for (int i = 1; i < rows.size(); i++) {
      best = Math.min(best, rows.get(i).costs()[e]);
    }
    return best;
  }

  /** Per episode: each controller's cost and the MIP's over the best other's (a collapsible table). */
  private static String episodes(Budget b) {
    StringBuilder s = new StringBuilder("<details><summary>Cost per episode</summary>\n\n| episode |");
    StringBuilder rule = new StringBuilder("|---|");
    for (Row row : b.rows()) {
      s.append(' ').append(row.planner()).append(row.model().equals("dense") ? " (dense)" : "").append(" |");
      rule.append("---|");
    }
    s.append(" MIP / best other |\n").append(rule).append("---|\n");
    for (int e = 0; e < b.episodes(); e++) {
      s.append("| ").append(e + 1).append(" |");
      for (Row row : b.rows()) {
        s.append(String.format(Locale.ROOT, " %.4g |", row.costs()[e]));
      }
      s.append(String.format(Locale.ROOT, " %.3f |%n", b.rows().get(0).costs()[e] / bestOther(b.rows(), e)));
    }
    return s.append("\n</details>\n\n").toString();
  }

  /** The report as Markdown. */
  public static String markdown(Report r) {
    Options o = r.options();
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "#### Closed loop on %s: sparse + planners against dense + MPPI%n%n", o.plant()));
    s.append(String.format(Locale.ROOT, "%d episodes of %d steps from seeded starts, H = %d, L1 costs (Q = diag(1, 1,"
        + " 0.1, 0.1), %s, R = 0.01, the operating region soft at 100 per unit), MIP time limit %d ms per plan;"
        + " episode cost = the problem's stage cost on the true states, summed. Models from %s.%n%n", o.episodes(),
        o.steps(), o.horizon(), o.lqrTail() ? "terminal cost the L1 cost of the LQR tail on each model"
            : "Q_T = " + o.terminalFactor() + " Q", o.mipTimeLimit().toMillis(), o.models()));
    for (Budget b : r.budgets()) {
      s.append(String.format(Locale.ROOT, "Sparse model with %d ReLUs:%n%n", b.relus()));
      s.append("| model | planner | ReLUs | 10-step MSE (test) | mean cost | median cost | solve median (ms) |"
          + " solve p95 (ms) | plans proven optimal | fallbacks |\n|---|---|---|---|---|---|---|---|---|---|\n");
      for (Row row : b.rows()) {
        double[] c = row.costs().clone();
        java.util.Arrays.sort(c);
        s.append(String.format(Locale.ROOT, "| %s | %s | %d | %.3g | %.4g | %.4g | %.3g | %.3g | %s | %d |%n",
            row.model(), row.planner(), row.relus(), row.tenStepMse(), row.mean(), c[c.length / 2],
            row.solveMedianMs(), row.solveP95Ms(), row.planner().equals(PlannerKind.MIP.cliName())
                ? row.optimal() + " / " + row.steps() : "–", row.fallbacks()));
      }
      s.append(String.format(Locale.ROOT, "%nMIP no worse than the best other controller in %d of %d episodes"
          + " (%.0f %%): goal (≥ 80 %%) **%s**.%n%n", b.mipNoWorse(), b.episodes(), 100 * b.share(),
          b.met() ? "met" : "not met"));
      s.append(episodes(b));
    }
    s.append(String.format(Locale.ROOT, "Total wall time %.0f s.%n", r.seconds()));
    return s.toString();
  }
}
