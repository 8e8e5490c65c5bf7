package io.loopforge.mpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class ZeroOrderHoldTest {
  @Test
  void doubleIntegratorHasTheClosedForm() {
    double dt = 0.1;
    ZeroOrderHold zoh = ZeroOrderHold.of(
        new DMatrixRMaj(new double[][] {{0, 1}, {0, 0}}), new DMatrixRMaj(new double[][] {{0}, {1}}), dt);
    DMatrixRMaj ad = zoh.ad();
    DMatrixRMaj bd = zoh.bd();
    assertEquals(1, ad.get(0, 0), 1e-15);
    assertEquals(dt, ad.get(0, 1), 1e-15);
    assertEquals(0, ad.get(1, 0), 1e-15);
    assertEquals(1, ad.get(1, 1), 1e-15);
    assertEquals(dt * dt / 2, bd.get(0, 0), 1e-15);
    assertEquals(dt, bd.get(1, 0), 1e-15);
  }

  @Test
  void exponentialOfARotationGeneratorIsARotationEvenForLargeAngles() {
    for (double w : new double[] {0.3, 2.0, 17.0, 150.0}) {
      DMatrixRMaj e = ZeroOrderHold.expm(new DMatrixRMaj(new double[][] {{0, -w}, {w, 0}}));
      assertEquals(Math.cos(w), e.get(0, 0), 1e-12 * Math.max(1, w));
      assertEquals(-Math.sin(w), e.get(0, 1), 1e-12 * Math.max(1, w));
      assertEquals(Math.sin(w), e.get(1, 0), 1e-12 * Math.max(1, w));
    }
  }

  @Test
  void exponentialOfADiagonalMatrix() {
    DMatrixRMaj e = ZeroOrderHold.expm(new DMatrixRMaj(new double[][] {{-3, 0, 0}, {0, 0.5, 0}, {0, 0, 8}}));
    assertEquals(Math.exp(-3), e.get(0, 0), 1e-15);
    assertEquals(Math.exp(0.5), e.get(1, 1), 1e-14);
    assertTrue(Math.abs(e.get(2, 2) - Math.exp(8)) < 1e-12 * Math.exp(8));
    assertEquals(0, e.get(0, 2), 1e-15);
  }

  @Test
  void nonPositiveDtIsRefused() {
    MpcException e = assertThrows(MpcException.class, () -> ZeroOrderHold.of(
        new DMatrixRMaj(1, 1), new DMatrixRMaj(1, 1), 0.0));
    assertEquals("the sampling interval must be a positive number of seconds, got 0.0", e.getMessage());
  }
}
