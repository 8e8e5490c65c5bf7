package io.loopforge.studies;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.loop.ClosedLoop;
import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.MlpTrainer;
import io.loopforge.modeling.nn.NetworkBounds;
import io.loopforge.modeling.nn.Normalization;
import io.loopforge.modeling.nn.RolloutData;
import io.loopforge.modeling.nn.TrainableMlp;
import io.loopforge.modeling.nn.TrainingConfig;
import io.loopforge.modeling.nn.TrainingListener;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantCatalog;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.mpc.BoundTightener;
import io.loopforge.mpc.CbcRunner;
import io.loopforge.mpc.MilpInstance;
import io.loopforge.mpc.MilpSolver;
import io.loopforge.mpc.MipPlanner;
import io.loopforge.mpc.MipReport;
import io.loopforge.mpc.MpcProblem;
import io.loopforge.mpc.Plan;
import io.loopforge.mpc.PlanRequest;
import io.loopforge.mpc.PlanStatus;
import io.loopforge.mpc.Planner;
import io.loopforge.mpc.RecedingHorizonController;
import io.loopforge.mpc.ReluBounds;
import io.loopforge.mpc.ReluMilp;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Variable;

/**
 * The mixed-integer MPC measurements behind BENCHMARKS.md (issue "Mixed-integer MPC with ojAlgo", done-when
 * items 1, 2 and 5):
 *
 * <ol>
 *   <li><b>Solve time vs binaries.</b> For each case (a plant, a residual ReLU network trained on its
 *       simulated data, a horizon) the MIP planner runs in receding horizon against the simulated plant
 *       from seeded initial states; every planner call is recorded (state, reference, previous input,
 *       warm start). Each recorded instance is then solved again, in a warm JVM, by a planner with
 *       interval bounds only and one with LP-tightened bounds (both with the warm start, one thread), and
 *       the wall time of the whole call (bounds, build, branch-and-bound, validation) is tabulated by the
 *       binaries left after tightening, with the process CPU time beside it (the wall time on a shared
 *       machine includes waiting).
 *   <li><b>The OMLT shape.</b> Minimise the output of a 1→30→30→1 ReLU network (He-initialised weights,
 *       N(0, 0.1²) biases, seeded) over {@code x ∈ [−1, 1]}: ojAlgo with interval bounds, ojAlgo with
 *       LP-tightened bounds (tightening time included), and CBC on the interval-bound instance (process
 *       time), side by side in one run.
 *   <li><b>ojAlgo and CBC agree.</b> The tightened instances of the first {@code agreementInstances}
 *       closed-loop calls (spread over the cases) are written as MPS and solved by CBC; status and objective
 *       (1e-6 relative, plus 1e-8 absolute for CBC's 8 printed decimals) are compared with ojAlgo's (solved
 *       again with CBC's time limit where the planner's stopped it).
 * </ol>
 *
 * <p>Run: {@link #run} with {@link Options#standard()} (or {@link Options#quick()} for a smoke run), then
 * {@link #markdown}; {@link #main} does both and prints the table. Not run by tests.
 */
public final class MipStudy {
  /**
   * One family of instances.
   *
   * @param plant catalog name ({@code mass-spring-damper} or {@code cartpole-walls})
   * @param hidden hidden widths of the dense residual network trained for it (ReLUs = their sum), when no
   *     model file is given
   * @param horizon H
   * @param modelFile a relu-network model file of the plant (e.g. a sparse network written by {@code
   *     loopforge sparsify benchmark}), or null to train a dense one
   */
  public record Case(String plant, int[] hidden, int horizon, Path modelFile) {
    /** A case whose network is trained here. */
    public Case(String plant, int[] hidden, int horizon) {
      this(plant, hidden, horizon, null);
    }

    public String label() {
      String net = modelFile != null ? modelFile.getFileName().toString() : Arrays.toString(hidden);
      return plant + " " + net + " H=" + horizon;
    }
  }

