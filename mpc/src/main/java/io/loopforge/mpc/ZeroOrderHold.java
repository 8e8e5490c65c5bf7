package io.loopforge.mpc;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;

/**
 * Exact zero-order-hold discretisation of {@code ẋ = A x + B u}: {@code x⁺ = A_d x + B_d u} with
 * {@code A_d = e^{A·dt}}, {@code B_d = ∫₀^dt e^{A·s} ds · B}, both read off the exponential of the
 * augmented matrix {@code [[A, B], [0, 0]]·dt}.
 *
 * <p>The matrix exponential is the scaling-and-squaring Padé(6,6) approximant (Moler and Van Loan's
 * "Nineteen dubious ways", method 3): scale by 2^-s until the 1-norm is at most 0.5, where the
 * approximant's relative error is below 1e-15, then square s times.
 */
public final class ZeroOrderHold {
  private static final double[] PADE6 = padeCoefficients(6);

  private final DMatrixRMaj ad;
  private final DMatrixRMaj bd;

  private ZeroOrderHold(DMatrixRMaj ad, DMatrixRMaj bd) {
    this.ad = ad;
    this.bd = bd;
  }

  /**
   * @param a nx × nx continuous-time state matrix (1/s)
   * @param b nx × nu continuous-time input matrix
   * @param dt sampling interval, s
   */
  public static ZeroOrderHold of(DMatrixRMaj a, DMatrixRMaj b, double dt) {
    int nx = a.numRows;
    int nu = b.numCols;
    if (a.numCols != nx || b.numRows != nx) {
      throw new IllegalArgumentException("A is " + a.numRows + "x" + a.numCols + ", B is " + b.numRows + "x" + nu);
    }
    if (!(dt > 0) || Double.isInfinite(dt)) {
      throw new MpcException("the sampling interval must be a positive number of seconds, got " + dt);
    }
    DMatrixRMaj m = new DMatrixRMaj(nx + nu, nx + nu);
    CommonOps_DDRM.insert(a, m, 0, 0);
    CommonOps_DDRM.insert(b, m, 0, nx);
    CommonOps_DDRM.scale(dt, m);
    DMatrixRMaj e = expm(m);
    return new ZeroOrderHold(
        CommonOps_DDRM.extract(e, 0, nx, 0, nx), CommonOps_DDRM.extract(e, 0, nx, nx, nx + nu));
  }

  /** {@code e^{A·dt}}, a copy. */
  public DMatrixRMaj ad() {
    return ad.copy();
  }

  /** {@code ∫₀^dt e^{A·s} ds · B}, a copy. */
  public DMatrixRMaj bd() {
    return bd.copy();
  }

  /** The matrix exponential of a square matrix. */
  public static DMatrixRMaj expm(DMatrixRMaj m) {
    int n = m.numRows;
    double norm = NormOps_DDRM.normP1(m);
    int squarings = 0;
    if (norm > 0.5) {
      squarings = Math.max(0, (int) Math.ceil(Math.log(norm / 0.5) / Math.log(2)));
    }
    DMatrixRMaj x = m.copy();
    CommonOps_DDRM.scale(Math.scalb(1.0, -squarings), x);
    // N = Σ c_k X^k, D = Σ (-1)^k c_k X^k
    DMatrixRMaj num = CommonOps_DDRM.identity(n);
    DMatrixRMaj den = CommonOps_DDRM.identity(n);
    DMatrixRMaj power = CommonOps_DDRM.identity(n);
    DMatrixRMaj tmp = new DMatrixRMaj(n, n);
    for (int k = 1; k < PADE6.length; k++) {
      CommonOps_DDRM.mult(power, x, tmp);
      power.setTo(tmp);
      CommonOps_DDRM.addEquals(num, PADE6[k], power);
      CommonOps_DDRM.addEquals(den, (k % 2 == 0 ? 1 : -1) * PADE6[k], power);
    }
    DMatrixRMaj e = new DMatrixRMaj(n, n);
    if (!CommonOps_DDRM.solve(den, num, e)) {
      throw new MpcException("the matrix exponential's Padé denominator is singular (the matrix has entries of "
          + "size " + norm + "); check the model's Jacobian for huge or non-finite values");
    }
    for (int s = 0; s < squarings; s++) {
      CommonOps_DDRM.mult(e, e, tmp);
      e.setTo(tmp);
    }
    return e;
  }

  /** c_k = ((2q − k)! q!) / ((2q)! k! (q − k)!), k = 0 … q. */
  private static double[] padeCoefficients(int q) {
    double[] c = new double[q + 1];
    c[0] = 1.0;
    for (int k = 1; k <= q; k++) {
      c[k] = c[k - 1] * (q - k + 1) / ((2.0 * q - k + 1) * k);
    }
    return c;
  }
}
