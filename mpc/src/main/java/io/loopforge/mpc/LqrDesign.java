package io.loopforge.mpc;

import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.plant.Plant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.ejml.data.DMatrixRMaj;

/**
 * A discrete-time LQR about a reference point, for a plant or for a learned model. For a plant:
 * linearise {@code ẋ = f(x, u)} at {@code (x_ref, u_ref)} with the plant's Jacobians and discretise
 * with a zero-order hold at {@code dt}. For a {@link DynamicsModel} (SINDy, ReLU network): take the
 * Jacobians of its step, which is already discrete at the model's {@code dt}. Then solve the Riccati
 * equation ({@link Lqr}). The controller is {@code u = sat(u_ref − K (x − x_ref))}.
 *
 * <p>For a plant the reference must be an equilibrium: {@code f(x_ref, u_ref) = 0} to within
 * {@value #EQUILIBRIUM_TOLERANCE} in every state derivative (relative to the state's scale), or the
 * linearisation describes deviations about a point the plant cannot stay at. A learned model rarely
 * has the plant's equilibrium exactly: its one-step drift {@code step(x_ref, u_ref) − x_ref} is
 * reported by {@link #modelDrift()} instead of refused.
 */
public final class LqrDesign {
  static final double EQUILIBRIUM_TOLERANCE = 1e-6;

  private final Plant plant;
  private final String systemName;
  private final List<String> stateNames;
  private final List<String> inputNames;
  private final double[] inputLower;
  private final double[] inputUpper;
  private final double dt;
  private final double[] xRef;
  private final double[] uRef;
  private final double[] q;
  private final double[] r;
  private final DMatrixRMaj ad;
  private final DMatrixRMaj bd;
  private final double[] drift;
  private final Lqr lqr;

  private LqrDesign(Builder b) {
    this.plant = b.plant;
    this.systemName = b.systemName;
    this.stateNames = b.stateNames;
    this.inputNames = b.inputNames;
    this.inputLower = b.inputLower.clone();
    this.inputUpper = b.inputUpper.clone();
    this.dt = b.dt;
    this.xRef = b.xRef.clone();
    this.uRef = b.uRef.clone();
    this.q = b.q.clone();
    this.r = b.r.clone();
    int nx = stateNames.size();
    int nu = inputNames.size();
    double[][] a = new double[nx][nx];
    double[][] bm = new double[nx][nu];
    this.drift = new double[nx];
    if (b.model == null) {
      checkEquilibrium(b.plant, xRef, uRef);
      b.plant.jacobian(xRef, uRef, a, bm);
      ZeroOrderHold zoh = ZeroOrderHold.of(new DMatrixRMaj(a), new DMatrixRMaj(bm), dt);
      this.ad = zoh.ad();
      this.bd = zoh.bd();
    } else {
      b.model.jacobian(xRef, uRef, a, bm);
      double[] next = b.model.step(xRef, uRef);
      for (int i = 0; i < nx; i++) {
        drift[i] = next[i] - xRef[i];
      }
      this.ad = new DMatrixRMaj(a);
      this.bd = new DMatrixRMaj(bm);
      for (double v : ad.data) {
        if (!Double.isFinite(v)) {
          throw new MpcException("the model's Jacobian at the reference is not finite; check the reference");
        }
      }
    }
    this.lqr = Lqr.solve(ad, bd, diagonal(q), diagonal(r));
  }

  private static void checkEquilibrium(Plant plant, double[] xRef, double[] uRef) {
    double[] f = new double[plant.stateDim()];
    plant.derivative(xRef, uRef, f);
    for (int i = 0; i < f.length; i++) {
      if (!(Math.abs(f[i]) <= EQUILIBRIUM_TOLERANCE * Math.max(1.0, Math.abs(xRef[i])))) {
        throw new MpcException(String.format(Locale.ROOT,
            "the reference %s with input %s is not an equilibrium of %s: d%s/dt = %.6g there; choose a "
                + "reference where the plant can rest (e.g. its default task) or give the input that holds it",
            Arrays.toString(xRef), Arrays.toString(uRef), plant.name(), plant.stateNames().get(i), f[i]));
      }
    }
  }

