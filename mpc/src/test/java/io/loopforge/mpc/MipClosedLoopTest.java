package io.loopforge.mpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.loopforge.modeling.loop.ClosedLoop;
import io.loopforge.modeling.loop.ClosedLoopResult;
import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.plant.MassSpringDamper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The MIP planner in receding horizon against the simulated mass-spring-damper, and CBC on its instances. */
class MipClosedLoopTest {
  /** What one control step solved: the program as built and ojAlgo's verdict on it. */
  private record Instance(int step, MilpInstance milp, MipReport report) {}

  private static MpcProblem problem(FoldedReluNetwork net) {
    return MpcProblem.builder(net, 4).stateReference(0.5, 0).stateWeights(10, 1).inputReference(1).inputWeights(0.1)
        .inputRateWeights(0.05).inputBounds(new double[] {-10}, new double[] {10}).inputRateLimit(4)
        .stateBounds(new double[] {-1, -2}, new double[] {1, 2}, 100).build();
  }

  @Test
  void theMipControllerBringsTheMassToTheSetPointAndCbcAgreesOnEveryInstance() throws IOException {
    List<Instance> instances = closedLoop(MipPlanner.Search.OJALGO);
    CbcRunner cbc = CbcRunnerTest.CBC;
    assumeTrue(cbc.available(), "cbc is not installed (Debian package coinor-cbc)");
    // every fourth step, to keep the test short (MipStudy compares many more)
    for (Instance i : instances) {
      if (i.step() % 4 != 0) {
        continue;
      }
      CbcRunner.Result res = cbc.solve(i.milp());
      assertEquals(CbcRunner.Status.OPTIMAL, res.status(), "step " + i.step() + ": " + res.statusLine());
      double oj = i.report().solverObjective();
      assertEquals(oj, res.objective(), 1e-6 * Math.max(Math.abs(oj), Math.abs(res.objective())) + 1e-8,
          "step " + i.step());
    }
  }

  @Test
  void theReluPhaseSearchControlsTheMassAsWell() {
    List<Instance> instances = closedLoop(MipPlanner.Search.RELU_PHASES);
    assertTrue(instances.stream().allMatch(i -> i.report().status() == PlanStatus.OPTIMAL));
  }

  /** 20 steps from rest to the set-point 0.5 m; checks the run and returns what each step solved. */
  private static List<Instance> closedLoop(MipPlanner.Search search) {
    FoldedReluNetwork net = TestNetworks.massSpringDamper(0.1, 4, 0.01, 3);
    MpcProblem p = problem(net);
    MipPlanner mip = MipPlanner.builder(p).deterministic(true).timeLimit(Duration.ofSeconds(10))
        .tighteningBudget(Duration.ofSeconds(2)).search(search).build();
    List<RecedingHorizonController.Step> steps = new ArrayList<>();
    List<Instance> instances = new ArrayList<>();
    RecedingHorizonController c = RecedingHorizonController.builder(mip).listener(s -> {
      steps.add(s);
      instances.add(new Instance(s.index(), mip.lastInstance(), mip.lastReport()));
    }).build();
    ClosedLoopResult r = ClosedLoop.builder(MassSpringDamper.withDefaults(), c).steps(20).reference(0.5, 0)
        .initialState(0, 0).seed(1).build().run();
    assertEquals(ClosedLoopResult.StopReason.COMPLETED, r.stopReason());
    assertEquals(20, steps.size());
    for (RecedingHorizonController.Step s : steps) {
      assertEquals(PlanStatus.OPTIMAL, s.plannerStatus(), "step " + s.index() + ": " + s.plannerDetail());
      assertTrue(!s.fallback());
    }
    double[] x = r.finalState();
    assertEquals(0.5, x[0], 0.01, "position after 2 s");
    assertEquals(0, x[1], 0.01, "velocity after 2 s");
    // binaries before and after tightening are reported per step, and the warm start was taken from step 1 on
    for (Instance i : instances) {
      assertTrue(i.report().warmStartAccepted(), "step " + i.step() + ": " + i.report());
      assertTrue(i.report().bounds().binariesTightened() <= i.report().bounds().binariesInterval());
    }
    return instances;
  }
}
