package io.loopforge.studies;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.excitation.Excitation;
import io.loopforge.modeling.excitation.ExcitationKind;
import io.loopforge.modeling.loop.ClosedLoop;
import io.loopforge.modeling.loop.ClosedLoopResult;
import io.loopforge.modeling.loop.StageCost;
import io.loopforge.modeling.plant.CartPoleWalls;
import io.loopforge.modeling.plant.CartPoleWallsNetwork;
import io.loopforge.modeling.plant.Pendulum;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantSimulator;
import io.loopforge.modeling.sindy.FeatureLibrary;
import io.loopforge.modeling.sindy.Sindy;
import io.loopforge.modeling.sindy.Stlsq;
import io.loopforge.mpc.CemPlanner;
import io.loopforge.mpc.GradientPlanner;
import io.loopforge.mpc.MpcProblem;
import io.loopforge.mpc.MppiPlanner;
import io.loopforge.mpc.Planner;
import io.loopforge.mpc.RandomShootingPlanner;
import io.loopforge.mpc.RecedingHorizonController;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * The closed loops behind the default options of the sampling and gradient planners ({@code random},
 * {@code cem}, {@code mppi}, {@code gd} in {@code io.loopforge.mpc}): each candidate setting runs the same
 * seeded episodes in receding horizon against the simulated plant, and is scored by the problem's own
 * stage cost summed over each episode ({@code ‖Q(x − r)‖ + ‖R(u − u_ref)‖ + ρ·violation}, the norm of the
 * problem), its excess over the best candidate of the same episode, its failures and its time per step.
 *
 * <p>Scenarios:
 *
 * <ul>
 *   <li>{@code cartpole-walls}: the plant's exact ReLU form ({@link CartPoleWallsNetwork}, semi-implicit
 *       Euler at dt = 0.05 s, 5 substeps, 10 ReLUs) as the model; H = 10, L1 cost Q = (1, 2, 0.1, 0.1),
 *       Q_T = 5Q, R = 0.01, force box ±20 N, the operating region as soft state box (ρ = 1000); starts
 *       uniform in ±(0.4 m, 0.3 rad, 1 m/s, 1 rad/s) from seed 11, 3 s each. A failure ends outside the
 *       region, or with |θ| ≥ 0.1 rad or |x| ≥ 0.5 m.
 *   <li>{@code pendulum}: a SINDy model of the pendulum (polynomial 1 and Fourier 1 terms, 40 s of
 *       multisine data, RK4 at dt = 0.05 s with 5 substeps); H = 15, quadratic cost Q = (1, 0.1), Q_T =
 *       10Q, R = 0.01 about upright; starts θ = π ± 0.5 rad, ω ± 1 rad/s from seed 13, 3 s each. A
 *       failure ends more than 0.1 rad or 0.1 rad/s from upright.
 * </ul>
 *
 * Run: {@code java -cp <studies classpath> io.loopforge.studies.PlannerTuning <scenario> <episodes>
 * <grid>…} with grids {@code references random gd mppi mppi-fine cem cem-fine spread defaults}; it prints
 * one Markdown table (BENCHMARKS.md, "Sampling and gradient planners").
 */
public final class PlannerTuning {
  /**
   * A closed-loop scenario.
   *
   * @param starts initial states, one per episode
   * @param steps control steps per episode
   */
  public record Scenario(String name, Plant plant, MpcProblem problem, double[][] starts, int steps) {}

  /** A planner setting: its label and how to build it for a problem and an episode's seed. */
  public record Candidate(String label, BiFunction<MpcProblem, Long, Planner> planner) {}

  /**
   * One candidate's results.
   *
   * @param meanCost mean over episodes of the summed stage cost
   * @param meanExcess mean of (cost − best cost of the episode) / best cost of the episode
   * @param medianExcess median of the same
   * @param p90Excess 90th percentile of the same
   * @param failures episodes that ended away from the set-point (see the scenarios)
   * @param millisPerStep mean planner time per control step, ms
   */
  public record Row(String label, double meanCost, double meanExcess, double medianExcess, double p90Excess,
      int failures, double millisPerStep) {}

