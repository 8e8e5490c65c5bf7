package io.loopforge.modeling.policy;

import io.loopforge.modeling.DynamicsModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The description of a model-predictive controller that runs on the microcontroller: a learned model of
 * the dynamics {@code x⁺ = f(x, u)} (in a file: a SINDy model or a ReLU network), a horizon {@code H}, a
 * Gauss–Newton iteration budget and the weights of a quadratic tracking cost
 *
 * <pre>
 * J = ½ Σ_{k=1}^{H-1} (x_k − x_ref)ᵀ Q (x_k − x_ref) + ½ (x_H − x_ref)ᵀ Q_H (x_H − x_ref)
 *   + ½ Σ_{k=0}^{H-1} [ (u_k − u_ref)ᵀ R (u_k − u_ref) + (u_k − u_{k−1})ᵀ R_Δ (u_k − u_{k−1}) ]
 * </pre>
 *
 * with diagonal weights, {@code u_{−1}} the input applied at the previous step, and box-constrained
 * inputs. The reference state {@code x_ref} is the controller's reference at run time (the
 * {@link #referenceState()} here is the design's default); {@code u_ref} is a constant of the design.
 * This class only holds and checks the description; the solvers are in {@code io.loopforge.mpc}
 * (double) and the generated code (float32). Immutable.
 */
public final class MpcPolicy {
  private final DynamicsModel model;
  private final int horizon;
  private final int iterations;
  private final int qpIterations;
  private final double tolerance;
  private final double[] stateWeights;
  private final double[] terminalWeights;
  private final double[] inputWeights;
  private final double[] rateWeights;
  private final double[] referenceState;
  private final double[] referenceInput;
  private final InputBounds bounds;
  private final List<String> referenceNames;

  private MpcPolicy(Builder b) {
    this.model = b.model;
    int nx = model.stateDim();
    int nu = model.inputDim();
    if (nu == 0) {
      throw new IllegalArgumentException("the model has no input (states " + model.stateNames() + "): an MPC needs"
          + " at least one input to plan");
    }
    if (b.horizon <= 0) {
      throw new IllegalArgumentException("the horizon must be at least 1 step, got " + b.horizon);
    }
    if (b.iterations <= 0) {
      throw new IllegalArgumentException("the Gauss-Newton iteration budget must be at least 1, got " + b.iterations);
    }
    if (b.qpIterations <= 0) {
      throw new IllegalArgumentException("the box-QP iteration budget must be at least 1, got " + b.qpIterations);
    }
    if (!(b.tolerance >= 0) || Double.isInfinite(b.tolerance)) {
      throw new IllegalArgumentException("the convergence tolerance must be finite and >= 0, got " + b.tolerance);
    }
    this.horizon = b.horizon;
    this.iterations = b.iterations;
    this.qpIterations = b.qpIterations;
    this.tolerance = b.tolerance;
    this.stateWeights = weights("state weights (q)", b.stateWeights == null ? ones(nx) : b.stateWeights, nx,
        model.stateNames());
    this.terminalWeights = weights("terminal weights (q-terminal)", b.terminalWeights == null ? stateWeights
        : b.terminalWeights, nx, model.stateNames());
    this.inputWeights = weights("input weights (r)", b.inputWeights == null ? ones(nu) : b.inputWeights, nu,
        model.inputNames());
    this.rateWeights = weights("input-rate weights (r-rate)", b.rateWeights == null ? new double[nu]
        : b.rateWeights, nu, model.inputNames());
    for (int i = 0; i < nu; i++) {
      if (!(inputWeights[i] + rateWeights[i] > 0)) {
        throw new IllegalArgumentException("input " + model.inputNames().get(i) + " has input weight 0 and rate"
            + " weight 0: the Gauss-Newton Hessian would be singular; give it r > 0 or r-rate > 0");
      }
    }
    this.referenceState = finite("reference state (x-ref)", b.referenceState == null ? new double[nx]
        : b.referenceState, nx);
    this.referenceInput = finite("reference input (u-ref)", b.referenceInput == null ? new double[nu]
        : b.referenceInput, nu);
    this.bounds = b.bounds == null ? InputBounds.unbounded(nu) : b.bounds;
    if (bounds.size() != nu) {
      throw new IllegalArgumentException("bounds for " + bounds.size() + " inputs, the model has " + nu);
    }
    List<String> refs = new ArrayList<>();
    for (String s : model.stateNames()) {
      refs.add(s + "_ref");
    }
    this.referenceNames = List.copyOf(refs);
  }

  private static double[] ones(int n) {
    double[] w = new double[n];
    Arrays.fill(w, 1.0);
    return w;
  }

  private static double[] weights(String what, double[] w, int n, List<String> names) {
    if (w.length != n) {
      throw new IllegalArgumentException("the " + what + " have " + w.length + " values, expected " + n + " (one per "
          + String.join(", ", names) + ")");
    }
    for (int i = 0; i < n; i++) {
      if (!(w[i] >= 0) || Double.isInfinite(w[i])) {
        throw new IllegalArgumentException("the " + what + " must be finite and >= 0, got " + w[i] + " for "
            + names.get(i));
      }
    }
    return w.clone();
  }

  private static double[] finite(String what, double[] v, int n) {
    if (v.length != n) {
      throw new IllegalArgumentException("the " + what + " has " + v.length + " values, expected " + n);
    }
    for (double x : v) {
      if (!Double.isFinite(x)) {
        throw new IllegalArgumentException("the " + what + " holds a non-finite value (" + x + ")");
      }
    }
    return v.clone();
  }

  public static Builder builder(DynamicsModel model) {
    return new Builder(model);
  }

  /** The model the controller predicts with. */
  public DynamicsModel model() {
    return model;
  }

  public List<String> stateNames() {
    return model.stateNames();
  }

  public List<String> inputNames() {
    return model.inputNames();
  }

  /** {@code <state>_ref} for every state: the reference is the target state. */
  public List<String> referenceNames() {
    return referenceNames;
  }

  public int stateDim() {
    return model.stateDim();
  }

  public int inputDim() {
    return model.inputDim();
  }

  /** Sample interval of the model and of the controller, s. */
  public double dt() {
    return model.dt();
  }

  /** Prediction horizon H, steps of {@link #dt()}. */
  public int horizon() {
    return horizon;
  }

  /** Gauss–Newton iterations per control step, at most. */
  public int iterations() {
    return iterations;
  }

  /** Iterations of the projected-Newton box-QP per Gauss–Newton iteration, at most. */
  public int qpIterations() {
    return qpIterations;
  }

  /** The Gauss–Newton iteration stops when no input moves by more than this (input units). */
  public double tolerance() {
    return tolerance;
  }

  /** Diagonal of Q, per state. */
  public double[] stateWeights() {
    return stateWeights.clone();
  }

  /** Diagonal of Q_H, the terminal weight, per state. */
  public double[] terminalWeights() {
    return terminalWeights.clone();
  }

  /** Diagonal of R, per input. */
  public double[] inputWeights() {
    return inputWeights.clone();
  }

  /** Diagonal of R_Δ, the input-rate weight, per input. */
  public double[] rateWeights() {
    return rateWeights.clone();
  }

  /** The design's reference state x_ref (the default reference), in the states' units. */
  public double[] referenceState() {
    return referenceState.clone();
  }

  /** The constant reference input u_ref the input weight pulls towards, in the inputs' units. */
  public double[] referenceInput() {
    return referenceInput.clone();
  }

  /** The box on every input of the horizon. */
  public InputBounds inputBounds() {
    return bounds;
  }

  @Override
  public String toString() {
    return "MpcPolicy[H " + horizon + ", iterations " + iterations + ", qp " + qpIterations + ", states "
        + model.stateNames() + ", inputs " + model.inputNames() + "]";
  }

  /** Settings of an {@link MpcPolicy}; defaults: Q = Q_H = I, R = I, R_Δ = 0, x_ref = 0, u_ref = 0, no bounds. */
  public static final class Builder {
    private final DynamicsModel model;
    private int horizon = 10;
    private int iterations = 3;
    private int qpIterations = 4;
    private double tolerance = 1e-4;
    private double[] stateWeights;
    private double[] terminalWeights;
    private double[] inputWeights;
    private double[] rateWeights;
    private double[] referenceState;
    private double[] referenceInput;
    private InputBounds bounds;

    private Builder(DynamicsModel model) {
      this.model = Objects.requireNonNull(model, "model");
    }

    public Builder horizon(int h) {
      this.horizon = h;
      return this;
    }

    public Builder iterations(int k) {
      this.iterations = k;
      return this;
    }

    public Builder qpIterations(int k) {
      this.qpIterations = k;
      return this;
    }

    public Builder tolerance(double t) {
      this.tolerance = t;
      return this;
    }

    public Builder stateWeights(double... w) {
      this.stateWeights = w.clone();
      return this;
    }

    public Builder terminalWeights(double... w) {
      this.terminalWeights = w.clone();
      return this;
    }

    public Builder inputWeights(double... w) {
      this.inputWeights = w.clone();
      return this;
    }

    public Builder rateWeights(double... w) {
      this.rateWeights = w.clone();
      return this;
    }

    public Builder referenceState(double... x) {
      this.referenceState = x.clone();
      return this;
    }

    public Builder referenceInput(double... u) {
      this.referenceInput = u.clone();
      return this;
    }

    public Builder inputBounds(InputBounds b) {
      this.bounds = Objects.requireNonNull(b, "bounds");
      return this;
    }

    /** @throws IllegalArgumentException naming the setting that is wrong */
    public MpcPolicy build() {
      return new MpcPolicy(this);
    }
  }
}