  /**
   * Study settings.
   *
   * @param cases the instance families
   * @param transitions simulated transitions per plant for training
   * @param trainEpochs maximum training epochs (early stopping)
   * @param episodes closed-loop episodes per case (seeded initial states)
   * @param steps control steps per episode
   * @param timeLimit branch-and-bound time limit per call
   * @param tighteningBudget LP tightening budget per call
   * @param warmupSolves instances solved first and not counted (JIT warm-up)
   * @param agreementInstances closed-loop instances re-solved with CBC (spread over the cases)
   * @param cbcTimeLimit CBC's time limit
   * @param omltRepeats repetitions of the OMLT comparison (medians are reported)
   * @param omltTimeLimit time limit of each OMLT solve
   * @param seed seed of data, training, initial states and the OMLT network
   */
  public record Options(List<Case> cases, int transitions, int trainEpochs, int episodes, int steps,
      Duration timeLimit, Duration tighteningBudget, int warmupSolves, int agreementInstances, Duration cbcTimeLimit,
      int omltRepeats, Duration omltTimeLimit, long seed) {

    /**
     * The published configuration: dense networks trained here (add the sparse ones with {@link #withModels});
     * about an hour on two cores, most of it in the dense cart-pole network's instances that reach the time
     * limit.
     */
    public static Options standard() {
      return new Options(List.of(
          new Case("mass-spring-damper", new int[] {4}, 5),
          new Case("mass-spring-damper", new int[] {8}, 5),
          new Case("cartpole-walls", new int[] {4}, 5),
          new Case("cartpole-walls", new int[] {8}, 4)),
          8_000, 60, 2, 30, Duration.ofSeconds(10), Duration.ofMillis(300), 20, 60, Duration.ofSeconds(120), 3,
          Duration.ofSeconds(120), 1);
    }

    /**
     * These options with a case per model file {@code <plant>-gated-<n>.json} in {@code dir} (sorted by name)
     * and horizon, after the trained ones.
     */
    public Options withModels(Path dir, int[] horizons) throws IOException {
      List<Case> all = new ArrayList<>(cases);
      List<Path> files;
      try (java.util.stream.Stream<Path> list = java.nio.file.Files.list(dir)) {
        files = list.filter(f -> f.getFileName().toString().matches(".+-gated-\\d+\\.json")).sorted().toList();
      }
      for (Path f : files) {
        String name = f.getFileName().toString();
        String plant = name.substring(0, name.indexOf("-gated-"));
        if (!PLANTS.contains(plant)) {
          continue; // the study has MPC problems for these plants only
        }
        for (int hz : horizons) {
          all.add(new Case(plant, new int[0], hz, f));
        }
      }
      return new Options(List.copyOf(all), transitions, trainEpochs, episodes, steps, timeLimit, tighteningBudget,
          warmupSolves, agreementInstances, cbcTimeLimit, omltRepeats, omltTimeLimit, seed);
    }

    /** Minutes, not hours: small networks, short loops, one OMLT repetition. */
    public static Options quick() {
      return new Options(List.of(
          new Case("mass-spring-damper", new int[] {4}, 4),
          new Case("cartpole-walls", new int[] {8}, 4)),
          2_000, 15, 2, 15, Duration.ofSeconds(10), Duration.ofMillis(300), 6, 50, Duration.ofSeconds(60), 1,
          Duration.ofSeconds(60), 1);
    }
  }

  /** Median, 95th percentile (nearest rank) and maximum of a sample, ms; NaN when empty. */
  public record Times(int n, double median, double p95, double max) {
    static Times of(List<Double> values) {
      if (values.isEmpty()) {
        return new Times(0, Double.NaN, Double.NaN, Double.NaN);
      }
      double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      int n = v.length;
      double median = n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
      double p95 = v[Math.max(0, (int) Math.ceil(0.95 * n) - 1)];
      return new Times(n, median, p95, v[n - 1]);
    }
  }

  /**
   * One re-solved instance.
   *
   * @param caseLabel its case
   * @param interval the interval-bounds planner's report
   * @param tightened the tightened planner's report
   * @param phases the ReLU-phase search's report (tightened bounds, {@link MipPlanner.Search#RELU_PHASES})
   * @param intervalCpuMs process CPU time of the interval-bounds call, ms
   * @param tightenedCpuMs process CPU time of the tightened call, ms
   */
  public record Solve(String caseLabel, MipReport interval, MipReport tightened, MipReport phases,
      double intervalCpuMs, double tightenedCpuMs) {}

  /**
   * One row of the solve-time table: instances whose tightened program has binaries in {@code [lo, hi]}.
   *
   * @param intervalOptimal instances the interval-bounds planner proved optimal
   * @param tightenedOptimal instances the tightened planner proved optimal
   * @param intervalBinaries median binaries with interval bounds
   * @param interval wall time of the interval-bounds call, ms
   * @param tightened wall time of the tightened call (bounds included), ms
   * @param tightenedBounds wall time of the tightened call's bound stages, ms
   * @param tightenedCpu process CPU time of the tightened call, ms
   * @param phasesOptimal instances the ReLU-phase search proved optimal
   * @param phases wall time of the ReLU-phase search's call (tightened bounds included), ms
   */
  public record Bucket(int lo, int hi, int instances, int intervalOptimal, int tightenedOptimal,
      double intervalBinaries, Times interval, Times tightened, Times tightenedBounds, Times tightenedCpu,
      int phasesOptimal, Times phases) {}