  private PlannerTuning() {}

  /** The {@code cartpole-walls} scenario with {@code episodes} seeded starts. */
  public static Scenario cartPoleWalls(int episodes) {
    CartPoleWalls plant = CartPoleWalls.withDefaults();
    DynamicsModel model = CartPoleWallsNetwork.semiImplicitEuler(plant, 0.05, 5);
    MpcProblem p = MpcProblem.builder(model, 10).norm(MpcProblem.Norm.L1).stateWeights(1, 2, 0.1, 0.1)
        .terminalWeights(5, 10, 0.5, 0.5).inputWeights(0.01).inputBounds(plant.inputLower(), plant.inputUpper())
        .stateBounds(plant.stateLower(), plant.stateUpper(), 1e3).build();
    SplittableRandom rnd = new SplittableRandom(11);
    double[] range = {0.4, 0.3, 1.0, 1.0};
    double[][] starts = new double[episodes][4];
    for (double[] x0 : starts) {
      for (int i = 0; i < 4; i++) {
        x0[i] = range[i] * (2 * rnd.nextDouble() - 1);
      }
    }
    return new Scenario("cartpole-walls", plant, p, starts, 60);
  }

  /** The {@code pendulum} scenario with {@code episodes} seeded starts (fits the SINDy model first). */
  public static Scenario pendulum(int episodes) {
    Plant plant = Pendulum.withDefaults();
    double dt = 0.01;
    double[][] u = Excitation.generate(ExcitationKind.MULTISINE, 4000, dt, plant.inputLower(), plant.inputUpper(), 2);
    Dataset data = PlantSimulator.withDefaults().collect(plant, new double[] {2.5, 0}, u, dt, 2);
    DynamicsModel model = Sindy.builder()
        .library(FeatureLibrary.concat(FeatureLibrary.polynomial(1), FeatureLibrary.fourier(1)))
        .optimizer(Stlsq.builder().threshold(0.05).alpha(0).build()).build().fit(data).withStep(0.05, 5);
    MpcProblem p = MpcProblem.builder(model, 15).norm(MpcProblem.Norm.QUADRATIC).stateReference(Math.PI, 0)
        .stateWeights(1, 0.1).terminalWeights(10, 1).inputWeights(0.01)
        .inputBounds(plant.inputLower(), plant.inputUpper()).build();
    SplittableRandom rnd = new SplittableRandom(13);
    double[][] starts = new double[episodes][];
    for (int e = 0; e < episodes; e++) {
      starts[e] = new double[] {Math.PI + rnd.nextDouble() - 0.5, 2 * rnd.nextDouble() - 1};
    }
    return new Scenario("pendulum", plant, p, starts, 60);
  }

