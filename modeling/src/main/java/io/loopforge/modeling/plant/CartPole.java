package io.loopforge.modeling.plant;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The force-limited cart-pole of Barto, Sutton and Anderson (1983), frictionless, with the corrected
 * equations of Florian (2007): a uniform pole of half-length l hinged on a cart moving on a line.
 * Catalog name {@code cartpole}.
 *
 * <pre>
 *   M = m_c + m_p,   q = (F + m_p·l·θ̇²·sin θ) / M
 *   θ̈ = (g·sin θ − cos θ·q) / (l·(4/3 − m_p·cos²θ / M))
 *   ẍ = q − m_p·l·θ̈·cos θ / M
 * </pre>
 *
 * <ul>
 *   <li>States: {@code cart_position} x (m), {@code pole_angle} θ (rad, <b>0 = upright</b>, positive
 *       when the pole leans towards +x), {@code cart_velocity} ẋ (m/s), {@code pole_angular_velocity}
 *       θ̇ (rad/s).
 *   <li>Input: {@code force} F on the cart along +x (N), bounds ±{@code forceLimit} (default ±10 N).
 *   <li>Parameters (defaults, those of Barto et al.): {@code cart_mass} m_c = 1 kg, {@code pole_mass}
 *       m_p = 0.1 kg, {@code pole_half_length} l = 0.5 m (pivot to centre of mass), {@code gravity}
 *       g = 9.8 m/s².
 *   <li>Default task: balance upright at x = 0, at rest, with F = 0. Default start: θ = 0.1 rad, at rest
 *       at x = 0.
 * </ul>
 */
public final class CartPole implements Plant {
  public static final String NAME = "cartpole";

  private final double cartMass;
  private final double poleMass;
  private final double halfLength;
  private final double gravity;
  private final double forceLimit;

  private CartPole(Builder b) {
    this.cartMass = ParameterChecks.positive(NAME, "cartMass", "kg", b.cartMass);
    this.poleMass = ParameterChecks.positive(NAME, "poleMass", "kg", b.poleMass);
    this.halfLength = ParameterChecks.positive(NAME, "poleHalfLength", "m", b.halfLength);
    this.gravity = ParameterChecks.nonNegative(NAME, "gravity", "m/s²", b.gravity);
    this.forceLimit = ParameterChecks.positive(NAME, "forceLimit", "N", b.forceLimit);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The plant with all default parameters. */
  public static CartPole withDefaults() {
    return builder().build();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Frictionless cart-pole (Barto 1983, Florian 2007 equations); pole_angle in rad with 0 = upright, "
        + "positions in m, velocities in m/s and rad/s, input force on the cart in N (|F| ≤ " + forceLimit + ").";
  }

  @Override
  public List<String> stateNames() {
    return List.of("cart_position", "pole_angle", "cart_velocity", "pole_angular_velocity");
  }

  @Override
  public List<String> inputNames() {
    return List.of("force");
  }

  @Override
  public void derivative(double[] x, double[] u, double[] dxOut) {
    double total = cartMass + poleMass;
    double s = Math.sin(x[1]);
    double c = Math.cos(x[1]);
    double w = x[3];
    double q = (u[0] + poleMass * halfLength * w * w * s) / total;
    double thetaAcc = (gravity * s - c * q) / (halfLength * (4.0 / 3.0 - poleMass * c * c / total));
    dxOut[0] = x[2];
    dxOut[1] = w;
    dxOut[2] = q - poleMass * halfLength * thetaAcc * c / total;
    dxOut[3] = thetaAcc;
  }

  @Override
  public void jacobian(double[] x, double[] u, double[][] a, double[][] b) {
    double total = cartMass + poleMass;
    double s = Math.sin(x[1]);
    double c = Math.cos(x[1]);
    double w = x[3];
    double ml = poleMass * halfLength;
    double q = (u[0] + ml * w * w * s) / total;
    double qTheta = ml * w * w * c / total;
    double qOmega = 2.0 * ml * w * s / total;
    double qForce = 1.0 / total;
    double den = halfLength * (4.0 / 3.0 - poleMass * c * c / total);
    double denTheta = halfLength * 2.0 * poleMass * c * s / total;
    double num = gravity * s - c * q;
    double numTheta = gravity * c + s * q - c * qTheta;
    double thetaAcc = num / den;
    double accTheta = (numTheta * den - num * denTheta) / (den * den);
    double accOmega = -c * qOmega / den;
    double accForce = -c * qForce / den;
    double k = ml / total;
    for (double[] row : a) {
      Arrays.fill(row, 0.0);
    }
    a[0][2] = 1.0;
    a[1][3] = 1.0;
    a[2][1] = qTheta - k * (accTheta * c - thetaAcc * s);
    a[2][3] = qOmega - k * c * accOmega;
    a[3][1] = accTheta;
    a[3][3] = accOmega;
    b[0][0] = 0.0;
    b[1][0] = 0.0;
    b[2][0] = qForce - k * c * accForce;
    b[3][0] = accForce;
  }

  @Override
  public double[] inputLower() {
    return new double[] {-forceLimit};
  }

  @Override
  public double[] inputUpper() {
    return new double[] {forceLimit};
  }

  /** Operating region: |cart_position| ≤ 2.4 m (the classic track), |pole_angle| ≤ 1 rad, |cart_velocity| ≤ 5 m/s, |pole_angular_velocity| ≤ 8 rad/s. */
  @Override
  public double[] stateLower() {
    return new double[] {-2.4, -1.0, -5.0, -8.0};
  }

  @Override
  public double[] stateUpper() {
    return new double[] {2.4, 1.0, 5.0, 8.0};
  }

  @Override
  public double[] defaultInitialState() {
    return new double[] {0.0, 0.1, 0.0, 0.0};
  }

  @Override
  public ControlTask defaultTask() {
    return new ControlTask(
        "balance the pole upright with the cart at x = 0", new double[] {0.0, 0.0, 0.0, 0.0}, new double[] {0.0});
  }

  /** {@code cart_mass} (kg), {@code pole_mass} (kg), {@code pole_half_length} (m), {@code gravity} (m/s²). */
  @Override
  public Map<String, Double> parameters() {
    Map<String, Double> p = new LinkedHashMap<>();
    p.put("cart_mass", cartMass);
    p.put("pole_mass", poleMass);
    p.put("pole_half_length", halfLength);
    p.put("gravity", gravity);
    return Collections.unmodifiableMap(p);
  }

  /** Cart mass, kg. */
  public double cartMass() {
    return cartMass;
  }

  /** Pole mass, kg. */
  public double poleMass() {
    return poleMass;
  }

  /** Half the pole length (pivot to centre of mass), m. */
  public double poleHalfLength() {
    return halfLength;
  }

  /** Gravitational acceleration, m/s². */
  public double gravity() {
    return gravity;
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
    private double poleMass = 0.1;
    private double halfLength = 0.5;
    private double gravity = 9.8;
    private double forceLimit = 10.0;

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

    /** Pivot to centre of mass, m, &gt; 0. */
    public Builder poleHalfLength(double halfLength) {
      this.halfLength = halfLength;
      return this;
    }

    /** m/s², ≥ 0. */
    public Builder gravity(double gravity) {
      this.gravity = gravity;
      return this;
    }

    /** N, &gt; 0. */
    public Builder forceLimit(double forceLimit) {
      this.forceLimit = forceLimit;
      return this;
    }

    public CartPole build() {
      return new CartPole(this);
    }
  }
}
