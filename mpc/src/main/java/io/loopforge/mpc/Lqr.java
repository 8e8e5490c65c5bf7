package io.loopforge.mpc;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;

/**
 * Discrete-time infinite-horizon LQR: minimises {@code Σ x̃ₖᵀ Q x̃ₖ + ũₖᵀ R ũₖ} subject to
 * {@code x̃ₖ₊₁ = A x̃ₖ + B ũₖ}, giving {@code ũ = −K x̃} with {@code K = (R + BᵀPB)⁻¹ BᵀPA} and P the
 * stabilising solution of the discrete algebraic Riccati equation
 * {@code P = AᵀPA − AᵀPB (R + BᵀPB)⁻¹ BᵀPA + Q}.
 *
 * <p>P is computed with the structured doubling algorithm (Chu, Fan, Lin 2005), which converges
 * quadratically for stabilisable and detectable (A, B, Q); each step solves with {@code I + G·H}
 * instead of inverting R's closed loop, so nothing is formed from normal equations.
 */
public final class Lqr {
  private static final int MAX_ITERATIONS = 100;

  private final DMatrixRMaj k;
  private final DMatrixRMaj p;
  private final double spectralRadius;
  private final int iterations;

  private Lqr(DMatrixRMaj k, DMatrixRMaj p, double spectralRadius, int iterations) {
    this.k = k;
    this.p = p;
    this.spectralRadius = spectralRadius;
    this.iterations = iterations;
  }

  /**
   * @param a nx × nx discrete-time state matrix
   * @param b nx × nu discrete-time input matrix
   * @param q nx × nx state weight, symmetric positive semi-definite
   * @param r nu × nu input weight, symmetric positive definite
   * @throws MpcException when (A, B) cannot be stabilised or the weights are unusable
   */
  public static Lqr solve(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj q, DMatrixRMaj r) {
    int nx = a.numRows;
    int nu = b.numCols;
    DMatrixRMaj rInv = new DMatrixRMaj(nu, nu);
    if (!CommonOps_DDRM.invert(r, rInv)) {
      throw new MpcException("the input weight R is singular; give every input a positive weight");
    }
    DMatrixRMaj ak = a.copy();
    DMatrixRMaj g = new DMatrixRMaj(nx, nx);
    DMatrixRMaj tmp = new DMatrixRMaj(nx, nu);
    CommonOps_DDRM.mult(b, rInv, tmp);
    CommonOps_DDRM.multTransB(tmp, b, g);
    DMatrixRMaj h = q.copy();
    DMatrixRMaj w = new DMatrixRMaj(nx, nx);
    DMatrixRMaj wa = new DMatrixRMaj(nx, nx);
    DMatrixRMaj wg = new DMatrixRMaj(nx, nx);
    DMatrixRMaj hw = new DMatrixRMaj(nx, nx);
    DMatrixRMaj t1 = new DMatrixRMaj(nx, nx);
    int it = 0;
    for (; it < MAX_ITERATIONS; it++) {
      // W = I + G H; A' = A W⁻¹ A; G' = G + A W⁻¹ G Aᵀ; H' = H + Aᵀ H W⁻¹ A
      CommonOps_DDRM.mult(g, h, w);
      for (int i = 0; i < nx; i++) {
        w.add(i, i, 1.0);
      }
      if (!CommonOps_DDRM.solve(w, ak, wa) || !CommonOps_DDRM.solve(w, g, wg)) {
        throw new MpcException("the Riccati iteration broke down (I + G·H is singular): the linearisation is "
            + "probably not stabilisable from the inputs; check the reference point and the input weights");
      }
      DMatrixRMaj aNext = new DMatrixRMaj(nx, nx);
      CommonOps_DDRM.mult(ak, wa, aNext);
      DMatrixRMaj gNext = g.copy();
      CommonOps_DDRM.mult(ak, wg, t1);
      CommonOps_DDRM.multAddTransB(t1, ak, gNext);
      // H W⁻¹ A  =  (Wᵀ⁻¹ Hᵀ)ᵀ A; with H symmetric, solve Wᵀ Y = H, then Yᵀ A.
      DMatrixRMaj wt = new DMatrixRMaj(nx, nx);
      CommonOps_DDRM.transpose(w, wt);
      if (!CommonOps_DDRM.solve(wt, h, hw)) {
        throw new MpcException("the Riccati iteration broke down (I + G·H is singular)");
      }
      DMatrixRMaj hNext = h.copy();
      CommonOps_DDRM.multTransA(hw, ak, t1);
      DMatrixRMaj t2 = new DMatrixRMaj(nx, nx);
      CommonOps_DDRM.multTransA(ak, t1, t2);
      CommonOps_DDRM.addEquals(hNext, t2);
      symmetrize(hNext);
      symmetrize(gNext);
      double change = diffNorm(hNext, h);
      double scale = Math.max(1.0, NormOps_DDRM.normF(hNext));
      if (!Double.isFinite(change)) {
        throw new MpcException("the Riccati iteration diverged: the linearisation is not stabilisable, or Q "
            + "does not see an unstable mode; check the reference point and the weights");
      }
      ak = aNext;
      g = gNext;
      h = hNext;
      if (change <= 1e-13 * scale) {
        break;
      }
    }
    if (it == MAX_ITERATIONS) {
      throw new MpcException("the Riccati iteration did not converge in " + MAX_ITERATIONS + " doublings");
    }
    DMatrixRMaj p = h;
    // K = (R + Bᵀ P B)⁻¹ Bᵀ P A
    DMatrixRMaj btp = new DMatrixRMaj(nu, nx);
    CommonOps_DDRM.multTransA(b, p, btp);
    DMatrixRMaj s = r.copy();
    CommonOps_DDRM.multAdd(btp, b, s);
    DMatrixRMaj btpa = new DMatrixRMaj(nu, nx);
    CommonOps_DDRM.mult(btp, a, btpa);
    DMatrixRMaj k = new DMatrixRMaj(nu, nx);
    if (!CommonOps_DDRM.solve(s, btpa, k)) {
      throw new MpcException("R + BᵀPB is singular; give every input a positive weight");
    }
    DMatrixRMaj closed = a.copy();
    CommonOps_DDRM.multAdd(-1.0, b, k, closed);
    double rho = spectralRadius(closed);
    if (!(rho < 1.0)) {
      throw new MpcException(String.format(java.util.Locale.ROOT,
          "the LQR closed loop is not stable (spectral radius %.6f): the linearisation is not stabilisable "
              + "or Q does not see an unstable mode", rho));
    }
    return new Lqr(k, p, rho, it + 1);
  }

