package io.loopforge.mpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MppiPlannerTest {
  @Test
  void closesMostOfTheGapToTheExactOptimum() {
    PlannerContract.closesTheGapToTheExactOptimum(p -> MppiPlanner.builder(p).build(), 0.05);
  }

  @Test
  void anAbsoluteTemperatureWorksToo() {
    PlannerContract.closesTheGapToTheExactOptimum(p -> MppiPlanner.builder(p).temperature(0.05).build(), 0.1);
  }

  @Test
  void nearTheBruteForceOptimumOfATwoStepL1Problem() {
    PlannerContract.nearTheBruteForceOptimumOfAnL1Problem(p -> MppiPlanner.builder(p).build(), 0.01);
  }

  @Test
  void plansAreAdmissibleAndValidatedOnRandomProblems() {
    PlannerContract.plansAreAdmissibleAndValidated(p -> MppiPlanner.builder(p).samples(16).iterations(3).build(), 3,
        300);
  }

  @Test
  void seededAndReproducible() {
    PlannerContract.seededAndReproducible(seed -> MppiPlanner.builder(
        PlannerFixtures.doubleIntegrator(MpcProblem.Norm.L1, 5)).samples(32).seed(seed).build());
  }

  @Test
  void threadsDoNotChangeThePlan() {
    PlannerContract.threadsDoNotChangeThePlan((p, n) -> MppiPlanner.builder(p).samples(50).threads(n).seed(3).build());
  }

  @Test
  void badRequestsAndOptionsAreRefused() {
    PlannerContract.badRequestsAreRefused(p -> MppiPlanner.builder(p).samples(4).build());
    MpcException e = PlannerContract.infiniteBoxRefused(p -> MppiPlanner.builder(p).build());
    assertEquals("the mppi planner needs a finite input box, but input 'f' is bounded by [-1.0, Infinity]; set the"
        + " bounds (e.g. the plant's)", e.getMessage());
    MpcProblem p = PlannerFixtures.doubleIntegrator(MpcProblem.Norm.L1, 3);
    e = assertThrows(MpcException.class, () -> MppiPlanner.builder(p).temperature(0));
    assertEquals("mppi: temperature must be positive and finite, got 0.0", e.getMessage());
    e = assertThrows(MpcException.class, () -> MppiPlanner.builder(p).relativeTemperature(-1));
    assertEquals("mppi: relative temperature must be positive and finite, got -1.0", e.getMessage());
  }

  @Test
  void theTemperatureIsRelativeUnlessGivenInUnitsOfJ() {
    MpcProblem p = PlannerFixtures.doubleIntegrator(MpcProblem.Norm.L1, 3);
    MppiPlanner rel = MppiPlanner.builder(p).build();
    assertTrue(rel.relativeTemperature());
    assertEquals(MppiPlanner.DEFAULT_RELATIVE_TEMPERATURE, rel.temperature(), 0.0);
    MppiPlanner abs = MppiPlanner.builder(p).temperature(2.5).build();
    assertFalse(abs.relativeTemperature());
    assertEquals(2.5, abs.temperature(), 0.0);
  }

  @Test
  void allocatesNothingPerSample() {
    PlannerContract.allocatesNothingPerSample(n -> MppiPlanner.builder(
        PlannerFixtures.doubleIntegrator(MpcProblem.Norm.L1, 10)).samples(n).build());
  }
}
