package io.loopforge.sparsify;

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
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The sparsification benchmark: for each plant, simulate data, train a dense residual ReLU network, then
 * at each ReLU budget compare gated sparsification, magnitude pruning and a dense network trained from
 * scratch with that many ReLUs, by 1-step and {@code evalHorizon}-step validation MSE (each state divided
 * by its standard deviation over the training data, averaged over states; the k-step error is that of
 * the k-th prediction of an open-loop rollout from a measured state).
 *
 * <p>Run: {@code java … io.loopforge.sparsify.SparsifyBenchmark [--out FILE] [--quick] [--plants a,b]}
 * (see {@link #main}); writes a Markdown report.
 */
public final class SparsifyBenchmark {
  /**
   * Benchmark settings.
   *
   * @param plants catalog names
   * @param transitions transitions simulated per plant (≥ 20 000 for the published table)
   * @param hidden hidden widths of the dense network
   * @param budgets ReLU budgets reported, decreasing; the sparsifiers' schedule halves from the dense
   *     count down through them
   * @param trainHorizon rollout horizon of the training loss, steps
   * @param evalHorizon horizon of the long-range validation MSE, steps
   * @param denseEpochs maximum epochs of dense and small-dense training (early stopping)
   * @param sparsify gate and stage settings (its schedule is replaced per plant)
   * @param training weight training settings
   * @param seed seed of data and training
   */
  public record Options(List<String> plants, int transitions, int[] hidden, int[] budgets, int trainHorizon,
      int evalHorizon, int denseEpochs, SparsifyConfig sparsify, TrainingConfig training, long seed) {

    /** These options for other plants. */
    public Options withPlants(List<String> newPlants) {
      return new Options(List.copyOf(newPlants), transitions, hidden, budgets, trainHorizon, evalHorizon,
          denseEpochs, sparsify, training, seed);
    }

    /** The published configuration. */
    public static Options standard() {
      TrainingConfig training = TrainingConfig.builder().learningRate(2e-3).batchSize(64).patience(12)
          .plateauEpochs(4).seed(1).build();
      return new Options(List.of("cartpole-walls", "pendulum"), 24_000, new int[] {64, 64},
          new int[] {32, 16, 8, 4}, 5, 10, 80, SparsifyConfig.builder(1).training(training).build(), training, 1);
    }

    /** A few seconds per plant: small data and networks, for smoke tests. */
    public static Options quick() {
      TrainingConfig training = TrainingConfig.builder().learningRate(3e-3).batchSize(32).patience(4)
          .plateauEpochs(2).seed(1).build();
      SparsifyConfig s = SparsifyConfig.builder(1).warmupEpochs(1).gateEpochs(1).fineTuneEpochs(2)
          .training(training).build();
      return new Options(List.of("pendulum"), 2_000, new int[] {16, 16}, new int[] {8, 4}, 3, 5, 8, s,
          training, 1);
    }
  }

  /**
   * One row of the table.
   *
   * @param budget ReLU budget, or the dense ReLU count for the dense row
   * @param dense true for the dense row (its MSEs are in every method's columns)
   * @param gated {1-step, evalHorizon-step} MSE and training seconds, then the folded ReLU count
   * @param magnitude same for magnitude pruning
   * @param smallDense same for the small dense network
   */
  public record Row(int budget, boolean dense, double[] gated, double[] magnitude, double[] smallDense) {}

  /** Results for one plant. */
  public record PlantReport(String plant, int transitions, int trainingWindows, int validationWindows, double dt,
      double denseSeconds, List<Row> rows) {}

  private SparsifyBenchmark() {}

  /**
   * Simulates {@code transitions} transitions of a catalog plant with the data recipe of this benchmark
   * (see the report): trajectories of 101 samples at dt = 0.05 s from random initial states;
   * {@code pendulum}: PRBS torque between the bounds, θ₀ uniform in ±π, ω₀ in ±1 rad/s, trajectories with
   * |θ| &gt; 2π redrawn; {@code cartpole-walls}: a stabilising state feedback plus random steps within 30 %
   * of the force bounds, clipped to the bounds, x₀ uniform in ±(0.4 m, 0.3 rad, 1 m/s, 1 rad/s),
   * trajectories with |x| &gt; 1.5 m or |θ| &gt; 0.6 rad redrawn.
   */
  public static Dataset simulate(String plantName, int transitions, long seed) {
    Plant plant = PlantCatalog.create(plantName);
    boolean cartPole = plantName.startsWith("cartpole");
    double dt = 0.05;
    int samples = 101;
    int trajectories = (transitions + samples - 2) / (samples - 1);
    double[] lo = plant.inputLower();
    double[] hi = plant.inputUpper();
    SplittableRandom rng = new SplittableRandom(seed);
    PlantSimulator sim = PlantSimulator.withDefaults();
    List<Trajectory> list = new ArrayList<>();
    // Trajectories leaving the box below are redrawn: the cart-pole model is linearised about upright,
    // and a spinning pendulum's unwrapped angle would leave the range a planner works in.
    double[] box = cartPole ? new double[] {1.5, 0.6, 1e9, 1e9} : new double[] {2 * Math.PI, 1e9};
    int attempts = 0;
    while (list.size() < trajectories) {
      if (++attempts > 20 * trajectories) {
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
      if (inside(t, box)) {
        list.add(t);
      }
    }
    return new Dataset(list);
  }

  private static boolean inside(Trajectory t, double[] box) {
    for (double[] x : t.statesUnsafe()) {
      for (int i = 0; i < x.length; i++) {
        if (Math.abs(x[i]) > box[i]) {
          return false;
        }
      }
    }
    return true;
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
    Dataset data = simulate(plantName, o.transitions(), o.seed());
    RolloutData train = RolloutData.of(data, o.trainHorizon(), 0.2);
    RolloutData eval = RolloutData.of(data, o.evalHorizon(), 0.2);
    double[] scale = train.stateStd();

    listener.onPhase(plantName + ": dense " + Arrays.toString(o.hidden()));
    TrainingConfig denseConfig = o.training().toBuilder().maxEpochs(o.denseEpochs()).build();
    TrainableMlp dense = TrainableMlp.random(data.stateNames(), data.inputNames(), train.dt(), o.hidden(), true,
        Normalization.fromData(train, true), o.seed());
    TrainingResult dr = new MlpTrainer(denseConfig).train(dense, train, listener);
    ReluNetwork denseNet = dense.toNetwork();
    double[] denseMse = mse(denseNet, eval, scale);

    int[] schedule = schedule(denseNet.reluCount(), o.budgets());
    SparsifyConfig sc = copyWithSchedule(o.sparsify(), schedule, o.training());
    listener.onPhase(plantName + ": gated sparsification " + Arrays.toString(schedule));
    SparsificationResult gated = new GatedSparsifier(sc).run(denseNet, train, listener);
    listener.onPhase(plantName + ": magnitude pruning " + Arrays.toString(schedule));
    SparsificationResult magnitude = new MagnitudePruning(sc).run(denseNet, train, listener);

    List<Row> rows = new ArrayList<>();
    double[] denseCell = {denseMse[0], denseMse[1], dr.seconds(), denseNet.reluCount()};
    rows.add(new Row(denseNet.reluCount(), true, denseCell, denseCell, denseCell));
    for (int b : o.budgets()) {
      SparsificationResult.Stage g = stage(gated, b);
      SparsificationResult.Stage m = stage(magnitude, b);
      double[] gm = mse(g.folded(), eval, scale);
      double[] mm = mse(m.folded(), eval, scale);
      listener.onPhase(plantName + ": small dense [" + b + "]");
      TrainableMlp small = TrainableMlp.random(data.stateNames(), data.inputNames(), train.dt(), new int[] {b},
          true, Normalization.fromData(train, true), o.seed() + b);
      TrainingResult sr = new MlpTrainer(denseConfig).train(small, train, listener);
      double[] sm = mse(small.toNetwork(), eval, scale);
      rows.add(new Row(b, false, new double[] {gm[0], gm[1], g.seconds(), g.folded().reluCount()},
          new double[] {mm[0], mm[1], m.seconds(), m.folded().reluCount()},
          new double[] {sm[0], sm[1], sr.seconds(), b}));
    }
    return new PlantReport(plantName, data.sampleCount() - data.size(), train.trainingWindows(),
        train.validationWindows(), train.dt(), dr.seconds(), rows);
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

  private static SparsifyConfig copyWithSchedule(SparsifyConfig c, int[] schedule, TrainingConfig training) {
    return SparsifyConfig.builder(schedule).warmupEpochs(c.warmupEpochs()).gateEpochs(c.gateEpochs())
        .fineTuneEpochs(c.fineTuneEpochs()).fineTuneLearningRate(c.fineTuneLearningRate())
        .gatedLearningRate(c.gatedLearningRate()).temperature(c.temperature()).gateLearningRate(c.gateLearningRate())
        .initialReluLogit(c.initialReluLogit()).identityPenalty(c.identityPenalty()).reluPenalty(c.reluPenalty())
        .training(training).build();
  }

  /** {1-step, horizon-step} validation MSE. */
  static double[] mse(DynamicsModel model, RolloutData eval, double[] scale) {
    double[] byStep = RolloutMetrics.mseByStep(model, eval, true, scale);
    return new double[] {byStep[0], byStep[byStep.length - 1]};
  }

  /** The Markdown table(s) of a benchmark run. */
  public static String markdown(List<PlantReport> reports, Options o, double totalSeconds) {
    StringBuilder sb = new StringBuilder();
    int h = o.evalHorizon();
    for (PlantReport r : reports) {
      sb.append(String.format(Locale.ROOT, "### %s (%d transitions, dt %.3g s, %d training / %d validation windows)%n%n",
          r.plant(), r.transitions(), r.dt(), r.trainingWindows(), r.validationWindows()));
      sb.append("| ReLUs | gated 1-step | gated ").append(h).append("-step | magnitude 1-step | magnitude ")
          .append(h).append("-step | small-dense 1-step | small-dense ").append(h)
          .append("-step | time gated / magnitude / small-dense (s) |\n");
      sb.append("|---|---|---|---|---|---|---|---|\n");
      for (Row row : r.rows()) {
        if (row.dense()) {
          sb.append(String.format(Locale.ROOT, "| dense (%d) | %s | %s | | | | | %.0f (dense training) |%n",
              row.budget(), num(row.gated()[0]), num(row.gated()[1]), row.gated()[2]));
        } else {
          sb.append(String.format(Locale.ROOT, "| %d%s | %s | %s | %s | %s | %s | %s | %.0f / %.0f / %.0f |%n",
              row.budget(), (int) row.gated()[3] < row.budget() ? " (gated: " + (int) row.gated()[3] + ")" : "",
              num(row.gated()[0]), num(row.gated()[1]), num(row.magnitude()[0]), num(row.magnitude()[1]),
              num(row.smallDense()[0]), num(row.smallDense()[1]), row.gated()[2], row.magnitude()[2],
              row.smallDense()[2]));
        }
      }
      sb.append('\n');
    }
    sb.append(String.format(Locale.ROOT, "Total wall time %.0f s.%n", totalSeconds));
    return sb.toString();
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.3g", v);
  }

  /**
   * Runs the benchmark and writes the Markdown report. Arguments: {@code --out FILE} (default: standard
   * output only), {@code --quick} (small smoke configuration), {@code --plants a,b}.
   */
  public static void main(String[] args) throws IOException {
    Options o = Options.standard();
    Path out = null;
    List<String> plants = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out":
          out = Path.of(args[++i]);
          break;
        case "--quick":
          o = Options.quick();
          break;
        case "--plants":
          plants = List.of(args[++i].split(","));
          break;
        default:
          System.err.println("unknown argument " + args[i] + "; use --out FILE, --quick, --plants a,b");
          System.exit(2);
      }
    }
    if (plants != null) {
      o = o.withPlants(plants);
    }
    PrintStream log = System.err;
    SparsifyListener listener = new SparsifyListener() {
      @Override
      public void onEpoch(EpochReport r) {
        log.printf(Locale.ROOT, "  epoch %d/%d  train %.4g  val %.4g  lr %.2g  %.0f s%n", r.epoch(), r.maxEpochs(),
            r.trainingLoss(), r.validationLoss(), r.learningRate(), r.elapsedSeconds());
      }

      @Override
      public void onPhase(String d) {
        log.println(d);
      }
    };
    long t0 = System.nanoTime();
    List<PlantReport> reports = new ArrayList<>();
    for (String p : o.plants()) {
      reports.add(run(p, o, listener));
    }
    String md = markdown(reports, o, (System.nanoTime() - t0) * 1e-9);
    System.out.print(md);
    if (out != null) {
      Files.writeString(out, md, StandardCharsets.UTF_8);
    }
  }
}
