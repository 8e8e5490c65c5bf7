package io.loopforge.mpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;

/**
 * The dual simplex against ojAlgo's LP solver on seeded random LPs, each re-solved after a sequence of bound
 * changes (as a branch-and-bound does): the same status, the same optimum (1e-6 relative), a solution within
 * every bound and row.
 */
class BoundedDualSimplexTest {
  private static final long FAR = System.nanoTime() + 3_600_000_000_000L;

  /** One random LP in both forms. */
  private static final class Lp {
    final ExpressionsBasedModel model = new ExpressionsBasedModel();
    final List<Variable> vars = new ArrayList<>();
    final List<Expression> rows = new ArrayList<>();
    final double[] lo;
    final double[] hi;

    Lp(SplittableRandom rnd, int n, int m, boolean degenerate) {
      model.options.feasibility = OjAlgo.FEASIBILITY;
      lo = new double[n];
      hi = new double[n];
      double[] point = new double[n];
      for (int j = 0; j < n; j++) {
        int kind = rnd.nextInt(10);
        double c = degenerate && rnd.nextBoolean() ? 0.0 : Math.round(rnd.nextGaussian() * 4) / 2.0;
        Variable v = model.addVariable("x" + j);
        if (kind < 7) { // boxed
          lo[j] = -rnd.nextInt(1, 5);
          hi[j] = rnd.nextInt(1, 5);
          point[j] = lo[j] + rnd.nextDouble() * (hi[j] - lo[j]);
        } else if (kind < 9) { // [0, ∞) with a positive cost: the LP stays bounded
          lo[j] = 0;
          hi[j] = Double.POSITIVE_INFINITY;
          c = 0.5 + rnd.nextInt(3);
          point[j] = rnd.nextDouble() * 3;
        } else { // fixed
          lo[j] = hi[j] = rnd.nextInt(-2, 3);
          point[j] = lo[j];
        }
        v.lower(lo[j]);
        if (Double.isFinite(hi[j])) {
          v.upper(hi[j]);
        }
        v.weight(c);
        vars.add(v);
      }
      double[][] a = new double[m][n];
      for (int r = 0; r < m; r++) {
        if (degenerate && r > 0 && rnd.nextInt(4) == 0) {
          a[r] = a[r - 1].clone(); // a duplicated row
        } else {
          for (int j = 0; j < n; j++) {
            if (rnd.nextInt(10) < 4) {
              a[r][j] = Math.round(rnd.nextGaussian() * 8) / 4.0;
            }
          }
        }
        double at = 0;
        for (int j = 0; j < n; j++) {
          at += a[r][j] * point[j];
        }
        Expression e = model.addExpression("r" + r);
        for (int j = 0; j < n; j++) {
          if (a[r][j] != 0) {
            e.set(vars.get(j), a[r][j]);
          }
        }
        int kind = rnd.nextInt(4);
        double slack = degenerate ? 0.0 : rnd.nextDouble() * 2;
        if (kind == 0) {
          e.upper(at + slack);
        } else if (kind == 1) {
          e.lower(at - slack);
        } else if (kind == 2) {
          e.lower(at - slack).upper(at + slack + rnd.nextDouble());
        } else {
          e.level(at);
        }
        rows.add(e);
      }
    }

    Optimisation.Result ojAlgo() {
      return OjAlgo.withoutPresolvers(model::minimise);
    }
  }

  @Test
  void randomLpsUnderBoundChangesMatchOjAlgo() {
    int[] counts = run(new SplittableRandom(15), 40, false);
    assertTrue(counts[0] > 100 && counts[1] > 20, "optimal " + counts[0] + ", infeasible " + counts[1]);
  }

  @Test
  void degenerateLpsMatchOjAlgo() {
    // zero costs, duplicated rows, every row tight at one point
    int[] counts = run(new SplittableRandom(16), 40, true);
    assertTrue(counts[0] > 100, "optimal " + counts[0] + ", infeasible " + counts[1]);
  }

  @Test
  void anInfeasibleLpIsCertifiedInfeasible() {
    ExpressionsBasedModel model = new ExpressionsBasedModel();
    Variable x = model.addVariable("x").lower(0).upper(1).weight(1);
    Variable y = model.addVariable("y").lower(0).upper(1).weight(-1);
    Expression e = model.addExpression("sum").lower(3); // x + y ≥ 3 with both in [0, 1]
    e.set(x, 1).set(y, 1);
    BoundedDualSimplex s = BoundedDualSimplex.of(model, List.of(e));
    assertEquals(BoundedDualSimplex.Status.INFEASIBLE, s.solve(FAR));
    s.columnBounds(0, 0, 2);
    s.columnBounds(1, 0, 2);
    assertEquals(BoundedDualSimplex.Status.OPTIMAL, s.solve(FAR));
    assertEquals(-1.0, s.objective(), 1e-12); // min x − y with x + y ≥ 3: y = 2, x = 1
    assertEquals(1.0, s.value(0), 1e-12);
    assertEquals(2.0, s.value(1), 1e-12);
  }

