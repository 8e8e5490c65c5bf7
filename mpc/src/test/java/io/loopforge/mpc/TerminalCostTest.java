package io.loopforge.mpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class TerminalCostTest {
  private static final double[] Q = {1, 0.5};
  private static final double[] R = {0.2};

  private static double l1(double[][] p, double[] e) {
    double s = 0;
    for (double[] row : p) {
      s += Math.abs(row[0] * e[0] + row[1] * e[1]);
    }
    return s;
  }

  /** The LQR gain the tail uses: weights diag(q²), diag(r²). */
  private static double[] gain(DoubleIntegrator m) {
    double[][] a = new double[2][2];
    double[][] b = new double[2][1];
    m.jacobian(new double[2], new double[1], a, b);
    DMatrixRMaj k = Lqr.solve(new DMatrixRMaj(a), new DMatrixRMaj(b),
        new DMatrixRMaj(new double[][] {{Q[0] * Q[0], 0}, {0, Q[1] * Q[1]}}),
        new DMatrixRMaj(new double[][] {{R[0] * R[0]}})).gain();
    return new double[] {k.get(0, 0), k.get(0, 1)};
  }

  /** Σ_k ‖Q x_k‖₁ + ‖R u_k‖₁ of the LQR's closed loop from e, simulated until it has died out. */
  private static double simulatedTail(DoubleIntegrator m, double[] k, double[] e) {
    double[] x = e.clone();
    double cost = 0;
    for (int step = 0; step < 20_000; step++) {
      double u = -(k[0] * x[0] + k[1] * x[1]);
      cost += Q[0] * Math.abs(x[0]) + Q[1] * Math.abs(x[1]) + R[0] * Math.abs(u);
      x = m.step(x, new double[] {u});
    }
    return cost;
  }

  @Test
  void theRowsAreTheLqrClosedLoopsL1CostAndDecreaseByTheStageCost() {
    DoubleIntegrator m = new DoubleIntegrator(0.1);
    double[] k = gain(m);
    double[][] exact = TerminalCost.lqrTail(m, new double[2], new double[1], Q, R, 1e-9, 5000);
    double[][] coarse = TerminalCost.lqrTail(m, new double[2], new double[1], Q, R);
    assertTrue(coarse.length < exact.length / 2, coarse.length + " rows against " + exact.length);
    assertEquals(0, coarse.length % 3, "a row per state and input and tail step");
    // the rows are w · (A_K^k) and r · K A_K^k: the first step's are Q itself and R K
    assertEquals(Q[0], exact[0][0], 1e-12);
    assertEquals(0, exact[0][1], 0.0);
    assertEquals(Q[1], exact[1][1], 1e-12);
    assertEquals(R[0] * k[1], exact[2][1], 1e-12);
    SplittableRandom rng = new SplittableRandom(7);
    for (int c = 0; c < 20; c++) {
      double[] e = {2 * rng.nextDouble() - 1, 2 * rng.nextDouble() - 1};
      double truth = simulatedTail(m, k, e);
      assertEquals(truth, l1(exact, e), 1e-6 * truth, "case " + c);
      // the default truncation closes the tail with a geometric series: an estimate within a few per cent
      assertEquals(truth, l1(coarse, e), 0.05 * truth, "case " + c);
      // V(e) − V(A_K e) = ‖Q e‖₁ + ‖R K e‖₁: a Lyapunov function of the tail
      double u = -(k[0] * e[0] + k[1] * e[1]);
      double[] next = m.step(e, new double[] {u});
      double stage = Q[0] * Math.abs(e[0]) + Q[1] * Math.abs(e[1]) + R[0] * Math.abs(u);
      assertEquals(stage, l1(exact, e) - l1(exact, next), 1e-6 * truth, "case " + c);
    }
  }

  @Test
  void badSettingsAreRefusedWithTheReason() {
    DoubleIntegrator m = new DoubleIntegrator(0.1);
    MpcException e = assertThrows(MpcException.class,
        () -> TerminalCost.lqrTail(m, new double[2], new double[1], Q, new double[] {0}));
    assertEquals("the input weights must be finite and positive, got [0.0]", e.getMessage());
    e = assertThrows(MpcException.class, () -> TerminalCost.lqrTail(m, new double[2], new double[1], new double[] {1},
        R));
    assertEquals("the state weights have 1 values, expected 2", e.getMessage());
    e = assertThrows(MpcException.class, () -> TerminalCost.lqrTail(m, new double[3], new double[1], Q, R));
    assertEquals("the set-point has 3 states and 1 inputs but the model has 2 and 1", e.getMessage());
    e = assertThrows(MpcException.class, () -> TerminalCost.lqrTail(m, new double[2], new double[1], Q, R, 1e-9, 3));
    assertEquals("the LQR tail has not decayed to 1.0E-9 of its first step within 3 steps; raise the weights of the"
        + " slow states or the tolerance", e.getMessage());
    // an unstable mode the input cannot reach: no stabilising gain
    LinearModel stuck = new LinearModel(new double[][] {{1.2, 0}, {0, 0.5}}, new double[][] {{0}, {1}},
        new double[2]);
    e = assertThrows(MpcException.class, () -> TerminalCost.lqrTail(stuck, new double[2], new double[1], Q, R));
    assertTrue(e.getMessage().contains("not stabilisable"), e.getMessage());
  }
}
