package io.loopforge.mpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.DynamicsModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

/**
 * ojAlgo's answers to the convex subproblems, checked against solutions computed independently of both
 * ojAlgo and {@link LinearisedProblem}'s own algebra: on linear models J(ū + δ) is exactly quadratic (or
 * piecewise linear) in δ, so its Hessian, gradient and pieces come from {@link MpcProblem#evaluate} by
 * differences, and the optimum from EJML (normal equations, KKT systems, vertices) or projected gradient.
 */
class LinearisedProblemTest {
  /** A problem on a random linear model with every weight positive, nothing bounded yet. */
  private static MpcProblem.Builder quadratic(DynamicsModel m, int h, SplittableRandom rng) {
    int nx = m.stateDim();
    int nu = m.inputDim();
    return MpcProblem.builder(m, h).norm(MpcProblem.Norm.QUADRATIC)
        .stateReference(random(nx, 1, rng)).stateWeights(positive(nx, rng)).terminalWeights(positive(nx, rng))
        .inputReference(random(nu, 0.5, rng)).inputWeights(positive(nu, rng)).inputRateWeights(positive(nu, rng));
  }

  private static double[] random(int n, double scale, SplittableRandom rng) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = scale * (2 * rng.nextDouble() - 1);
    }
    return v;
  }

  private static double[] positive(int n, SplittableRandom rng) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = 0.2 + rng.nextDouble();
    }
    return v;
  }

  private static double[] fill(int n, double v) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  /** The linearisation's data and a solve of its subproblem. */
  private static final class Case {
    final MpcProblem problem;
    final LinearisedProblem lin;
    final double[] x0;
    final double[][] reference;
    final double[] previous;
    final double[][] nominal;
    final int n;

    Case(MpcProblem problem, double[][] nominal, double[] x0, double[] previous) {
      this.problem = problem;
      this.lin = new LinearisedProblem(problem);
      this.x0 = x0;
      this.reference = problem.constantWindow(problem.stateReference());
      this.previous = previous;
      this.nominal = nominal;
      this.n = lin.size();
      for (int t = 0; t < nominal.length; t++) {
        System.arraycopy(nominal[t], 0, lin.nominalInputs[t], 0, nominal[t].length);
      }
      assertNull(lin.linearise(x0, reference, previous));
    }

    /** J(ū + δ) by the nonlinear evaluation (exact on a linear model). */
    double j(double[] delta) {
      int nu = problem.inputDim();
      double[][] u = new double[nominal.length][nu];
      for (int t = 0; t < u.length; t++) {
        for (int k = 0; k < nu; k++) {
          u[t][k] = nominal[t][k] + delta[t * nu + k];
        }
      }
      return problem.evaluate(x0, reference, previous, u, null);
    }

    double[] solve(double[] radius) {
      double[] delta = new double[n];
      LinearisedProblem.Outcome o = lin.solve(radius, 0, delta);
      assertTrue(o.optimal(), "ojAlgo: " + o.state());
      return delta;
    }

    /** Gradient g and Hessian P of J(ū + δ) = J₀ + gᵀδ + δᵀPδ by differences with unit steps (exact for a quadratic). */
    double[][] hessian(double[] g) {
      double j0 = j(new double[n]);
      double[][] p = new double[n][n];
      double[] plus = new double[n];
      for (int k = 0; k < n; k++) {
        double[] e = new double[n];
        e[k] = 1;
        plus[k] = j(e);
        e[k] = -1;
        double minus = j(e);
        g[k] = 0.5 * (plus[k] - minus);
        p[k][k] = 0.5 * (plus[k] + minus - 2 * j0);
      }
      for (int k = 0; k < n; k++) {
        for (int l = k + 1; l < n; l++) {
          double[] e = new double[n];
          e[k] = 1;
          e[l] = 1;
          p[k][l] = 0.5 * (j(e) - plus[k] - plus[l] + j0);
          p[l][k] = p[k][l];
        }
      }
      return p;
    }
  }

  private static Case randomCase(MpcProblem p, SplittableRandom rng, double scale) {
    int nu = p.inputDim();
    double[][] nominal = new double[p.horizon()][];
    for (int t = 0; t < nominal.length; t++) {
      nominal[t] = random(nu, scale, rng);
    }
    return new Case(p, nominal, random(p.stateDim(), 1, rng), random(nu, scale, rng));
  }

  @Test
  void anUnconstrainedQpMatchesTheNormalEquationsSolvedWithEjml() {
    SplittableRandom rng = new SplittableRandom(11);
    for (int rep = 0; rep < 5; rep++) {
      LinearModel m = LinearModel.random(3, 2, rng);
      MpcProblem p = quadratic(m, 4, rng).inputBounds(fill(2, -1e3), fill(2, 1e3)).build();
      Case c = randomCase(p, rng, 1);
      double[] g = new double[c.n];
      double[][] h = c.hessian(g);
      // 2 P δ = −g
      DMatrixRMaj a = new DMatrixRMaj(h);
      CommonOps_DDRM.scale(2, a);
      DMatrixRMaj rhs = new DMatrixRMaj(c.n, 1);
      for (int k = 0; k < c.n; k++) {
        rhs.set(k, 0, -g[k]);
      }
      DMatrixRMaj expected = new DMatrixRMaj(c.n, 1);
      assertTrue(CommonOps_DDRM.solve(a, rhs, expected));
      double[] delta = c.solve(fill(2, 2e3));
      for (int k = 0; k < c.n; k++) {
        assertEquals(expected.get(k, 0), delta[k], 1e-7 * (1 + Math.abs(expected.get(k, 0))), "δ_" + k);
      }
      // the subproblem's own objective is J on a linear model
      assertEquals(c.j(delta), c.lin.cost(delta), 1e-9 * c.j(delta));
    }
  }

  @Test
  void aQpWithActiveBoundsMatchesProjectedGradient() {
    SplittableRandom rng = new SplittableRandom(12);
    int activeSeen = 0;
    for (int rep = 0; rep < 5; rep++) {
      LinearModel m = LinearModel.random(3, 2, rng);
      MpcProblem p = quadratic(m, 4, rng).inputBounds(fill(2, -0.6), fill(2, 0.6)).build();
      Case c = randomCase(p, rng, 0.5);
      double[] radius = {0.5, 0.3};
      double[] delta = c.solve(radius);
      double[] g = new double[c.n];
      double[][] h = c.hessian(g);
      double[] lo = new double[c.n];
      double[] hi = new double[c.n];
      for (int k = 0; k < c.n; k++) {
        double ub = c.nominal[k / 2][k % 2];
        lo[k] = Math.max(-0.6 - ub, -radius[k % 2]);
        hi[k] = Math.min(0.6 - ub, radius[k % 2]);
      }
      double[] pg = projectedGradient(h, g, lo, hi);
      for (int k = 0; k < c.n; k++) {
        assertEquals(pg[k], delta[k], 1e-7, "δ_" + k);
        if (delta[k] <= lo[k] + 1e-9 || delta[k] >= hi[k] - 1e-9) {
          activeSeen++;
        }
      }
    }
    assertTrue(activeSeen >= 5, "bounds must be active in these cases, saw " + activeSeen);
  }

  /** min δᵀPδ + gᵀδ over a box: projected gradient with step 1/L to convergence. */
  private static double[] projectedGradient(double[][] p, double[] g, double[] lo, double[] hi) {
    int n = g.length;
    double lip = 0; // 2 max row sum of |P| bounds the Lipschitz constant of 2Pδ + g
    for (double[] row : p) {
      double s = 0;
      for (double v : row) {
        s += Math.abs(v);
      }
      lip = Math.max(lip, 2 * s);
    }
    double[] d = new double[n];
    double[] next = new double[n];
    for (int it = 0; it < 200_000; it++) {
      double change = 0;
      for (int k = 0; k < n; k++) {
        double grad = g[k];
        for (int l = 0; l < n; l++) {
          grad += 2 * p[k][l] * d[l];
        }
        next[k] = Math.min(hi[k], Math.max(lo[k], d[k] - grad / lip));
        change = Math.max(change, Math.abs(next[k] - d[k]));
      }
      System.arraycopy(next, 0, d, 0, n);
      if (change < 1e-14) {
        break;
      }
    }
    return d;
  }

  @Test
  void aQpWithRateLimitsSatisfiesTheKktConditionsSolvedWithEjml() {
    SplittableRandom rng = new SplittableRandom(13);
    int rateRowsActive = 0;
    for (int rep = 0; rep < 5; rep++) {
      LinearModel m = LinearModel.random(2, 1, rng);
      int h = 5;
      MpcProblem p = quadratic(m, h, rng).inputBounds(fill(1, -1), fill(1, 1)).inputRateLimit(0.15).build();
      double[][] nominal = new double[h][1]; // admissible: all at u_{-1}
      double u0 = 0.5 * (2 * rng.nextDouble() - 1);
      for (double[] row : nominal) {
        row[0] = u0;
      }
      Case c = new Case(p, nominal, random(2, 3, rng), new double[] {u0});
      double[] delta = c.solve(new double[] {2});
      double[] g = new double[c.n];
      double[][] hess = c.hessian(g);
      // the active constraints as rows a·δ ≤ b
      List<double[]> rows = new ArrayList<>();
      List<Double> rhs = new ArrayList<>();
      double tol = 1e-7;
      for (int t = 0; t < h; t++) {
        double ub = nominal[t][0];
        double lo = -1 - ub;
        double hi = 1 - ub;
        if (t == 0) {
          lo = Math.max(lo, -0.15);
          hi = Math.min(hi, 0.15);
        }
        if (delta[t] >= hi - tol) {
          rows.add(unit(h, t, 1));
          rhs.add(hi);
        } else if (delta[t] <= lo + tol) {
          rows.add(unit(h, t, -1));
          rhs.add(-lo);
        }
        if (t > 0) {
          double diff = delta[t] - delta[t - 1]; // ū is constant: the rate row is |δ_t − δ_{t−1}| ≤ 0.15
          if (diff >= 0.15 - tol || diff <= -0.15 + tol) {
            double s = diff > 0 ? 1 : -1;
            double[] row = new double[h];
            row[t] = s;
            row[t - 1] = -s;
            rows.add(row);
            rhs.add(0.15);
            rateRowsActive++;
          }
        }
      }
      // [2P Aᵀ; A 0] [δ; λ] = [−g; b]
      int na = rows.size();
      DMatrixRMaj kkt = new DMatrixRMaj(h + na, h + na);
      DMatrixRMaj b = new DMatrixRMaj(h + na, 1);
      for (int k = 0; k < h; k++) {
        for (int l = 0; l < h; l++) {
          kkt.set(k, l, 2 * hess[k][l]);
        }
        b.set(k, 0, -g[k]);
      }
      for (int i = 0; i < na; i++) {
        for (int k = 0; k < h; k++) {
          kkt.set(h + i, k, rows.get(i)[k]);
          kkt.set(k, h + i, rows.get(i)[k]);
        }
        b.set(h + i, 0, rhs.get(i));
      }
      DMatrixRMaj sol = new DMatrixRMaj(h + na, 1);
      assertTrue(CommonOps_DDRM.solve(kkt, b, sol), "the active set must be linearly independent");
      for (int k = 0; k < h; k++) {
        assertEquals(sol.get(k, 0), delta[k], 1e-7, "δ_" + k);
      }
      for (int i = 0; i < na; i++) {
        assertTrue(sol.get(h + i, 0) >= -1e-7, "multiplier " + i + " = " + sol.get(h + i, 0) + " must be >= 0");
      }
    }
    assertTrue(rateRowsActive >= 3, "rate limits must be active in these cases, saw " + rateRowsActive);
  }

  private static double[] unit(int n, int k, double v) {
    double[] e = new double[n];
    e[k] = v;
    return e;
  }

  @Test
  void theLpsOfTheL1AndLinfCostsMatchVertexEnumeration() {
    SplittableRandom rng = new SplittableRandom(14);
    for (MpcProblem.Norm norm : new MpcProblem.Norm[] {MpcProblem.Norm.L1, MpcProblem.Norm.LINF}) {
      for (int rep = 0; rep < 10; rep++) {
        LinearModel m = LinearModel.random(2, 1, rng);
        int h = 3;
        MpcProblem p = quadratic(m, h, rng).norm(norm).inputBounds(fill(1, -1), fill(1, 1)).inputRateLimit(0.7)
            .stateBounds(new double[] {-0.4, Double.NEGATIVE_INFINITY}, new double[] {0.4, Double.POSITIVE_INFINITY},
                3.0)
            .build();
        double[][] nominal = new double[h][1];
        double u = 0.3 * (2 * rng.nextDouble() - 1);
        for (double[] row : nominal) {
          row[0] = u;
        }
        Case c = new Case(p, nominal, random(2, 1, rng), new double[] {u + 0.2});
        double[] radius = {0.8};
        double[] delta = c.solve(radius);
        double best = vertexMinimum(c, radius);
        double got = c.j(delta);
        assertEquals(best, got, 1e-8 * (1 + Math.abs(best)), norm + " case " + rep);
        assertEquals(got, c.lin.cost(delta), 1e-9 * (1 + got), "the subproblem's objective is J on a linear model");
      }
    }
  }

  /**
   * The least J(ū + δ) over the vertices of the arrangement of the constraints' boundaries and the cost's
   * kinks (a convex piecewise-linear function attains its minimum over a polytope at such a vertex). The
   * pieces come from evaluate() by unit differences, not from the linearisation under test.
   */
  private static double vertexMinimum(Case c, double[] radius) {
    MpcProblem p = c.problem;
    int h = p.horizon();
    int n = c.n;
    // affine states x_t = xb_t + S_t δ from rollouts
    double[][] xb = new double[h + 1][2];
    double[][][] s = new double[h + 1][2][n];
    rollout(c, new double[n], xb);
    for (int k = 0; k < n; k++) {
      double[] e = new double[n];
      e[k] = 1;
      double[][] xs = new double[h + 1][2];
      rollout(c, e, xs);
      for (int t = 0; t <= h; t++) {
        for (int i = 0; i < 2; i++) {
          s[t][i][k] = xs[t][i] - xb[t][i];
        }
      }
    }
    List<double[]> planes = new ArrayList<>(); // [a_0 .. a_{n-1}, b]: a·δ = b
    double[] q = p.stateWeights();
    double[] qt = p.terminalWeights();
    double r = p.inputWeights()[0];
    double rw = p.inputRateWeights()[0];
    double uref = p.inputReference()[0];
    for (int t = 0; t < h; t++) {
      double ub = c.nominal[t][0];
      planes.add(plane(unit(n, t, 1), uref - ub)); // kink of |u_t − u_ref|
      double prev = t == 0 ? c.previous[0] : c.nominal[t - 1][0];
      double[] a = unit(n, t, 1);
      if (t > 0) {
        a[t - 1] = -1;
      }
      planes.add(plane(a, prev - ub)); // kink of |u_t − u_{t−1}|
      double lo = Math.max(-1 - ub, -radius[0]);
      double hi = Math.min(1 - ub, radius[0]);
      if (t == 0) {
        lo = Math.max(lo, c.previous[0] - 0.7 - ub);
        hi = Math.min(hi, c.previous[0] + 0.7 - ub);
      } else {
        planes.add(plane(a, 0.7 + prev - ub));
        planes.add(plane(a, -0.7 + prev - ub));
      }
      planes.add(plane(unit(n, t, 1), lo));
      planes.add(plane(unit(n, t, 1), hi));
      // state pieces ±w_i e_i (kinks at e_i = 0; for L∞ also where two pieces of a step are equal)
      double[] w = t + 1 == h ? qt : q;
      double[] ref = c.reference[t + 1];
      for (int i = 0; i < 2; i++) {
        planes.add(plane(s[t + 1][i], ref[i] - xb[t + 1][i]));
      }
      planes.add(plane(s[t + 1][0], 0.4 - xb[t + 1][0])); // kinks of the state box on x0
      planes.add(plane(s[t + 1][0], -0.4 - xb[t + 1][0]));
      if (p.norm() == MpcProblem.Norm.LINF) {
        for (int sign = -1; sign <= 1; sign += 2) {
          // w0 e0 = sign · w1 e1
          double[] a2 = new double[n];
          for (int k = 0; k < n; k++) {
            a2[k] = w[0] * s[t + 1][0][k] - sign * w[1] * s[t + 1][1][k];
          }
          double b2 = -(w[0] * (xb[t + 1][0] - ref[0]) - sign * w[1] * (xb[t + 1][1] - ref[1]));
          planes.add(plane(a2, b2));
        }
      }
      assertTrue(r > 0 && rw > 0);
    }
    double best = Double.POSITIVE_INFINITY;
    int found = 0;
    int np = planes.size();
    DMatrixRMaj a = new DMatrixRMaj(n, n);
    DMatrixRMaj b = new DMatrixRMaj(n, 1);
    DMatrixRMaj x = new DMatrixRMaj(n, 1);
    for (int i = 0; i < np; i++) {
      for (int j = i + 1; j < np; j++) {
        for (int k = j + 1; k < np; k++) {
          int[] pick = {i, j, k};
          for (int row = 0; row < n; row++) {
            double[] pl = planes.get(pick[row]);
            for (int col = 0; col < n; col++) {
              a.set(row, col, pl[col]);
            }
            b.set(row, 0, pl[n]);
          }
          if (Math.abs(CommonOps_DDRM.det(a)) < 1e-10 || !CommonOps_DDRM.solve(a, b, x)) {
            continue;
          }
          double[] d = {x.get(0), x.get(1), x.get(2)};
          if (!feasible(c, d, radius)) {
            continue;
          }
          found++;
          best = Math.min(best, c.j(d));
        }
      }
    }
    assertTrue(found > 0, "no feasible vertex");
    return best;
  }

  private static boolean feasible(Case c, double[] d, double[] radius) {
    double tol = 1e-9;
    for (int t = 0; t < d.length; t++) {
      double u = c.nominal[t][0] + d[t];
      double prev = t == 0 ? c.previous[0] : c.nominal[t - 1][0] + d[t - 1];
      if (Math.abs(d[t]) > radius[0] + tol || u < -1 - tol || u > 1 + tol || Math.abs(u - prev) > 0.7 + tol) {
        return false;
      }
    }
    return true;
  }

  private static double[] plane(double[] a, double b) {
    double[] pl = java.util.Arrays.copyOf(a, a.length + 1);
    pl[a.length] = b;
    return pl;
  }

  private static void rollout(Case c, double[] delta, double[][] states) {
    int h = c.problem.horizon();
    double[][] u = new double[h][1];
    for (int t = 0; t < h; t++) {
      u[t][0] = c.nominal[t][0] + delta[t];
    }
    c.problem.evaluate(c.x0, c.reference, c.previous, u, states);
  }

  @Test
  void onANonlinearModelTheLinearisationMatchesTheRolloutToFirstOrder() {
    SplittableRandom rng = new SplittableRandom(15);
    TwoInputPendulum m = new TwoInputPendulum();
    MpcProblem p = quadratic(m, 6, rng).inputBounds(fill(2, -2), fill(2, 2))
        .stateBounds(new double[] {-1, -1}, new double[] {1, 1}, 10).build();
    Case c = randomCase(p, rng, 1);
    double j0 = c.j(new double[c.n]);
    assertEquals(j0, c.lin.cost(new double[c.n]), 1e-12 * j0, "cost(0) is J(ū)");
    // S_t against central differences of the nonlinear rollout
    double eps = 1e-6;
    for (int k = 0; k < c.n; k++) {
      double[] plus = new double[c.n];
      double[] minus = new double[c.n];
      plus[k] = eps;
      minus[k] = -eps;
      double[][] xp = new double[7][2];
      double[][] xm = new double[7][2];
      double[][] u = new double[6][2];
      for (double[][] side : List.of(xp, xm)) {
        double[] d = side == xp ? plus : minus;
        for (int t = 0; t < 6; t++) {
          for (int j = 0; j < 2; j++) {
            u[t][j] = c.nominal[t][j] + d[t * 2 + j];
          }
        }
        p.evaluate(c.x0, c.reference, c.previous, u, side);
      }
      for (int t = 1; t <= 6; t++) {
        for (int i = 0; i < 2; i++) {
          double fd = (xp[t][i] - xm[t][i]) / (2 * eps);
          assertEquals(fd, c.lin.sensitivity[t][i][k], 1e-7, "S_" + t + "[" + i + "][" + k + "]");
        }
      }
    }
    assertNotNull(c.lin.solve(new double[] {0.5, 0.5}, 0, new double[c.n]).state());
  }
}
