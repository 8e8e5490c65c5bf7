package io.loopforge.mpc;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.ModelEntity;
import org.ojalgo.optimisation.Variable;
import org.ojalgo.structure.Structure1D;

/**
 * A bounded dual simplex in double on a dense tableau, for LPs that are solved again and again with changed
 * bounds (the nodes of {@link ReluBranchAndBound}):
 *
 * <pre>
 *   minimise c·x   subject to   L ≤ A x ≤ U,   l ≤ x ≤ u
 * </pre>
 *
 * Each row gets a logical variable {@code s_r = a_r·x} with bounds {@code [L_r, U_r]}, so the program is
 * {@code [A −I] (x; s) = 0}. The tableau {@code B⁻¹ [A −I]} (m × (n + m)) and the reduced costs are kept
 * between solves: between nodes only bounds change, which leaves the reduced costs as they were, so the
 * last optimal basis stays dual feasible once each nonbasic variable is put at the bound its reduced cost
 * asks for, and the dual simplex only has to repair the primal side. Where that bound is infinite (a reduced
 * cost of the wrong sign beyond the tolerance, which bound changes alone do not cause) ±{@link #ARTIFICIAL}
 * stands in; a solution that ends on it is reported {@link Status#FAILED}.
 *
 * <p>Per iteration: the leaving row by dual steepest edge (the largest squared bound violation over the
 * squared norm of the row's row of B⁻¹, which the explicit tableau holds in its logical columns, so the norms
 * are exact, computed when a violated row asks after a pivot changed it; about half the pivots of the largest
 * relative violation on the dense MPC relaxations); after {@value #STALL} pivots without a rise of the objective (a degenerate program
 * can cycle: the MPC relaxations did, up to the iteration limit), rows and entering columns are chosen at
 * random among the eligible, from a fixed seed, until it rises again; a bound-flipping
 * ratio test (boxed columns passed on the way flip to their other bound while the row's violation is not
 * used up), then Harris' two passes among the rest (tolerance 1e-9, pivots below 1e-7 are not taken); at
 * most {@code 20 (m + n)} iterations per solve. Failures: an optimum whose rows recomputed from A differ from
 * its logicals by more than 1e-8 relative; an infeasibility that row r of B⁻¹, applied to the original rows,
 * does not certify (a Farkas combination whose range over the bounds excludes 0); the iteration limit. Each
 * is answered by one more try from a fresh tableau (Gauss–Jordan on the basis from A), then one from the
 * slack basis (dual feasible while every cost sits on a finite bound), then {@link Status#FAILED}. A row
 * violated by less than 1e-7 (relative) that no column can repair counts as met. Not thread-safe.
 */
final class BoundedDualSimplex {
  /** How a solve ended. */
  enum Status {
    OPTIMAL,
    INFEASIBLE,
    /** Iteration limit, numerical trouble or an artificial bound in the solution: ask another solver. */
    FAILED
  }

  static final double ARTIFICIAL = 1e7;
  private static final double PRIMAL_TOL = 1e-9;
  private static final double DUAL_TOL = 1e-9;
  private static final double SHIFT_TOL = 1e-7;
  private static final double PIVOT_TOL = 1e-7;
  /** A row violated by less than this (relative) is not called a proof of infeasibility. */
  private static final double INFEASIBLE_TOL = 1e-7;
  /** Pivots without a rise of the objective after which rows and columns are chosen at random among the eligible. */
  private static final int STALL = 50;

  private final int m;
  private final int ns;
  private final int n;
  /** The rows of A, dense (m × ns); kept for the checks and the refactorisation. */
  private final double[][] a;
  private final double[] cost;
  /** Bounds of all n variables (structural, then logical), infinite where the program has none. */
  private final double[] lower;
  private final double[] upper;
  private final double[][] tab;
  private final double[] d;
  private final double[] x;
  private final int[] head;
  private final int[] rowOf;
  private final double[] pivotRow;
  private final int[] nz;
  private final boolean[] tolerated;
  private final int[] candidate;
  private final double[] ratio;
  private final int[] flipped;
  /** Per row of the tableau the squared norm of its row of B⁻¹ (its logical columns): dual steepest-edge weights. */
  private final double[] weight;
  /** Rows a pivot changed since their weight was computed. */
  private final boolean[] stale;
  private long pivots;
  /** State of {@link #nextRandom}. */
  private long random = 0x9E3779B97F4A7C15L;
  private double objective = Double.NaN;

