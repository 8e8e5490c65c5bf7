package io.loopforge.modeling.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Affine state feedback with input saturation: {@code u = sat(u_ref − K (x − x_ref))}, where {@code K}
 * is the {@link #gain()} (nu × nx, input units per state unit). What the reference holds is the
 * {@link ReferenceLayout}: the state reference {@code x_ref} only (then {@code u_ref} is the constant
 * {@link #inputReference()}), or {@code [x_ref; u_ref]}.
 *
 * <p>Evaluation order (the generated code keeps it, in float32): for each input {@code i},
 * {@code acc = 0; acc += K[i][j] (x[j] − x_ref[j])} for {@code j = 0 … nx−1}, then
 * {@code u[i] = sat(u_ref[i] − acc)}. Immutable and thread-safe.
 */
public final class AffinePolicy implements Policy {
  /** What the reference vector holds. */
  public enum ReferenceLayout {
    /** {@code reference = x_ref} (length nx); {@code u_ref} is the policy's constant input reference. */
    STATE("state"),
    /** {@code reference = [x_ref; u_ref]} (length nx + nu). */
    STATE_AND_INPUT("state_and_input");

    private final String fileName;

    ReferenceLayout(String fileName) {
      this.fileName = fileName;
    }

    /** Spelling in model files. */
    public String fileName() {
      return fileName;
    }

    /** The layout spelled {@code name} in a model file, or null. */
    public static ReferenceLayout fromFileName(String name) {
      for (ReferenceLayout l : values()) {
        if (l.fileName.equals(name)) {
          return l;
        }
      }
      return null;
    }
  }

  private final List<String> stateNames;
  private final List<String> inputNames;
  private final List<String> referenceNames;
  private final double dt;
  private final double[][] gain;
  private final double[] inputReference;
  private final ReferenceLayout layout;
  private final InputBounds bounds;

  private AffinePolicy(Builder b) {
    this.stateNames = b.stateNames;
    this.inputNames = b.inputNames;
    this.dt = b.dt;
    this.layout = b.layout;
    int nx = stateNames.size();
    int nu = inputNames.size();
    if (b.gain == null) {
      throw new IllegalArgumentException("the gain K is not set");
    }
    if (b.gain.length != nu) {
      throw new IllegalArgumentException("the gain has " + b.gain.length + " rows, expected one per input (" + nu + ")");
    }
    this.gain = new double[nu][];
    for (int i = 0; i < nu; i++) {
      if (b.gain[i].length != nx) {
        throw new IllegalArgumentException(
            "gain row " + i + " has " + b.gain[i].length + " entries, expected one per state (" + nx + ")");
      }
      for (double k : b.gain[i]) {
        if (!Double.isFinite(k)) {
          throw new IllegalArgumentException("gain row " + i + " holds a non-finite entry (" + k + ")");
        }
      }
      gain[i] = b.gain[i].clone();
    }
    this.inputReference = b.inputReference == null ? new double[nu] : b.inputReference.clone();
    if (inputReference.length != nu) {
      throw new IllegalArgumentException(
          "the input reference has " + inputReference.length + " entries, expected " + nu);
    }
    for (double v : inputReference) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("the input reference holds a non-finite entry (" + v + ")");
      }
    }
    if (layout == ReferenceLayout.STATE_AND_INPUT && b.inputReference != null) {
      boolean zero = true;
      for (double v : inputReference) {
        zero &= v == 0.0;
      }
      if (!zero) {
        throw new IllegalArgumentException(
            "a constant input reference is only used with the 'state' reference layout; with 'state_and_input'"
                + " the reference vector carries u_ref");
      }
    }
    this.bounds = b.bounds == null ? InputBounds.unbounded(nu) : b.bounds;
    if (bounds.size() != nu) {
      throw new IllegalArgumentException("bounds for " + bounds.size() + " inputs, the policy has " + nu);
    }
    List<String> refs = new ArrayList<>();
    for (String s : stateNames) {
      refs.add(s + "_ref");
    }
    if (layout == ReferenceLayout.STATE_AND_INPUT) {
      for (String s : inputNames) {
        refs.add(s + "_ref");
      }
    }
    this.referenceNames = List.copyOf(refs);
  }

  /** Starts a policy over the named states and inputs, sampling interval {@code dt} (s). */
  public static Builder builder(List<String> stateNames, List<String> inputNames, double dt) {
    return new Builder(stateNames, inputNames, dt);
  }

  @Override
  public List<String> stateNames() {
    return stateNames;
  }

  @Override
  public List<String> inputNames() {
    return inputNames;
  }

  /** {@code <state>_ref} for each state, then {@code <input>_ref} for each input with {@link ReferenceLayout#STATE_AND_INPUT}. */
  @Override
  public List<String> referenceNames() {
    return referenceNames;
  }

  @Override
  public double dt() {
    return dt;
  }

  /** K, nu × nx; a copy. */
  public double[][] gain() {
    double[][] k = new double[gain.length][];
    for (int i = 0; i < gain.length; i++) {
      k[i] = gain[i].clone();
    }
    return k;
  }

  /** The constant {@code u_ref} (zeros unless set; unused with {@link ReferenceLayout#STATE_AND_INPUT}). */
  public double[] inputReference() {
    return inputReference.clone();
  }

  public ReferenceLayout referenceLayout() {
    return layout;
  }

  @Override
  public InputBounds inputBounds() {
    return bounds;
  }

  @Override
  public void control(double[] x, double[] reference, double[] u) {
    int nx = stateNames.size();
    if (x.length != nx || reference.length != referenceNames.size() || u.length != inputNames.size()) {
      throw new IllegalArgumentException("control: expected state " + nx + ", reference " + referenceNames.size()
          + " and input " + inputNames.size() + " values, got " + x.length + ", " + reference.length + " and "
          + u.length);
    }
    for (int i = 0; i < gain.length; i++) {
      double[] k = gain[i];
      double acc = 0.0;
      for (int j = 0; j < nx; j++) {
        acc += k[j] * (x[j] - reference[j]);
      }
      double uRef = layout == ReferenceLayout.STATE ? inputReference[i] : reference[nx + i];
      u[i] = bounds.clamp(i, uRef - acc);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof AffinePolicy)) {
      return false;
    }
    AffinePolicy p = (AffinePolicy) o;
    return stateNames.equals(p.stateNames) && inputNames.equals(p.inputNames) && Double.compare(dt, p.dt) == 0
        && Arrays.deepEquals(gain, p.gain) && Arrays.equals(inputReference, p.inputReference)
        && layout == p.layout && bounds.equals(p.bounds);
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(gain) * 31 + bounds.hashCode();
  }

  @Override
  public String toString() {
    return "AffinePolicy[nx " + stateNames.size() + ", nu " + inputNames.size() + ", reference " + layout.fileName()
        + ", dt " + dt + " s]";
  }

  /** Builds an {@link AffinePolicy}; arrays are copied. */
  public static final class Builder {
    private final List<String> stateNames;
    private final List<String> inputNames;
    private final double dt;
    private double[][] gain;
    private double[] inputReference;
    private ReferenceLayout layout = ReferenceLayout.STATE;
    private InputBounds bounds;

    private Builder(List<String> stateNames, List<String> inputNames, double dt) {
      if (stateNames.isEmpty()) {
        throw new IllegalArgumentException("a policy needs at least one state");
      }
      if (inputNames.isEmpty()) {
        throw new IllegalArgumentException("a policy needs at least one input");
      }
      if (!(dt > 0) || Double.isInfinite(dt)) {
        throw new IllegalArgumentException("dt must be positive and finite, got " + dt);
      }
      this.stateNames = List.copyOf(stateNames);
      this.inputNames = List.copyOf(inputNames);
      this.dt = dt;
    }

    /** K: nu rows of nx entries. */
    public Builder gain(double[][] k) {
      this.gain = k.clone();
      return this;
    }

    /** Constant {@code u_ref} (nu values) for the {@link ReferenceLayout#STATE} layout; default zeros. */
    public Builder inputReference(double[] uRef) {
      this.inputReference = uRef.clone();
      return this;
    }

    public Builder referenceLayout(ReferenceLayout layout) {
      this.layout = java.util.Objects.requireNonNull(layout);
      return this;
    }

    /** Saturation limits; default unbounded. */
    public Builder inputBounds(InputBounds bounds) {
      this.bounds = bounds;
      return this;
    }

    /** @throws IllegalArgumentException when shapes disagree or a value is not finite */
    public AffinePolicy build() {
      return new AffinePolicy(this);
    }
  }
}