  /** The candidates of a named grid (see the class doc); the defaults' grid is {@code defaults}. */
  public static List<Candidate> grid(String name) {
    List<Candidate> c = new ArrayList<>();
    switch (name) {
      case "references":
        c.add(new Candidate("cem N=2048 it=10 K=100 sigma=0.1", (p, seed) -> CemPlanner.builder(p).samples(2048)
            .elites(100).iterations(10).sigma(0.1).seed(seed).build()));
        c.add(new Candidate("gd it=1000", (p, seed) -> GradientPlanner.builder(p).iterations(1000).build()));
        break;
      case "random":
        for (int n : new int[] {128, 512, 1024, 2048}) {
          c.add(new Candidate("random N=" + n, (p, seed) -> RandomShootingPlanner.builder(p).samples(n).seed(seed)
              .build()));
        }
        break;
      case "gd":
        for (int it : new int[] {10, 30, 100}) {
          for (double step : new double[] {0.05, 0.25, 1}) {
            c.add(new Candidate("gd it=" + it + " step=" + step, (p, seed) -> GradientPlanner.builder(p)
                .iterations(it).step(step).build()));
          }
        }
        break;
      case "mppi":
        mppi(c, new int[] {64, 256}, new int[] {1, 3, 6}, new double[] {0.02, 0.05, 0.1},
            new double[] {0.03, 0.1, 0.3});
        break;
      case "mppi-fine":
        mppi(c, new int[] {128, 256}, new int[] {4, 6, 8}, new double[] {0.05, 0.1}, new double[] {0.01, 0.03});
        break;
      case "cem":
        cem(c, new int[] {64, 256}, new int[] {2, 4, 6}, new double[] {0.05, 0.1, 0.2}, new double[] {0.05, 0.1},
            new double[] {0, 0.2});
        break;
      case "cem-fine":
        cem(c, new int[] {128, 256}, new int[] {6, 8}, new double[] {0.1, 0.15}, new double[] {0.03, 0.05},
            new double[] {0});
        break;
      case "spread":
        for (double sigma : new double[] {0.05, 0.1, 0.2}) {
          mppi(c, new int[] {128}, new int[] {8}, new double[] {sigma}, new double[] {0.03, 0.1});
          cem(c, new int[] {128}, new int[] {8}, new double[] {sigma}, new double[] {0.03}, new double[] {0});
        }
        for (int it : new int[] {10, 30, 100}) {
          c.add(new Candidate("gd it=" + it, (p, seed) -> GradientPlanner.builder(p).iterations(it).build()));
        }
        c.add(new Candidate("random N=1024", (p, seed) -> RandomShootingPlanner.builder(p).samples(1024).seed(seed)
            .build()));
        break;
      case "defaults":
        c.add(new Candidate("random (defaults)", (p, seed) -> RandomShootingPlanner.builder(p).seed(seed).build()));
        c.add(new Candidate("cem (defaults)", (p, seed) -> CemPlanner.builder(p).seed(seed).build()));
        c.add(new Candidate("mppi (defaults)", (p, seed) -> MppiPlanner.builder(p).seed(seed).build()));
        c.add(new Candidate("gd (defaults)", (p, seed) -> GradientPlanner.builder(p).build()));
        break;
      default:
        throw new IllegalArgumentException("unknown grid '" + name
            + "'; grids: references random gd mppi mppi-fine cem cem-fine spread defaults");
    }
    return c;
  }

  private static void mppi(List<Candidate> c, int[] samples, int[] iterations, double[] sigmas, double[] lambdas) {
    for (int n : samples) {
      for (int it : iterations) {
        for (double sigma : sigmas) {
          for (double lambda : lambdas) {
            c.add(new Candidate("mppi N=" + n + " it=" + it + " sigma=" + sigma + " lrel=" + lambda,
                (p, seed) -> MppiPlanner.builder(p).samples(n).iterations(it).sigma(sigma).relativeTemperature(lambda)
                    .seed(seed).build()));
          }
        }
      }
    }
  }

  private static void cem(List<Candidate> c, int[] samples, int[] iterations, double[] sigmas, double[] eliteShares,
      double[] smoothings) {
    for (int n : samples) {
      for (int it : iterations) {
        for (double sigma : sigmas) {
          for (double share : eliteShares) {
            int k = Math.max(2, (int) Math.round(share * n));
            for (double s : smoothings) {
              c.add(new Candidate("cem N=" + n + " it=" + it + " sigma=" + sigma + " K=" + k + " smoothing=" + s,
                  (p, seed) -> CemPlanner.builder(p).samples(n).iterations(it).sigma(sigma).elites(k).smoothing(s)
                      .seed(seed).build()));
            }
          }
        }
      }
    }
  }