  BoundedDualSimplex(double[][] a, double[] rowLower, double[] rowUpper, double[] colLower, double[] colUpper,
      double[] cost) {
    this.m = a.length;
    this.ns = cost.length;
    this.n = ns + m;
    this.a = new double[m][];
    for (int r = 0; r < m; r++) {
      if (a[r].length != ns) {
        throw new IllegalArgumentException("row " + r + " has " + a[r].length + " columns, expected " + ns);
      }
      this.a[r] = a[r].clone();
    }
    this.cost = Arrays.copyOf(cost, n);
    this.lower = new double[n];
    this.upper = new double[n];
    System.arraycopy(colLower, 0, lower, 0, ns);
    System.arraycopy(colUpper, 0, upper, 0, ns);
    System.arraycopy(rowLower, 0, lower, ns, m);
    System.arraycopy(rowUpper, 0, upper, ns, m);
    this.tab = new double[m][n];
    this.d = new double[n];
    this.x = new double[n];
    this.head = new int[m];
    this.rowOf = new int[n];
    this.pivotRow = new double[n];
    this.nz = new int[n];
    this.tolerated = new boolean[m];
    this.candidate = new int[n];
    this.ratio = new double[n];
    this.flipped = new int[n];
    this.weight = new double[m];
    this.stale = new boolean[m];
    slackBasis();
    for (int j = 0; j < n; j++) {
      x[j] = start(j);
    }
  }

  /**
   * The LP of an ojAlgo model in double: its variables by model index, its constraints in the order of
   * {@code rows} (expressions of the model), its objective (variable weights and weighted expressions).
   */
  static BoundedDualSimplex of(ExpressionsBasedModel model, List<Expression> rows) {
    List<Variable> vars = model.getVariables();
    int ns = vars.size();
    double[] lo = new double[ns];
    double[] hi = new double[ns];
    double[] c = new double[ns];
    for (int j = 0; j < ns; j++) {
      Variable v = vars.get(j);
      lo[j] = lower(v);
      hi[j] = upper(v);
      if (v.isContributionWeightSet()) {
        c[j] += v.getContributionWeight().doubleValue();
      }
    }
    for (Expression e : model.getExpressions()) {
      if (e.isContributionWeightSet()) {
        double w = e.getContributionWeight().doubleValue();
        for (Map.Entry<Structure1D.IntIndex, BigDecimal> t : e.getLinearEntrySet()) {
          c[t.getKey().index] += w * t.getValue().doubleValue();
        }
      }
    }
    int m = rows.size();
    double[][] a = new double[m][ns];
    double[] rl = new double[m];
    double[] ru = new double[m];
    for (int r = 0; r < m; r++) {
      Expression e = rows.get(r);
      rl[r] = lower(e);
      ru[r] = upper(e);
      for (Map.Entry<Structure1D.IntIndex, BigDecimal> t : e.getLinearEntrySet()) {
        a[r][t.getKey().index] += t.getValue().doubleValue();
      }
    }
    return new BoundedDualSimplex(a, rl, ru, lo, hi, c);
  }

  /** A variable's or constraint's lower limit in double, −∞ when it has none. */
  private static double lower(ModelEntity<?> e) {
    return e.isLowerLimitSet() ? e.getLowerLimit().doubleValue() : Double.NEGATIVE_INFINITY;
  }

  /** A variable's or constraint's upper limit in double, +∞ when it has none. */
  private static double upper(ModelEntity<?> e) {
    return e.isUpperLimitSet() ? e.getUpperLimit().doubleValue() : Double.POSITIVE_INFINITY;
  }

  /** Pivots since construction (all solves). */
  long pivots() {
    return pivots;
  }