  /**
   * The OMLT-shape comparison (medians over the repetitions).
   *
   * @param units ReLU units (60)
   * @param binariesInterval binaries with interval bounds
   * @param binariesTightened binaries after LP tightening
   * @param intervalMs ojAlgo with interval bounds, ms
   * @param intervalState ojAlgo's state (last repetition)
   * @param tightenedMs ojAlgo with tightened bounds, tightening included, ms
   * @param boundsMs the tightening alone, ms
   * @param tightenedState ojAlgo's state (last repetition)
   * @param cbcMs CBC on the interval-bound instance, process wall time, ms
   * @param cbcStatus CBC's status (last repetition)
   * @param phasesMs the ReLU-phase search on the same problem posed as a one-step MPC problem, bounds
   *     included, ms
   * @param phasesStatus its plan status (last repetition)
   * @param objectives the four objectives (interval, tightened, CBC, ReLU-phase search; NaN without a
   *     solution)
   */
  public record Omlt(int units, int binariesInterval, int binariesTightened, double intervalMs, String intervalState,
      double tightenedMs, double boundsMs, String tightenedState, double cbcMs, String cbcStatus, double phasesMs,
      String phasesStatus, double[] objectives) {}

  /**
   * ojAlgo against CBC on closed-loop instances.
   *
   * @param instances instances compared
   * @param agreeing same status and objective within the tolerance
   * @param disagreements one line per disagreement
   */
  public record Agreement(int instances, int agreeing, List<String> disagreements) {}

  /** Everything the study measured. */
  public record Report(Options options, List<String> models, List<Solve> solves, List<Bucket> buckets, Omlt omlt,
      Agreement agreement, String machine, double seconds) {}

  /** The plants the study has MPC problems for. */
  static final List<String> PLANTS = List.of("mass-spring-damper", "cartpole-walls");

  private MipStudy() {}

  /** Runs the study, printing progress to {@code log}. */
  public static Report run(Options o, PrintWriter log) {
    long start = System.nanoTime();
    String machine = machine();
    log.println("machine: " + machine);
    List<String> models = new ArrayList<>();
    List<Solve> solves = new ArrayList<>();
    List<Agreement> agreements = new ArrayList<>();
    CbcRunner cbc = CbcRunner.builder().timeLimit(o.cbcTimeLimit()).build();
    boolean haveCbc = cbc.available();
    if (!haveCbc) {
      log.println("cbc is not installed (Debian package coinor-cbc): no CBC figures");
    }
    int agreementPerCase = (o.agreementInstances() + o.cases().size() - 1) / o.cases().size();
    int warmups = o.warmupSolves();
    for (Case c : o.cases()) {
      FoldedReluNetwork net = network(c, o);
      models.add(c.label() + ": " + net.reluCount() + " ReLUs after folding, dt " + net.dt() + " s");
      log.println("case " + c.label() + ": network " + net);
      log.flush();
      MpcProblem problem = problem(c.plant(), net, c.horizon());
      List<PlanRequest> requests = closedLoops(c, problem, o, log);
      MipPlanner interval = MipPlanner.builder(problem).tighten(false).timeLimit(o.timeLimit()).build();
      MipPlanner tight = MipPlanner.builder(problem).tighteningBudget(o.tighteningBudget()).timeLimit(o.timeLimit())
          .build();
      MipPlanner phases = MipPlanner.builder(problem).tighteningBudget(o.tighteningBudget()).timeLimit(o.timeLimit())
          .search(MipPlanner.Search.RELU_PHASES).build();
      for (int i = 0; i < Math.min(warmups, requests.size()); i++) {
        interval.plan(requests.get(i));
        tight.plan(requests.get(i));
        phases.plan(requests.get(i));
      }
      warmups = Math.max(0, warmups - requests.size());
      int compared = 0;
      int agreeing = 0;
      List<String> disagreements = new ArrayList<>();
      for (int i = 0; i < requests.size(); i++) {
        PlanRequest r = requests.get(i);
        long cpu0 = processCpuNanos();
        interval.plan(r);
        long cpu1 = processCpuNanos();
        tight.plan(r);
        long cpu2 = processCpuNanos();
        MilpInstance solved = tight.lastInstance();
        phases.plan(r);
        Solve s = new Solve(c.label(), interval.lastReport(), tight.lastReport(), phases.lastReport(),
            (cpu1 - cpu0) / 1e6, (cpu2 - cpu1) / 1e6);
        solves.add(s);
        if (haveCbc && compared < agreementPerCase && solved != null) {
          compared++;
          String why = compare(cbc, solved, s.tightened());
          if (why == null) {
            agreeing++;
          } else {
            disagreements.add(c.label() + ", instance " + i + ": " + why);
          }
        }
        if (i % 10 == 9) {
          log.printf(Locale.ROOT, "  %d/%d instances re-solved%n", i + 1, requests.size());
          log.flush();
        }
      }
      agreements.add(new Agreement(compared, agreeing, disagreements));
    }
    log.println("OMLT shape ...");
    log.flush();
    Omlt omlt = omlt(o, cbc, haveCbc);
    int n = 0;
    int agree = 0;
    List<String> dis = new ArrayList<>();
    for (Agreement a : agreements) {
      n += a.instances();
      agree += a.agreeing();
      dis.addAll(a.disagreements());
    }
    return new Report(o, models, solves, buckets(solves), omlt, new Agreement(n, agree, dis), machine,
        (System.nanoTime() - start) / 1e9);
  }