  /** The gain K (nu × nx), a copy: {@code ũ = −K x̃}. */
  public DMatrixRMaj gain() {
    return k.copy();
  }

  /** The Riccati solution P (nx × nx), a copy. */
  public DMatrixRMaj riccati() {
    return p.copy();
  }

  /** Largest |eigenvalue| of {@code A − B K}; below 1 for a stabilising gain. */
  public double closedLoopSpectralRadius() {
    return spectralRadius;
  }

  /** Doubling steps the Riccati solution took. */
  public int iterations() {
    return iterations;
  }

  static double spectralRadius(DMatrixRMaj m) {
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(m.numRows, false);
    if (!eig.decompose(m.copy())) {
      throw new MpcException("could not compute the closed loop's eigenvalues");
    }
    double rho = 0;
    for (int i = 0; i < m.numRows; i++) {
      rho = Math.max(rho, eig.getEigenvalue(i).getMagnitude());
    }
    return rho;
  }

  private static void symmetrize(DMatrixRMaj m) {
    for (int i = 0; i < m.numRows; i++) {
      for (int j = i + 1; j < m.numCols; j++) {
        double v = 0.5 * (m.get(i, j) + m.get(j, i));
        m.set(i, j, v);
        m.set(j, i, v);
      }
    }
  }

  private static double diffNorm(DMatrixRMaj x, DMatrixRMaj y) {
    double s = 0;
    for (int i = 0; i < x.getNumElements(); i++) {
      double d = x.data[i] - y.data[i];
      s += d * d;
    }
    return Math.sqrt(s);
  }
}