  /** Sets the bounds of structural variable j. */
  void columnBounds(int j, double lo, double hi) {
    lower[j] = lo;
    upper[j] = hi;
  }

  /** The value of structural variable j (or logical ns + r) after the last solve. */
  double value(int j) {
    return x[j];
  }

  /** Values of the structural variables, into {@code out}. */
  void values(double[] out) {
    System.arraycopy(x, 0, out, 0, ns);
  }

  double objective() {
    return objective;
  }

  /** Solves from the current basis until optimal, infeasible, the iteration limit or {@code deadline} (nanoTime). */
  Status solve(long deadline) {
    Status s = iterate(deadline);
    if (s == Status.OPTIMAL && !consistent()) {
      s = Status.FAILED;
    }
    if (s == Status.FAILED && System.nanoTime() < deadline) {
      refactor(); // a drifted tableau, an unproven infeasibility or an iteration limit: from a fresh tableau
      s = iterate(deadline);
      if (s == Status.OPTIMAL && !consistent()) {
        s = Status.FAILED;
      }
    }
    if (s == Status.FAILED && System.nanoTime() < deadline) {
      slackBasis(); // last: from the slack basis, dual feasible whenever every cost sits on a finite bound
      s = iterate(deadline);
      if (s == Status.OPTIMAL && !consistent()) {
        s = Status.FAILED;
      }
    }
    if (s == Status.OPTIMAL) {
      for (int j = 0; j < n; j++) {
        if (Math.abs(x[j]) >= ARTIFICIAL * 0.999 && (Double.isInfinite(lower[j]) || Double.isInfinite(upper[j]))) {
          s = Status.FAILED; // an artificial bound is active: the LP may be unbounded
          break;
        }
      }
    }
    objective = Double.NaN;
    if (s == Status.OPTIMAL) {
      double obj = 0;
      for (int j = 0; j < ns; j++) {
        obj += cost[j] * x[j];
      }
      objective = obj;
    }
    return s;
  }

  /** The next of a fixed sequence of pseudo-random numbers in [0, 1) (xorshift): the same run every time. */
  private double nextRandom() {
    random ^= random << 13;
    random ^= random >>> 7;
    random ^= random << 17;
    return (random >>> 11) * 0x1.0p-53;
  }

