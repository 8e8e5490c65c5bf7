package io.loopforge.mpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecedingHorizonControllerTest {
  /** Plays back scripted plans and records the requests. */
  static final class Scripted implements Planner {
    final MpcProblem problem;
    final Deque<Plan> plans = new ArrayDeque<>();
    final List<PlanRequest> requests = new ArrayList<>();
    int resets;

    Scripted(MpcProblem problem) {
      this.problem = problem;
    }

    @Override
    public MpcProblem problem() {
      return problem;
    }

    @Override
    public String name() {
      return "scripted";
    }

    @Override
    public Plan plan(PlanRequest request) {
      request.check(problem);
      requests.add(request);
      return plans.removeFirst();
    }

    @Override
    public void reset() {
      resets++;
    }

    void add(PlanStatus status, double... u) {
      if (!status.usable()) {
        plans.add(Plan.failed(status, SolveStats.ofTime(1000), "scripted " + status));
        return;
      }
      double[][] in = new double[u.length][];
      for (int t = 0; t < u.length; t++) {
        in[t] = new double[] {u[t]};
      }
      plans.add(new Plan(in, new double[u.length + 1][2], status, 1.0, SolveStats.ofTime(1000), ""));
    }
  }

  static MpcProblem problem() {
    return MpcProblem.builder(new DoubleIntegrator(0.1), 3).inputBounds(new double[] {-1}, new double[] {1})
        .inputReference(0.25).inputRateLimit(0.6).build();
  }

  @Test
  void appliesTheFirstInputAndWarmStartsWithTheShiftedPlan() {
    Scripted s = new Scripted(problem());
    List<RecedingHorizonController.Step> steps = new ArrayList<>();
    RecedingHorizonController c = RecedingHorizonController.builder(s).listener(steps::add).build();
    s.add(PlanStatus.OPTIMAL, 0.5, 0.6, 0.7);
    s.add(PlanStatus.OPTIMAL, 0.6, 0.7, 0.8);
    assertArrayEquals(new double[] {0.5}, c.control(new double[] {0, 0}, new double[] {1, 0}), 0.0);
    assertNull(s.requests.get(0).warmStart());
    assertArrayEquals(new double[] {0.25}, s.requests.get(0).previousInput(), 0.0, "u_-1 is the input reference");
    assertArrayEquals(new double[] {1, 0}, s.requests.get(0).reference()[3], 0.0);
    assertArrayEquals(new double[] {0.6}, c.control(new double[] {0, 0}, new double[] {1, 0}), 0.0);
    double[][] warm = s.requests.get(1).warmStart();
    assertArrayEquals(new double[] {0.6}, warm[0], 0.0);
    assertArrayEquals(new double[] {0.7}, warm[2], 0.0, "the last input repeated");
    assertArrayEquals(new double[] {0.5}, s.requests.get(1).previousInput(), 0.0);
    assertEquals(2, steps.size());
    assertTrue(steps.stream().noneMatch(RecedingHorizonController.Step::fallback));
    assertEquals(List.of("p_ref", "v_ref"), c.referenceNames());
  }

  @Test
  void aFailedPlanFallsBackToTheShiftedPlanThenToTheSafeInput() {
    Scripted s = new Scripted(problem());
    List<RecedingHorizonController.Step> steps = new ArrayList<>();
    RecedingHorizonController c = RecedingHorizonController.builder(s).listener(steps::add).build();
    s.add(PlanStatus.INFEASIBLE);
    s.add(PlanStatus.OPTIMAL, 0.5, 1.0, 1.0);
    s.add(PlanStatus.NO_INCUMBENT);
    s.add(PlanStatus.OPTIMAL, 0.3, 0.3, 0.3); // rate |0.3 - 1.0| = 0.7 > 0.6: not admissible
    double[] x = {0, 0};
    double[] r = {0, 0};
    // no previous plan: the safe input, u_ref = 0.25
    assertArrayEquals(new double[] {0.25}, c.control(x, r), 0.0);
    assertEquals(PlanStatus.FALLBACK_SAFE, steps.get(0).applied().status());
    assertEquals(PlanStatus.INFEASIBLE, steps.get(0).plannerStatus());
    assertTrue(steps.get(0).applied().detail().contains("scripted returned INFEASIBLE"), steps.get(0).applied().detail());
    assertArrayEquals(new double[] {0.5}, c.control(x, r), 0.0);
    assertArrayEquals(new double[] {1.0}, c.control(x, r), 0.0);
    assertEquals(PlanStatus.FALLBACK_SHIFTED, steps.get(2).applied().status());
    assertEquals(PlanStatus.NO_INCUMBENT, steps.get(2).plannerStatus());
    assertArrayEquals(new double[] {1.0}, c.control(x, r), 0.0);
    assertEquals(PlanStatus.INVALID, steps.get(3).plannerStatus(), "checked again by the controller");
    assertEquals(PlanStatus.FALLBACK_SHIFTED, steps.get(3).applied().status());
    assertEquals(3, steps.stream().filter(RecedingHorizonController.Step::fallback).count());
  }

  @Test
  void theShiftedPlanIsUsedWhenItFitsAndResetForgetsIt() {
    Scripted s = new Scripted(problem());
    List<RecedingHorizonController.Step> steps = new ArrayList<>();
    RecedingHorizonController c = RecedingHorizonController.builder(s).listener(steps::add).build();
    s.add(PlanStatus.OPTIMAL, 0.5, 0.4, 0.3);
    s.add(PlanStatus.INVALID);
    s.add(PlanStatus.FAILED);
    double[] x = {0, 0};
    double[] r = {0, 0};
    c.control(x, r);
    assertArrayEquals(new double[] {0.4}, c.control(x, r), 0.0);
    assertEquals(PlanStatus.FALLBACK_SHIFTED, steps.get(1).applied().status());
    assertEquals(PlanStatus.INVALID, steps.get(1).plannerStatus());
    c.reset();
    assertEquals(2, s.resets, "once at construction, once now");
    assertArrayEquals(new double[] {0.25}, c.control(x, r), 0.0, "after reset there is no plan to shift");
  }

  @Test
  void aReferenceTrajectoryIsWindowedByStep() {
    Scripted s = new Scripted(problem());
    RecedingHorizonController c = RecedingHorizonController.builder(s)
        .referenceTrajectory(new double[][] {{0, 0}, {1, 0}, {2, 0}}).build();
    s.add(PlanStatus.OPTIMAL, 0, 0, 0);
    s.add(PlanStatus.OPTIMAL, 0, 0, 0);
    c.control(new double[] {0, 0}, new double[] {9, 9});
    c.control(new double[] {0, 0}, new double[] {9, 9});
    double[][] w = s.requests.get(1).reference();
    assertArrayEquals(new double[] {1, 0}, w[0], 0.0);
    assertArrayEquals(new double[] {2, 0}, w[1], 0.0);
    assertArrayEquals(new double[] {2, 0}, w[3], 0.0, "the last row held");
  }
}
