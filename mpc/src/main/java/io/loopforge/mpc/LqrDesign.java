package io.loopforge.mpc;

import io.loopforge.modeling.plant.Plant;
import java.util.Arrays;
import java.util.Locale;
import org.ejml.data.DMatrixRMaj;

/**
 * A discrete-time LQR for a plant about a reference point: linearise {@code ẋ = f(x, u)} at
 * {@code (x_ref, u_ref)} with the plant's Jacobians, discretise with a zero-order hold at {@code dt},
 * solve the Riccati equation ({@link Lqr}). The controller is {@code u = sat(u_ref − K (x − x_ref))}
 * with the plant's input bounds.
 *
 * <p>The reference must be an equilibrium: {@code f(x_ref, u_ref) = 0} to within
 * {@value #EQUILIBRIUM_TOLERANCE} in every state derivative (relative to the state's scale), or the
 * linearisation describes deviations about a point the plant cannot stay at.
 */
public final class LqrDesign {
  static final double EQUILIBRIUM_TOLERANCE = 1e-6;

  private final Plant plant;
  private final double dt;
  private final double[] xRef;
  private final double[] uRef;
  private final double[] q;
  private final double[] r;
  private final ZeroOrderHold discrete;
  private final Lqr lqr;

  private LqrDesign(Plant plant, double dt, double[] xRef, double[] uRef, double[] q, double[] r) {
    this.plant = plant;
    this.dt = dt;
    this.xRef = xRef;
    this.uRef = uRef;
    this.q = q;
    this.r = r;
    int nx = plant.stateDim();
    int nu = plant.inputDim();
    double[] f = new double[nx];
    plant.derivative(xRef, uRef, f);
    for (int i = 0; i < nx; i++) {
      if (!(Math.abs(f[i]) <= EQUILIBRIUM_TOLERANCE * Math.max(1.0, Math.abs(xRef[i])))) {
        throw new MpcException(String.format(Locale.ROOT,
            "the reference %s with input %s is not an equilibrium of %s: d%s/dt = %.6g there; choose a "
                + "reference where the plant can rest (e.g. its default task) or give the input that holds it",
            Arrays.toString(xRef), Arrays.toString(uRef), plant.name(), plant.stateNames().get(i), f[i]));
      }
    }
    double[][] a = new double[nx][nx];
    double[][] b = new double[nx][nu];
    plant.jacobian(xRef, uRef, a, b);
    this.discrete = ZeroOrderHold.of(new DMatrixRMaj(a), new DMatrixRMaj(b), dt);
    this.lqr = Lqr.solve(discrete.ad(), discrete.bd(), diagonal(q), diagonal(r));
  }

  /** Starts a design for the plant's default task (reference state and input), Q = I, R = I. */
  public static Builder builder(Plant plant, double dt) {
    return new Builder(plant, dt);
  }

  public Plant plant() {
    return plant;
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

  public ZeroOrderHold discretisation() {
    return discrete;
  }

  public double closedLoopSpectralRadius() {
    return lqr.closedLoopSpectralRadius();
  }

  /** The control law in double precision, saturated to the plant's input bounds. */
  public double[] control(double[] x) {
    double[][] k = gain();
    double[] lo = plant.inputLower();
    double[] hi = plant.inputUpper();
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
    private final double dt;
    private double[] xRef;
    private double[] uRef;
    private double[] q;
    private double[] r;

    private Builder(Plant plant, double dt) {
      this.plant = plant;
      this.dt = dt;
      this.xRef = plant.defaultTask().referenceState();
      this.uRef = plant.defaultTask().hasReferenceInput()
          ? plant.defaultTask().referenceInput()
          : new double[plant.inputDim()];
      this.q = ones(plant.stateDim());
      this.r = ones(plant.inputDim());
    }

    /** Reference state, plant state units. */
    public Builder referenceState(double... x) {
      this.xRef = check("reference state", x, plant.stateDim(), false);
      return this;
    }

    /** Input that holds the plant at the reference, plant input units. */
    public Builder referenceInput(double... u) {
      this.uRef = check("reference input", u, plant.inputDim(), false);
      return this;
    }

    /** Diagonal of Q, one non-negative weight per state. */
    public Builder stateWeights(double... w) {
      this.q = check("state weights (Q)", w, plant.stateDim(), true);
      return this;
    }

    /** Diagonal of R, one positive weight per input. */
    public Builder inputWeights(double... w) {
      this.r = check("input weights (R)", w, plant.inputDim(), true);
      for (double v : r) {
        if (!(v > 0)) {
          throw new MpcException("input weights (R) must be positive, got " + Arrays.toString(w));
        }
      }
      return this;
    }

    public LqrDesign build() {
      if (!(dt > 0) || Double.isInfinite(dt)) {
        throw new MpcException("the sampling interval must be a positive number of seconds, got " + dt);
      }
      return new LqrDesign(plant, dt, xRef.clone(), uRef.clone(), q.clone(), r.clone());
    }

    private double[] check(String what, double[] v, int n, boolean nonNegative) {
      if (v.length != n) {
        throw new MpcException(what + " has " + v.length + " values but " + plant.name() + " needs " + n);
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
