package io.loopforge.modeling.ode;

import io.loopforge.modeling.ModelingException;
import java.util.Arrays;

/**
 * The adaptive explicit Runge–Kutta method of Dormand and Prince, order 5 with an embedded order-4
 * error estimate (DOPRI5, "first same as last"), with the order-4 continuous extension of Hairer and
 * Shampine for dense output: requested output times are interpolated inside accepted steps, so they
 * never shorten a step (only the last step is cut to end exactly at the final requested time).
 *
 * <p>Error control: a step is accepted when
 * {@code sqrt(mean_i((err_i / (atol + rtol·max(|y_i|, |ynew_i|)))²)) ≤ 1}. The next step is
 * {@code h · clamp(safety · err^(-1/5), minFactor, maxFactor)} (at most {@code h} right after a rejection).
 * The first step is chosen with Hairer's algorithm (Hairer, Nørsett, Wanner, <i>Solving ODEs I</i>,
 * II.4) unless {@link Builder#initialStep} is set.
 *
 * <p>Instances are immutable configurations (thread-safe). Scratch arrays live in a
 * {@link Workspace}; the convenience overloads make one per call, the long form takes the caller's so a
 * loop of integrations allocates nothing. Only forward integration is supported.
 */
public final class DormandPrince54 {
  // Butcher tableau (Dormand & Prince 1980).
  private static final double C2 = 1.0 / 5.0;
  private static final double C3 = 3.0 / 10.0;
  private static final double C4 = 4.0 / 5.0;
  private static final double C5 = 8.0 / 9.0;
  private static final double A21 = 1.0 / 5.0;
  private static final double A31 = 3.0 / 40.0;
  private static final double A32 = 9.0 / 40.0;
  private static final double A41 = 44.0 / 45.0;
  private static final double A42 = -56.0 / 15.0;
  private static final double A43 = 32.0 / 9.0;
  private static final double A51 = 19372.0 / 6561.0;
  private static final double A52 = -25360.0 / 2187.0;
  private static final double A53 = 64448.0 / 6561.0;
  private static final double A54 = -212.0 / 729.0;
  private static final double A61 = 9017.0 / 3168.0;
  private static final double A62 = -355.0 / 33.0;
  private static final double A63 = 46732.0 / 5247.0;
  private static final double A64 = 49.0 / 176.0;
  private static final double A65 = -5103.0 / 18656.0;
  private static final double A71 = 35.0 / 384.0;
  private static final double A73 = 500.0 / 1113.0;
  private static final double A74 = 125.0 / 192.0;
  private static final double A75 = -2187.0 / 6784.0;
  private static final double A76 = 11.0 / 84.0;
  // Error coefficients: 5th-order minus 4th-order weights.
  private static final double E1 = 71.0 / 57600.0;
  private static final double E3 = -71.0 / 16695.0;
  private static final double E4 = 71.0 / 1920.0;
  private static final double E5 = -17253.0 / 339200.0;
  private static final double E6 = 22.0 / 525.0;
  private static final double E7 = -1.0 / 40.0;
  // Dense output (Shampine 1986, as in Hairer's DOPRI5).
  private static final double D1 = -12715105075.0 / 11282082432.0;
  private static final double D3 = 87487479700.0 / 32700410799.0;
  private static final double D4 = -10690763975.0 / 1880347072.0;
  private static final double D5 = 701980252875.0 / 199316789632.0;
  private static final double D6 = -1453857185.0 / 822651844.0;
  private static final double D7 = 69997945.0 / 29380423.0;

  private final double rtol;
  private final double atol;
  private final double safety;
  private final double minFactor;
  private final double maxFactor;
  private final double maxStep;
  private final double initialStep;
  private final int maxSteps;