  private Status iterate(long deadline) {
    // nonbasic variables at the bound their reduced cost asks for: the basis is dual feasible
    for (int j = 0; j < n; j++) {
      if (rowOf[j] < 0) {
        x[j] = place(j);
      }
    }
    primalFromNonbasic();
    Arrays.fill(tolerated, false);
    long limit = 20L * (m + n);
    double progress = Double.NEGATIVE_INFINITY;
    int stalled = 0;
    for (long it = 0; it < limit; it++) {
      if ((it & 31) == 31 && System.nanoTime() >= deadline) {
        return Status.FAILED;
      }
      // the objective of a dual simplex never falls; pivots that leave it where it is may cycle on a degenerate
      // program (seen on the MPC relaxations: the same sequence of bases over and over until the iteration limit)
      double obj = 0;
      for (int j = 0; j < ns; j++) {
        obj += cost[j] * x[j];
      }
      if (obj > progress + 1e-12 * (1 + Math.abs(obj))) {
        progress = obj;
        stalled = 0;
      } else {
        stalled++;
      }
      boolean shake = stalled > STALL;
      // leaving row: the largest violation (relative to the bound's size)
      int r = -1;
      double worst = 0;
      for (int i = 0; i < m; i++) {
        if (tolerated[i]) {
          continue;
        }
        int p = head[i];
        double v = x[p];
        double lo = lo(p);
        double hi = hi(p);
        double viol = 0;
        if (v < lo - PRIMAL_TOL * (1 + Math.abs(lo))) {
          viol = (lo - v) * (lo - v) / weight(i);
        } else if (v > hi + PRIMAL_TOL * (1 + Math.abs(hi))) {
          viol = (v - hi) * (v - hi) / weight(i);
        }
        if (shake) {
          viol *= 0.1 + nextRandom(); // a random choice among the violated rows breaks a cycle
        }
        if (viol > worst) {
          worst = viol;
          r = i;
        }
      }
      if (r < 0) {
        return Status.OPTIMAL;
      }
      int p = head[r];
      boolean toUpper = x[p] > hi(p);
      double sigma = toUpper ? 1.0 : -1.0;
      double[] row = tab[r];
      // the candidates to enter: nonbasic columns whose move brings x_p towards its bound
      int nc = 0;
      for (int j = 0; j < n; j++) {
        if (rowOf[j] >= 0 || lo(j) == hi(j)) {
          continue;
        }
        double al = sigma * row[j];
        if ((al > PIVOT_TOL && atLower(j)) || (al < -PIVOT_TOL && !atLower(j))) {
          candidate[nc] = j;
          ratio[nc] = Math.max(0.0, d[j] / al);
          nc++;
        }
      }
      if (nc == 0) {
        double target = toUpper ? hi(p) : lo(p);
        if (Math.abs(x[p] - target) > INFEASIBLE_TOL * (1 + Math.abs(target))) {
          return farkas(r) ? Status.INFEASIBLE : Status.FAILED;
        }
        // a violation this small proves nothing: the row counts as met (within 1e-7)
        tolerated[r] = true;
        continue;
      }
      // bound flipping (long-step) ratio test: boxed columns passed on the way flip to their other bound
      // while the violation of row r is not used up, so one pivot does the work of several
      double slope = Math.abs(x[p] - (toUpper ? hi(p) : lo(p)));
      int flips = 0;
      int left = nc;
      while (left > 0) {
        int at = 0;
        for (int c = 1; c < left; c++) {
          if (ratio[c] < ratio[at]) {
            at = c;
          }
        }
        int j = candidate[at];
        double range = upper[j] - lower[j]; // infinite unless boxed
        double drop = Math.abs(row[j]) * range;
        if (!(drop < slope) || left == 1) {
          break;
        }
        slope -= drop;
        flipped[flips++] = j;
        left--;
        candidate[at] = candidate[left];
        ratio[at] = ratio[left];
      }
      // Harris among the rest: the largest step keeping reduced costs within the tolerance, then the largest pivot
      double theta = Double.POSITIVE_INFINITY;
      for (int c = 0; c < left; c++) {
        int j = candidate[c];
        double al = sigma * row[j];
        theta = Math.min(theta, al > 0 ? (Math.max(d[j], 0) + DUAL_TOL) / al : (Math.min(d[j], 0) - DUAL_TOL) / al);
      }
      int q = -1;
      double best = 0;
      for (int c = 0; c < left; c++) {
        int j = candidate[c];
        double al = sigma * row[j];
        double size = shake ? Math.abs(al) * (0.1 + nextRandom()) : Math.abs(al);
        if (d[j] / al <= theta && size > best) {
          best = size;
          q = j;
        }
      }
      if (q < 0) {
        q = candidate[0];
      }
      for (int f = 0; f < flips; f++) {
        int j = flipped[f];
        double to = atLower(j) ? upper[j] : lower[j];
        double delta = to - x[j];
        x[j] = to;
        for (int i = 0; i < m; i++) {
          double t = tab[i][j];
          if (t != 0.0) {
            x[head[i]] -= t * delta;
          }
        }
      }
      // primal step: x_p moves to its violated bound, x_q enters
      double target = toUpper ? hi(p) : lo(p);
      double alpha = row[q];
      double dq = (x[p] - target) / alpha;
      for (int i = 0; i < m; i++) {
        double t = tab[i][q];
        if (t != 0.0) {
          x[head[i]] -= t * dq;
        }
      }
      x[q] += dq;
      x[p] = target;
      pivot(r, q);
      Arrays.fill(tolerated, false);
      rowOf[p] = -1;
      head[r] = q;
      rowOf[q] = r;
    }
    return Status.FAILED;
  }

