package io.loopforge.modeling.excitation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.ModelingException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ExcitationTest {
  private static final double[] LOWER = {-10, 0.5, -3};
  private static final double[] UPPER = {10, 2.0, -1};

  @Test
  void everyKindStaysWithinTheBounds() {
    SplittableRandom rng = new SplittableRandom(1);
    for (ExcitationKind kind : ExcitationKind.values()) {
      for (int trial = 0; trial < 20; trial++) {
        int steps = 1 + rng.nextInt(3000);
        double dt = rng.nextDouble(1e-3, 0.5);
        double[][] u = Excitation.generate(kind, steps, dt, LOWER, UPPER, rng.nextLong());
        assertEquals(steps, u.length);
        for (double[] row : u) {
          assertEquals(3, row.length);
          for (int j = 0; j < 3; j++) {
            assertTrue(row[j] >= LOWER[j] && row[j] <= UPPER[j], kind + " value " + row[j] + " input " + j);
          }
        }
      }
    }
  }

  @Test
  void sameSeedSameSignalOtherSeedOtherSignal() {
    for (ExcitationKind kind : ExcitationKind.values()) {
      double[][] a = Excitation.generate(kind, 500, 0.01, LOWER, UPPER, 123);
      double[][] b = Excitation.generate(kind, 500, 0.01, LOWER, UPPER, 123);
      double[][] c = Excitation.generate(kind, 500, 0.01, LOWER, UPPER, 124);
      assertTrue(Arrays.deepEquals(a, b), kind.cliName());
      assertFalse(Arrays.deepEquals(a, c), kind.cliName());
    }
  }

  @Test
  void inputsDifferFromEachOther() {
    double[] lo = {-1, -1};
    double[] hi = {1, 1};
    for (ExcitationKind kind : ExcitationKind.values()) {
      double[][] u = Excitation.generate(kind, 400, 0.01, lo, hi, 5);
      boolean differ = false;
      for (double[] row : u) {
        differ |= row[0] != row[1];
      }
      assertTrue(differ, kind.cliName());
    }
  }

  @Test
  void randomStepsHoldBetween5And50Samples() {
    double[][] u = Excitation.generate(ExcitationKind.RANDOM_STEPS, 5000, 0.01, new double[] {0}, new double[] {1}, 9);
    int run = 1;
    for (int i = 1; i < u.length; i++) {
      if (u[i][0] == u[i - 1][0]) {
        run++;
      } else {
        assertTrue(run >= Excitation.MIN_HOLD && run <= Excitation.MAX_HOLD, "run " + run);
        run = 1;
      }
    }
  }

  @Test
  void prbsSwitchesBetweenTheBoundsInWholeBits() {
    double[][] u = Excitation.generate(ExcitationKind.PRBS, 1000, 0.01, new double[] {-2}, new double[] {3}, 4);
    int highs = 0;
    for (int i = 0; i < u.length; i++) {
      assertTrue(u[i][0] == -2 || u[i][0] == 3);
      if (i % Excitation.PRBS_HOLD != 0) {
        assertEquals(u[i - 1][0], u[i][0], 0.0, "bit changes only every " + Excitation.PRBS_HOLD + " samples");
      }
      highs += u[i][0] == 3 ? 1 : 0;
    }
    // 200 bits from a period-255 sequence: roughly balanced.
    assertTrue(highs > 350 && highs < 650, "high samples " + highs);
  }

  @Test
  void chirpIsCentredAndReachesBothBounds() {
    double[][] u = Excitation.generate(ExcitationKind.CHIRP, 2000, 0.01, new double[] {1}, new double[] {5}, 8);
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    double sum = 0;
    for (double[] row : u) {
      min = Math.min(min, row[0]);
      max = Math.max(max, row[0]);
      sum += row[0];
    }
    assertTrue(min < 1.01 && max > 4.99, min + " .. " + max);
    assertEquals(3.0, sum / u.length, 0.1);
  }

  @Test
  void chirpFrequencyIncreases() {
    // Count zero crossings of the centred signal in the first and last fifth.
    double[][] u = Excitation.generate(ExcitationKind.CHIRP, 5000, 0.01, new double[] {-1}, new double[] {1}, 2);
    assertTrue(crossings(u, 0, 1000) * 3 < crossings(u, 4000, 5000));
  }

  @Test
  void multisinePeakTouchesABoundWithALowCrestFactor() {
    double[][] u = Excitation.generate(ExcitationKind.MULTISINE, 1000, 0.01, new double[] {-1}, new double[] {1}, 3);
    double peak = 0;
    double sumSq = 0;
    for (double[] row : u) {
      peak = Math.max(peak, Math.abs(row[0]));
      sumSq += row[0] * row[0];
    }
    double rms = Math.sqrt(sumSq / u.length);
    assertEquals(1.0, peak, 1e-12);
    // Schroeder phases keep the crest factor near √2 (random phases give ~3, equal phases √(2K) = 14).
    assertTrue(peak / rms < 2.0, "crest factor " + peak / rms);
  }

  @Test
  void equalBoundsGiveAConstant() {
    for (ExcitationKind kind : ExcitationKind.values()) {
      double[][] u = Excitation.generate(kind, 50, 0.1, new double[] {2}, new double[] {2}, 1);
      for (double[] row : u) {
        assertArrayEquals(new double[] {2}, row, 0.0);
      }
    }
  }

  @Test
  void badBoundsAreReported() {
    ModelingException e = assertThrows(ModelingException.class,
        () -> Excitation.generate(ExcitationKind.PRBS, 10, 0.1, new double[] {0, 3}, new double[] {1, 2}, 1));
    assertEquals("excitation: bounds of input 1 must be finite with lower <= upper, got [3.0, 2.0]", e.getMessage());
  }

  @Test
  void maximumLengthSequencesHaveFullPeriod() {
    for (int n = MaximumLengthSequence.MIN_ORDER; n <= MaximumLengthSequence.MAX_ORDER; n++) {
      MaximumLengthSequence m = new MaximumLengthSequence(n, 1);
      long period = 0;
      long ones = 0;
      do {
        ones += m.nextBit();
        period++;
      } while (m.state() != 1 && period <= (1L << n));
      assertEquals((1L << n) - 1, period, "order " + n);
      assertEquals(1L << (n - 1), ones, "order " + n + ": 2^(n-1) ones per period");
    }
  }

  private static int crossings(double[][] u, int from, int to) {
    int c = 0;
    for (int i = from + 1; i < to; i++) {
      if (Math.signum(u[i][0]) != Math.signum(u[i - 1][0])) {
        c++;
      }
    }
    return c;
  }
}
