package io.loopforge.mpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IntervalsTest {
  @Test
  void affineBoundsContainEveryPointOfTheBox() {
    SplittableRandom rng = new SplittableRandom(3);
    double[] out = new double[2];
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + rng.nextInt(8);
      double[] w = new double[n];
      double[] lo = new double[n];
      double[] hi = new double[n];
      for (int c = 0; c < n; c++) {
        w[c] = rng.nextInt(4) == 0 ? 0 : 10 * (2 * rng.nextDouble() - 1);
        lo[c] = 5 * (2 * rng.nextDouble() - 1);
        hi[c] = lo[c] + 3 * rng.nextDouble();
      }
      double b = 2 * rng.nextDouble() - 1;
      Intervals.affine(w, 0, n, b, lo, hi, out);
      for (int s = 0; s < 50; s++) {
        double v = b;
        for (int c = 0; c < n; c++) {
          double x = s == 0 ? (w[c] > 0 ? lo[c] : hi[c]) : lo[c] + (hi[c] - lo[c]) * rng.nextDouble();
          v += w[c] * x;
        }
        assertTrue(v >= out[0] && v <= out[1], "trial " + trial);
      }
    }
  }

  /** Points of the box that satisfy the row stay in the tightened box; an impossible row is found out. */
  @Test
  void rowTighteningKeepsEveryPointThatSatisfiesTheRow() {
    SplittableRandom rng = new SplittableRandom(5);
    int tightened = 0;
    for (int trial = 0; trial < 300; trial++) {
      int n = 2 + rng.nextInt(5);
      double[] w = new double[n];
      double[] lo = new double[n];
      double[] hi = new double[n];
      for (int c = 0; c < n; c++) {
        w[c] = 4 * (2 * rng.nextDouble() - 1);
        lo[c] = 3 * (2 * rng.nextDouble() - 1);
        hi[c] = lo[c] + 2 * rng.nextDouble();
      }
      double b = rng.nextDouble() - 0.5;
      double rowLo = trial % 3 == 0 ? Double.NEGATIVE_INFINITY : rng.nextDouble() - 0.5;
      double rowHi = trial % 3 == 1 ? Double.POSITIVE_INFINITY : rowLo + (Double.isFinite(rowLo) ? 0.5 : 1.0);
      double[] tLo = lo.clone();
      double[] tHi = hi.clone();
      double moved = Intervals.tightenRow(w, 0, n, b, rowLo, rowHi, tLo, tHi);
      int inside = 0;
      for (int s = 0; s < 2000; s++) {
        double[] x = new double[n];
        double v = b;
        for (int c = 0; c < n; c++) {
          x[c] = lo[c] + (hi[c] - lo[c]) * rng.nextDouble();
          v += w[c] * x[c];
        }
        if (v < rowLo || v > rowHi) {
          continue;
        }
        inside++;
        assertTrue(moved >= 0, "trial " + trial + ": a satisfying point exists, but the row was called impossible");
        for (int c = 0; c < n; c++) {
          assertTrue(x[c] >= tLo[c] && x[c] <= tHi[c], "trial " + trial + ", variable " + c);
        }
      }
      if (moved > 0 && inside > 0) {
        tightened++;
      }
    }
    assertTrue(tightened > 20, "the test exercises tightening: " + tightened);
    // x + y ≥ 3 with x, y ≤ 1 is impossible
    assertEquals(-1, Intervals.tightenRow(new double[] {1, 1}, 0, 2, 0, 3, Double.POSITIVE_INFINITY,
        new double[] {0, 0}, new double[] {1, 1}), 0.0);
    // x + y ≥ 1.5 with x, y in [0, 1]: both ≥ 0.5
    double[] l = {0, 0};
    double[] u = {1, 1};
    Intervals.tightenRow(new double[] {1, 1}, 0, 2, 0, 1.5, Double.POSITIVE_INFINITY, l, u);
    assertEquals(0.5, l[0], 1e-12);
    assertEquals(0.5, l[1], 1e-12);
  }
}