  /** Starts a design for the plant's default task (reference state and input), Q = I, R = I. */
  public static Builder builder(Plant plant, double dt) {
    return new Builder(plant, null, dt, plant.inputLower(), plant.inputUpper());
  }

  /**
   * Starts a design on a learned discrete-time model, about the plant's default task, Q = I, R = I;
   * the plant gives the reference and the input bounds, the model the dynamics and {@code dt}.
   */
  public static Builder builder(DynamicsModel model, Plant plant) {
    if (!model.stateNames().equals(plant.stateNames()) || !model.inputNames().equals(plant.inputNames())) {
      throw new MpcException("the model's states " + model.stateNames() + " and inputs " + model.inputNames()
          + " are not the plant's " + plant.stateNames() + " and " + plant.inputNames());
    }
    return new Builder(plant, model, model.dt(), plant.inputLower(), plant.inputUpper());
  }

  /**
   * Starts a design on a learned discrete-time model alone: about {@code x_ref = 0, u_ref = 0} unless
   * set, Q = I, R = I, inputs unbounded unless {@link Builder#inputBounds} says otherwise; {@code dt} is
   * the model's.
   */
  public static Builder builder(DynamicsModel model) {
    double[] lo = new double[model.inputDim()];
    double[] hi = new double[model.inputDim()];
    Arrays.fill(lo, Double.NEGATIVE_INFINITY);
    Arrays.fill(hi, Double.POSITIVE_INFINITY);
    return new Builder(null, model, model.dt(), lo, hi);
  }

  /**
   * The plant the design is for (its bounds and task; for a model design, not its dynamics); empty for a
   * design on a model alone.
   */
  public Optional<Plant> plant() {
    return Optional.ofNullable(plant);
  }

  /** Lower input bounds the control law saturates to (input units; −∞ where unbounded). */
  public double[] inputLower() {
    return inputLower.clone();
  }

  /** Upper input bounds the control law saturates to (input units; +∞ where unbounded). */
  public double[] inputUpper() {
    return inputUpper.clone();
  }

  /** For a design on a learned model: {@code step(x_ref, u_ref) − x_ref}; zeros for a plant design. */
  public double[] modelDrift() {
    return drift.clone();
  }

  /** Sampling interval, s. */
  public double dt() {
    return dt;
  }

  public double[] referenceState() {
    return xRef.clone();
  }

  public double[] referenceInput() {
    return uRef.clone();
  }

  public double[] stateWeights() {
    return q.clone();
  }

  public double[] inputWeights() {
    return r.clone();
  }

  /** The gain, nu rows × nx columns: {@code u = sat(u_ref − K (x − x_ref))}. */
  public double[][] gain() {
    DMatrixRMaj k = lqr.gain();
    double[][] out = new double[k.numRows][k.numCols];
    for (int i = 0; i < k.numRows; i++) {
      for (int j = 0; j < k.numCols; j++) {
        out[i][j] = k.get(i, j);
      }
    }
    return out;
  }

  /** The discrete-time state matrix the gain was designed on, a copy. */
  public DMatrixRMaj stateMatrix() {
    return ad.copy();
  }

  /** The discrete-time input matrix the gain was designed on, a copy. */
  public DMatrixRMaj inputMatrix() {
    return bd.copy();
  }

  public double closedLoopSpectralRadius() {
    return lqr.closedLoopSpectralRadius();
  }

  /** The control law in double precision, saturated to the plant's input bounds. */
  public double[] control(double[] x) {
    double[][] k = gain();
    double[] lo = inputLower;
    double[] hi = inputUpper;
    double[] u = new double[k.length];
    for (int i = 0; i < k.length; i++) {
      double s = uRef[i];
      for (int j = 0; j < x.length; j++) {
        s -= k[i][j] * (x[j] - xRef[j]);
      }
      u[i] = Math.min(hi[i], Math.max(lo[i], s));
    }
    return u;
  }

  private static DMatrixRMaj diagonal(double[] d) {
    DMatrixRMaj m = new DMatrixRMaj(d.length, d.length);
    for (int i = 0; i < d.length; i++) {
      m.set(i, i, d[i]);
    }
    return m;
  }

