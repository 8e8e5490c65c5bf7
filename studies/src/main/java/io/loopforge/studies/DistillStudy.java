package io.loopforge.studies;

import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.loop.ClosedLoop;
import io.loopforge.modeling.loop.StageCost;
import io.loopforge.modeling.plant.CartPoleWalls;
import io.loopforge.modeling.plant.CartPoleWallsNetwork;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.policy.Controller;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.mpc.MipPlanner;
import io.loopforge.mpc.MpcProblem;
import io.loopforge.mpc.RecedingHorizonController;
import io.loopforge.mpc.distill.Distillation;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.policy.NetworkPolicy;
import io.loopforge.modeling.policy.PolynomialPolicy;
import io.loopforge.mpc.distill.ExecutorFanOut;
import io.loopforge.mpc.distill.PolynomialPolicyFit;
import io.loopforge.mpc.distill.ReluPolicyTrainer;
import io.loopforge.mpc.distill.SampleRegion;
import io.loopforge.mpc.distill.SolveDataset;
import io.loopforge.mpc.distill.SolveJob;
import io.loopforge.mpc.distill.SolveTask;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The distillation figures of BENCHMARKS.md: the cartpole-walls MPC of the planner comparison ({@link
 * PlannerComparisonStudy#problem}: L1, Q = (1, 1, 0.1, 0.1), Q_T = Q, R = 0.01, region soft at 100; H = 8 and 2 s per
 * plan unless {@code -Dloopforge.distill.horizon} and {@code -Dloopforge.distill.limit-ms} say otherwise) on the
 * plant's exact ReLU form ({@link CartPoleWallsNetwork}, dt 0.05 s, 5 substeps), solved by the MIP planner
 * on sampled and DAgger states (each round visits the closed loops of both policies fitted so far, the
 * polynomial at degree 5 and threshold 0.5); the ReLU and polynomial policies distilled from it and the MIP-MPC itself,
 * each in closed loop on the simulated plant from the comparison's 20 seeded starts (60 steps), scored by
 * the problem's stage cost; and solves per second on one thread and on the local fan-out. Each policy's
 * settings (ReLU: widths, epochs, seed; polynomial: degree, threshold) are chosen by the mean cost on 20
 * validation episodes from the next seed's starts, never on the reported episodes; the sparse ReLU policy is the
 * chosen one pruned ({@link ReluPolicyTrainer.Builder#keepRelus}) to the fewest of a quarter, a half and three
 * quarters of its ReLUs whose validation cost is within 5 % of the unpruned one's.
 *
 * <p>{@code java -cp … io.loopforge.studies.DistillStudy OUT_DIR [SAMPLES [DAGGER_ROUNDS [DAGGER_EPISODES
 * [polynomial]]]]}; with {@code polynomial} the ReLU sweep and the solves-per-second runs are skipped (the
 * ReLU row is then the distillation's own policy, hidden 16-16, 300 epochs).
 */
public final class DistillStudy {
  private DistillStudy() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Path out = Path.of(args[0]);
    int samples = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    int episodes = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    PrintWriter log = new PrintWriter(System.err, true);
    Files.createDirectories(out);
    boolean polynomialOnly = args.length > 4 && args[4].equals("polynomial");
    String md = run(out, samples, rounds, episodes, polynomialOnly, log);
    Files.writeString(out.resolve("distill.md"), md);
    System.out.print(md);
  }

  static String run(Path out, int samples, int rounds, int daggerEpisodes, boolean polynomialOnly, PrintWriter log)
      throws InterruptedException {
    long t0 = System.nanoTime();
    // the MPC of the published table (H = 8, 2 s per plan), its own rather than the planner comparison's
    // (whose defaults moved to H = 5, 20 s); -Dloopforge.distill.horizon / .limit-ms choose another
    PlannerComparisonStudy.Options std = PlannerComparisonStudy.Options.standard(out);
    PlannerComparisonStudy.Options o = new PlannerComparisonStudy.Options(out, std.plant(), std.budgets(),
        std.episodes(), std.steps(), Integer.getInteger("loopforge.distill.horizon", 8),
        java.time.Duration.ofMillis(Long.getLong("loopforge.distill.limit-ms", 2000)), std.seed())
        .withTerminalFactor(1); // the published table's MPC: Q_T = Q, not the comparison's newer LQR tail
    CartPoleWalls plant = CartPoleWalls.withDefaults();
    DynamicsModel model = CartPoleWallsNetwork.semiImplicitEuler(plant, 0.05, 5);
    MpcProblem problem = PlannerComparisonStudy.problem(o, plant, model);
    java.util.function.Supplier<io.loopforge.mpc.Planner> planners = () -> MipPlanner.builder(problem)
        .deterministic(true).timeLimit(o.mipTimeLimit()).build();
    int threads = Runtime.getRuntime().availableProcessors();
    Distillation.Result r = Distillation.builder(planners, plant).samples(samples).seed(o.seed())
        .region(SampleRegion.ofPlant(plant, 0.5)).dagger(rounds, daggerEpisodes, o.steps()).chunkSize(25)
        .fanOut(ExecutorFanOut.threads(threads)).directory(out.resolve("solves"))
        .trainer(ReluPolicyTrainer.builder().hidden(16, 16).epochs(300).seed(o.seed()).build()).polynomial(5, 0.5)
        .listener(new Distillation.Listener() {
          @Override
          public void batch(String name, int tasks) {
            log.printf("solving %s: %d states%n", name, tasks);
          }

          @Override
          public void progress(io.loopforge.mpc.distill.Progress p) {
            log.println("  " + p);
          }
        }).build().run();
    List<double[]> starts = PlannerComparisonStudy.starts(o);
    StageCost cost = problem.stageCost();
    // model selection on 20 validation episodes of another seed, never on the reported ones
    List<double[]> validation = PlannerComparisonStudy.starts(new PlannerComparisonStudy.Options(out, o.plant(),
        o.budgets(), o.episodes(), o.steps(), o.horizon(), o.mipTimeLimit(), o.seed() + 1));
    InputBounds box = InputBounds.of(problem.inputLower(), problem.inputUpper());
    NetworkPolicy relu = polynomialOnly ? r.relu() : null;
    String reluName = polynomialOnly ? "the distillation's own: hidden 16-16, 300 epochs, no selection" : null;
    double best = Double.POSITIVE_INFINITY;
    int[] chosen = null; // hidden width (both layers), epochs, seed of the chosen ReLU policy
    for (int[] h : polynomialOnly ? new int[0][] : new int[][] {{16, 16}, {24, 24}, {32, 32}}) {
      for (int epochs : new int[] {300, 800}) {
        for (long seed = 1; seed <= 3; seed++) {
          NetworkPolicy p = ReluPolicyTrainer.builder().hidden(h).epochs(epochs).seed(seed).build()
              .train(r.data(), box, problem.model().dt());
          double v = mean(episodes(plant, p, validation, o, problem, cost));
          log.printf(Locale.ROOT, "relu %s, %d epochs, seed %d: validation cost %.4f%n", Arrays.toString(h), epochs,
              seed, v);
          if (v < best) {
            best = v;
            relu = p;
            chosen = new int[] {h[0], epochs, (int) seed};
            reluName = String.format(Locale.ROOT, "hidden %d-%d, %d epochs, seed %d", h[0], h[1], epochs, seed);
          }
        }
      }
    }
    // the sparse ReLU policy: the chosen settings pruned to a quarter, a half and three quarters of its ReLUs;
    // the fewest whose validation cost is within 5 % of the unpruned one's (the most ReLUs if none is)
    NetworkPolicy sparse = null;
    String sparseName = null;
    if (chosen != null) {
      int total = 2 * chosen[0];
      for (int keep : new int[] {total / 4, total / 2, 3 * total / 4}) {
        sparse = ReluPolicyTrainer.builder().hidden(chosen[0], chosen[0]).epochs(chosen[1]).seed(chosen[2])
            .keepRelus(keep).build().train(r.data(), box, problem.model().dt());
        double v = mean(episodes(plant, sparse, validation, o, problem, cost));
        log.printf(Locale.ROOT, "relu %s pruned to %d ReLUs: validation cost %.4f%n", reluName, keep, v);
        boolean within = v <= 1.05 * best;
        sparseName = String.format(Locale.ROOT, "%s pruned to %d of %d ReLUs%s", reluName, keep, total,
            within ? "" : "; none within 5 % of it on validation");
        if (within) {
          break;
        }
      }
    }
    PolynomialPolicy poly = null;
    String polyName = null;
    best = Double.POSITIVE_INFINITY;
    // degrees 5 to 8 fit since a constant reference left the library (4 states: 126, 210, 330 and 495 terms) and
    // the variables are scaled to [-1, 1]; -Dloopforge.distill.degrees=2,3,4 gives the earlier sweep
    int[] degrees = Arrays.stream(System.getProperty("loopforge.distill.degrees", "2,3,4,5,6,7,8").split(","))
        .mapToInt(Integer::parseInt).toArray();
    for (int degree : degrees) {
      for (double threshold : new double[] {0.1, 1, 5, 20}) {
        PolynomialPolicy p = PolynomialPolicyFit.fit(r.data(), degree, threshold, box, problem.model().dt());
        double v = mean(episodes(plant, p, validation, o, problem, cost));
        log.printf(Locale.ROOT, "polynomial degree %d, threshold %s: validation cost %.4f%n", degree, threshold, v);
        if (v < best) {
          best = v;
          poly = p;
          polyName = String.format(Locale.ROOT, "degree %d, STLSQ threshold %s", degree, threshold);
        }
      }
    }
    ModelFiles.write(Model.of(relu), out.resolve("relu-policy.json"));
    if (sparse != null) {
      ModelFiles.write(Model.of(sparse), out.resolve("relu-sparse-policy.json"));
    }
    ModelFiles.write(Model.of(poly), out.resolve("polynomial-policy.json"));
    long m0 = System.nanoTime();
    double[] mpc = episodes(plant, RecedingHorizonController.builder(planners.get()).build(), starts, o, problem, cost);
    double mpcSeconds = (System.nanoTime() - m0) / 1e9;
    log.printf(Locale.ROOT, "MIP-MPC mean cost %.4f (%.0f s)%n", mean(mpc), mpcSeconds);
    double[] reluCosts = episodes(plant, relu, starts, o, problem, cost);
    double[] polyCosts = episodes(plant, poly, starts, o, problem, cost);
    double[] sparseCosts = sparse == null ? null : episodes(plant, sparse, starts, o, problem, cost);

    // solves per second: the same 200 tasks on one thread and on the fan-out
    List<SolveTask> tasks = SolveJob.tasks(SampleRegion.ofPlant(plant, 0.5).sample(SampleRegion.Design.UNIFORM, 200,
        o.seed() + 100), problem.stateReference());
    double one = polynomialOnly ? Double.NaN : rate(planners, tasks, ExecutorFanOut.threads(1), out.resolve("rate-1"));
    double all = polynomialOnly ? Double.NaN
        : rate(planners, tasks, ExecutorFanOut.threads(threads), out.resolve("rate-" + threads));

    SolveDataset d = r.data();
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "Dataset: %d solves (%d sampled, Latin hypercube in the central half of the"
        + " operating region, seed %d; then %s DAgger states of both policies), statuses %s; %d proven optimal train, %d left out;"
        + " median solve %.0f ms; %.0f s of solving on %d threads.%n%n", d.size(), r.roundSizes().get(0), o.seed(),
        r.roundSizes().subList(1, r.roundSizes().size()), d.statusCounts(), d.training().size(), d.excluded(),
        d.medianSolveMillis(), r.solveSeconds(), threads));
    s.append("| controller | size | mean episode cost | vs MIP-MPC | worst episode ratio |\n|---|---|---:|---:|---:|\n");
    s.append(String.format(Locale.ROOT, "| MIP-MPC (H = %d, %d ms limit) | %d binaries × plan | %.4f | 1 | 1 |%n",
        o.horizon(), o.mipTimeLimit().toMillis(), 10 * o.horizon(), mean(mpc)));
    s.append(row("ReLU policy (" + reluName + ")", relu.toString(), reluCosts, mpc));
    if (sparse != null) {
      s.append(row("sparse ReLU policy (" + sparseName + ")", sparse.toString(), sparseCosts, mpc));
    }
    s.append(row("polynomial policy (" + polyName + ")", poly.toString(), polyCosts, mpc));
    s.append(String.format(Locale.ROOT, "%nGoal (each distilled policy's mean cost within 5 %% of the MIP-MPC's): ReLU"
        + " **%s**, %spolynomial **%s**.%n%n", met(reluCosts, mpc), sparse == null ? ""
        : "sparse ReLU **" + met(sparseCosts, mpc) + "**, ", met(polyCosts, mpc)));
    if (Double.isNaN(one)) {
      s.append(String.format(Locale.ROOT, "Solves per second: not measured in this mode. MIP-MPC closed loops: %.0f s"
          + " for %d plans. Total %.0f s.%n", mpcSeconds, starts.size() * o.steps(), (System.nanoTime() - t0) / 1e9));
    } else {
      s.append(String.format(Locale.ROOT, "Solves per second, 200 uniform states, same records: one thread %.2f/s,"
          + " local fan-out on %d threads %.2f/s (%.2f×). MIP-MPC closed loops: %.0f s for %d plans. Total %.0f s.%n",
          one, threads, all, all / one, mpcSeconds, starts.size() * o.steps(), (System.nanoTime() - t0) / 1e9));
      s.append(String.format(Locale.ROOT, "On paper, 10⁶ solves on a 100-core cluster at the one-thread rate: %.1f"
          + " h.%n", 1e6 / one / 100 / 3600));
    }
    return s.toString();
  }

  private static double rate(java.util.function.Supplier<io.loopforge.mpc.Planner> planners, List<SolveTask> tasks,
      ExecutorFanOut f, Path dir) throws InterruptedException {
    deleteTree(dir); // chunks left from an earlier run would be read, not solved
    long t0 = System.nanoTime();
    SolveJob.builder(planners, tasks).directory(dir).chunkSize(10).fanOut(f).build().run();
    return tasks.size() / ((System.nanoTime() - t0) / 1e9);
  }

  private static void deleteTree(Path dir) {
    try {
      io.loopforge.modeling.io.FileTrees.delete(dir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String row(String name, String size, double[] c, double[] mpc) {
    double worst = 0;
    for (int e = 0; e < c.length; e++) {
      worst = Math.max(worst, c[e] / mpc[e]);
    }
    return String.format(Locale.ROOT, "| %s | %s | %.4f | %.3f | %.2f |%n", name, size, mean(c), mean(c) / mean(mpc),
        worst);
  }

  private static double[] episodes(Plant plant, Controller c, List<double[]> starts, PlannerComparisonStudy.Options o,
      MpcProblem problem, StageCost cost) {
    double[] out = new double[starts.size()];
    for (int e = 0; e < starts.size(); e++) {
      out[e] = ClosedLoop.builder(plant, c).steps(o.steps()).initialState(starts.get(e))
          .reference(problem.stateReference()).stopOutsideRegion(false).stageCost(cost).build().run().totalCost();
    }
    return out;
  }

  private static String met(double[] costs, double[] mpc) {
    return mean(costs) <= 1.05 * mean(mpc) ? "met" : "not met";
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

}
