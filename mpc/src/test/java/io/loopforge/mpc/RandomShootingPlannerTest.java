package io.loopforge.mpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RandomShootingPlannerTest {
  @Test
  void closesMostOfTheGapToTheExactOptimum() {
    PlannerContract.closesTheGapToTheExactOptimum(p -> RandomShootingPlanner.builder(p).build(), 0.5);
  }

  @Test
  void nearTheBruteForceOptimumOfATwoStepL1Problem() {
    PlannerContract.nearTheBruteForceOptimumOfAnL1Problem(p -> RandomShootingPlanner.builder(p).build(), 0.02);
  }

  @Test
  void plansAreAdmissibleAndValidatedOnRandomProblems() {
    PlannerContract.plansAreAdmissibleAndValidated(p -> RandomShootingPlanner.builder(p).samples(16).build(), 1, 300);
  }

  @Test
  void seededAndReproducible() {
    PlannerContract.seededAndReproducible(seed -> RandomShootingPlanner.builder(
        PlannerFixtures.doubleIntegrator(MpcProblem.Norm.L1, 5)).samples(32).seed(seed).build());
  }

  @Test
  void threadsDoNotChangeThePlan() {
    PlannerContract.threadsDoNotChangeThePlan((p, n) -> RandomShootingPlanner.builder(p).samples(50).threads(n)
        .seed(3).build());
  }

  @Test
  void badRequestsAndOptionsAreRefused() {
    PlannerContract.badRequestsAreRefused(p -> RandomShootingPlanner.builder(p).samples(4).build());
    MpcException e = PlannerContract.infiniteBoxRefused(p -> RandomShootingPlanner.builder(p).build());
    assertEquals("the random-shooting planner needs a finite input box, but input 'f' is bounded by [-1.0, Infinity];"
        + " set the bounds (e.g. the plant's)", e.getMessage());
    MpcProblem p = PlannerFixtures.doubleIntegrator(MpcProblem.Norm.L1, 3);
    e = assertThrows(MpcException.class, () -> RandomShootingPlanner.builder(p).samples(0));
    assertEquals("random: samples must be at least 1, got 0", e.getMessage());
    e = assertThrows(MpcException.class, () -> RandomShootingPlanner.builder(p).threads(0));
    assertEquals("random: threads must be at least 1, got 0", e.getMessage());
  }

  @Test
  void theWarmStartIsKeptWhenNoSampleBeatsIt() {
    MpcProblem p = PlannerFixtures.doubleIntegrator(MpcProblem.Norm.QUADRATIC, 10);
    PlanRequest cold = PlannerFixtures.request(p, new double[] {1, 0}, null);
    double[][] optimum = PlannerFixtures.leastSquaresOptimum(p, cold);
    PlanRequest warm = PlannerFixtures.request(p, new double[] {1, 0}, optimum);
    Plan plan = RandomShootingPlanner.builder(p).samples(64).build().plan(warm);
    assertEquals(PlannerFixtures.cost(p, warm, optimum), plan.objective(), 0.0);
    assertTrue(plan.detail().startsWith("no sample beat the warm start"), plan.detail());
    assertEquals(1, plan.stats().nodes());
    assertEquals(65, plan.stats().samples());
  }

  @Test
  void allocatesNothingPerSample() {
    PlannerContract.allocatesNothingPerSample(n -> RandomShootingPlanner.builder(
        PlannerFixtures.doubleIntegrator(MpcProblem.Norm.L1, 10)).samples(n).build());
  }
}