  /**
   * Whether row r of B⁻¹, applied to the original rows, proves the bounds infeasible: the combination
   * {@code g·(x; s) = 0} (g recomputed from A in double) cannot be met by any point of the box, by more than
   * 1e-9 of its terms' size. Guards against a tableau that has drifted from A. Entries below 1e-9 of the
   * largest on columns with an infinite bound are taken as rounding noise (they are 0 in exact arithmetic
   * on basic columns; the unbounded columns here are cost auxiliaries and slacks, bounded in practice).
   */
  private boolean farkas(int r) {
    double[] g = pivotRow;
    Arrays.fill(g, 0.0);
    double[] tr = tab[r];
    for (int k = 0; k < m; k++) {
      double b = -tr[ns + k]; // row k of B⁻¹ is −(the logical columns of the tableau)
      if (b == 0.0) {
        continue;
      }
      double[] ak = a[k];
      for (int j = 0; j < ns; j++) {
        g[j] += b * ak[j];
      }
      g[ns + k] = -b;
    }
    double gmax = 0;
    for (int j = 0; j < n; j++) {
      gmax = Math.max(gmax, Math.abs(g[j]));
    }
    double min = 0;
    double max = 0;
    double scale = 0;
    for (int j = 0; j < n; j++) {
      double gj = g[j];
      if (gj == 0.0 || Math.abs(gj) <= 1e-9 * gmax && (Double.isInfinite(lower[j]) || Double.isInfinite(upper[j]))) {
        continue; // rounding noise on an unbounded column (0 in exact arithmetic on a basic one)
      }
      double lo = gj > 0 ? gj * lower[j] : gj * upper[j];
      double hi = gj > 0 ? gj * upper[j] : gj * lower[j];
      min += lo;
      max += hi;
      if (Double.isFinite(lo)) {
        scale = Math.max(scale, Math.abs(lo));
      }
      if (Double.isFinite(hi)) {
        scale = Math.max(scale, Math.abs(hi));
      }
    }
    double tol = 1e-9 * Math.max(1.0, scale);
    return min > tol || max < -tol; // NaN (∞ − ∞) or ±∞ on the wrong side: no proof
  }

  /** Gauss–Jordan step on (r, q): column q becomes e_r in the tableau, d_q becomes 0. */
  private void pivot(int r, int q) {
    pivots++;
    double[] row = tab[r];
    double inv = 1.0 / row[q];
    int k = 0;
    for (int j = 0; j < n; j++) {
      if (row[j] != 0.0) {
        row[j] *= inv;
        nz[k++] = j;
      }
    }
    row[q] = 1.0;
    stale[r] = true;
    boolean dense = k > n / 3;
    for (int i = 0; i < m; i++) {
      if (i == r) {
        continue;
      }
      double[] ti = tab[i];
      double f = ti[q];
      if (f == 0.0) {
        continue;
      }
      if (dense) {
        for (int j = 0; j < n; j++) {
          ti[j] -= f * row[j];
        }
      } else {
        for (int t = 0; t < k; t++) {
          int j = nz[t];
          ti[j] -= f * row[j];
        }
      }
      ti[q] = 0.0;
      stale[i] = true;
    }
    double f = d[q];
    if (f != 0.0) {
      for (int t = 0; t < k; t++) {
        int j = nz[t];
        d[j] -= f * row[j];
      }
      d[q] = 0.0;
    }
  }

  /** x_B = −Σ_N tab[:, j] x_j (the rows of the tableau read B⁻¹ [A −I] x = 0). */
  private void primalFromNonbasic() {
    for (int i = 0; i < m; i++) {
      double[] ti = tab[i];
      double s = 0;
      for (int j = 0; j < n; j++) {
        double xj = x[j];
        if (xj != 0.0 && rowOf[j] < 0) {
          s -= ti[j] * xj;
        }
      }
      x[head[i]] = s;
    }
  }

  private boolean atLower(int j) {
    return x[j] <= lo(j) || x[j] < hi(j) && x[j] - lo(j) <= hi(j) - x[j];
  }

  private double lo(int j) {
    return Double.isInfinite(lower[j]) ? -ARTIFICIAL : lower[j];
  }