  /** Options of an LQR design; every weight vector is the diagonal of its matrix. */
  public static final class Builder {
    private final Plant plant;
    private final DynamicsModel model;
    private final String systemName;
    private final List<String> stateNames;
    private final List<String> inputNames;
    private final double dt;
    private double[] inputLower;
    private double[] inputUpper;
    private double[] xRef;
    private double[] uRef;
    private double[] q;
    private double[] r;

    private Builder(Plant plant, DynamicsModel model, double dt, double[] inputLower, double[] inputUpper) {
      this.plant = plant;
      this.model = model;
      this.systemName = plant != null ? plant.name() : "the model";
      this.stateNames = plant != null ? plant.stateNames() : model.stateNames();
      this.inputNames = plant != null ? plant.inputNames() : model.inputNames();
      this.dt = dt;
      this.inputLower = inputLower;
      this.inputUpper = inputUpper;
      if (plant != null) {
        this.xRef = plant.defaultTask().referenceState();
        this.uRef = plant.defaultTask().hasReferenceInput()
            ? plant.defaultTask().referenceInput()
            : new double[plant.inputDim()];
      } else {
        this.xRef = new double[stateNames.size()];
        this.uRef = new double[inputNames.size()];
      }
      this.q = ones(stateNames.size());
      this.r = ones(inputNames.size());
    }

    /** Reference state, plant state units. */
    public Builder referenceState(double... x) {
      this.xRef = check("reference state", x, stateNames.size(), false);
      return this;
    }

    /** Input that holds the plant at the reference, plant input units. */
    public Builder referenceInput(double... u) {
      this.uRef = check("reference input", u, inputNames.size(), false);
      return this;
    }

    /** Diagonal of Q, one non-negative weight per state. */
    public Builder stateWeights(double... w) {
      this.q = check("state weights (Q)", w, stateNames.size(), true);
      return this;
    }

    /** Diagonal of R, one positive weight per input. */
    public Builder inputWeights(double... w) {
      this.r = check("input weights (R)", w, inputNames.size(), true);
      for (double v : r) {
        if (!(v > 0)) {
          throw new MpcException("input weights (R) must be positive, got " + Arrays.toString(w));
        }
      }
      return this;
    }

    /**
     * The input box the control law saturates to (input units; infinite entries for unbounded sides);
     * default: the plant's input bounds, or unbounded for a design on a model alone.
     */
    public Builder inputBounds(double[] lower, double[] upper) {
      if (lower.length != inputNames.size() || upper.length != inputNames.size()) {
        throw new MpcException("input bounds have " + lower.length + " lower and " + upper.length + " upper values but "
            + systemName + " has " + inputNames.size() + " inputs " + inputNames);
      }
      for (int i = 0; i < lower.length; i++) {
        if (Double.isNaN(lower[i]) || Double.isNaN(upper[i]) || lower[i] > upper[i]) {
          throw new MpcException("input bounds of " + inputNames.get(i) + ": lower " + lower[i] + " must not exceed"
              + " upper " + upper[i]);
        }
      }
      this.inputLower = lower.clone();
      this.inputUpper = upper.clone();
      return this;
    }

    public LqrDesign build() {
      if (!(dt > 0) || Double.isInfinite(dt)) {
        throw new MpcException("the sampling interval must be a positive number of seconds, got " + dt);
      }
      return new LqrDesign(this);
    }

    private double[] check(String what, double[] v, int n, boolean nonNegative) {
      if (v.length != n) {
        throw new MpcException(what + " has " + v.length + " values but " + systemName + " needs " + n);
      }
      for (double d : v) {
        if (!Double.isFinite(d) || (nonNegative && d < 0)) {
          throw new MpcException(what + " must be finite" + (nonNegative ? " and non-negative" : "") + ", got "
              + Arrays.toString(v));
        }
      }
      return v.clone();
    }

    private static double[] ones(int n) {
      double[] o = new double[n];
      Arrays.fill(o, 1.0);
      return o;
    }
  }
}