  private DormandPrince54(Builder b) {
    this.rtol = b.rtol;
    this.atol = b.atol;
    this.safety = b.safety;
    this.minFactor = b.minFactor;
    this.maxFactor = b.maxFactor;
    this.maxStep = b.maxStep;
    this.initialStep = b.initialStep;
    this.maxSteps = b.maxSteps;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Default settings with the given tolerances (rtol dimensionless, atol in state units). */
  public static DormandPrince54 withTolerances(double rtol, double atol) {
    return builder().rtol(rtol).atol(atol).build();
  }

  public double rtol() {
    return rtol;
  }

  public double atol() {
    return atol;
  }

  public double safety() {
    return safety;
  }

  public double minFactor() {
    return minFactor;
  }

  public double maxFactor() {
    return maxFactor;
  }

  /** Largest step, s ({@code +∞} when unlimited). */
  public double maxStep() {
    return maxStep;
  }

  /** First step, s; 0 means chosen automatically. */
  public double initialStep() {
    return initialStep;
  }

  /** Most accepted plus rejected steps per call before giving up. */
  public int maxSteps() {
    return maxSteps;
  }

  /** Scratch arrays for a state of dimension {@code dim}. */
  public Workspace workspace(int dim) {
    return new Workspace(dim);
  }

  /**
   * Integrates from {@code (times[0], x0)} and returns the state at every requested time.
   *
   * @param times non-decreasing output times, s; {@code times[0]} is the initial time
   * @param x0 initial state (not modified)
   * @return {@code times.length} rows; row 0 equals {@code x0}
   */
  public double[][] integrate(OdeSystem f, double[] times, double[] x0) {
    double[][] out = new double[times.length][x0.length];
    integrate(f, times, x0, out, new Workspace(x0.length));
    return out;
  }

  /** As {@link #integrate(OdeSystem, double[], double[])}, with statistics. */
  public Solution solve(OdeSystem f, double[] times, double[] x0) {
    double[][] out = new double[times.length][x0.length];
    Stats stats = integrate(f, times, x0, out, new Workspace(x0.length));
    return new Solution(out, stats);
  }

  /**
   * Integrates from {@code (times[0], x0)}, writing the state at {@code times[i]} into {@code out[i]}.
   * Allocates nothing.
   *
   * @param times non-decreasing output times, s; {@code times[0]} is the initial time
   * @param x0 initial state (not modified; may be {@code out[0]})
   * @param out {@code times.length} rows of length {@code x0.length}
   * @param ws scratch for this dimension; not shared between threads
   * @return step and evaluation counts of this call
   * @throws ModelingException on bad arguments, a non-finite derivative at the start, a step size that
   *     underflows (blow-up or stiffness) or more than {@link #maxSteps()} steps
   */
  public Stats integrate(OdeSystem f, double[] times, double[] x0, double[][] out, Workspace ws) {
    int n = x0.length;
    checkArguments(times, x0, out, ws);
    int nt = times.length;
    double[] y = ws.y;
    double[] yNew = ws.yNew;
    double[] k1 = ws.k1;
    double[] k2 = ws.k2;
    double[] k3 = ws.k3;
    double[] k4 = ws.k4;
    double[] k5 = ws.k5;
    double[] k6 = ws.k6;
    double[] k7 = ws.k7;
    double[] ys = ws.ys;
    System.arraycopy(x0, 0, y, 0, n);
    double t = times[0];
    int next = 0;
    while (next < nt && times[next] == t) {
      System.arraycopy(y, 0, out[next], 0, n);
      next++;
    }
    if (next == nt) {
      return new Stats(0, 0, 0);
    }
    double tEnd = times[nt - 1];
    int evaluations = 0;
    int accepted = 0;
    int rejected = 0;

    f.derivative(t, y, k1);
    evaluations++;
    if (!allFinite(k1)) {
      throw new ModelingException(
          "DormandPrince54: the derivative is not finite at the initial point t = " + t + " s, x = "
              + Arrays.toString(y) + ", f = " + Arrays.toString(k1));
    }
    double h;
    if (initialStep > 0) {
      h = Math.min(initialStep, maxStep);
    } else {
      h = initialStepSize(f, t, y, k1, tEnd, ws);
      evaluations++;
    }
    boolean lastRejected = false;
    while (true) {
      if (accepted + rejected >= maxSteps) {
        throw new ModelingException(
            "DormandPrince54: gave up after " + maxSteps + " steps at t = " + t + " s before reaching t = "
                + tEnd + " s (rtol " + rtol + ", atol " + atol + "); raise maxSteps, loosen the tolerances, "
                + "or check whether the system is stiff");
      }
      if (h <= 16.0 * Math.ulp(t) || !(h > 0)) {
        throw new ModelingException(
            "DormandPrince54: step size " + h + " s became too small at t = " + t + " s (state "
                + Arrays.toString(y) + "); the solution probably blows up (non-finite values) or the "
                + "system is too stiff for an explicit method");
      }
      boolean last = false;
      if (t + 1.01 * h >= tEnd) {
        h = tEnd - t;
        last = true;
      }
      for (int i = 0; i < n; i++) {
        ys[i] = y[i] + h * A21 * k1[i];
      }
      f.derivative(t + C2 * h, ys, k2);
      for (int i = 0; i < n; i++) {
        ys[i] = y[i] + h * (A31 * k1[i] + A32 * k2[i]);
      }
      f.derivative(t + C3 * h, ys, k3);
      for (int i = 0; i < n; i++) {
        ys[i] = y[i] + h * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
      }
      f.derivative(t + C4 * h, ys, k4);
      for (int i = 0; i < n; i++) {
        ys[i] = y[i] + h * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
      }
      f.derivative(t + C5 * h, ys, k5);
      for (int i = 0; i < n; i++) {
        ys[i] = y[i] + h * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
      }
      double tNew = last ? tEnd : t + h;
      f.derivative(tNew, ys, k6);
      for (int i = 0; i < n; i++) {
        yNew[i] = y[i] + h * (A71 * k1[i] + A73 * k3[i] + A74 * k4[i] + A75 * k5[i] + A76 * k6[i]);
      }
      f.derivative(tNew, yNew, k7);
      evaluations += 6;

      double sum = 0.0;
      boolean finite = true;
      for (int i = 0; i < n; i++) {
        double e = h * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
        double sk = atol + rtol * Math.max(Math.abs(y[i]), Math.abs(yNew[i]));
        double r = e / sk;
        sum += r * r;
        finite &= Double.isFinite(yNew[i]) && Double.isFinite(k7[i]);
      }
      double err = Math.sqrt(sum / n);
      if (!finite || !Double.isFinite(err)) {
        err = Double.NaN;
      }

      if (err <= 1.0) {
        accepted++;
        if (next < nt && times[next] < tNew) {
          denseCoefficients(h, y, yNew, ws);
          while (next < nt && times[next] < tNew) {
            interpolate((times[next] - t) / h, ws, out[next]);
            next++;
          }
        }
        while (next < nt && times[next] <= tNew) {
          System.arraycopy(yNew, 0, out[next], 0, n);
          next++;
        }
        if (last) {
          return new Stats(accepted, rejected, evaluations);
        }
        double fac = err == 0.0 ? maxFactor : safety * Math.pow(err, -0.2);
        fac = Math.max(minFactor, Math.min(lastRejected ? 1.0 : maxFactor, fac));
        System.arraycopy(yNew, 0, y, 0, n);
        System.arraycopy(k7, 0, k1, 0, n);
        t = tNew;
        h = Math.min(h * fac, maxStep);
        lastRejected = false;
      } else {
        rejected++;
        double fac = Double.isNaN(err) ? minFactor : Math.max(minFactor, safety * Math.pow(err, -0.2));
        h *= fac;
        lastRejected = true;
      }
    }
  }

  private void checkArguments(double[] times, double[] x0, double[][] out, Workspace ws) {
    if (times.length == 0) {
      throw new ModelingException("DormandPrince54: at least one output time is needed (times[0] = t0)");
    }
    for (int i = 0; i < times.length; i++) {
      if (!Double.isFinite(times[i])) {
        throw new ModelingException("DormandPrince54: output time " + i + " is not finite: " + times[i]);
      }
      if (i > 0 && times[i] < times[i - 1]) {
        throw new ModelingException(
            "DormandPrince54: output times must be non-decreasing, but times[" + i + "] = " + times[i]
                + " < times[" + (i - 1) + "] = " + times[i - 1]);
      }
    }
    if (ws.dim != x0.length) {
      throw new ModelingException(
          "DormandPrince54: workspace is for dimension " + ws.dim + " but x0 has length " + x0.length);
    }
    if (out.length != times.length) {
      throw new ModelingException(
          "DormandPrince54: out has " + out.length + " rows but there are " + times.length + " times");
    }
    for (int i = 0; i < out.length; i++) {
      if (out[i].length != x0.length) {
        throw new ModelingException(
            "DormandPrince54: out row " + i + " has length " + out[i].length + ", expected " + x0.length);
      }
    }
    for (int i = 0; i < x0.length; i++) {
      if (!Double.isFinite(x0[i])) {
        throw new ModelingException("DormandPrince54: initial state element " + i + " is not finite: " + x0[i]);
      }
    }
  }

  /** Hairer's starting step (HNW I, II.4), with RMS norms; uses {@code ws.ys} and {@code ws.k2}. */
  private double initialStepSize(OdeSystem f, double t0, double[] y0, double[] f0, double tEnd, Workspace ws) {
    int n = y0.length;
    double d0 = 0.0;
    double d1 = 0.0;
    for (int i = 0; i < n; i++) {
      double sk = atol + rtol * Math.abs(y0[i]);
      d0 += (y0[i] / sk) * (y0[i] / sk);
      d1 += (f0[i] / sk) * (f0[i] / sk);
    }
    d0 = Math.sqrt(d0 / n);
    d1 = Math.sqrt(d1 / n);
    double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
    h0 = Math.min(h0, Math.min(maxStep, tEnd - t0));
    double[] y1 = ws.ys;
    double[] f1 = ws.k2;
    for (int i = 0; i < n; i++) {
      y1[i] = y0[i] + h0 * f0[i];
    }
    f.derivative(t0 + h0, y1, f1);
    double d2 = 0.0;
    for (int i = 0; i < n; i++) {
      double sk = atol + rtol * Math.abs(y0[i]);
      double r = (f1[i] - f0[i]) / sk;
      d2 += r * r;
    }
    d2 = Math.sqrt(d2 / n) / h0;
    double dMax = Math.max(d1, d2);
    double h1 = !(dMax > 1e-15) ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / dMax, 0.2);
    return Math.min(Math.min(100.0 * h0, h1), maxStep);
  }