  private static CbcRunner.Result cbc(Lp lp) {
    assumeTrue(CbcRunnerTest.CBC.available(), "cbc is not installed (Debian package coinor-cbc)");
    try {
      return CbcRunnerTest.CBC.solve(MilpInstance.of(lp.model, 0.0, "lp"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code lps} random LPs through 25 rounds of bound changes each; {optimal, infeasible} counts. */
  private static int[] run(SplittableRandom rnd, int lps, boolean degenerate) {
    int optimal = 0;
    int infeasible = 0;
    for (int k = 0; k < lps; k++) {
      int n = rnd.nextInt(4, 16);
      int m = rnd.nextInt(2, 14);
      Lp lp = new Lp(rnd, n, m, degenerate);
      BoundedDualSimplex s = BoundedDualSimplex.of(lp.model, lp.rows);
      double[] cur0 = lp.lo.clone();
      double[] cur1 = lp.hi.clone();
      for (int round = 0; round < 25; round++) {
        if (round > 0) {
          if (rnd.nextInt(5) == 0) { // back towards the root, as a jump across the tree
            cur0 = lp.lo.clone();
            cur1 = lp.hi.clone();
          }
          for (int c = rnd.nextInt(1, 4); c > 0; c--) {
            int j = rnd.nextInt(n);
            if (lp.lo[j] == lp.hi[j]) {
              continue;
            }
            double top = Double.isFinite(cur1[j]) ? cur1[j] : cur0[j] + 4;
            double a = cur0[j] + rnd.nextDouble() * (top - cur0[j]);
            double b = cur0[j] + rnd.nextDouble() * (top - cur0[j]);
            if (rnd.nextInt(3) == 0) {
              a = b = Math.rint(a); // fixed, as a phase
            }
            cur0[j] = Math.min(a, b);
            cur1[j] = rnd.nextInt(4) == 0 && !Double.isFinite(lp.hi[j]) ? Double.POSITIVE_INFINITY : Math.max(a, b);
          }
        }
        for (int j = 0; j < n; j++) {
          s.columnBounds(j, cur0[j], cur1[j]);
          lp.vars.get(j).lower(cur0[j]).upper(Double.isFinite(cur1[j]) ? cur1[j] : null);
        }
        Optimisation.Result r = lp.ojAlgo();
        BoundedDualSimplex.Status st = s.solve(FAR);
        String where = "LP " + k + " round " + round + ": ojAlgo " + r.getState() + " " + r.getValue() + ", simplex "
            + st + " " + s.objective();
        if (r.getState() == Optimisation.State.INVALID) {
          // ojAlgo 56.2.1 answers INVALID for some LPs its preparation finds contradictory: CBC decides
          CbcRunner.Result cbc = cbc(lp);
          assertEquals(CbcRunner.Status.INFEASIBLE, cbc.status(), where + ", CBC " + cbc.statusLine());
          assertEquals(BoundedDualSimplex.Status.INFEASIBLE, st, where);
          infeasible++;
          continue;
        }
        if (r.getState() == Optimisation.State.INFEASIBLE) {
          assertEquals(BoundedDualSimplex.Status.INFEASIBLE, st, where);
          infeasible++;
          continue;
        }
        assertTrue(r.getState().isOptimal(), where);
        assertEquals(BoundedDualSimplex.Status.OPTIMAL, st, where);
        assertEquals(r.getValue(), s.objective(), 1e-6 * Math.max(1, Math.abs(r.getValue())), where);
        for (int j = 0; j < n; j++) {
          double v = s.value(j);
          assertTrue(v >= cur0[j] - 1e-7 && v <= cur1[j] + 1e-7, where + ": x" + j + " = " + v);
        }
        for (int i = 0; i < m; i++) {
          Expression e = lp.rows.get(i);
          double act = 0;
          for (int j = 0; j < n; j++) {
            act += e.get(lp.vars.get(j)).doubleValue() * s.value(j);
          }
          double l = e.isLowerLimitSet() ? e.getLowerLimit().doubleValue() : Double.NEGATIVE_INFINITY;
          double u = e.isUpperLimitSet() ? e.getUpperLimit().doubleValue() : Double.POSITIVE_INFINITY;
          assertTrue(act >= l - 1e-6 * (1 + Math.abs(l)) && act <= u + 1e-6 * (1 + Math.abs(u)),
              where + ": row " + i + " = " + act + " not in [" + l + ", " + u + "]");
        }
        optimal++;
      }
    }
    return new int[] {optimal, infeasible};
  }
}
