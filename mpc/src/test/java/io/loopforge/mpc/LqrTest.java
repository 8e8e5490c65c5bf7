package io.loopforge.mpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.plant.CartPole;
import io.loopforge.modeling.plant.Pendulum;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantSimulator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

class LqrTest {
  @Test
  void scalarRiccatiMatchesItsClosedForm() {
    // x⁺ = a x + b u, P = a²P − a²b²P²/(r + b²P) + q  ⇒  b²P² + (r(1 − a²) − q b²)P − q r = 0
    double a = 1.2;
    double b = 0.5;
    double q = 2;
    double r = 0.3;
    Lqr lqr = Lqr.solve(m(a), m(b), m(q), m(r));
    double bb = r * (1 - a * a) - q * b * b;
    double p = (-bb + Math.sqrt(bb * bb + 4 * b * b * q * r)) / (2 * b * b);
    assertEquals(p, lqr.riccati().get(0, 0), 1e-12 * p);
    assertEquals(b * p * a / (r + b * b * p), lqr.gain().get(0, 0), 1e-12);
    assertTrue(lqr.closedLoopSpectralRadius() < 1);
  }

  @Test
  void riccatiResidualIsTinyForACartPoleLinearisation() {
    LqrDesign d = LqrDesign.builder(CartPole.withDefaults(), 0.02).stateWeights(10, 10, 1, 1).inputWeights(0.1).build();
    DMatrixRMaj a = d.stateMatrix();
    DMatrixRMaj b = d.inputMatrix();
    Lqr lqr = Lqr.solve(a, b, CommonOps_DDRM.diag(10, 10, 1, 1), CommonOps_DDRM.diag(0.1));
    DMatrixRMaj p = lqr.riccati();
    DMatrixRMaj k = lqr.gain();
    // residual = AᵀPA − AᵀPB K + Q − P
    DMatrixRMaj pa = new DMatrixRMaj(4, 4);
    CommonOps_DDRM.mult(p, a, pa);
    DMatrixRMaj res = new DMatrixRMaj(4, 4);
    CommonOps_DDRM.multTransA(a, pa, res);
    DMatrixRMaj pb = new DMatrixRMaj(4, 1);
    CommonOps_DDRM.mult(p, b, pb);
    DMatrixRMaj pbk = new DMatrixRMaj(4, 4);
    CommonOps_DDRM.mult(pb, k, pbk);
    CommonOps_DDRM.multAddTransA(-1, a, pbk, res);
    CommonOps_DDRM.addEquals(res, CommonOps_DDRM.diag(10, 10, 1, 1));
    CommonOps_DDRM.subtractEquals(res, p);
    assertTrue(CommonOps_DDRM.elementMaxAbs(res) < 1e-9 * CommonOps_DDRM.elementMaxAbs(p),
        "Riccati residual " + CommonOps_DDRM.elementMaxAbs(res));
  }

  @Test
  void pendulumIsStabilisedUprightWithinTheTorqueLimit() {
    Plant p = Pendulum.withDefaults();
    LqrDesign d = LqrDesign.builder(p, 0.02).stateWeights(10, 1).inputWeights(1).build();
    double[] x = runClosedLoop(d, new double[] {Math.PI - 0.3, 0.0}, 500);
    assertEquals(Math.PI, x[0], 1e-4);
    assertEquals(0, x[1], 1e-4);
  }

  @Test
  void cartPoleIsBalancedWithinTheForceLimit() {
    Plant p = CartPole.withDefaults();
    LqrDesign d = LqrDesign.builder(p, 0.02).stateWeights(1, 10, 1, 1).inputWeights(0.1).build();
    double[] x = runClosedLoop(d, new double[] {0.2, 0.15, 0, 0}, 750);
    for (int i = 0; i < 4; i++) {
      assertEquals(0, x[i], 1e-4, "state " + i);
    }
  }

  /** Closes the loop on the nonlinear plant; asserts every input within bounds; returns the final state. */
  private static double[] runClosedLoop(LqrDesign d, double[] x0, int steps) {
    Plant p = d.plant().orElseThrow();
    PlantSimulator sim = PlantSimulator.withDefaults();
    double[] x = x0.clone();
    for (int k = 0; k < steps; k++) {
      double[] u = d.control(x);
      for (int i = 0; i < u.length; i++) {
        assertTrue(u[i] >= p.inputLower()[i] && u[i] <= p.inputUpper()[i]);
      }
      x = sim.simulate(p, x, new double[][] {u, u}, d.dt()).state(1);
    }
    return x;
  }

  @Test
  void nonEquilibriumReferenceIsRefused() {
    MpcException e = assertThrows(MpcException.class,
        () -> LqrDesign.builder(Pendulum.withDefaults(), 0.02).referenceState(1.0, 0.0).build());
    assertTrue(e.getMessage().startsWith("the reference [1.0, 0.0] with input [0.0] is not an equilibrium of "
        + "pendulum: dtheta/dt") || e.getMessage().contains("is not an equilibrium of pendulum"), e.getMessage());
  }

  @Test
  void unstabilisableSystemIsRefused() {
    // The second state is unstable and the input cannot reach it.
    DMatrixRMaj a = new DMatrixRMaj(new double[][] {{0.5, 0}, {0, 1.5}});
    DMatrixRMaj b = new DMatrixRMaj(new double[][] {{1}, {0}});
    MpcException e = assertThrows(MpcException.class,
        () -> Lqr.solve(a, b, CommonOps_DDRM.identity(2), CommonOps_DDRM.identity(1)));
    assertTrue(e.getMessage().contains("not stabilisable"), e.getMessage());
  }

  @Test
  void wrongWeightCountsAreNamed() {
    MpcException e = assertThrows(MpcException.class,
        () -> LqrDesign.builder(CartPole.withDefaults(), 0.02).stateWeights(1, 2));
    assertEquals("state weights (Q) has 2 values but cartpole needs 4", e.getMessage());
  }

  private static DMatrixRMaj m(double v) {
    return new DMatrixRMaj(new double[][] {{v}});
  }
}
