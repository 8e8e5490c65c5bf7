package io.loopforge.modeling.sindy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.Trajectory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sparse identification of nonlinear dynamics (SINDy, SINDYc and discrete-time SINDy) with PySINDy's
 * semantics: a {@link FeatureLibrary}, a {@link Differentiation} method and an {@link Optimizer}.
 *
 * <p>Continuous time: {@code ẋ ≈ Ξ Θ(x, u)}, with {@code ẋ} estimated from each trajectory separately
 * (or given) and the rows of all trajectories stacked. Discrete time: {@code x[k+1] ≈ Ξ Θ(x[k], u[k])}
 * within each trajectory. Times are in seconds, {@code ẋ} in state units per second.
 *
 * <p>The regression never forms Θ as a whole: its rows are generated block by block and folded into a
 * QR factorisation (see {@link Optimizer}). Immutable and thread-safe; make one with {@link #builder()}
 * or from a {@link SindySpec}.
 */
public final class Sindy {
  private static final Logger LOG = LoggerFactory.getLogger(Sindy.class);

  private final FeatureLibrary library;
  private final Differentiation differentiation;
  private final Optimizer optimizer;
  private final boolean discreteTime;
  private final double dt; // NaN: from the data's times
  private final int substeps;
  private final int threads;
  private final String system;

  private Sindy(Builder b) {
    this.library = b.library;
    this.differentiation = b.differentiation;
    this.optimizer = b.optimizer;
    this.discreteTime = b.discreteTime;
    this.dt = b.dt;
    this.substeps = b.substeps;
    this.threads = b.threads;
    this.system = b.system;
  }

  /** PySINDy's defaults: polynomial degree 2, finite differences of order 2, STLSQ(0.1, α 0.05). */
  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .library(library)
        .differentiation(differentiation)
        .optimizer(optimizer)
        .discreteTime(discreteTime)
        .dt(dt)
        .substeps(substeps)
        .threads(threads)
        .system(system);
  }

  public FeatureLibrary library() {
    return library;
  }

  public Differentiation differentiation() {
    return differentiation;
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  public boolean discreteTime() {
    return discreteTime;
  }

  /** Sample interval, s; NaN when taken from the data's time column. */
  public double dt() {
    return dt;
  }

  /** RK4 steps per sample interval in {@link SindyModel#step} of continuous models. */
  public int substeps() {
    return substeps;
  }

  /** Most threads a fit uses (see {@link Builder#threads}). */
  public int threads() {
    return threads;
  }

  /**
   * The spec of this configuration (the schema of the PySINDy fixtures, every parameter written out).
   *
   * @throws ModelingException when the library is (or contains) a custom library, which has no JSON form
   */
  public ObjectNode toSpec() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    if (system != null) {
      o.put("system", system);
    }
    if (!Double.isNaN(dt)) {
      o.put("dt", dt);
    }
    o.put("discrete_time", discreteTime);
    o.set("library", library.toSpec());
    if (!discreteTime) {
      o.set("differentiation", differentiation.toSpec());
    }
    o.set("optimizer", optimizer.toSpec());
    return o;
  }

  /**
   * Fits a model to the data; continuous-time derivatives are estimated with the differentiation method.
   *
   * @throws ModelingException on bad data (NaN, too few samples for the method, a rank-deficient library …)
   */
  public SindyModel fit(Dataset data) {
    return fit(data, null);
  }

  /** At most 20 names, then how many more: a message stays readable for a library of thousands of terms. */
  static String abbreviated(List<String> names) {
    if (names.size() <= 20) {
      return names.toString();
    }
    return "[" + String.join(", ", names.subList(0, 20)) + ", … and " + (names.size() - 20) + " more]";
  }

  /**
   * Fits a continuous-time model to the data with the given derivatives (user-supplied {@code ẋ}, one
   * array per trajectory, same shape as its states, state units per second).
   *
   * @param derivatives null to estimate them with the differentiation method
   */
  public SindyModel fit(Dataset data, List<double[][]> derivatives) {
    Objects.requireNonNull(data, "data");
    if (derivatives != null && discreteTime) {
      throw new ModelingException(
          "derivatives were given for a discrete-time fit, which regresses x[k+1] on x[k] and needs none");
    }
    List<String> stateNames = data.stateNames();
    List<String> inputNames = data.inputNames();
    int nx = stateNames.size();
    int nu = inputNames.size();
    if (nx == 0) {
      throw new ModelingException("the data has no state columns; SINDy needs at least one state");
    }
    if (derivatives != null && derivatives.size() != data.size()) {
      throw new ModelingException(
          "derivatives were given for " + derivatives.size() + " trajectories but the data has " + data.size());
    }
    BoundLibrary lib = library.bind(stateNames, inputNames);
    int p = lib.size();
    int m = nx;

    List<double[][]> zs = new ArrayList<>();
    List<double[][]> ys = new ArrayList<>();
    int[] starts = new int[data.size() + 1];
    int total = 0;
    for (int k = 0; k < data.size(); k++) {
      Trajectory tr = data.get(k);
      String where = data.size() == 1 ? "the data" : "trajectory " + k;
      int n = tr.size();
      double[][] cols = columns(tr, where); // states then inputs, checked finite
      double[][] z;
      double[][] y;
      int rows;
      if (discreteTime) {
        if (n < 2) {
          throw new ModelingException(
              where + ": " + n + " sample(s), but discrete-time SINDy needs at least 2 (x[k] and x[k+1])");
        }
        rows = n - 1;
        z = cols; // the last sample is only a target
        y = new double[m][];
        for (int j = 0; j < m; j++) {
          y[j] = java.util.Arrays.copyOfRange(cols[j], 1, n);
        }
      } else {
        rows = n;
        y = new double[m][n];
        z = cols;
        if (derivatives != null) {
          double[][] d = derivatives.get(k);
          if (d == null || d.length != n) {
            throw new ModelingException(where + ": the given derivatives have " + (d == null ? 0 : d.length)
                + " rows but the trajectory has " + n + " samples");
          }
          for (int i = 0; i < n; i++) {
            if (d[i].length != nx) {
              throw new ModelingException(where + ": row " + i + " of the given derivatives has " + d[i].length
                  + " values but there are " + nx + " states " + stateNames);
            }
            for (int j = 0; j < nx; j++) {
              double v = d[i][j];
              if (!Double.isFinite(v)) {
                throw new ModelingException(where + ": the given derivative of " + stateNames.get(j) + " at row " + i
                    + " (t = " + tr.time(i) + " s) is " + v + "; derivatives must be finite");
              }
              y[j][i] = v;
            }
          }
        } else {
          differentiation.checkSamples(n, where);
          double[][] states = java.util.Arrays.copyOf(cols, nx);
          double[][] smoothed = differentiation.smooths() ? new double[nx][n] : null;
          if (Double.isNaN(dt)) {
            checkTimes(tr, where);
            differentiation.apply(states, n, Double.NaN, tr.timesUnsafe(), y, smoothed, where);
          } else {
            checkDt(tr, where);
            differentiation.apply(states, n, dt, null, y, smoothed, where);
          }
          if (smoothed != null) {
            z = cols.clone();
            System.arraycopy(smoothed, 0, z, 0, nx);
          }
        }
      }
      zs.add(z);
      ys.add(y);
      starts[k + 1] = starts[k] + rows;
      total += rows;
    }
    if (total < p) {
      throw new ModelingException("the regression has " + total + " samples but the library has " + p
          + " terms " + abbreviated(lib.featureNames()) + "; give at least as many samples as terms (more data, or a"
          + " smaller library)");
    }
    long designBytes = 8L * total * p;
    long available = Runtime.getRuntime().maxMemory();
    if (optimizer.needsRows() && designBytes > available / 2) {
      throw new ModelingException(String.format(java.util.Locale.ROOT, "the design matrix (%d samples × %d terms)"
          + " needs about %.1f GB, more than half of the %.1f GB this JVM may use: use a smaller library or fewer"
          + " samples (or give Java more memory, -Xmx)", total, p, designBytes / 1e9, available / 1e9));
    }

    Design design = new Design(total, p, m, new Rows(lib, zs, ys, starts, m, p), threads);
    if (optimizer.needsRows()) {
      design.materialize();
    }
    LsProblem full = design.full();
    FitLog log = new FitLog(equationNames(stateNames));
    checkRank(full, lib.featureNames(), log);
    double[][] coef = optimizer.fit(design, log);
    double modelDt = Double.isNaN(dt) ? dataDt(data) : dt;
    ObjectNode spec;
    try {
      spec = toSpec();
    } catch (ModelingException e) {
      spec = null; // a custom library has no JSON form
    }
    return new SindyModel(
        stateNames,
        inputNames,
        library,
        lib.featureNames(),
        coef,
        modelDt,
        discreteTime,
        discreteTime ? null : differentiation,
        spec,
        substeps,
        new FitReport(log, total));
  }

  private List<String> equationNames(List<String> stateNames) {
    List<String> out = new ArrayList<>();
    for (String s : stateNames) {
      out.add(discreteTime ? "(" + s + ")[k+1]" : "(" + s + ")'");
    }
    return out;
  }

  /** Θ rows of the stacked trajectories, generated on demand by columns. */
  private static final class Rows implements Design.RowSource {
    private final BoundLibrary lib;
    private final double[][][] zs;
    private final double[][][] ys;
    private final int[] starts;
    private final int m;
    private final int p;

    Rows(BoundLibrary lib, List<double[][]> zs, List<double[][]> ys, int[] starts, int m, int p) {
      this.lib = lib;
      this.zs = zs.toArray(new double[0][][]);
      this.ys = ys.toArray(new double[0][][]);
      this.starts = starts;
      this.m = m;
      this.p = p;
    }

    @Override
    public Design.RowSource copy() {
      return new Rows(lib.library().bind(lib.stateNames(), lib.inputNames()), zs, ys, starts, m, p);
    }

    private Rows(BoundLibrary lib, double[][][] zs, double[][][] ys, int[] starts, int m, int p) {
      this.lib = lib;
      this.zs = zs;
      this.ys = ys;
      this.starts = starts;
      this.m = m;
      this.p = p;
    }

    @Override
    public void fill(int start, int count, double[][] dst) {
      int seg = 0;
      int done = 0;
      while (done < count) {
        int abs = start + done;
        while (starts[seg + 1] <= abs) {
          seg++;
        }
        int local = abs - starts[seg];
        int cnt = Math.min(count - done, starts[seg + 1] - abs);
        lib.evaluateColumns(zs[seg], local, cnt, dst, done);
        for (int t = 0; t < m; t++) {
          System.arraycopy(ys[seg][t], local, dst[p + t], done, cnt);
        }
        done += cnt;
      }
    }
  }

  /** The trajectory's states then inputs as columns, checked to be finite. */
  private static double[][] columns(Trajectory tr, String where) {
    int n = tr.size();
    int nx = tr.stateDim();
    int nu = tr.inputDim();
    double[][] xs = tr.statesUnsafe();
    double[][] us = tr.inputsUnsafe();
    double[] ts = tr.timesUnsafe();
    double[][] cols = new double[nx + nu][n];
    boolean finite = true;
    for (int i = 0; i < n; i++) {
      double[] xi = xs[i];
      double[] ui = us[i];
      for (int j = 0; j < nx; j++) {
        double v = xi[j];
        cols[j][i] = v;
        finite &= v - v == 0.0; // false for NaN and ±∞
      }
      for (int j = 0; j < nu; j++) {
        double v = ui[j];
        cols[nx + j][i] = v;
        finite &= v - v == 0.0;
      }
      finite &= ts[i] - ts[i] == 0.0;
    }
    if (!finite) {
      for (int i = 0; i < n; i++) {
        if (!Double.isFinite(ts[i])) {
          throw new ModelingException(where + ": time at row " + i + " is " + ts[i] + "; times must be finite");
        }
        for (int j = 0; j < nx + nu; j++) {
          double v = cols[j][i];
          if (!Double.isFinite(v)) {
            boolean state = j < nx;
            String name = state ? tr.stateNames().get(j) : tr.inputNames().get(j - nx);
            throw new ModelingException(where + ": " + (state ? "state " : "input ") + name + " at row " + i
                + " (t = " + ts[i] + " s) is " + v + "; SINDy needs finite data: drop or interpolate such samples");
          }
        }
      }
    }
    return cols;
  }

  private static void checkTimes(Trajectory tr, String where) {
    double[] t = tr.timesUnsafe();
    for (int i = 1; i < t.length; i++) {
      if (!(t[i] > t[i - 1])) {
        throw new ModelingException(where + ": times must strictly increase, but t[" + i + "] = " + t[i]
            + " s after t[" + (i - 1) + "] = " + t[i - 1] + " s");
      }
    }
  }

  private void checkDt(Trajectory tr, String where) {
    double u = tr.uniformDt();
    if (!Double.isNaN(u) && Math.abs(u - dt) > 1e-6 * dt) {
      LOG.warn("{}: the spec's dt = {} s is used, but the time column is spaced {} s", where, dt, u);
    }
  }

  /**
   * Rejects a library whose columns are linearly dependent on the data: column k is dependent when
   * the part of it outside the span of the columns before it, {@code |R_kk|}, is below
   * {@code max(n, p) · ε} of its length.
   */
  /**
   * An overflowing library is an error; a rank-deficient one is a warning that names the dependent terms:
   * PySINDy fits it all the same (ridge regression is well-posed, plain least squares returns the
   * minimum-norm solution) and the threshold decides which of the redundant terms remain.
   */
  private static void checkRank(LsProblem pr, List<String> names, FitLog log) {
    double[] ind = pr.independence();
    double tol = pr.rankTolerance();
    List<String> zero = new ArrayList<>();
    List<String> dependent = new ArrayList<>();
    for (int k = 0; k < pr.p; k++) {
      if (!Double.isFinite(pr.colNorms[k]) || Double.isNaN(ind[k])) {
        throw new ModelingException("the feature library overflows on this data: term \"" + names.get(k)
            + "\" (column " + k + ") has values too large for double arithmetic (its norm over the samples is "
            + pr.colNorms[k] + "); rescale the data (other units) or remove the outlying rows");
      }
      if (pr.colNorms[k] == 0.0) {
        zero.add("\"" + names.get(k) + "\" (column " + k + ")");
      } else if (!(ind[k] > tol)) {
        dependent.add("\"" + names.get(k) + "\" (column " + k + String.format(java.util.Locale.ROOT,
            ", relative remainder %.1e)", ind[k]));
      }
    }
    if (!zero.isEmpty()) {
      log.warn("the feature library is rank-deficient on this data: " + abbreviatedTerms(zero) + " "
          + (zero.size() == 1 ? "is" : "are") + " zero at every sample, so " + (zero.size() == 1 ? "its coefficient is"
          : "their coefficients are") + " 0 (excite that input, or leave the term out of the library)");
    }
    if (!dependent.isEmpty()) {
      log.warn("the feature library is rank-deficient on this data: " + abbreviatedTerms(dependent) + " "
          + (dependent.size() == 1 ? "is a linear combination" : "are linear combinations") + " of the terms before"
          + " (e.g. a duplicate term, or u^2 constant under a two-level input next to the bias); least squares takes"
          + " the minimum-norm solution and the threshold decides which redundant terms remain, as in PySINDy;"
          + " leave them out of the library for a unique model");
    }
  }

  private static String abbreviatedTerms(List<String> terms) {
    String s = abbreviated(terms);
    return "term" + (terms.size() == 1 ? " " : "s ") + s.substring(1, s.length() - 1);
  }

  private static double dataDt(Dataset data) {
    Trajectory t0 = data.get(0);
    double u = t0.uniformDt();
    if (!Double.isNaN(u)) {
      return u;
    }
    double[] t = t0.timesUnsafe();
    return t.length > 1 ? (t[t.length - 1] - t[0]) / (t.length - 1) : 1.0;
  }

  /** Builder; defaults are PySINDy's {@code SINDy()}. */
  public static final class Builder {
    private FeatureLibrary library = FeatureLibrary.polynomial(2);
    private Differentiation differentiation = Differentiation.finiteDifference(2);
    private Optimizer optimizer = Stlsq.defaults();
    private boolean discreteTime = false;
    private double dt = Double.NaN;
    private int substeps = 4;
    private int threads = 1;
    private String system;

    private Builder() {}

    public Builder library(FeatureLibrary library) {
      this.library = Objects.requireNonNull(library, "library");
      return this;
    }

    public Builder differentiation(Differentiation differentiation) {
      this.differentiation = Objects.requireNonNull(differentiation, "differentiation");
      return this;
    }

    public Builder optimizer(Optimizer optimizer) {
      this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
      return this;
    }

    /** Regress {@code x[k+1]} on {@code x[k]} instead of {@code ẋ} on {@code x}. */
    public Builder discreteTime(boolean discreteTime) {
      this.discreteTime = discreteTime;
      return this;
    }

    /** Uniform sample interval, s (the data's time column is then not used); NaN to use the time column. */
    public Builder dt(double dt) {
      if (!Double.isNaN(dt) && !(dt > 0 && Double.isFinite(dt))) {
        throw new IllegalArgumentException("dt must be a positive number of seconds, got " + dt);
      }
      this.dt = dt;
      return this;
    }

    /** RK4 steps per sample interval used by {@link SindyModel#step} of continuous models (default 4). */
    public Builder substeps(int substeps) {
      if (substeps < 1) {
        throw new IllegalArgumentException("substeps must be at least 1, got " + substeps);
      }
      this.substeps = substeps;
      return this;
    }

    /**
     * Most threads used to reduce large regressions (default 1: the calling thread). The rows are cut
     * into chunks by the problem's shape alone, so the model is the same for any number of threads.
     */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1, got " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** Free text describing the system (kept in the spec). */
    public Builder system(String system) {
      this.system = system;
      return this;
    }

    public Sindy build() {
      return new Sindy(this);
    }
  }
}