  /** The case's network from its model file, or a residual dense network trained on simulated data; folded. */
  static FoldedReluNetwork network(Case c, Options o) {
    if (c.modelFile() == null) {
      return train(c, o);
    }
    Model m = ModelFiles.read(c.modelFile()).model();
    return m.asFoldedNetwork().orElseThrow(() -> refused(m));
  }

  private static IllegalArgumentException refused(Model m) {
    return new IllegalArgumentException("the MIP study needs a ReLU network of the dynamics, but the model file holds "
        + m.kind().withArticle());
  }

  /** A residual dense network trained on the plant's simulated data, folded. */
  static FoldedReluNetwork train(Case c, Options o) {
    Dataset data = SparsifyBenchmark.simulate(c.plant(), o.transitions(), o.seed());
    RolloutData train = RolloutData.of(data, 3, 0.2, RolloutData.Split.TRAJECTORIES);
    TrainableMlp net = TrainableMlp.random(data.stateNames(), data.inputNames(), train.dt(), c.hidden(), true,
        Normalization.fromData(train, true), o.seed() + Arrays.stream(c.hidden()).sum());
    TrainingConfig config = TrainingConfig.builder().learningRate(3e-3).batchSize(32).maxEpochs(o.trainEpochs())
        .patience(8).seed(o.seed()).build();
    new MlpTrainer(config).train(net, train, TrainingListener.NONE);
    return FoldedReluNetwork.fold(net.toNetwork());
  }

  /** The MPC problem of a case: the plant's task, L1 costs, the plant's input box, its region as soft box. */
  static MpcProblem problem(String plantName, FoldedReluNetwork net, int horizon) {
    Plant plant = PlantCatalog.create(plantName);
    double[] ref = plant.defaultTask().referenceState();
    double[] uRef = plant.defaultTask().hasReferenceInput() ? plant.defaultTask().referenceInput()
        : new double[plant.inputDim()];
    MpcProblem.Builder b = MpcProblem.builder(net, horizon).stateReference(ref).inputReference(uRef)
        .inputBounds(plant.inputLower(), plant.inputUpper());
    if (!PLANTS.contains(plantName)) {
      throw new IllegalArgumentException("the MIP study has MPC problems for " + PLANTS + ", not " + plantName);
    }
    if (plantName.equals("mass-spring-damper")) {
      b.stateWeights(10, 1).inputWeights(0.1).inputRateWeights(0.05).inputRateLimit(4)
          .stateBounds(new double[] {-1, -2}, new double[] {1.5, 2}, 100);
    } else {
      double[] q = {1, 10, 0.1, 0.5};
      b.stateWeights(q).terminalWeights(5, 50, 0.5, 2.5).inputWeights(0.01).inputRateWeights(0.005)
          .stateBounds(plant.stateLower(), plant.stateUpper(), 100);
    }
    return b.build();
  }

  /** The closed loops of a case; every planner call's request. */
  static List<PlanRequest> closedLoops(Case c, MpcProblem problem, Options o, PrintWriter log) {
    Plant plant = PlantCatalog.create(c.plant());
    MipPlanner mip = MipPlanner.builder(problem).tighteningBudget(o.tighteningBudget()).timeLimit(o.timeLimit())
        .build();
    List<PlanRequest> requests = new ArrayList<>();
    Planner recording = new Planner() {
      @Override
      public MpcProblem problem() {
        return mip.problem();
      }

      @Override
      public String name() {
        return mip.name();
      }

      @Override
      public Plan plan(PlanRequest request) {
        requests.add(request);
        return mip.plan(request);
      }

      @Override
      public void reset() {
        mip.reset();
      }
    };
    SplittableRandom rng = new SplittableRandom(o.seed() * 31 + c.horizon());
    int fallbacks = 0;
    for (int e = 0; e < o.episodes(); e++) {
      double[] x0 = initialState(c.plant(), rng);
      int[] fb = new int[1];
      int episode = e;
      RecedingHorizonController controller = RecedingHorizonController.builder(recording).listener(s -> {
        if (s.fallback()) {
          fb[0]++;
          log.printf(Locale.ROOT, "  episode %d, step %d: %s (%s), %s%n", episode, s.index(), s.plannerStatus(),
              s.plannerDetail(), s.applied().status());
        }
      }).build();
      ClosedLoop.builder(plant, controller).steps(o.steps()).initialState(x0).reference(problem.stateReference())
          .seed(o.seed() + e).build().run();
      fallbacks += fb[0];
    }
    log.printf(Locale.ROOT, "  %d closed-loop instances, %d fallbacks%n", requests.size(), fallbacks);
    return requests;
  }