  private static void denseCoefficients(double h, double[] y, double[] yNew, Workspace ws) {
    double[] k1 = ws.k1;
    double[] k3 = ws.k3;
    double[] k4 = ws.k4;
    double[] k5 = ws.k5;
    double[] k6 = ws.k6;
    double[] k7 = ws.k7;
    for (int i = 0; i < y.length; i++) {
      double dy = yNew[i] - y[i];
      double bspl = h * k1[i] - dy;
      ws.r1[i] = y[i];
      ws.r2[i] = dy;
      ws.r3[i] = bspl;
      ws.r4[i] = dy - h * k7[i] - bspl;
      ws.r5[i] = h * (D1 * k1[i] + D3 * k3[i] + D4 * k4[i] + D5 * k5[i] + D6 * k6[i] + D7 * k7[i]);
    }
  }

  private static void interpolate(double theta, Workspace ws, double[] out) {
    double theta1 = 1.0 - theta;
    for (int i = 0; i < out.length; i++) {
      out[i] = ws.r1[i] + theta * (ws.r2[i] + theta1 * (ws.r3[i] + theta * (ws.r4[i] + theta1 * ws.r5[i])));
    }
  }

  private static boolean allFinite(double[] a) {
    for (double v : a) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "DormandPrince54[rtol=" + rtol + ", atol=" + atol + ", safety=" + safety + ", minFactor=" + minFactor
        + ", maxFactor=" + maxFactor + ", maxStep=" + maxStep + ", initialStep=" + initialStep + ", maxSteps="
        + maxSteps + "]";
  }

