package io.loopforge.studies;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.Trajectory;
import io.loopforge.modeling.excitation.Excitation;
import io.loopforge.modeling.excitation.ExcitationKind;
import io.loopforge.modeling.nn.MlpTrainer;
import io.loopforge.modeling.nn.Normalization;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.nn.RolloutData;
import io.loopforge.modeling.nn.RolloutMetrics;
import io.loopforge.modeling.nn.TrainableMlp;
import io.loopforge.modeling.nn.TrainingConfig;
import io.loopforge.modeling.nn.TrainingResult;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantCatalog;
import io.loopforge.modeling.plant.PlantSimulator;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.sparsify.GatedSparsifier;
import io.loopforge.sparsify.MagnitudePruning;
import io.loopforge.sparsify.SparsificationResult;
import io.loopforge.sparsify.SparsifyConfig;
import io.loopforge.sparsify.SparsifyListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The sparsification benchmark: for each plant, simulate data, train a dense residual ReLU network, then
 * at each ReLU budget compare gated sparsification, magnitude pruning and a dense network trained from
 * scratch with that many ReLUs, by 1-step and {@code evalHorizon}-step MSE (each state divided by its
 * standard deviation over the training data, averaged over states; the k-step error is that of the k-th
 * prediction of an open-loop rollout from a measured state).
 *
 * <p>Three data sets, all from the plant simulator: training and validation trajectories (whole
 * trajectories, every fifth validates and drives early stopping) and a separately simulated, larger
 * held-out test set (another seed) that no training, early stopping or choice of settings sees. The 10-step
 * MSE can be dominated by a few windows (on the pendulum: swinging past upright towards the edge of the
 * state box), so the test set is large, and the report also gives the test MSE without the worst 1 % of
 * each network's windows. The report gives the validation and the test
 * figures and checks the goal of the sparsification issue on the test figures ({@link Goal}).
 *
 * <p>Every reported network is trained until early stopping ends it: the dense and small-dense networks
 * within {@link Options#denseEpochs}, the sparse ones at each reported budget within the sparsifiers'
 * {@link SparsifyConfig#fineTuneEpochs}. A reference cut short by an epoch limit makes the sparse networks,
 * which train on from it, look better than they are; the report says how the dense training ended.
 *
 * <p>Run: {@code loopforge sparsify benchmark} (module {@code cli}); it writes the Markdown report of
 * {@link #markdown}.
 */
public final class SparsifyBenchmark {
  /** Shortest trajectory kept by {@link #simulate}: room for a few 10-step windows. */
  private static final int MIN_SAMPLES = 21;
  /** Added to the seed for the second training of the dense network. */
  private static final long AGAIN_SEED_OFFSET = 7919;
  /** Share of the test windows left out of {@link Cell#testHBulk}. */
  static final double WORST_FRACTION = 0.01;

  /**
   * Benchmark settings.
   *
   * @param plants catalog names
   * @param transitions transitions simulated per plant for training and validation (≥ 20 000 for the
   *     published table)
   * @param hidden hidden widths of the dense network
   * @param budgets ReLU budgets reported, decreasing; the sparsifiers' schedule halves from the dense
   *     count down through them
   * @param trainHorizon rollout horizon of the training loss, steps
   * @param evalHorizon horizon of the long-range MSE, steps
   * @param denseEpochs maximum epochs of dense and small-dense training (early stopping)
   * @param testTransitions transitions of the held-out test set, simulated with another seed
   * @param validationFraction share of the training trajectories that validate (early stopping)
   * @param sparsify gate and stage settings (its schedule is replaced per plant)
   * @param training weight training settings
   * @param seed seed of data and training
   */
  public record Options(List<String> plants, int transitions, int[] hidden, int[] budgets, int trainHorizon,
      int evalHorizon, int denseEpochs, int testTransitions, double validationFraction, SparsifyConfig sparsify,
      TrainingConfig training, long seed) {

    /** These options for other plants. */
    public Options withPlants(List<String> newPlants) {
      return new Options(List.copyOf(newPlants), transitions, hidden, budgets, trainHorizon, evalHorizon,
          denseEpochs, testTransitions, validationFraction, sparsify, training, seed);
    }

    /** These options with another dense network (and budgets). */
    public Options withNetwork(int[] newHidden, int[] newBudgets) {
      return new Options(plants, transitions, newHidden.clone(), newBudgets.clone(), trainHorizon, evalHorizon,
          denseEpochs, testTransitions, validationFraction, sparsify, training, seed);
    }

    /** These options with other sparsification settings (the schedule is still set per plant). */
    public Options withSparsify(SparsifyConfig newSparsify) {
      return new Options(plants, transitions, hidden, budgets, trainHorizon, evalHorizon, denseEpochs,
          testTransitions, validationFraction, newSparsify, training, seed);
    }

    /** These options with another rollout horizon of the training loss. */
    public Options withTrainHorizon(int steps) {
      return new Options(plants, transitions, hidden, budgets, steps, evalHorizon, denseEpochs, testTransitions,
          validationFraction, sparsify, training, seed);
    }

    /** These options with another seed for data and training. */
    public Options withSeed(long newSeed) {
      return withTraining(training.toBuilder().seed(newSeed).build(), newSeed);
    }

    /**
     * These options with another averaging decay of the weights (0: none) in every training: dense,
     * sparsifier stages and small-dense.
     */
    public Options withAveraging(double decay) {
      return withTraining(training.toBuilder().averaging(decay).build(), seed);
    }

    /** These options with {@code t} for the dense networks and the sparsifiers alike. */
    private Options withTraining(TrainingConfig t, long newSeed) {
      return new Options(plants, transitions, hidden, budgets, trainHorizon, evalHorizon, denseEpochs,
          testTransitions, validationFraction, sparsify.toBuilder().training(t).build(), t, newSeed);
    }

    /** The published configuration. */
    public static Options standard() {
      TrainingConfig training = TrainingConfig.builder().learningRate(2e-3).batchSize(64).patience(12)
          .plateauEpochs(4).averaging(0.999).seed(1).build();
      return new Options(List.of("cartpole-walls", "pendulum"), 24_000, new int[] {128, 128},
          new int[] {32, 16, 8, 4}, 5, 10, 400, 100_000, 0.2, SparsifyConfig.builder(1).training(training).build(),
          training, 1);
    }

    /** A few seconds per plant: small data and networks, for smoke tests. */
    public static Options quick() {
      TrainingConfig training = TrainingConfig.builder().learningRate(3e-3).batchSize(32).patience(4)
          .plateauEpochs(2).averaging(0.99).seed(1).build();
      SparsifyConfig s = SparsifyConfig.builder(1).warmupEpochs(1).gateEpochs(1).fineTuneEpochs(2)
          .intermediateFineTuneEpochs(2)
          .training(training).build();
      return new Options(List.of("pendulum"), 2_000, new int[] {16, 16}, new int[] {8, 4}, 3, 5, 8, 2_000, 0.2, s,
          training, 1);
    }
  }

  /**
   * One method's network at one budget.
   *
   * @param validation1 1-step MSE on the validation trajectories
   * @param validationH evalHorizon-step MSE on the validation trajectories
   * @param test1 1-step MSE on the held-out test trajectories
   * @param testH evalHorizon-step MSE on the held-out test trajectories
   * @param testHBulk evalHorizon-step MSE on the test windows without the worst 1 % of them
   *     ({@link RolloutMetrics#trimmedLastStep})
   * @param seconds training time, s
   * @param relus ReLUs of the folded network
   */
  public record Cell(double validation1, double validationH, double test1, double testH, double testHBulk,
      double seconds, int relus) {}

  /**
   * One row of the table.
   *
   * @param budget ReLU budget, or the dense ReLU count for the dense row
   * @param dense true for the dense row (its cell stands in every method's place)
   */
  public record Row(int budget, boolean dense, Cell gated, Cell magnitude, Cell smallDense) {}

  /**
   * Results for one plant.
   *
   * @param transitions transitions simulated for training and validation
   * @param testTransitions transitions simulated for the test set
   * @param trainingWindows rollout windows of the training part (training horizon)
   * @param validationWindows evalHorizon-step windows of the validation part
   * @param testWindows evalHorizon-step windows of the test set
   * @param denseTraining how the dense network's training ended (epochs, best epoch, early stop or limit)
   * @param denseAgain the dense network trained once more from another initialisation and shuffling: how far
   *     two trainings of the same network on the same data differ, against which a 10 % tolerance is read
   */
  public record PlantReport(String plant, int transitions, int testTransitions, int trainingWindows, int validationWindows,
      int testWindows, double dt, TrainingResult denseTraining, Cell denseAgain, List<Row> rows) {

    /** The dense network's row. */
    public Row denseRow() {
      return rows.get(0);
    }
  }

  /**
   * The goal of the sparsification issue, checked on the test set's MSE: a budget at least 8× below
   * the dense ReLU count where the gated network's long-range MSE is within 10 % of the dense network's
   * and below both baselines' at that budget.
   *
   * @param met whether some such budget exists
   * @param budget the smallest budget that meets it; when none does, the eligible budget closest to it
   *     (lowest ratio to dense), or 0 when no reported budget is 8× below the dense count
   * @param ratio gated / dense long-range test MSE at {@code budget}
   */
  public record Goal(boolean met, int budget, double ratio) {
    static final double REDUCTION = 8.0;
    static final double TOLERANCE = 1.10;

    /** Evaluates the goal on a plant's report. */
    public static Goal of(PlantReport r) {
      Cell dense = r.denseRow().gated();
      Goal best = null;
      for (Row row : r.rows()) {
        if (row.dense() || row.gated().relus() * REDUCTION > dense.relus()) {
          continue;
        }
        double ratio = row.gated().testH() / dense.testH();
        boolean beats = row.gated().testH() < row.magnitude().testH()
            && row.gated().testH() < row.smallDense().testH();
        Goal g = new Goal(ratio <= TOLERANCE && beats, row.budget(), ratio);
        boolean better = best == null
            || (g.met() ? !best.met() || g.budget() < best.budget() : !best.met() && g.ratio() < best.ratio());
        if (better) {
          best = g;
        }
      }
      return best == null ? new Goal(false, 0, Double.NaN) : best;
    }
  }

  private SparsifyBenchmark() {}

  /**
   * Simulates {@code transitions} transitions of a catalog plant with the data recipe of this benchmark
   * (see the report): trajectories of up to 101 samples at dt = 0.05 s from random initial states, each
   * cut where it first leaves the state box (kept when at least 21 samples remain; the last one is
   * shortened to give exactly {@code transitions});
   * {@code pendulum}: PRBS torque between the bounds, θ₀ uniform in ±π, ω₀ in ±1 rad/s, box |θ| ≤ 2π;
   * {@code cartpole-walls}: a stabilising state feedback plus random steps within 30 % of the force
   * bounds, clipped to the bounds, x₀ uniform in ±(0.4 m, 0.3 rad, 1 m/s, 1 rad/s), box |x| ≤ 1.5 m,
   * |θ| ≤ 0.6 rad.
   */
  public static Dataset simulate(String plantName, int transitions, long seed) {
    Plant plant = PlantCatalog.create(plantName);
    boolean cartPole = plantName.startsWith("cartpole");
    double dt = 0.05;
    int samples = 101;
    double[] lo = plant.inputLower();
    double[] hi = plant.inputUpper();
    SplittableRandom rng = new SplittableRandom(seed);
    PlantSimulator sim = PlantSimulator.withDefaults();
    List<Trajectory> list = new ArrayList<>();
    // A trajectory ends where it leaves the box below: the cart-pole feedback is linearised about upright,
    // and a spinning pendulum's unwrapped angle would leave the range a planner works in. Cutting, not
    // redrawing: redrawn trajectories starve the box's edge of data that head for it, and such windows
    // then dominate the long-range MSE of every model.
    double[] box = cartPole ? new double[] {1.5, 0.6, 1e9, 1e9} : new double[] {2 * Math.PI, 1e9};
    int total = 0;
    int attempts = 0;
    while (total < transitions) {
      if (++attempts > 20 * (transitions / (samples - 1) + 1)) {
        throw new IllegalStateException("the data recipe for " + plantName + " keeps leaving its state box");
      }
      int nx = plant.stateDim();
      double[] x0 = new double[nx];
      double[][] u;
      if (cartPole) {
        // states: cart position, pole angle, cart velocity, pole angular velocity
        double[] range = {0.4, 0.3, 1.0, 1.0};
        for (int i = 0; i < nx; i++) {
          x0[i] = range[i] * (2 * rng.nextDouble() - 1);
        }
        double[] eLo = {lo[0] * 0.3};
        double[] eHi = {hi[0] * 0.3};
        double[][] e = Excitation.generate(ExcitationKind.RANDOM_STEPS, samples, dt, eLo, eHi, rng.nextLong());
        u = closedLoopCartPole(plant, sim, x0, e, dt, lo[0], hi[0]);
      } else {
        x0[0] = Math.PI * (2 * rng.nextDouble() - 1);
        x0[1] = 2 * rng.nextDouble() - 1;
        u = Excitation.generate(ExcitationKind.PRBS, samples, dt, lo, hi, rng.nextLong());
      }
      Trajectory t;
      try {
        t = sim.simulate(plant, x0, u, dt);
      } catch (ModelingException e) {
        continue;
      }
      int n = Math.min(samplesInside(t, box), transitions - total + 1);
      if (n >= MIN_SAMPLES || (n >= 2 && n == transitions - total + 1)) {
        list.add(n == t.size() ? t : prefix(t, n));
        total += n - 1;
      }
    }
    return new Dataset(list);
  }

  /** Samples before the first one outside {@code box} (|x_i| ≤ box_i). */
  private static int samplesInside(Trajectory t, double[] box) {
    double[][] s = t.statesUnsafe();
    for (int k = 0; k < s.length; k++) {
      for (int i = 0; i < s[k].length; i++) {
        if (Math.abs(s[k][i]) > box[i]) {
          return k;
        }
      }
    }
    return s.length;
  }

  private static Trajectory prefix(Trajectory t, int n) {
    return new Trajectory(Arrays.copyOf(t.times(), n), Arrays.copyOf(t.statesUnsafe(), n),
        Arrays.copyOf(t.inputsUnsafe(), n), t.stateNames(), t.inputNames());
  }

  /**
   * Inputs {@code clip(K·x + e)} applied sample by sample (zero-order hold), K placing the poles of the
   * linearised cart-pole (unit masses and length) at −2, −2.5, −3, −3.5 /s.
   */
  private static double[][] closedLoopCartPole(Plant plant, PlantSimulator sim, double[] x0, double[][] e,
      double dt, double lo, double hi) {
    int n = e.length;
    double[][] u = new double[n][1];
    double[] x = x0.clone();
    for (int i = 0; i < n; i++) {
      double feedback = 5.35168196 * x[0] + 69.72168196 * x[1] + 8.12945973 * x[2] + 19.12945973 * x[3];
      u[i][0] = Math.max(lo, Math.min(hi, feedback + e[i][0]));
      if (i + 1 < n) {
        Trajectory step = sim.simulate(plant, x, new double[][] {u[i], u[i]}, dt);
        x = step.state(1);
        if (Math.abs(x[0]) > 1e3 || Math.abs(x[1]) > 1e3) {
          break; // diverged: the trajectory is redrawn
        }
      }
    }
    return u;
  }

  /** Runs the benchmark for one plant. */
  public static PlantReport run(String plantName, Options o, SparsifyListener listener) {
    return run(plantName, o, listener, null);
  }

  /**
   * Runs the benchmark for one plant and, when {@code modelDirectory} is not null, writes every network
   * it trained there as a model file: {@code <plant>-dense.json}, {@code <plant>-gated-<budget>.json},
   * {@code <plant>-magnitude-<budget>.json} (folded) and {@code <plant>-small-dense-<budget>.json}.
   */
  public static PlantReport run(String plantName, Options o, SparsifyListener listener, Path modelDirectory) {
    Dataset data = simulate(plantName, o.transitions(), o.seed());
    RolloutData train = RolloutData.of(data, o.trainHorizon(), o.validationFraction(),
        RolloutData.Split.TRAJECTORIES);
    RolloutData eval = RolloutData.of(data, o.evalHorizon(), o.validationFraction(),
        RolloutData.Split.TRAJECTORIES);
    // every window of the test trajectories is a "training" window of this instance
    RolloutData test = RolloutData.of(simulate(plantName, o.testTransitions(), testSeed(o.seed())),
        o.evalHorizon(), 0.0, RolloutData.Split.TRAJECTORIES);
    Scorer score = new Scorer(eval, test, train.stateStd());

    listener.onPhase(plantName + ": dense " + Arrays.toString(o.hidden()));
    TrainingConfig denseConfig = o.training().toBuilder().maxEpochs(o.denseEpochs()).build();
    TrainableMlp dense = residualNetwork(data, train, o.hidden(), o.seed());
    TrainingResult dr = new MlpTrainer(denseConfig).train(dense, train, listener);
    ReluNetwork denseNet = dense.toNetwork();
    listener.onPhase(plantName + ": dense " + Arrays.toString(o.hidden()) + " again, another initialisation");
    long again = o.seed() + AGAIN_SEED_OFFSET;
    TrainableMlp denseAgain = residualNetwork(data, train, o.hidden(), again);
    TrainingResult ar = new MlpTrainer(denseConfig.toBuilder().seed(again).build()).train(denseAgain, train, listener);
    Cell againCell = score.cell(denseAgain.toNetwork(), ar.seconds(), denseNet.reluCount());

    int[] schedule = schedule(denseNet.reluCount(), o.budgets());
    SparsifyConfig sc = o.sparsify().toBuilder().schedule(schedule).keep(o.budgets()).training(o.training()).build();
    listener.onPhase(plantName + ": gated sparsification " + Arrays.toString(schedule));
    SparsificationResult gated = new GatedSparsifier(sc).run(denseNet, train, listener);
    listener.onPhase(plantName + ": magnitude pruning " + Arrays.toString(schedule));
    SparsificationResult magnitude = new MagnitudePruning(sc).run(denseNet, train, listener);

    List<Row> rows = new ArrayList<>();
    Cell denseCell = score.cell(denseNet, dr.seconds(), denseNet.reluCount());
    rows.add(new Row(denseNet.reluCount(), true, denseCell, denseCell, denseCell));
    for (int b : o.budgets()) {
      SparsificationResult.Stage g = stage(gated, b);
      SparsificationResult.Stage m = stage(magnitude, b);
      listener.onPhase(plantName + ": small dense [" + b + "]");
      TrainableMlp small = residualNetwork(data, train, new int[] {b}, o.seed() + b);
      TrainingResult sr = new MlpTrainer(denseConfig).train(small, train, listener);
      rows.add(new Row(b, false, score.cell(g.folded(), g.seconds(), g.folded().reluCount()),
          score.cell(m.folded(), m.seconds(), m.folded().reluCount()),
          score.cell(small.toNetwork(), sr.seconds(), b)));
      if (modelDirectory != null) {
        ModelFiles.write(Model.of(g.folded()), modelDirectory.resolve(plantName + "-gated-" + b + ".json"));
        ModelFiles.write(Model.of(m.folded()), modelDirectory.resolve(plantName + "-magnitude-" + b + ".json"));
        ModelFiles.write(Model.of(small.toNetwork()), modelDirectory.resolve(plantName + "-small-dense-" + b + ".json"));
      }
    }
    if (modelDirectory != null) {
      ModelFiles.write(Model.of(denseNet), modelDirectory.resolve(plantName + "-dense.json"));
    }
    return new PlantReport(plantName, data.sampleCount() - data.size(), o.testTransitions(), train.trainingWindows(),
        eval.validationWindows(), test.trainingWindows(), train.dt(), dr, againCell, rows);
  }

  /** An untrained residual network with these hidden widths, normalised on the training part of the data. */
  private static TrainableMlp residualNetwork(Dataset data, RolloutData train, int[] hidden, long seed) {
    return TrainableMlp.random(data.stateNames(), data.inputNames(), train.dt(), hidden, true,
        Normalization.fromData(train, true), seed);
  }

  /** The seed of the test set: another stream than the training data's. */
  static long testSeed(long seed) {
    return seed ^ 0x5DEECE66DL;
  }

  /** Open-loop MSE of a model on the validation and the held-out windows, states divided by {@code scale}. */
  private record Scorer(RolloutData validation, RolloutData test, double[] scale) {
    Cell cell(DynamicsModel model, double seconds, int relus) {
      double[] v = RolloutMetrics.mseByStep(model, validation, true, scale);
      double[][] testErrors = RolloutMetrics.windowErrors(model, test, false, scale);
      double[] t = RolloutMetrics.meanByStep(testErrors);
      double bulk = RolloutMetrics.trimmedLastStep(testErrors, WORST_FRACTION);
      return new Cell(v[0], v[v.length - 1], t[0], t[t.length - 1], bulk, seconds, relus);
    }
  }

  private static SparsificationResult.Stage stage(SparsificationResult r, int budget) {
    for (SparsificationResult.Stage s : r.stages()) {
      if (s.budget() == budget) {
        return s;
      }
    }
    throw new IllegalStateException("no stage with budget " + budget);
  }

  /** Halving from half the dense count, with every reported budget in it. */
  static int[] schedule(int denseRelus, int[] budgets) {
    List<Integer> s = new ArrayList<>();
    int last = budgets[budgets.length - 1];
    for (int b : SparsifyConfig.halvingSchedule(denseRelus, last)) {
      s.add(b);
    }
    for (int b : budgets) {
      if (!s.contains(b) && b < denseRelus) {
        s.add(b);
      }
    }
    return s.stream().sorted((a, b) -> Integer.compare(b, a)).mapToInt(Integer::intValue).toArray();
  }

  /** The Markdown report of a benchmark run: per plant held-out and validation MSE, and the goal check. */
  public static String markdown(List<PlantReport> reports, Options o, double totalSeconds) {
    StringBuilder sb = new StringBuilder();
    int h = o.evalHorizon();
    for (PlantReport r : reports) {
      sb.append(String.format(Locale.ROOT, "#### %s: dt %.3g s, dense %s%n%n%d transitions for training and "
          + "validation: %d training windows (%d steps), %d validation windows (%d steps); %d test transitions "
          + "(another seed): %d windows.%n%n", r.plant(), r.dt(), Arrays.toString(o.hidden()), r.transitions(),
          r.trainingWindows(), o.trainHorizon(), r.validationWindows(), h, r.testTransitions(), r.testWindows()));
      TrainingResult d = r.denseTraining();
      sb.append(String.format(Locale.ROOT, "Dense training: best epoch %d of %d (%s); %s.%n%n", d.bestEpoch(),
          d.epochs(), d.stoppedEarly() ? "stopped early: converged"
              : "**epoch limit reached: the dense network may be undertrained**",
          o.training().averaging() > 0
              ? "every network validated and kept as the moving average of its weights (decay "
                  + o.training().averaging() + " per minibatch)"
              : "every network kept with its last step's weights (no averaging)"));
      sb.append("Test set (held out):\n\n");
      table(sb, r, h, true);
      sb.append("\nValidation trajectories (used for early stopping):\n\n");
      table(sb, r, h, false);
      bulkTable(sb, r, h);
      Cell a = r.denseAgain();
      Cell first = r.denseRow().gated();
      sb.append(String.format(Locale.ROOT, "%nThe dense network trained again from another initialisation (%.0f s): "
          + "test %d-step MSE %s, %.0f %% of the first one's (validation %s, %.0f %%): the spread of training "
          + "itself.%n", a.seconds(), h, num(a.testH()), 100 * a.testH() / first.testH(), num(a.validationH()),
          100 * a.validationH() / first.validationH()));
      sb.append('\n').append(goalLine(r, h)).append("\n\n");
    }
    sb.append(String.format(Locale.ROOT, "Total wall time %.0f s.%n", totalSeconds));
    return sb.toString();
  }

  /** One sentence: whether the plant's report meets the {@link Goal}. */
  static String goalLine(PlantReport r, int horizon) {
    Goal g = Goal.of(r);
    String verdict;
    if (g.met()) {
      verdict = String.format(Locale.ROOT, "**met** at %d ReLUs (%.0f %% of the dense MSE)", g.budget(),
          100 * g.ratio());
    } else if (g.budget() == 0) {
      verdict = "**not met**: no reported budget is 8× below the dense count";
    } else {
      verdict = String.format(Locale.ROOT, "**not met**; closest at %d ReLUs: %.0f %% of the dense MSE",
          g.budget(), 100 * g.ratio());
    }
    return String.format(Locale.ROOT, "Goal (≥ %.0f× fewer ReLUs than the dense %d, test %d-step MSE within "
        + "%.0f %% of the dense one and below both baselines): %s.", Goal.REDUCTION, r.denseRow().gated().relus(),
        horizon, (Goal.TOLERANCE - 1) * 100, verdict);
  }

  /**
   * The test set's long-range MSE without its worst 1 % of windows: where a few hard windows dominate the
   * mean, this says how the networks compare on the rest.
   */
  private static void bulkTable(StringBuilder sb, PlantReport r, int h) {
    sb.append(String.format(Locale.ROOT, "%nTest set, %d-step MSE without the worst %.0f %% of each network's "
        + "windows (share of the plain MSE those windows carry):%n%n", h, WORST_FRACTION * 100));
    sb.append("| ReLUs | gated | magnitude | small-dense |\n|---|---|---|---|\n");
    for (Row row : r.rows()) {
      List<Cell> cells = row.dense() ? List.of(row.gated()) : List.of(row.gated(), row.magnitude(), row.smallDense());
      sb.append(row.dense() ? "| dense (" + row.budget() + ")" : "| " + row.budget());
      for (Cell c : cells) {
        // the left-out windows' share of the plain mean: 1 − (1 − f) · bulk / mean
        double share = 1 - (1 - WORST_FRACTION) * c.testHBulk() / c.testH();
        sb.append(String.format(Locale.ROOT, " | %s (%.0f %%)", num(c.testHBulk()), 100 * share));
      }
      sb.append(row.dense() ? " | | |\n" : " |\n");
    }
  }

  private static void table(StringBuilder sb, PlantReport r, int h, boolean test) {
    sb.append("| ReLUs | gated 1-step | gated ").append(h).append("-step | magnitude 1-step | magnitude ")
        .append(h).append("-step | small-dense 1-step | small-dense ").append(h).append("-step |")
        .append(test ? " time gated / magnitude / small-dense (s) |" : "").append('\n');
    sb.append("|---|---|---|---|---|---|---|").append(test ? "---|" : "").append('\n');
    for (Row row : r.rows()) {
      if (row.dense()) {
        Cell d = row.gated();
        sb.append(String.format(Locale.ROOT, "| dense (%d) | %s | %s | | | | |", row.budget(),
            num(test ? d.test1() : d.validation1()), num(test ? d.testH() : d.validationH())));
        if (test) {
          sb.append(String.format(Locale.ROOT, " %.0f (dense training) |", d.seconds()));
        }
      } else {
        sb.append(String.format(Locale.ROOT, "| %d%s |", row.budget(),
            row.gated().relus() < row.budget() ? " (gated: " + row.gated().relus() + ")" : ""));
        for (Cell c : List.of(row.gated(), row.magnitude(), row.smallDense())) {
          sb.append(' ').append(num(test ? c.test1() : c.validation1())).append(" | ")
              .append(num(test ? c.testH() : c.validationH())).append(" |");
        }
        if (test) {
          sb.append(String.format(Locale.ROOT, " %.0f / %.0f / %.0f |", row.gated().seconds(),
              row.magnitude().seconds(), row.smallDense().seconds()));
        }
      }
      sb.append('\n');
    }
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.3g", v);
  }
}
