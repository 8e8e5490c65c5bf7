package io.loopforge.mpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.loop.ClosedLoop;
import io.loopforge.modeling.loop.ClosedLoopResult;
import io.loopforge.modeling.excitation.Excitation;
import io.loopforge.modeling.excitation.ExcitationKind;
import io.loopforge.modeling.plant.MassSpringDamper;
import io.loopforge.modeling.plant.Pendulum;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantSimulator;
import io.loopforge.modeling.sindy.FeatureLibrary;
import io.loopforge.modeling.sindy.Sindy;
import io.loopforge.modeling.sindy.SindyModel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Each planner with its default options in receding horizon on a SINDy model of the pendulum, against the
 * simulated pendulum: from 0.25 rad short of upright at rest (holding it there takes 2.4 of the 3 N·m
 * available) to upright within 3 s.
 */
class PlannersInClosedLoopTest {
  private static void reachesUpright(Function<MpcProblem, Planner> make) {
    Plant pendulum = Pendulum.withDefaults();
    MpcProblem p = MpcProblem.builder(PlannerFixtures.pendulumModel(), 10).norm(MpcProblem.Norm.QUADRATIC)
        .stateReference(Math.PI, 0).stateWeights(1, 0.1).terminalWeights(10, 1).inputWeights(0.01)
        .inputBounds(pendulum.inputLower(), pendulum.inputUpper()).build();
    List<RecedingHorizonController.Step> steps = new ArrayList<>();
    Planner planner = make.apply(p);
    RecedingHorizonController c = RecedingHorizonController.builder(planner).listener(steps::add).build();
    ClosedLoopResult r = ClosedLoop.builder(pendulum, c).steps(60).initialState(Math.PI - 0.25, 0)
        .reference(Math.PI, 0).build().run();
    String what = planner.name() + ": " + r + ", final state " + java.util.Arrays.toString(r.finalState());
    assertEquals(ClosedLoopResult.StopReason.COMPLETED, r.stopReason(), what);
    assertEquals(Math.PI, r.finalState()[0], 0.02, what);
    assertEquals(0, r.finalState()[1], 0.05, what);
    assertTrue(steps.stream().noneMatch(RecedingHorizonController.Step::fallback), what + ": a fallback was used");
    for (double[] u : r.rawInputs()) {
      assertTrue(Math.abs(u[0]) <= pendulum.inputUpper()[0], what + ": input " + u[0] + " outside the box");
    }
  }

  @Test
  void mppiStabilisesThePendulum() {
    reachesUpright(p -> MppiPlanner.builder(p).seed(1).build());
  }

  @Test
  void cemStabilisesThePendulum() {
    reachesUpright(p -> CemPlanner.builder(p).seed(1).build());
  }

  /**
   * Random shooting cannot hold the pendulum (among 1 024 uniform sequences none holds 2.4 N·m for long):
   * the mass-spring-damper instead, from rest at 0 to the set-point 0.5 m, on a SINDy model of it.
   */
  @Test
  void randomShootingReachesTheMassSpringDamperSetPoint() {
    Plant msd = MassSpringDamper.withDefaults();
    double[][] u = Excitation.generate(ExcitationKind.MULTISINE, 2000, 0.01, msd.inputLower(), msd.inputUpper(), 3);
    SindyModel model = Sindy.builder().library(FeatureLibrary.polynomial(1)).build()
        .fit(PlantSimulator.withDefaults().collect(msd, new double[2], u, 0.01, 3)).withStep(0.05, 2);
    MpcProblem p = MpcProblem.builder(model, 10).norm(MpcProblem.Norm.QUADRATIC).stateReference(0.5, 0)
        .inputReference(1).stateWeights(10, 1).inputWeights(0.01)
        .inputBounds(msd.inputLower(), msd.inputUpper()).build();
    RecedingHorizonController c = RecedingHorizonController.builder(RandomShootingPlanner.builder(p).seed(1).build())
        .build();
    ClosedLoopResult r = ClosedLoop.builder(msd, c).steps(100).initialState(0, 0).reference(0.5, 0).build().run();
    double[][] x = r.trajectory().states();
    double mean = 0;
    double worst = 0;
    for (int k = 80; k < 100; k++) {
      mean += x[k][0] / 20;
      worst = Math.max(worst, Math.abs(x[k][0] - 0.5));
    }
    // The chosen sequence's first input is still a random draw, from samples centred on 0 N rather than the
    // 1 N that holds 0.5 m: the position jitters about a point a few cm short of the set-point (3.4 cm here).
    assertEquals(0.5, mean, 0.05, r + ": mean position over the last second");
    assertTrue(worst < 0.1, r + ": " + worst + " m from the set-point in the last second");
  }

  @Test
  void gradientShootingStabilisesThePendulum() {
    reachesUpright(p -> GradientPlanner.builder(p).build());
  }
}