  /** Counts for one integration: accepted steps, rejected steps and right-hand-side evaluations. */
  public record Stats(int steps, int rejected, int evaluations) {}

  /** States at the requested times (row i at {@code times[i]}) and the statistics of the run. */
  public record Solution(double[][] states, Stats stats) {}

  /**
   * Scratch arrays for one state dimension. Mutable, not thread-safe; reuse it across calls in a loop.
   */
  public static final class Workspace {
    private final int dim;
    private final double[] y;
    private final double[] yNew;
    private final double[] ys;
    private final double[] k1;
    private final double[] k2;
    private final double[] k3;
    private final double[] k4;
    private final double[] k5;
    private final double[] k6;
    private final double[] k7;
    private final double[] r1;
    private final double[] r2;
    private final double[] r3;
    private final double[] r4;
    private final double[] r5;

    private Workspace(int dim) {
      if (dim < 1) {
        throw new ModelingException("DormandPrince54: state dimension must be at least 1, got " + dim);
      }
      this.dim = dim;
      this.y = new double[dim];
      this.yNew = new double[dim];
      this.ys = new double[dim];
      this.k1 = new double[dim];
      this.k2 = new double[dim];
      this.k3 = new double[dim];
      this.k4 = new double[dim];
      this.k5 = new double[dim];
      this.k6 = new double[dim];
      this.k7 = new double[dim];
      this.r1 = new double[dim];
      this.r2 = new double[dim];
      this.r3 = new double[dim];
      this.r4 = new double[dim];
      this.r5 = new double[dim];
    }

