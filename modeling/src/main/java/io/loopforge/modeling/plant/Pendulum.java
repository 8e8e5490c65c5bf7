package io.loopforge.modeling.plant;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A torque-limited, damped pendulum (point mass on a massless rod) for swing-up and stabilisation.
 * Catalog name {@code pendulum}.
 *
 * <pre>
 *   θ̇ = ω
 *   ω̇ = (τ − b·ω − m·g·l·sin θ) / (m·l²)
 * </pre>
 *
 * <ul>
 *   <li>States: {@code theta} θ (rad; <b>0 = hanging straight down, π = upright</b>, positive
 *       counter-clockwise; not wrapped, so upright is also π + 2πk), {@code omega} ω = θ̇ (rad/s).
 *   <li>Input: {@code torque} τ at the pivot (N·m), bounds ±{@code torqueLimit} (default ±3 N·m, below
 *       m·g·l = 9.81 N·m, so the pendulum cannot be lifted directly and must be pumped up).
 *   <li>Parameters (defaults): {@code mass} m = 1 kg, {@code length} l = 1 m, {@code gravity}
 *       g = 9.81 m/s², {@code damping} b = 0.1 N·m·s/rad.
 *   <li>Default task: upright at rest (θ = π, ω = 0) with τ = 0. Default start: near hanging, θ = 0.1 rad.
 * </ul>
 */
public final class Pendulum implements Plant {
  public static final String NAME = "pendulum";

  private final double mass;
  private final double length;
  private final double gravity;
  private final double damping;
  private final double torqueLimit;

  private Pendulum(Builder b) {
    this.mass = ParameterChecks.positive(NAME, "mass", "kg", b.mass);
    this.length = ParameterChecks.positive(NAME, "length", "m", b.length);
    this.gravity = ParameterChecks.nonNegative(NAME, "gravity", "m/s²", b.gravity);
    this.damping = ParameterChecks.nonNegative(NAME, "damping", "N·m·s/rad", b.damping);
    this.torqueLimit = ParameterChecks.positive(NAME, "torqueLimit", "N·m", b.torqueLimit);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The plant with all default parameters. */
  public static Pendulum withDefaults() {
    return builder().build();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Damped pendulum with a torque-limited motor (|τ| ≤ " + torqueLimit + " N·m < m·g·l = "
        + (mass * gravity * length) + " N·m); theta in rad with 0 = hanging down and π = upright, "
        + "omega in rad/s, input torque in N·m.";
  }

  @Override
  public List<String> stateNames() {
    return List.of("theta", "omega");
  }

  @Override
  public List<String> inputNames() {
    return List.of("torque");
  }

  @Override
  public void derivative(double[] x, double[] u, double[] dxOut) {
    double inertia = mass * length * length;
    dxOut[0] = x[1];
    dxOut[1] = (u[0] - damping * x[1] - mass * gravity * length * Math.sin(x[0])) / inertia;
  }

  @Override
  public void jacobian(double[] x, double[] u, double[][] a, double[][] b) {
    double inertia = mass * length * length;
    a[0][0] = 0.0;
    a[0][1] = 1.0;
    a[1][0] = -mass * gravity * length * Math.cos(x[0]) / inertia;
    a[1][1] = -damping / inertia;
    b[0][0] = 0.0;
    b[1][0] = 1.0 / inertia;
  }

  /**
   * Mechanical energy, J: {@code ½·m·l²·ω² − m·g·l·cos θ} (−m·g·l hanging at rest, +m·g·l upright at
   * rest). Conserved when damping and torque are zero.
   */
  public double energy(double[] x) {
    return 0.5 * mass * length * length * x[1] * x[1] - mass * gravity * length * Math.cos(x[0]);
  }

  @Override
  public double[] inputLower() {
    return new double[] {-torqueLimit};
  }

  @Override
  public double[] inputUpper() {
    return new double[] {torqueLimit};
  }

  @Override
  public double[] defaultInitialState() {
    return new double[] {0.1, 0.0};
  }

  @Override
  public ControlTask defaultTask() {
    return new ControlTask(
        "swing the pendulum up and balance it upright (theta = π rad)", new double[] {Math.PI, 0.0}, new double[] {0.0});
  }

  /** {@code mass} (kg), {@code length} (m), {@code gravity} (m/s²), {@code damping} (N·m·s/rad). */
  @Override
  public Map<String, Double> parameters() {
    Map<String, Double> p = new LinkedHashMap<>();
    p.put("mass", mass);
    p.put("length", length);
    p.put("gravity", gravity);
    p.put("damping", damping);
    return Collections.unmodifiableMap(p);
  }

  /** Bob mass, kg. */
  public double mass() {
    return mass;
  }

  /** Rod length from pivot to bob, m. */
  public double length() {
    return length;
  }

  /** Gravitational acceleration, m/s². */
  public double gravity() {
    return gravity;
  }

  /** Viscous damping at the pivot, N·m·s/rad. */
  public double damping() {
    return damping;
  }

  /** Torque bound, N·m. */
  public double torqueLimit() {
    return torqueLimit;
  }

  @Override
  public String toString() {
    return NAME + parameters();
  }

  /** Parameters with the defaults given in the class Javadoc. */
  public static final class Builder {
    private double mass = 1.0;
    private double length = 1.0;
    private double gravity = 9.81;
    private double damping = 0.1;
    private double torqueLimit = 3.0;

    private Builder() {}

    /** kg, &gt; 0. */
    public Builder mass(double mass) {
      this.mass = mass;
      return this;
    }

    /** m, &gt; 0. */
    public Builder length(double length) {
      this.length = length;
      return this;
    }

    /** m/s², ≥ 0. */
    public Builder gravity(double gravity) {
      this.gravity = gravity;
      return this;
    }

    /** N·m·s/rad, ≥ 0. */
    public Builder damping(double damping) {
      this.damping = damping;
      return this;
    }

    /** N·m, &gt; 0. */
    public Builder torqueLimit(double torqueLimit) {
      this.torqueLimit = torqueLimit;
      return this;
    }

    public Pendulum build() {
      return new Pendulum(this);
    }
  }
}
