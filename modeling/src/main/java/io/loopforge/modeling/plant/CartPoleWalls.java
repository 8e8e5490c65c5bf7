package io.loopforge.modeling.plant;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cart-pole balanced between two soft walls: the piecewise-affine benchmark for mixed-integer control
 * (Deits, Marcucci and Tedrake's "cart-pole with walls"; also used by Liu et al. 2023). Catalog name
 * {@code cartpole-walls}.
 *
 * <p><b>Model: the pole is linearised about upright</b> (sin θ ≈ θ, cos θ ≈ 1, θ̇² terms dropped), so
 * the dynamics are exactly piecewise affine with three modes (no contact, left wall, right wall). The
 * pole is a massless rod of length l with a point mass m_p at its tip. The tip is at horizontal position
 * {@code p = x + l·θ}; walls stand at ±d. While the tip penetrates a wall a spring pushes it back with
 * {@code f = −k_wall·(p − d)} for {@code p > d}, {@code f = k_wall·(−d − p)} for {@code p < −d}, else
 * {@code f = 0} (f in N along +x, acting on the tip only; walls never pull).
 *
 * <pre>
 *   ẍ = (F − m_p·g·θ) / m_c
 *   θ̈ = (m_c + m_p)·g·θ / (m_c·l) − F / (m_c·l) + f / (m_p·l)
 * </pre>
 *
 * (The wall force cancels out of the cart's acceleration in the linearised model.) Valid near upright,
 * roughly |θ| ≤ 0.3 rad.
 *
 * <ul>
 *   <li>States: {@code cart_position} x (m), {@code pole_angle} θ (rad, <b>0 = upright</b>, positive
 *       when the tip leans towards +x), {@code cart_velocity} ẋ (m/s), {@code pole_angular_velocity} θ̇
 *       (rad/s).
 *   <li>Input: {@code force} F on the cart along +x (N), bounds ±{@code forceLimit} (default ±20 N).
 *   <li>Parameters (defaults): {@code cart_mass} m_c = 1 kg, {@code pole_mass} m_p = 1 kg,
 *       {@code pole_length} l = 1 m (pivot to tip mass), {@code gravity} g = 9.81 m/s²,
 *       {@code wall_distance} d = 0.5 m, {@code wall_stiffness} k_wall = 100 N/m.
 *   <li>Default task: balance upright at x = 0, at rest, with F = 0. Default start: θ = 0.2 rad at rest
 *       at x = 0 (uncontrolled, the pole falls into the right wall and bounces).
 * </ul>
 */
public final class CartPoleWalls implements Plant {
  public static final String NAME = "cartpole-walls";

  private final double cartMass;
  private final double poleMass;
  private final double length;
  private final double gravity;
  private final double wallDistance;
  private final double wallStiffness;
  private final double forceLimit;

  private CartPoleWalls(Builder b) {
    this.cartMass = ParameterChecks.positive(NAME, "cartMass", "kg", b.cartMass);
    this.poleMass = ParameterChecks.positive(NAME, "poleMass", "kg", b.poleMass);
    this.length = ParameterChecks.positive(NAME, "poleLength", "m", b.length);
    this.gravity = ParameterChecks.nonNegative(NAME, "gravity", "m/s²", b.gravity);
    this.wallDistance = ParameterChecks.positive(NAME, "wallDistance", "m", b.wallDistance);
    this.wallStiffness = ParameterChecks.nonNegative(NAME, "wallStiffness", "N/m", b.wallStiffness);
    this.forceLimit = ParameterChecks.positive(NAME, "forceLimit", "N", b.forceLimit);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The plant with all default parameters. */
  public static CartPoleWalls withDefaults() {
    return builder().build();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Cart-pole linearised about upright between two soft walls at ±" + wallDistance + " m (stiffness "
        + wallStiffness + " N/m, acting on the pole tip); piecewise affine with 3 modes. pole_angle in rad with "
        + "0 = upright, positions in m, velocities in m/s and rad/s, input force on the cart in N.";
  }

  @Override
  public List<String> stateNames() {
    return List.of("cart_position", "pole_angle", "cart_velocity", "pole_angular_velocity");
  }

  @Override
  public List<String> inputNames() {
    return List.of("force");
  }

  /** Horizontal position of the pole tip (linearised), m. */
  public double tipPosition(double[] x) {
    return x[0] + length * x[1];
  }

  /**
   * Which wall the tip penetrates: −1 left (tip below −d), +1 right (tip above +d), 0 none (touching
   * counts as none).
   */
  public int contactMode(double[] x) {
    double p = tipPosition(x);
    return p > wallDistance ? 1 : p < -wallDistance ? -1 : 0;
  }

  /** Wall force on the pole tip along +x, N: zero between the walls, a restoring spring force beyond. */
  public double wallForce(double[] x) {
    double p = tipPosition(x);
    if (p > wallDistance) {
      return -wallStiffness * (p - wallDistance);
    }
    if (p < -wallDistance) {
      return wallStiffness * (-wallDistance - p);
    }
    return 0.0;
  }

  @Override
  public void derivative(double[] x, double[] u, double[] dxOut) {
    double f = wallForce(x);
    dxOut[0] = x[2];
    dxOut[1] = x[3];
    dxOut[2] = (u[0] - poleMass * gravity * x[1]) / cartMass;
    dxOut[3] = (cartMass + poleMass) * gravity * x[1] / (cartMass * length) - u[0] / (cartMass * length)
        + f / (poleMass * length);
  }

  /** Exact in each mode; on a wall boundary (tip exactly at ±d) the no-contact mode's matrices. */
  @Override
  public void jacobian(double[] x, double[] u, double[][] a, double[][] b) {
    double contact = contactMode(x) == 0 ? 0.0 : wallStiffness;
    for (double[] row : a) {
      Arrays.fill(row, 0.0);
    }
    a[0][2] = 1.0;
    a[1][3] = 1.0;
    a[2][1] = -poleMass * gravity / cartMass;
    a[3][0] = -contact / (poleMass * length);
    a[3][1] = (cartMass + poleMass) * gravity / (cartMass * length) - contact / poleMass;
    b[0][0] = 0.0;
    b[1][0] = 0.0;
    b[2][0] = 1.0 / cartMass;
    b[3][0] = -1.0 / (cartMass * length);
  }

  @Override
  public double[] inputLower() {
    return new double[] {-forceLimit};
  }

  @Override
  public double[] inputUpper() {
    return new double[] {forceLimit};
  }

  /** Operating region: |cart_position| ≤ 1 m, |pole_angle| ≤ 0.6 rad (the pole is linearised; the walls at ±d bound the tip), |cart_velocity| ≤ 4 m/s, |pole_angular_velocity| ≤ 6 rad/s. */
  @Override
  public double[] stateLower() {
    return new double[] {-1.0, -0.6, -4.0, -6.0};
  }

  @Override
  public double[] stateUpper() {
    return new double[] {1.0, 0.6, 4.0, 6.0};
  }

  @Override
  public double[] defaultInitialState() {
    return new double[] {0.0, 0.2, 0.0, 0.0};
  }

  @Override
  public ControlTask defaultTask() {
    return new ControlTask("balance the pole upright with the cart centred between the walls",
        new double[] {0.0, 0.0, 0.0, 0.0}, new double[] {0.0});
  }

  /**
   * {@code cart_mass} (kg), {@code pole_mass} (kg), {@code pole_length} (m), {@code gravity} (m/s²),
   * {@code wall_distance} (m), {@code wall_stiffness} (N/m).
   */
  @Override
  public Map<String, Double> parameters() {
    Map<String, Double> p = new LinkedHashMap<>();
    p.put("cart_mass", cartMass);
    p.put("pole_mass", poleMass);
    p.put("pole_length", length);
    p.put("gravity", gravity);
    p.put("wall_distance", wallDistance);
    p.put("wall_stiffness", wallStiffness);
    return Collections.unmodifiableMap(p);
  }

  /** Cart mass, kg. */
  public double cartMass() {
    return cartMass;
  }

  /** Tip mass, kg. */
  public double poleMass() {
    return poleMass;
  }

  /** Pivot to tip, m. */
  public double poleLength() {
    return length;
  }

  /** Gravitational acceleration, m/s². */
  public double gravity() {
    return gravity;
  }

  /** Distance of each wall from the track origin, m. */
  public double wallDistance() {
    return wallDistance;
  }

  /** Wall spring stiffness, N/m. */
  public double wallStiffness() {
    return wallStiffness;
  }

  /** Force bound, N. */
  public double forceLimit() {
    return forceLimit;
  }

  @Override
  public String toString() {
    return NAME + parameters();
  }

  /** Parameters with the defaults given in the class Javadoc. */
  public static final class Builder {
    private double cartMass = 1.0;
    private double poleMass = 1.0;
    private double length = 1.0;
    private double gravity = 9.81;
    private double wallDistance = 0.5;
    private double wallStiffness = 100.0;
    private double forceLimit = 20.0;

    private Builder() {}

    /** kg, &gt; 0. */
    public Builder cartMass(double cartMass) {
      this.cartMass = cartMass;
      return this;
    }

    /** kg, &gt; 0. */
    public Builder poleMass(double poleMass) {
      this.poleMass = poleMass;
      return this;
    }

    /** Pivot to tip mass, m, &gt; 0. */
    public Builder poleLength(double length) {
      this.length = length;
      return this;
    }

    /** m/s², ≥ 0. */
    public Builder gravity(double gravity) {
      this.gravity = gravity;
      return this;
    }

    /** m, &gt; 0. */
    public Builder wallDistance(double wallDistance) {
      this.wallDistance = wallDistance;
      return this;
    }

    /** N/m, ≥ 0. */
    public Builder wallStiffness(double wallStiffness) {
      this.wallStiffness = wallStiffness;
      return this;
    }

    /** N, &gt; 0. */
    public Builder forceLimit(double forceLimit) {
      this.forceLimit = forceLimit;
      return this;
    }

    public CartPoleWalls build() {
      return new CartPoleWalls(this);
    }
  }
}