  private double hi(int j) {
    return Double.isInfinite(upper[j]) ? ARTIFICIAL : upper[j];
  }

  /**
   * The bound a nonbasic variable belongs at for its reduced cost (its current one when d ≈ 0). A reduced
   * cost of the wrong sign within {@link #SHIFT_TOL} (what Harris' ratio test leaves) keeps a variable at its
   * finite bound rather than sending it to an artificial one.
   */
  private double place(int j) {
    double l = lo(j);
    double u = hi(j);
    boolean finiteL = !Double.isInfinite(lower[j]);
    boolean finiteU = !Double.isInfinite(upper[j]);
    if (d[j] > DUAL_TOL && (finiteL || d[j] > SHIFT_TOL || !finiteU)) {
      return l;
    }
    if (d[j] < -DUAL_TOL && (finiteU || d[j] < -SHIFT_TOL || !finiteL)) {
      return u;
    }
    if (x[j] == u && finiteU) {
      return u;
    }
    if (x[j] == l && finiteL) {
      return l;
    }
    return start(j);
  }

  /** The finite bound nearer 0 (0 itself when it lies between the bounds and neither is finite). */
  private double start(int j) {
    if (Double.isInfinite(lower[j]) && Double.isInfinite(upper[j])) {
      return 0.0;
    }
    if (Double.isInfinite(lower[j])) {
      return upper[j];
    }
    if (Double.isInfinite(upper[j])) {
      return lower[j];
    }
    return Math.abs(lower[j]) <= Math.abs(upper[j]) ? lower[j] : upper[j];
  }

  /** Whether the rows recomputed from A agree with the logicals (relative 1e-9) and the bounds hold. */
  private boolean consistent() {
    for (int r = 0; r < m; r++) {
      double s = 0;
      double scale = 1;
      double[] ar = a[r];
      for (int j = 0; j < ns; j++) {
        double t = ar[j] * x[j];
        s += t;
        scale = Math.max(scale, Math.abs(t));
      }
      if (Math.abs(s - x[ns + r]) > 1e-8 * scale) {
        return false;
      }
    }
    return true;
  }

  /**
   * The steepest-edge weight of row i: the squared norm of its row of B⁻¹ (the tableau row's logical columns),
   * at least 1e-12; recomputed when a pivot has changed the row since (only violated rows ask, a few per pivot,
   * and the pivot's own loops stay plain axpys).
   */
  private double weight(int i) {
    if (stale[i]) {
      double[] row = tab[i];
      double sum = 0;
      for (int j = ns; j < n; j++) {
        sum += row[j] * row[j];
      }
      weight[i] = Math.max(sum, 1e-12);
      stale[i] = false;
    }
    return weight[i];
  }

  private void slackBasis() {
    for (int r = 0; r < m; r++) {
      double[] t = tab[r];
      Arrays.fill(t, 0.0);
      for (int j = 0; j < ns; j++) {
        t[j] = -a[r][j];
      }
      t[ns + r] = 1.0;
      head[r] = ns + r;
      weight[r] = 1.0;
      stale[r] = false;
    }
    Arrays.fill(rowOf, -1);
    for (int r = 0; r < m; r++) {
      rowOf[ns + r] = r;
    }
    System.arraycopy(cost, 0, d, 0, n);
  }

  /**
   * The tableau afresh from A for the current basis (Gauss–Jordan with partial pivoting); a basis column
   * without a usable pivot is replaced by a logical. Then the reduced costs from the costs.
   */
  void refactor() {
    int[] basic = head.clone();
    slackBasis();
    // pivot the old basic structurals in, each on a logical's row with the largest entry
    for (int b : basic) {
      if (b < ns) {
        int best = -1;
        double big = 1e-9;
        for (int i = 0; i < m; i++) {
          if (head[i] >= ns && Math.abs(tab[i][b]) > big) {
            big = Math.abs(tab[i][b]);
            best = i;
          }
        }
        if (best >= 0) {
          pivot(best, b);
          rowOf[head[best]] = -1;
          head[best] = b;
          rowOf[b] = best;
        }
      }
    }
  }
}
