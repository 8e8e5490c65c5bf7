package io.loopforge.bench;

import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.Normalization;
import io.loopforge.modeling.nn.TrainableMlp;
import io.loopforge.modeling.plant.CartPoleWalls;
import io.loopforge.modeling.plant.CartPoleWallsNetwork;
import io.loopforge.mpc.CemPlanner;
import io.loopforge.mpc.GradientPlanner;
import io.loopforge.mpc.MpcProblem;
import io.loopforge.mpc.MppiPlanner;
import io.loopforge.mpc.Plan;
import io.loopforge.mpc.PlanRequest;
import io.loopforge.mpc.Planner;
import io.loopforge.mpc.RandomShootingPlanner;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One plan call of each sampling and gradient planner, with its default options, on {@code cartpole-walls}
 * at H = 10 (dt = 0.05 s), L1 cost: what one control step costs.
 *
 * <ul>
 *   <li>{@code model = walls-10relu}: the plant's exact ReLU form ({@link CartPoleWallsNetwork}: semi-implicit
 *       Euler, 5 substeps, 10 ReLUs), the size of the sparse networks the planners are compared on;
 *   <li>{@code model = dense-128x128}: a folded residual network with two hidden layers of 128 ReLUs, the
 *       size of the dense reference network (He-initialised and seeded: a trained one of this shape costs
 *       the same per step).
 * </ul>
 *
 * The request is a state in mid-swing (pole leaning 0.15 rad, moving) with the warm start of the previous
 * step's plan, as in a closed loop. {@code -p threads=2} runs the samplers' rollouts on two threads.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class PlannerBenchmark {
  @Param({"random", "cem", "mppi", "gd"})
  String planner;

  @Param({"walls-10relu", "dense-128x128"})
  String model;

  /** Rollout threads of the samplers (plans do not depend on it); the gradient planner has none. */
  @Param({"1"})
  int threads;

  Planner p;
  PlanRequest request;

  @Setup(Level.Trial)
  public void setUp() {
    CartPoleWalls plant = CartPoleWalls.withDefaults();
    DynamicsModel m = model.equals("walls-10relu") ? CartPoleWallsNetwork.semiImplicitEuler(plant, 0.05, 5)
        : dense(plant);
    MpcProblem problem = MpcProblem.builder(m, 10).stateWeights(1, 2, 0.1, 0.1).terminalWeights(5, 10, 0.5, 0.5)
        .inputWeights(0.01).inputBounds(plant.inputLower(), plant.inputUpper())
        .stateBounds(plant.stateLower(), plant.stateUpper(), 1e3).build();
    switch (planner) {
      case "random":
        p = RandomShootingPlanner.builder(problem).seed(1).threads(threads).build();
        break;
      case "cem":
        p = CemPlanner.builder(problem).seed(1).threads(threads).build();
        break;
      case "mppi":
        p = MppiPlanner.builder(problem).seed(1).threads(threads).build();
        break;
      default:
        p = GradientPlanner.builder(problem).build();
    }
    double[] x = {0.1, 0.15, 0.3, -0.4};
    double[][] window = problem.constantWindow(new double[4]);
    Plan first = p.plan(new PlanRequest(x, window, new double[1], null));
    double[][] u = first.inputs();
    double[][] shifted = new double[u.length][];
    for (int t = 0; t < u.length; t++) {
      shifted[t] = u[Math.min(t + 1, u.length - 1)].clone();
    }
    request = new PlanRequest(x, window, u[0], shifted);
  }

  private static FoldedReluNetwork dense(CartPoleWalls plant) {
    // inputs scaled by the operating region and the force bound, increments of about 1 % of it
    Normalization n = new Normalization(new double[5], new double[] {1, 0.6, 4, 6, 20}, new double[4],
        new double[] {0.01, 0.01, 0.04, 0.06});
    TrainableMlp net = TrainableMlp.random(plant.stateNames(), plant.inputNames(), 0.05, new int[] {128, 128},
        true, n, 1);
    return FoldedReluNetwork.fold(net.toNetwork());
  }

  @Benchmark
  public Plan plan() {
    return p.plan(request);
  }
}