  private static double[] initialState(String plant, SplittableRandom rng) {
    if (plant.equals("mass-spring-damper")) {
      return new double[] {-0.5 + 1.5 * rng.nextDouble(), rng.nextDouble() - 0.5};
    }
    return new double[] {0.4 * rng.nextDouble() - 0.2, 0.3 * rng.nextDouble() - 0.15, 0, 0};
  }

  /**
   * Null when CBC agrees with ojAlgo on {@code instance}, else why not. ojAlgo's verdict is the planner's;
   * when the planner's time limit stopped it, the instance is solved again by ojAlgo with CBC's time limit,
   * so that both are compared on proven results.
   */
  private static String compare(CbcRunner cbc, MilpInstance instance, MipReport oj) {
    CbcRunner.Result r;
    try {
      r = cbc.solve(instance);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String state = oj.solverState();
    double a = oj.solverObjective();
    if (!state.equals("OPTIMAL") && !state.equals("DISTINCT") && !state.equals("INFEASIBLE")) {
      MilpSolver.Solution again = MilpSolver.builder().timeLimit(cbc.timeLimit()).build().solve(instance);
      state = again.state().toString();
      a = again.objective();
    }
    if (state.equals("OPTIMAL") || state.equals("DISTINCT")) {
      if (r.status() != CbcRunner.Status.OPTIMAL) {
        return "ojAlgo OPTIMAL, CBC " + r.statusLine();
      }
      double b = r.objective();
      if (!(Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b)) + 1e-8)) {
        return "objectives differ: ojAlgo " + a + ", CBC " + b;
      }
      return null;
    }
    if (state.equals("INFEASIBLE")) {
      return r.status() == CbcRunner.Status.INFEASIBLE ? null : "ojAlgo INFEASIBLE, CBC " + r.statusLine();
    }
    return "ojAlgo ended " + state + " (not proven), CBC " + r.statusLine();
  }

  /** Buckets of tightened binaries: 0–10, 11–20, 21–30, 31–40, 41+; and all ≤ 40. */
  static List<Bucket> buckets(List<Solve> solves) {
    int[][] ranges = {{0, 10}, {11, 20}, {21, 30}, {31, 40}, {41, Integer.MAX_VALUE}, {0, 40}};
    List<Bucket> out = new ArrayList<>();
    for (int[] range : ranges) {
      List<Double> iv = new ArrayList<>();
      List<Double> tt = new ArrayList<>();
      List<Double> tb = new ArrayList<>();
      List<Double> tc = new ArrayList<>();
      List<Double> ib = new ArrayList<>();
      List<Double> ph = new ArrayList<>();
      int io = 0;
      int to = 0;
      int po = 0;
      for (Solve s : solves) {
        int b = s.tightened().binaries();
        if (b < range[0] || b > range[1]) {
          continue;
        }
        iv.add(s.interval().millis());
        tt.add(s.tightened().millis());
        tb.add(s.tightened().boundNanos() / 1e6);
        tc.add(s.tightenedCpuMs());
        ib.add((double) s.interval().binaries());
        ph.add(s.phases().millis());
        io += s.interval().status() == PlanStatus.OPTIMAL ? 1 : 0;
        to += s.tightened().status() == PlanStatus.OPTIMAL ? 1 : 0;
        po += s.phases().status() == PlanStatus.OPTIMAL ? 1 : 0;
      }
      out.add(new Bucket(range[0], range[1], iv.size(), io, to, Times.of(ib).median(), Times.of(iv), Times.of(tt),
          Times.of(tb), Times.of(tc), po, Times.of(ph)));
    }
    return out;
  }

  /** The 1→30→30→1 network of the OMLT comparison. */
  static FoldedReluNetwork omltNetwork(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] w0 = gaussian(rng, 30, Math.sqrt(2.0));
    double[] b0 = gaussian(rng, 30, 0.1);
    // layer 1 reads v = [x; h0]: no skip path from x (column 0 stays 0)
    double[] w1 = new double[30 * 31];
    double[] g = gaussian(rng, 30 * 30, Math.sqrt(2.0 / 30));
    for (int r = 0; r < 30; r++) {
      System.arraycopy(g, r * 30, w1, r * 31 + 1, 30);
    }
    double[] b1 = gaussian(rng, 30, 0.1);
    double[] out = new double[61];
    System.arraycopy(gaussian(rng, 30, Math.sqrt(1.0 / 30)), 0, out, 31, 30);
    return new FoldedReluNetwork(List.of("x"), List.of(), 1.0, false, List.of(w0, w1), List.of(b0, b1), out,
        gaussian(rng, 1, 0.1));
  }

  private static double[] gaussian(SplittableRandom rng, int n, double std) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      double u1 = rng.nextDouble();
      double u2 = rng.nextDouble();
      v[i] = std * Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
    return v;
  }

  /** min f(x) over [−1, 1], the network encoded with {@code units}. */
  static MilpInstance omltInstance(FoldedReluNetwork net, ReluBounds units, String name) {
    ExpressionsBasedModel model = new ExpressionsBasedModel();
    Variable x = model.addVariable("x").lower(-1).upper(1);
    ReluMilp enc = ReluMilp.encode(model, net, List.of(x), units, "n_", false);
    Expression objective = model.addExpression("f").weight(1);
    double c = enc.addOutput(objective, 0, 1.0);
    return MilpInstance.of(model, c, name);
  }

  private static Omlt omlt(Options o, CbcRunner cbc, boolean haveCbc) {
    FoldedReluNetwork net = omltNetwork(o.seed());
    double[] lo = {-1};
    double[] hi = {1};
    MilpSolver solver = MilpSolver.builder().timeLimit(o.omltTimeLimit()).build();
    List<Double> iv = new ArrayList<>();
    List<Double> tt = new ArrayList<>();
    List<Double> bb = new ArrayList<>();
    List<Double> cb = new ArrayList<>();
    String ivState = "";
    String ttState = "";
    String cbStatus = haveCbc ? "" : "not installed";
    double[] objectives = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
    List<Double> ph = new ArrayList<>();
    String phStatus = "";
    MpcProblem embedded = omltAsMpc(net);
    MipPlanner phases = MipPlanner.builder(embedded).search(MipPlanner.Search.RELU_PHASES)
        .timeLimit(o.omltTimeLimit()).tighteningBudget(o.omltTimeLimit()).build();
    PlanRequest request = new PlanRequest(new double[] {0}, embedded.constantWindow(new double[] {-OMLT_OFFSET}),
        new double[] {0}, null);
    int binariesInterval = 0;
    int binariesTight = 0;
    for (int rep = 0; rep < o.omltRepeats(); rep++) {
      long t0 = System.nanoTime();
      ReluBounds interval = ReluBounds.of(NetworkBounds.of(net, lo, hi));
      MilpInstance a = omltInstance(net, interval, "omlt_interval");
      MilpSolver.Solution sa = solver.solve(a);
      iv.add((System.nanoTime() - t0) / 1e6);
      ivState = sa.state().toString();
      objectives[0] = sa.hasSolution() ? sa.objective() : Double.NaN;
      binariesInterval = interval.unstableCount();

      long t1 = System.nanoTime();
      BoundTightener.Single tight = BoundTightener.builder().budget(o.omltTimeLimit()).build().bound(net, lo, hi);
      long t2 = System.nanoTime();
      MilpSolver.Solution sb = solver.solve(omltInstance(net, tight.units(), "omlt_tightened"));
      tt.add((System.nanoTime() - t1) / 1e6);
      bb.add((t2 - t1) / 1e6);
      ttState = sb.state().toString();
      objectives[1] = sb.hasSolution() ? sb.objective() : Double.NaN;
      binariesTight = tight.units().unstableCount();

      if (haveCbc) {
        try {
          CbcRunner.Result r = cbc.solve(a);
          cb.add(r.millis());
          cbStatus = r.status().toString();
          objectives[2] = r.objective();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      Plan plan = phases.plan(request);
      ph.add(phases.lastReport().millis());
      phStatus = plan.status().toString();
      objectives[3] = plan.status().usable() ? plan.objective() - OMLT_OFFSET : Double.NaN;
    }
    return new Omlt(net.reluCount(), binariesInterval, binariesTight, Times.of(iv).median(), ivState,
        Times.of(tt).median(), Times.of(bb).median(), ttState, Times.of(cb).median(), cbStatus, Times.of(ph).median(),
        phStatus, objectives);
  }

  /** The reference of the one-step MPC posing of the OMLT problem: J = |y + offset| = f(x) + offset. */
  static final double OMLT_OFFSET = 1000;

  /**
   * min f(x) over [−1, 1] as a one-step MPC problem: the network's input becomes the control input x, its
   * output the state y (no column reads the state), and the L1 cost |y − (−offset)| is f(x) + offset
   * wherever f(x) > −offset.
   */
  static MpcProblem omltAsMpc(FoldedReluNetwork net) {
    int k = net.reluLayerCount();
    List<double[]> weights = new ArrayList<>();
    List<double[]> biases = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      weights.add(prependColumn(net.weights(i), net.units(i), net.offset(i)));
      biases.add(net.biases(i));
    }
    double[] out = prependColumn(net.outputWeights(), 1, net.offset(k));
    FoldedReluNetwork posed = new FoldedReluNetwork(List.of("y"), List.of("x"), 1.0, false, weights, biases, out,
        net.outputBiases());
    return MpcProblem.builder(posed, 1).stateReference(-OMLT_OFFSET).stateWeights(1)
        .inputBounds(new double[] {-1}, new double[] {1}).build();
  }

  /** Row-major {@code rows × cols} with a zero column in front. */
  private static double[] prependColumn(double[] w, int rows, int cols) {
    double[] out = new double[rows * (cols + 1)];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(w, r * cols, out, r * (cols + 1) + 1, cols);
    }
    return out;
  }

  private static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
    }
    return 0;
  }

  static String machine() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return String.format(Locale.ROOT, "%s %s, %d cores, Java %s, load average %.2f at start", os.getName(),
        os.getArch(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        os.getSystemLoadAverage());
  }

  /** The report as Markdown: settings, the tables and the goals. */
  public static String markdown(Report r) {
    StringBuilder sb = new StringBuilder();
    Options o = r.options();
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    sb.append("## Mixed-integer MPC (ojAlgo 56.2.1)\n\n");
    sb.append(String.format(Locale.ROOT, "%s; %s; load average %.2f at the end; %.0f s.%n%n", LocalDate.now(),
        r.machine(), os.getSystemLoadAverage(), r.seconds()));
    sb.append("Networks (residual, dense, trained on simulated data):\n\n");
    for (String m : r.models()) {
      sb.append("- ").append(m).append('\n');
    }
    sb.append(String.format(Locale.ROOT, "%nSettings: %d episodes × %d steps per case, B&B time limit %d ms, "
        + "tightening budget %d ms, gap ≈ 1e-7 relative, one thread, warm start from the shifted plan, "
        + "%d warm-up solves not counted.%n%n", o.episodes(), o.steps(), o.timeLimit().toMillis(),
        o.tighteningBudget().toMillis(), o.warmupSolves()));

    sb.append("### Solve time vs binaries (closed-loop instances)\n\n");
    sb.append("Wall time of the whole planner call, ms (median / p95); binaries after tightening.\n\n");
    sb.append("| binaries (tightened) | instances | binaries (interval), median | proven optimal interval / tightened / "
        + "phases | interval bounds only | tightened (bounds incl.) | of which bounds | tightened, process CPU | "
        + "ReLU-phase search (tightened) |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|\n");
    for (Bucket b : r.buckets()) {
      String range = b.hi() == Integer.MAX_VALUE ? b.lo() + "+" : b.lo() == 0 && b.hi() == 40 ? "**all ≤ 40**"
          : b.lo() + "–" + b.hi();
      sb.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %d / %d / %d | %s | %s | %s | %s | %s |%n", range,
          b.instances(), b.intervalBinaries(), b.intervalOptimal(), b.tightenedOptimal(), b.phasesOptimal(),
          times(b.interval()), times(b.tightened()), times(b.tightenedBounds()), times(b.tightenedCpu()),
          times(b.phases())));
    }
    sb.append("\nPer case:\n\n| case | instances | binaries interval → tightened (median) | interval bounds only | "
        + "tightened | ReLU-phase search |\n|---|---|---|---|---|---|\n");
    for (String label : r.solves().stream().map(Solve::caseLabel).distinct().toList()) {
      List<Solve> s = r.solves().stream().filter(x -> x.caseLabel().equals(label)).toList();
      sb.append(String.format(Locale.ROOT, "| %s | %d | %.0f → %.0f | %s | %s | %s |%n", label, s.size(),
          Times.of(s.stream().map(x -> (double) x.interval().binaries()).toList()).median(),
          Times.of(s.stream().map(x -> (double) x.tightened().binaries()).toList()).median(),
          times(Times.of(s.stream().map(x -> x.interval().millis()).toList())),
          times(Times.of(s.stream().map(x -> x.tightened().millis()).toList())),
          times(Times.of(s.stream().map(x -> x.phases().millis()).toList()))));
    }
    long mismatched = r.solves().stream().filter(x -> x.tightened().status() == PlanStatus.OPTIMAL
        && x.phases().status() == PlanStatus.OPTIMAL && !(Math.abs(x.tightened().objective() - x.phases().objective())
        <= 1e-6 * Math.max(1, Math.abs(x.tightened().objective())))).count();
    sb.append(String.format(Locale.ROOT, "%nBoth searches proved optimal with different objectives (1e-6): %d "
        + "instances.%n", mismatched));
    Bucket all = r.buckets().get(r.buckets().size() - 1);
    boolean goal1 = all.instances() > 0 && all.tightenedOptimal() == all.instances() && all.tightened().median() <= 100
        && all.tightened().p95() <= 300;
    sb.append(String.format(Locale.ROOT, "%nGoal 1 (≤ 40 binaries, proven optimal, median ≤ 100 ms, p95 ≤ 300 ms): "
        + "%s (%d of %d proven optimal, median %.1f ms, p95 %.1f ms).%n%n", goal1 ? "met" : "not met",
        all.tightenedOptimal(), all.instances(), all.tightened().median(), all.tightened().p95()));

    Omlt m = r.omlt();
    sb.append("### The OMLT shape: min f(x), 1→30→30→1, x ∈ [−1, 1]\n\n");
    sb.append("| solver | binaries | time, ms | status | objective |\n|---|---|---|---|---|\n");
    sb.append(String.format(Locale.ROOT, "| ojAlgo, interval bounds | %d | %.0f | %s | %.6f |%n", m.binariesInterval(),
        m.intervalMs(), m.intervalState(), m.objectives()[0]));
    sb.append(String.format(Locale.ROOT, "| ojAlgo, LP-tightened (tightening %.0f ms incl.) | %d | %.0f | %s | %.6f |%n",
        m.boundsMs(), m.binariesTightened(), m.tightenedMs(), m.tightenedState(), m.objectives()[1]));
    sb.append(String.format(Locale.ROOT, "| CBC 2.10, interval bounds (process) | %d | %.0f | %s | %.6f |%n",
        m.binariesInterval(), m.cbcMs(), m.cbcStatus(), m.objectives()[2]));
    sb.append(String.format(Locale.ROOT, "| ReLU-phase search, LP-tightened (one-step MPC posing, bounds incl.) | %d | "
        + "%.0f | %s | %.6f |%n", m.binariesTightened(), m.phasesMs(), m.phasesStatus(), m.objectives()[3]));
    double speedup = m.intervalMs() / m.tightenedMs();
    double phaseSpeedup = m.intervalMs() / m.phasesMs();
    sb.append(String.format(Locale.ROOT, "%nGoal 2 (tightened ≥ 5× faster than interval, faster than CBC): ojAlgo's "
        + "search %s (%.1f×), the ReLU-phase search %s (%.1f×); CBC %.0f ms. A time limit makes the interval-bound "
        + "time a lower bound, the speed-ups too. OMLT's published CBC time for its own network of this shape: "
        + "1.87 s.%n%n", speedup >= 5 && m.tightenedMs() < m.cbcMs() ? "met" : "not met", speedup,
        phaseSpeedup >= 5 && m.phasesMs() < m.cbcMs() ? "met" : "not met", phaseSpeedup, m.cbcMs()));

    Agreement a = r.agreement();
    sb.append("### ojAlgo and CBC on closed-loop instances\n\n");
    sb.append(String.format(Locale.ROOT, "%d of %d instances agree (status; objective within 1e-6 relative + 1e-8)."
        + " Goal 5 (100 %% of ≥ 50): %s.%n", a.agreeing(), a.instances(),
        a.instances() >= 50 && a.agreeing() == a.instances() ? "met" : "not met"));
    for (String d : a.disagreements()) {
      sb.append("- ").append(d).append('\n');
    }
    return sb.toString();
  }

  private static String times(Times t) {
    if (t.n() == 0) {
      return "–";
    }
    return String.format(Locale.ROOT, "%.1f / %.1f", t.median(), t.p95());
  }

  /**
   * Runs the study and prints the Markdown report: {@code --quick} for the small settings, {@code --models
   * DIR} to add a case per sparse model {@code <plant>-gated-<n>.json} in DIR and horizon ({@code
   * --horizons 5,10} by default).
   */
  public static void main(String[] args) throws IOException {
    List<String> a = Arrays.asList(args);
    Options o = a.contains("--quick") ? Options.quick() : Options.standard();
    int at = a.indexOf("--models");
    int hz = a.indexOf("--horizons");
    int[] horizons = hz >= 0 ? Arrays.stream(a.get(hz + 1).split(",")).mapToInt(Integer::parseInt).toArray()
        : new int[] {5, 10};
    if (at >= 0) {
      o = o.withModels(Path.of(a.get(at + 1)), horizons);
    }
    PrintWriter log = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    Report r = run(o, log);
    PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    out.print(markdown(r));
    out.flush();
  }
}
