package io.loopforge.mpc.distill;

import io.loopforge.modeling.plant.CartPoleWalls;
import io.loopforge.modeling.plant.CartPoleWallsNetwork;
import io.loopforge.mpc.MipPlanner;
import io.loopforge.mpc.MpcProblem;
import io.loopforge.mpc.Planner;

/** The cartpole-walls MPC of the planner comparison, made small (one substep, short horizon) for fast tests. */
final class DistillFixtures {
  static final CartPoleWalls PLANT = CartPoleWalls.withDefaults();

  private DistillFixtures() {}

  static MpcProblem problem(int horizon) {
    return MpcProblem.builder(CartPoleWallsNetwork.semiImplicitEuler(PLANT, 0.05, 1), horizon)
        .norm(MpcProblem.Norm.L1).stateReference(PLANT.defaultTask().referenceState())
        .stateWeights(1, 1, 0.1, 0.1).inputWeights(0.01)
        .inputBounds(PLANT.inputLower(), PLANT.inputUpper())
        .stateBounds(PLANT.stateLower(), PLANT.stateUpper(), 100).build();
  }

  static Planner mip(MpcProblem problem) {
    return MipPlanner.builder(problem).deterministic(true).build();
  }

  /** The central part of the operating region, where the planner comparison starts its episodes. */
  static SampleRegion region() {
    return SampleRegion.of(new double[] {-0.4, -0.25, -0.5, -0.5}, new double[] {0.4, 0.25, 0.5, 0.5});
  }
}
