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
import io.loopforge.mpc.distill.ExecutorFanOut;
import io.loopforge.mpc.distill.ReluPolicyTrainer;
import io.loopforge.mpc.distill.SampleRegion;
import io.loopforge.mpc.distill.SolveDataset;
import io.loopforge.mpc.distill.SolveJob;
import io.loopforge.mpc.distill.SolveTask;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The distillation figures of BENCHMARKS.md: the cartpole-walls MPC of the planner comparison ({@link
 * PlannerComparisonStudy#problem}: L1, Q = (1, 1, 0.1, 0.1), R = 0.01, region soft at 100, H = 8) on the
 * plant's exact ReLU form ({@link CartPoleWallsNetwork}, dt 0.05 s, 5 substeps), solved by the MIP planner
 * on sampled and DAgger states; the ReLU and polynomial policies distilled from it and the MIP-MPC itself,
 * each in closed loop on the simulated plant from the comparison's 20 seeded starts (60 steps), scored by
 * the problem's stage cost; and solves per second on one thread and on the local fan-out.
 *
 * <p>{@code java -cp … io.loopforge.studies.DistillStudy OUT_DIR [SAMPLES [DAGGER_ROUNDS [DAGGER_EPISODES]]]}
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
    String md = run(out, samples, rounds, episodes, log);
    Files.writeString(out.resolve("distill.md"), md);
    System.out.print(md);
  }

  static String run(Path out, int samples, int rounds, int daggerEpisodes, PrintWriter log) throws InterruptedException {
    long t0 = System.nanoTime();
    PlannerComparisonStudy.Options o = PlannerComparisonStudy.Options.standard(out);
    CartPoleWalls plant = CartPoleWalls.withDefaults();
    DynamicsModel model = CartPoleWallsNetwork.semiImplicitEuler(plant, 0.05, 5);
    MpcProblem problem = PlannerComparisonStudy.problem(o, plant, model);
    java.util.function.Supplier<io.loopforge.mpc.Planner> planners = () -> MipPlanner.builder(problem)
        .deterministic(true).timeLimit(o.mipTimeLimit()).build();
    int threads = Runtime.getRuntime().availableProcessors();
    Distillation.Result r = Distillation.builder(planners, plant).samples(samples).seed(o.seed())
        .region(SampleRegion.ofPlant(plant, 0.5)).dagger(rounds, daggerEpisodes, o.steps()).chunkSize(25)
        .fanOut(ExecutorFanOut.threads(threads)).directory(out.resolve("solves"))
        .trainer(ReluPolicyTrainer.builder().hidden(16, 16).epochs(300).seed(o.seed()).build()).polynomial(3, 0.1)
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
    ModelFiles.write(Model.of(r.relu()), out.resolve("relu-policy.json"));
    ModelFiles.write(Model.of(r.polynomial()), out.resolve("polynomial-policy.json"));

    List<double[]> starts = PlannerComparisonStudy.starts(o);
    StageCost cost = (x, u, ref, dt) -> problem.weighted(x, ref, problem.stateWeights())
        + problem.weighted(u, problem.inputReference(), problem.inputWeights())
        + problem.statePenalty() * problem.violation(x);
    long m0 = System.nanoTime();
    double[] mpc = episodes(plant, RecedingHorizonController.builder(planners.get()).build(), starts, o, problem, cost);
    double mpcSeconds = (System.nanoTime() - m0) / 1e9;
    log.printf(Locale.ROOT, "MIP-MPC mean cost %.4f (%.0f s)%n", mean(mpc), mpcSeconds);
    double[] relu = episodes(plant, r.relu(), starts, o, problem, cost);
    double[] poly = episodes(plant, r.polynomial(), starts, o, problem, cost);

    // solves per second: the same 200 tasks on one thread and on the fan-out
    List<SolveTask> tasks = SolveJob.tasks(SampleRegion.ofPlant(plant, 0.5).sample(SampleRegion.Design.UNIFORM, 200,
        o.seed() + 100), problem.stateReference());
    double one = rate(planners, tasks, ExecutorFanOut.threads(1), out.resolve("rate-1"));
    double all = rate(planners, tasks, ExecutorFanOut.threads(threads), out.resolve("rate-" + threads));

    SolveDataset d = r.data();
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "Dataset: %d solves (%d sampled, Latin hypercube in the central half of the"
        + " operating region, seed %d; then %s DAgger states), statuses %s; %d proven optimal train, %d left out;"
        + " median solve %.0f ms; %.0f s of solving on %d threads.%n%n", d.size(), r.roundSizes().get(0), o.seed(),
        r.roundSizes().subList(1, r.roundSizes().size()), d.statusCounts(), d.training().size(), d.excluded(),
        d.medianSolveMillis(), r.solveSeconds(), threads));
    s.append("| controller | size | mean episode cost | vs MIP-MPC | worst episode ratio |\n|---|---|---:|---:|---:|\n");
    s.append(String.format(Locale.ROOT, "| MIP-MPC (H = 8, %d ms limit) | %d binaries × plan | %.4f | 1 | 1 |%n",
        o.mipTimeLimit().toMillis(), 10 * o.horizon(), mean(mpc)));
    s.append(row("ReLU policy " + r.relu(), "16-16 ReLUs", relu, mpc));
    s.append(row("polynomial policy, degree 3, STLSQ 0.1", r.polynomial().nonZeros() + " terms", poly, mpc));
    s.append(String.format(Locale.ROOT, "%nGoal (each distilled policy's mean cost within 5 %% of the MIP-MPC's): ReLU"
        + " **%s**, polynomial **%s**.%n%n", mean(relu) <= 1.05 * mean(mpc) ? "met" : "not met",
        mean(poly) <= 1.05 * mean(mpc) ? "met" : "not met"));
    s.append(String.format(Locale.ROOT, "Solves per second, 200 uniform states, same records: one thread %.2f/s,"
        + " local fan-out on %d threads %.2f/s (%.2f×). MIP-MPC closed loops: %.0f s for %d plans. Total %.0f s.%n",
        one, threads, all, all / one, mpcSeconds, starts.size() * o.steps(), (System.nanoTime() - t0) / 1e9));
    s.append(String.format(Locale.ROOT, "On paper, 10⁶ solves on a 100-core cluster at the one-thread rate: %.1f h.%n",
        1e6 / one / 100 / 3600));
    return s.toString();
  }

  private static double rate(java.util.function.Supplier<io.loopforge.mpc.Planner> planners, List<SolveTask> tasks,
      ExecutorFanOut f, Path dir) throws InterruptedException {
    long t0 = System.nanoTime();
    SolveJob.builder(planners, tasks).directory(dir).chunkSize(10).fanOut(f).build().run();
    return tasks.size() / ((System.nanoTime() - t0) / 1e9);
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

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

}
