package io.loopforge.mpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.plant.Pendulum;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.policy.MpcPolicy;
import io.loopforge.modeling.sindy.SindyModel;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GaussNewtonMpcTest {

  /** On a linear model without bounds one Gauss–Newton iteration is the finite-horizon LQ optimum (Riccati). */
  @Test
  void linearModelGivesTheFiniteHorizonLqSolution() {
    SplittableRandom rnd = new SplittableRandom(18);
    for (int trial = 0; trial < 20; trial++) {
      int nx = 2 + trial % 3;
      int nu = 1 + trial % 2;
      int h = 3 + trial % 8;
      LinearModel m = withoutDrift(LinearModel.random(nx, nu, rnd));
      double[] q = positive(rnd, nx);
      double[] qf = positive(rnd, nx);
      double[] r = positive(rnd, nu);
      MpcPolicy p = MpcPolicy.builder(m).horizon(h).iterations(1).qpIterations(1).stateWeights(q)
          .terminalWeights(qf).inputWeights(r).build();
      double[] x0 = new double[nx];
      for (int i = 0; i < nx; i++) {
        x0[i] = rnd.nextDouble(-1, 1);
      }
      double[] u = new GaussNewtonMpc(p).control(x0, new double[nx]);
      double[] expected = riccatiFirstInput(m, h, q, qf, r, x0);
      for (int c = 0; c < nu; c++) {
        assertEquals(expected[c], u[c], 1e-9 * (1 + Math.abs(expected[c])), "trial " + trial + ", input " + c);
      }
    }
  }

  /** With a box, the converged plan satisfies the KKT conditions of the (convex) problem on a linear model. */
  @Test
  void boundedPlanIsOptimalInsideTheBox() {
    SplittableRandom rnd = new SplittableRandom(7);
    int active = 0;
    for (int trial = 0; trial < 20; trial++) {
      int nx = 2 + trial % 2;
      int nu = 1 + trial % 2;
      int h = 4 + trial % 6;
      LinearModel m = LinearModel.random(nx, nu, rnd);
      double[] lower = new double[nu];
      double[] upper = new double[nu];
      for (int c = 0; c < nu; c++) {
        lower[c] = -rnd.nextDouble(0.05, 0.5);
        upper[c] = rnd.nextDouble(0.05, 0.5);
      }
      double[] q = positive(rnd, nx);
      double[] r = positive(rnd, nu);
      double[] rr = positive(rnd, nu);
      double[] xref = new double[nx];
      double[] x0 = new double[nx];
      for (int i = 0; i < nx; i++) {
        xref[i] = rnd.nextDouble(-1, 1);
        x0[i] = rnd.nextDouble(-2, 2);
      }
      MpcPolicy p = MpcPolicy.builder(m).horizon(h).iterations(3).qpIterations(30).tolerance(0).stateWeights(q)
          .inputWeights(r).rateWeights(rr).inputBounds(InputBounds.of(lower, upper)).build();
      GaussNewtonMpc mpc = new GaussNewtonMpc(p);
      mpc.control(x0, xref, new double[nu]);
      double[][] plan = mpc.plannedInputs();
      double[] uLast = new double[nu]; // the reference input 0, clamped: 0 is inside every box here
      for (int k = 0; k < h; k++) {
        for (int c = 0; c < nu; c++) {
          double v = plan[k][c];
          assertTrue(v >= lower[c] && v <= upper[c], "trial " + trial + ": u[" + k + "][" + c + "] = " + v);
          double g = partial(m, p, x0, xref, uLast, plan, k, c);
          if (v == lower[c]) {
            active++;
            assertTrue(g >= -1e-6, "trial " + trial + ": at the lower bound, dJ/du = " + g);
          } else if (v == upper[c]) {
            active++;
            assertTrue(g <= 1e-6, "trial " + trial + ": at the upper bound, dJ/du = " + g);
          } else {
            assertEquals(0, g, 1e-6, "trial " + trial + ": free input " + k + ", " + c);
          }
        }
      }
    }
    assertTrue(active > 20, "the bounds should be active in many cases, were " + active);
  }

  /**
   * The torque-limited pendulum from 0.8 rad back to hanging at rest on a learned SINDy model (the gravity
   * torque there, 7 N·m, is beyond the 3 N·m limit): the bound is active, holds, and the plan converges.
   */
  @Test
  void sindyPendulumIsStabilisedWithinTheTorqueLimit() {
    SindyModel model = PlannerFixtures.pendulumModel();
    Plant plant = Pendulum.withDefaults();
    MpcPolicy p = MpcPolicy.builder(model).horizon(10).iterations(3).stateWeights(10, 1).inputWeights(0.01).inputBounds(InputBounds.of(plant.inputLower(), plant.inputUpper())).build();
    GaussNewtonMpc mpc = new GaussNewtonMpc(p);
    double[] x = {0.8, 0};
    double[] next = new double[2];
    boolean saturated = false;
    int converged = 0;
    for (int k = 0; k < 60; k++) {
      double[] u = mpc.control(x, new double[2]);
      assertTrue(Math.abs(u[0]) <= plant.inputUpper()[0], "step " + k + ": " + u[0]);
      saturated |= Math.abs(u[0]) == plant.inputUpper()[0];
      converged += mpc.status() == GaussNewtonMpc.Status.CONVERGED ? 1 : 0;
      assertTrue(mpc.status() != GaussNewtonMpc.Status.FAILED, "step " + k);
      model.step(x, u, next);
      x = next.clone();
    }
    assertTrue(saturated, "the torque limit should be active at the start");
    assertEquals(0, x[0], 0.01);
    assertEquals(0, x[1], 0.05);
    assertTrue(converged >= 50, "converged in " + converged + " of 60 steps");
  }

  @Test
  void nonFiniteStateFailsToTheReferenceInput() {
    LinearModel m = LinearModel.random(2, 1, new SplittableRandom(3));
    MpcPolicy p = MpcPolicy.builder(m).referenceInput(0.25).inputBounds(InputBounds.of(new double[] {-1},
        new double[] {1})).build();
    GaussNewtonMpc mpc = new GaussNewtonMpc(p);
    double[] u = mpc.control(new double[] {Double.NaN, 0}, new double[2]);
    assertEquals(GaussNewtonMpc.Status.FAILED, mpc.status());
    assertEquals(0.25, u[0]);
  }

  private static LinearModel withoutDrift(LinearModel m) {
    double[][] a = new double[m.stateDim()][m.stateDim()];
    double[][] b = new double[m.stateDim()][m.inputDim()];
    m.jacobian(new double[m.stateDim()], new double[m.inputDim()], a, b);
    return new LinearModel(a, b, new double[m.stateDim()]);
  }

  private static double[] positive(SplittableRandom rnd, int n) {
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = rnd.nextDouble(0.1, 2);
    }
    return w;
  }

  /** u_0 = −K_0 x_0 from the backward Riccati recursion of the finite-horizon problem (x_0 not weighted). */
  private static double[] riccatiFirstInput(LinearModel m, int h, double[] q, double[] qf, double[] r, double[] x0) {
    int nx = m.stateDim();
    int nu = m.inputDim();
    double[][] a = new double[nx][nx];
    double[][] b = new double[nx][nu];
    m.jacobian(x0, new double[nu], a, b);
    double[][] p = diag(qf);
    double[][] k = null;
    for (int step = h - 1; step >= 0; step--) {
      double[][] pb = mul(p, b);
      double[][] s = add(diag(r), mul(transpose(b), pb));
      k = solve(s, mul(transpose(pb), a));
      double[][] pa = mul(p, a);
      double[][] next = add(diag(q), sub(mul(transpose(a), pa), mul(mul(transpose(a), pb), k)));
      p = next;
    }
    double[] u = new double[nu];
    for (int c = 0; c < nu; c++) {
      for (int i = 0; i < nx; i++) {
        u[c] -= k[c][i] * x0[i];
      }
    }
    return u;
  }

  /** ∂J/∂u_{k,c} by central differences of the cost, simulated independently of the controller. */
  private static double partial(DynamicsModel m, MpcPolicy p, double[] x0, double[] xref, double[] uLast,
      double[][] plan, int k, int c) {
    double eps = 1e-6;
    double[][] up = deepCopy(plan);
    double[][] dn = deepCopy(plan);
    up[k][c] += eps;
    dn[k][c] -= eps;
    return (cost(m, p, x0, xref, uLast, up) - cost(m, p, x0, xref, uLast, dn)) / (2 * eps);
  }

  private static double cost(DynamicsModel m, MpcPolicy p, double[] x0, double[] xref, double[] uLast, double[][] u) {
    double[] q = p.stateWeights();
    double[] qf = p.terminalWeights();
    double[] r = p.inputWeights();
    double[] rr = p.rateWeights();
    double[] uref = p.referenceInput();
    double j = 0;
    double[] x = x0.clone();
    double[] prev = uLast.clone();
    for (int k = 0; k < u.length; k++) {
      x = m.step(x, u[k]);
      double[] w = k == u.length - 1 ? qf : q;
      for (int i = 0; i < x.length; i++) {
        j += 0.5 * w[i] * (x[i] - xref[i]) * (x[i] - xref[i]);
      }
      for (int c = 0; c < u[k].length; c++) {
        j += 0.5 * r[c] * (u[k][c] - uref[c]) * (u[k][c] - uref[c]);
        j += 0.5 * rr[c] * (u[k][c] - prev[c]) * (u[k][c] - prev[c]);
      }
      prev = u[k];
    }
    return j;
  }

  private static double[][] deepCopy(double[][] v) {
    double[][] c = new double[v.length][];
    for (int i = 0; i < v.length; i++) {
      c[i] = v[i].clone();
    }
    return c;
  }

  private static double[][] diag(double[] d) {
    double[][] m = new double[d.length][d.length];
    for (int i = 0; i < d.length; i++) {
      m[i][i] = d[i];
    }
    return m;
  }

  private static double[][] transpose(double[][] a) {
    double[][] t = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        t[j][i] = a[i][j];
      }
    }
    return t;
  }

  private static double[][] mul(double[][] a, double[][] b) {
    double[][] c = new double[a.length][b[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b[0].length; j++) {
        for (int l = 0; l < b.length; l++) {
          c[i][j] += a[i][l] * b[l][j];
        }
      }
    }
    return c;
  }

  private static double[][] add(double[][] a, double[][] b) {
    double[][] c = new double[a.length][a[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        c[i][j] = a[i][j] + b[i][j];
      }
    }
    return c;
  }

  private static double[][] sub(double[][] a, double[][] b) {
    double[][] c = new double[a.length][a[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        c[i][j] = a[i][j] - b[i][j];
      }
    }
    return c;
  }

  /** Solves s X = rhs by Gaussian elimination with partial pivoting. */
  private static double[][] solve(double[][] s, double[][] rhs) {
    int n = s.length;
    double[][] a = new double[n][];
    double[][] x = new double[n][];
    for (int i = 0; i < n; i++) {
      a[i] = s[i].clone();
      x[i] = rhs[i].clone();
    }
    for (int col = 0; col < n; col++) {
      int piv = col;
      for (int i = col + 1; i < n; i++) {
        if (Math.abs(a[i][col]) > Math.abs(a[piv][col])) {
          piv = i;
        }
      }
      double[] t = a[col];
      a[col] = a[piv];
      a[piv] = t;
      t = x[col];
      x[col] = x[piv];
      x[piv] = t;
      for (int i = 0; i < n; i++) {
        if (i != col) {
          double f = a[i][col] / a[col][col];
          for (int j = 0; j < n; j++) {
            a[i][j] -= f * a[col][j];
          }
          for (int j = 0; j < x[i].length; j++) {
            x[i][j] -= f * x[col][j];
          }
        }
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < x[i].length; j++) {
        x[i][j] /= a[i][i];
      }
    }
    return x;
  }
}
