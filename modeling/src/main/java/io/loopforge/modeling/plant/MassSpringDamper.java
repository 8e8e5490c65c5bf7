package io.loopforge.modeling.plant;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A mass on a linear spring and viscous damper, pushed by a force: the linear second-order benchmark
 * of the nn4mc "smart composites" work (Aguasvivas Manzano et al. 2022). Catalog name
 * {@code mass-spring-damper}.
 *
 * <pre>
 *   ṗ = v
 *   v̇ = (F − k·p − c·v) / m
 * </pre>
 *
 * <ul>
 *   <li>States: {@code position} p (m, 0 = spring at rest length), {@code velocity} v (m/s).
 *   <li>Input: {@code force} F (N), bounds ±{@code forceLimit} (default ±10 N).
 *   <li>Parameters (defaults): {@code mass} m = 1 kg, {@code stiffness} k = 2 N/m, {@code damping}
 *       c = 0.5 N·s/m (underdamped: ωₙ ≈ 1.41 rad/s, ζ ≈ 0.18).
 *   <li>Default task: move to and hold {@code referencePosition} (default 0.5 m) at rest; the
 *       equilibrium force is k·p_ref (1 N by default). Default start: at rest at 0 m.
 * </ul>
 */
public final class MassSpringDamper implements Plant {
  public static final String NAME = "mass-spring-damper";

  private final double mass;
  private final double stiffness;
  private final double damping;
  private final double forceLimit;
  private final double referencePosition;

  private MassSpringDamper(Builder b) {
    this.mass = ParameterChecks.positive(NAME, "mass", "kg", b.mass);
    this.stiffness = ParameterChecks.nonNegative(NAME, "stiffness", "N/m", b.stiffness);
    this.damping = ParameterChecks.nonNegative(NAME, "damping", "N·s/m", b.damping);
    this.forceLimit = ParameterChecks.positive(NAME, "forceLimit", "N", b.forceLimit);
    this.referencePosition = ParameterChecks.finite(NAME, "referencePosition", "m", b.referencePosition);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The plant with all default parameters. */
  public static MassSpringDamper withDefaults() {
    return builder().build();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Mass on a linear spring and damper driven by a force (m = " + mass + " kg, k = " + stiffness
        + " N/m, c = " + damping + " N·s/m); states position (m) and velocity (m/s), input force (N).";
  }

  @Override
  public List<String> stateNames() {
    return List.of("position", "velocity");
  }

  @Override
  public List<String> inputNames() {
    return List.of("force");
  }

  @Override
  public void derivative(double[] x, double[] u, double[] dxOut) {
    dxOut[0] = x[1];
    dxOut[1] = (u[0] - stiffness * x[0] - damping * x[1]) / mass;
  }

  @Override
  public void jacobian(double[] x, double[] u, double[][] a, double[][] b) {
    a[0][0] = 0.0;
    a[0][1] = 1.0;
    a[1][0] = -stiffness / mass;
    a[1][1] = -damping / mass;
    b[0][0] = 0.0;
    b[1][0] = 1.0 / mass;
  }

  @Override
  public double[] inputLower() {
    return new double[] {-forceLimit};
  }

  @Override
  public double[] inputUpper() {
    return new double[] {forceLimit};
  }

  @Override
  public double[] defaultInitialState() {
    return new double[] {0.0, 0.0};
  }

  @Override
  public ControlTask defaultTask() {
    return new ControlTask(
        "move the mass to position " + referencePosition + " m and hold it there",
        new double[] {referencePosition, 0.0},
        new double[] {stiffness * referencePosition});
  }

  /** {@code mass} (kg), {@code stiffness} (N/m), {@code damping} (N·s/m). */
  @Override
  public Map<String, Double> parameters() {
    Map<String, Double> p = new LinkedHashMap<>();
    p.put("mass", mass);
    p.put("stiffness", stiffness);
    p.put("damping", damping);
    return Collections.unmodifiableMap(p);
  }

  /** Mass, kg. */
  public double mass() {
    return mass;
  }

  /** Spring stiffness, N/m. */
  public double stiffness() {
    return stiffness;
  }

  /** Viscous damping, N·s/m. */
  public double damping() {
    return damping;
  }

  /** Force bound, N (inputs in [−limit, limit]). */
  public double forceLimit() {
    return forceLimit;
  }

  /** Target position of the default task, m. */
  public double referencePosition() {
    return referencePosition;
  }

  @Override
  public String toString() {
    return NAME + parameters();
  }

  /** Parameters with the defaults given in the class Javadoc. */
  public static final class Builder {
    private double mass = 1.0;
    private double stiffness = 2.0;
    private double damping = 0.5;
    private double forceLimit = 10.0;
    private double referencePosition = 0.5;

    private Builder() {}

    /** kg, &gt; 0. */
    public Builder mass(double mass) {
      this.mass = mass;
      return this;
    }

    /** N/m, ≥ 0. */
    public Builder stiffness(double stiffness) {
      this.stiffness = stiffness;
      return this;
    }

    /** N·s/m, ≥ 0. */
    public Builder damping(double damping) {
      this.damping = damping;
      return this;
    }

    /** N, &gt; 0. */
    public Builder forceLimit(double forceLimit) {
      this.forceLimit = forceLimit;
      return this;
    }

    /** m. */
    public Builder referencePosition(double referencePosition) {
      this.referencePosition = referencePosition;
      return this;
    }

    public MassSpringDamper build() {
      return new MassSpringDamper(this);
    }
  }
}