    public int dim() {
      return dim;
    }
  }

  /**
   * Settings. Defaults: rtol 1e-6, atol 1e-9, safety 0.9, minFactor 0.2, maxFactor 10, maxStep +∞,
   * initialStep automatic, maxSteps 100 000.
   */
  public static final class Builder {
    private double rtol = 1e-6;
    private double atol = 1e-9;
    private double safety = 0.9;
    private double minFactor = 0.2;
    private double maxFactor = 10.0;
    private double maxStep = Double.POSITIVE_INFINITY;
    private double initialStep = 0.0;
    private int maxSteps = 100_000;

    private Builder() {}

    /** Relative tolerance (dimensionless), &gt; 0. */
    public Builder rtol(double rtol) {
      this.rtol = rtol;
      return this;
    }

    /** Absolute tolerance, state units, &gt; 0. */
    public Builder atol(double atol) {
      this.atol = atol;
      return this;
    }

    /** Safety factor on the optimal step, in (0, 1]. */
    public Builder safety(double safety) {
      this.safety = safety;
      return this;
    }

    /** Smallest step change factor, in (0, 1). */
    public Builder minFactor(double minFactor) {
      this.minFactor = minFactor;
      return this;
    }

    /** Largest step change factor, &gt; 1. */
    public Builder maxFactor(double maxFactor) {
      this.maxFactor = maxFactor;
      return this;
    }

    /** Largest step, s, &gt; 0 (may be {@code +∞}). */
    public Builder maxStep(double maxStep) {
      this.maxStep = maxStep;
      return this;
    }

    /** First step, s; 0 (default) chooses it automatically. */
    public Builder initialStep(double initialStep) {
      this.initialStep = initialStep;
      return this;
    }

    /** Most steps (accepted plus rejected) per call, &gt; 0. */
    public Builder maxSteps(int maxSteps) {
      this.maxSteps = maxSteps;
      return this;
    }

    public DormandPrince54 build() {
      // rtol below ~100 ulp cannot be met in double precision.
      require(rtol >= 1e-14 && Double.isFinite(rtol), "rtol", rtol, "finite and at least 1e-14");
      require(atol > 0 && Double.isFinite(atol), "atol", atol, "finite and > 0");
      require(safety > 0 && safety <= 1, "safety", safety, "in (0, 1]");
      require(minFactor > 0 && minFactor < 1, "minFactor", minFactor, "in (0, 1)");
      require(maxFactor > 1 && Double.isFinite(maxFactor), "maxFactor", maxFactor, "finite and > 1");
      require(maxStep > 0, "maxStep", maxStep, "> 0");
      require(initialStep >= 0 && Double.isFinite(initialStep), "initialStep", initialStep, ">= 0 (0 = automatic)");
      require(maxSteps > 0, "maxSteps", maxSteps, "> 0");
      return new DormandPrince54(this);
    }

    private static void require(boolean ok, String name, double value, String what) {
      if (!ok) {
        throw new ModelingException("DormandPrince54: " + name + " must be " + what + ", got " + value);
      }
    }
  }
}