  /** Runs every candidate on every episode of the scenario; rows in the candidates' order. */
  public static List<Row> run(Scenario s, List<Candidate> candidates) {
    int n = s.starts().length;
    double[][] costs = new double[candidates.size()][n];
    int[] failures = new int[candidates.size()];
    double[] millis = new double[candidates.size()];
    MpcProblem p = s.problem();
    StageCost own = p.stageCost();
    double positionTolerance = s.name().equals("cartpole-walls") ? 0.5 : 0.1;
    for (int c = 0; c < candidates.size(); c++) {
      long nanos = 0;
      int steps = 0;
      for (int e = 0; e < n; e++) {
        Planner planner = candidates.get(c).planner().apply(p, (long) e);
        ClosedLoopResult res = ClosedLoop.builder(s.plant(), RecedingHorizonController.builder(planner).build())
            .steps(s.steps()).initialState(s.starts()[e]).reference(p.stateReference()).stopOutsideRegion(false)
            .stageCost(own).build().run();
        costs[c][e] = res.totalCost();
        double[] xf = res.finalState();
        double[] ref = p.stateReference();
        boolean ok = res.stopReason() == ClosedLoopResult.StopReason.COMPLETED
            && res.violations().stateViolations() == 0 && Math.abs(xf[1] - ref[1]) < 0.1
            && Math.abs(xf[0] - ref[0]) < positionTolerance;
        failures[c] += ok ? 0 : 1;
        for (long t : res.controllerNanos()) {
          nanos += t;
        }
        steps += res.steps();
      }
      millis[c] = nanos / 1e6 / steps;
    }
    List<Row> rows = new ArrayList<>();
    for (int c = 0; c < candidates.size(); c++) {
      double[] excess = new double[n];
      for (int e = 0; e < n; e++) {
        double best = Double.POSITIVE_INFINITY;
        for (double[] other : costs) {
          best = Math.min(best, other[e]);
        }
        excess[e] = (costs[c][e] - best) / best;
      }
      double mean = Arrays.stream(excess).average().orElse(Double.NaN);
      Arrays.sort(excess);
      rows.add(new Row(candidates.get(c).label(), Arrays.stream(costs[c]).average().orElse(Double.NaN), mean,
          excess[n / 2], excess[Math.min(n - 1, (int) (0.9 * n))], failures[c], millis[c]));
    }
    return rows;
  }

  /** The rows as a Markdown table, best mean excess first. */
  public static String markdown(Scenario s, List<Row> rows) {
    List<Row> sorted = new ArrayList<>(rows);
    sorted.sort((a, b) -> Double.compare(a.meanExcess(), b.meanExcess()));
    StringBuilder b = new StringBuilder();
    int n = s.starts().length;
    b.append(String.format(Locale.ROOT, "%s, %d episode%s of %d steps, H = %d, %s cost%n%n", s.name(), n,
        n == 1 ? "" : "s", s.steps(), s.problem().horizon(), s.problem().norm()));
    b.append("| planner | mean cost | excess mean | median | p90 | failures | ms/step |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : sorted) {
      b.append(String.format(Locale.ROOT, "| %s | %.3f | %.4f | %.4f | %.4f | %d | %.2f |%n", r.label(), r.meanCost(),
          r.meanExcess(), r.medianExcess(), r.p90Excess(), r.failures(), r.millisPerStep()));
    }
    return b.toString();
  }

  /** {@code <cartpole-walls|pendulum> <episodes> <grid>…}: prints the Markdown table. */
  public static void main(String[] args) {
    if (args.length < 3) {
      System.err.println("usage: PlannerTuning <cartpole-walls|pendulum> <episodes> <grid>...");
      System.exit(2);
    }
    int episodes = Integer.parseInt(args[1]);
    Scenario s = args[0].equals("pendulum") ? pendulum(episodes) : cartPoleWalls(episodes);
    List<Candidate> candidates = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      candidates.addAll(grid(args[i]));
    }
    System.out.print(markdown(s, run(s, candidates)));
  }
}
