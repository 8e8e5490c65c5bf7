package io.loopforge.mpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MpcProblemTest {
  static MpcProblem problem(MpcProblem.Norm norm) {
    return MpcProblem.builder(new DoubleIntegrator(0.5), 2).norm(norm)
        .stateReference(1, 0).stateWeights(2, 1).terminalWeights(10, 3).inputWeights(0.5).inputRateWeights(0.25)
        .inputBounds(new double[] {-1}, new double[] {1}).inputRateLimit(1.5)
        .stateBounds(new double[] {-5, -0.1}, new double[] {5, 0.1}, 100).build();
  }

  @Test
  void evaluateIsTheCostOfTheClassDocByHand() {
    MpcProblem p = problem(MpcProblem.Norm.L1);
    double[] x0 = {0, 0};
    double[][] u = {{1}, {-0.5}};
    double[][] states = new double[3][2];
    double j = p.evaluate(x0, p.constantWindow(new double[] {1, 0}), new double[] {0.2}, u, states);
    // x1 = (0, 0.5), x2 = (0.25, 0.25)
    assertEquals(0.5, states[1][1], 0.0);
    assertEquals(0.25, states[2][0], 0.0);
    double expected = 0.5 * 1 + 0.25 * 0.8 // u0: input, rate from u_{-1} = 0.2
        + 2 * 1 + 1 * 0.5 // x1 error with Q
        + 100 * 0.4 // x1 violates |v| <= 0.1 by 0.4
        + 0.5 * 0.5 + 0.25 * 1.5 // u1
        + 10 * 0.75 + 3 * 0.25 // x2 error with Q_T
        + 100 * 0.15;
    assertEquals(expected, j, 1e-12);

    MpcProblem inf = problem(MpcProblem.Norm.LINF);
    double ji = inf.evaluate(x0, inf.constantWindow(new double[] {1, 0}), new double[] {0.2}, u, null);
    double expectedInf = 0.5 + 0.25 * 0.8 + Math.max(2, 0.5) + 40 + 0.25 + 0.375 + Math.max(7.5, 0.75) + 15;
    assertEquals(expectedInf, ji, 1e-12);

    MpcProblem quad = problem(MpcProblem.Norm.QUADRATIC);
    double jq = quad.evaluate(x0, quad.constantWindow(new double[] {1, 0}), new double[] {0.2}, u, null);
    double expectedQuad = 0.5 * 1 + 0.25 * 0.64 + 2 * 1 + 1 * 0.25 + 40 + 0.5 * 0.25 + 0.25 * 2.25
        + 10 * 0.5625 + 3 * 0.0625 + 15;
    assertEquals(expectedQuad, jq, 1e-12);
  }

  @Test
  void aTerminalMatrixIsTheNormOfItsRowsAndTheDiagonalIsItsSpecialCase() {
    double[] x0 = {0, 0};
    double[][] u = {{1}, {-0.5}};
    double[] uPrev = {0.2};
    for (MpcProblem.Norm norm : MpcProblem.Norm.values()) {
      MpcProblem diagonal = problem(norm);
      MpcProblem rows = MpcProblem.builder(diagonal.model(), 2).norm(norm).stateReference(1, 0).stateWeights(2, 1)
          .terminalMatrix(norm == MpcProblem.Norm.QUADRATIC ? new double[][] {{Math.sqrt(10), 0}, {0, Math.sqrt(3)}}
              : new double[][] {{10, 0}, {0, 3}}).inputWeights(0.5).inputRateWeights(0.25)
          .inputBounds(new double[] {-1}, new double[] {1}).inputRateLimit(1.5)
          .stateBounds(new double[] {-5, -0.1}, new double[] {5, 0.1}, 100).build();
      double[][] ref = diagonal.constantWindow(new double[] {1, 0});
      assertEquals(diagonal.evaluate(x0, ref, uPrev, u, null), rows.evaluate(x0, ref, uPrev, u, null), 1e-12,
          norm.name());
      assertTrue(rows.hasTerminalMatrix());
      assertFalse(diagonal.hasTerminalMatrix());
      assertEquals(2, diagonal.terminalMatrix().length);
      assertEquals(norm == MpcProblem.Norm.QUADRATIC ? Math.sqrt(10) : 10, diagonal.terminalMatrix()[0][0]);
      // a full row: x2 = (0.25, 0.25), e = (−0.75, 0.25); p = (1, 2): p·e = −0.25, q = (0, −4): −1
      MpcProblem full = MpcProblem.builder(diagonal.model(), 2).norm(norm).stateReference(1, 0)
          .terminalMatrix(new double[][] {{1, 2}, {0, -4}}).build();
      double expected = switch (norm) {
        case L1 -> 0.25 + 1;
        case LINF -> 1;
        case QUADRATIC -> 0.0625 + 1;
      };
      assertEquals(expected, full.terminalCost(new double[] {0.25, 0.25}, new double[] {1, 0}), 1e-12, norm.name());
    }
    DoubleIntegrator m = new DoubleIntegrator(0.1);
    MpcException e = assertThrows(MpcException.class, () -> MpcProblem.builder(m, 3).terminalMatrix(new double[0][]));
    assertEquals("the terminal matrix needs at least one row", e.getMessage());
    e = assertThrows(MpcException.class, () -> MpcProblem.builder(m, 3).terminalMatrix(new double[][] {{1, 0}, {1}}));
    assertEquals("row 1 of the terminal matrix has 1 values but the model has states [p, v]", e.getMessage());
    e = assertThrows(MpcException.class,
        () -> MpcProblem.builder(m, 3).terminalMatrix(new double[][] {{1, Double.NaN}}));
    assertEquals("row 0 of the terminal matrix is not finite: [1.0, NaN]", e.getMessage());
    // terminal weights set afterwards replace the matrix
    assertFalse(MpcProblem.builder(m, 3).terminalMatrix(new double[][] {{1, 0}}).terminalWeights(1, 1).build()
        .hasTerminalMatrix());
  }

  @Test
  void theStageCostIsTheProblemsOwnOnATrueState() {
    MpcProblem p = problem(MpcProblem.Norm.L1);
    // x = (0.25, 0.25) against r = (1, 0): Q error 2 * 0.75 + 1 * 0.25; u = -0.5: R 0.5 * 0.5; |v| over 0.1 by 0.15
    double expected = 2 * 0.75 + 1 * 0.25 + 0.5 * 0.5 + 100 * 0.15;
    assertEquals(expected, p.stageCost().cost(new double[] {0.25, 0.25}, new double[] {-0.5}, new double[] {1, 0},
        0.5), 1e-12);
  }

  @Test
  void evaluateRollsOutInTheGivenRowsWithTheSameResult() {
    MpcProblem p = problem(MpcProblem.Norm.QUADRATIC);
    double[][] u = {{1}, {-0.5}};
    double[][] window = p.constantWindow(new double[] {1, 0});
    double[][] rows = new double[3][2];
    double[] x0 = {0.3, -0.2};
    double j = p.evaluate(x0, window, new double[] {0.2}, u, rows);
    assertEquals(p.evaluate(x0, window, new double[] {0.2}, u, null), j, 0.0);
    assertEquals(0.3, rows[0][0], 0.0);
    assertEquals(0.3 + 0.5 * -0.2 + 0.5 * 0.3, rows[2][0], 1e-15, "x2 = p0 + dt v0 + dt v1, v1 = v0 + dt u0");
    assertEquals(0.3, x0[0], 0.0, "x0 untouched");
  }

  @Test
  void aWarmStartOfTheWrongShapeOrNotFiniteIsRefused() {
    MpcProblem p = problem(MpcProblem.Norm.L1);
    double[][] w = p.constantWindow(new double[] {1, 0});
    MpcException e = assertThrows(MpcException.class,
        () -> new PlanRequest(new double[2], w, new double[1], new double[][] {{0}}).check(p));
    assertEquals("the warm start has 1 rows, expected H = 2 rows of 1 inputs", e.getMessage());
    e = assertThrows(MpcException.class,
        () -> new PlanRequest(new double[2], w, new double[1], new double[][] {{0}, {0, 1}}).check(p));
    assertEquals("row 1 of the warm start has 2 values, expected 1 inputs [f]", e.getMessage());
    e = assertThrows(MpcException.class,
        () -> new PlanRequest(new double[2], w, new double[1], new double[][] {{0}, {Double.NaN}}).check(p));
    assertEquals("row 1 of the warm start is not finite: [NaN]", e.getMessage());
  }

  @Test
  void admissibleChecksBoxAndRateAndClipKeepsBoth() {
    MpcProblem p = problem(MpcProblem.Norm.L1);
    assertTrue(p.admissible(new double[][] {{1}, {-0.5}}, new double[] {0}, 0));
    assertFalse(p.admissible(new double[][] {{1}, {-0.6}}, new double[] {0}, 0), "rate 1.6 > 1.5");
    assertFalse(p.admissible(new double[][] {{1.1}, {1}}, new double[] {0.5}, 0), "box");
    assertFalse(p.admissible(new double[][] {{Double.NaN}, {1}}, new double[] {0.5}, 0));
    assertFalse(p.admissible(new double[][] {{1}}, new double[] {0.5}, 0), "one row short");
    double[] u = {-1};
    p.clip(u, new double[] {1});
    assertEquals(-0.5, u[0], 0.0);
    assertEquals(0.0, p.safeInput(new double[] {0.9})[0], 0.0);
    assertEquals(0.5, problem(MpcProblem.Norm.L1).safeInput(new double[] {2.0})[0], 0.0, "within the rate limit");
  }

  @Test
  void badSettingsAreRefusedByName() {
    DoubleIntegrator m = new DoubleIntegrator(0.1);
    MpcException e = assertThrows(MpcException.class, () -> MpcProblem.builder(m, 0));
    assertEquals("the horizon must be at least 1 step, got 0", e.getMessage());
    e = assertThrows(MpcException.class, () -> MpcProblem.builder(m, 3).stateWeights(1));
    assertEquals("state weights (Q) has 1 values but the model has 2 [p, v]", e.getMessage());
    e = assertThrows(MpcException.class, () -> MpcProblem.builder(m, 3).inputBounds(new double[] {1},
        new double[] {-1}));
    assertEquals("input bounds of 'f' are [1.0, -1.0]: the lower bound must not exceed the upper one", e.getMessage());
    e = assertThrows(MpcException.class, () -> MpcProblem.builder(m, 3).build().requireFiniteInputBox("mip"));
    assertEquals("mip needs a finite input box, but input 'f' is bounded by [-Infinity, Infinity]; set the bounds"
        + " (e.g. the plant's)", e.getMessage());
    e = assertThrows(MpcException.class, () -> MpcProblem.builder(m, 3).inputWeights(-1));
    assertTrue(e.getMessage().contains("non-negative"), e.getMessage());
  }
}
