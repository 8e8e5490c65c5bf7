package io.loopforge.modeling.plant;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Lorenz system with a control input on the first equation: the SINDy-MPC benchmark (Kaiser, Kutz
 * and Brunton 2018). Catalog name {@code lorenz-control}. Quantities are dimensionless; time is in
 * the system's time unit (taken as seconds).
 *
 * <pre>
 *   ẋ = σ·(y − x) + u
 *   ẏ = x·(ρ − z) − y
 *   ż = x·y − β·z
 * </pre>
 *
 * <ul>
 *   <li>States: {@code x}, {@code y}, {@code z} (dimensionless).
 *   <li>Input: {@code u} (dimensionless, same units as ẋ), bounds ±{@code inputLimit} (default ±50).
 *   <li>Parameters (defaults): {@code sigma} σ = 10, {@code rho} ρ = 28, {@code beta} β = 8/3.
 *   <li>Default task: stabilise the fixed point C⁻ = (−√(β(ρ−1)), −√(β(ρ−1)), ρ−1) ≈ (−8.485, −8.485, 27)
 *       with u = 0 (it is an equilibrium of the uncontrolled system). Default start: (−8, 8, 27).
 * </ul>
 */
public final class LorenzControl implements Plant {
  public static final String NAME = "lorenz-control";

  private final double sigma;
  private final double rho;
  private final double beta;
  private final double inputLimit;

  private LorenzControl(Builder b) {
    this.sigma = ParameterChecks.finite(NAME, "sigma", "dimensionless", b.sigma);
    this.rho = ParameterChecks.finite(NAME, "rho", "dimensionless", b.rho);
    this.beta = ParameterChecks.finite(NAME, "beta", "dimensionless", b.beta);
    this.inputLimit = ParameterChecks.positive(NAME, "inputLimit", "dimensionless", b.inputLimit);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The plant with all default parameters. */
  public static LorenzControl withDefaults() {
    return builder().build();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Lorenz system (σ = " + sigma + ", ρ = " + rho + ", β = " + beta
        + ") with input u added to dx/dt; dimensionless states x, y, z.";
  }

  @Override
  public List<String> stateNames() {
    return List.of("x", "y", "z");
  }

  @Override
  public List<String> inputNames() {
    return List.of("u");
  }

  @Override
  public void derivative(double[] x, double[] u, double[] dxOut) {
    dxOut[0] = sigma * (x[1] - x[0]) + u[0];
    dxOut[1] = x[0] * (rho - x[2]) - x[1];
    dxOut[2] = x[0] * x[1] - beta * x[2];
  }

  @Override
  public void jacobian(double[] x, double[] u, double[][] a, double[][] b) {
    a[0][0] = -sigma;
    a[0][1] = sigma;
    a[0][2] = 0.0;
    a[1][0] = rho - x[2];
    a[1][1] = -1.0;
    a[1][2] = -x[0];
    a[2][0] = x[1];
    a[2][1] = x[0];
    a[2][2] = -beta;
    b[0][0] = 1.0;
    b[1][0] = 0.0;
    b[2][0] = 0.0;
  }

  @Override
  public double[] inputLower() {
    return new double[] {-inputLimit};
  }

  @Override
  public double[] inputUpper() {
    return new double[] {inputLimit};
  }

  @Override
  public double[] defaultInitialState() {
    return new double[] {-8.0, 8.0, 27.0};
  }

  /** The fixed point C⁻; NaN components when β(ρ − 1) &lt; 0 (then only the origin is a fixed point). */
  @Override
  public ControlTask defaultTask() {
    double r = Math.sqrt(beta * (rho - 1.0));
    return new ControlTask("stabilise the fixed point (-sqrt(beta(rho-1)), -sqrt(beta(rho-1)), rho-1)",
        new double[] {-r, -r, rho - 1.0}, new double[] {0.0});
  }

  /** {@code sigma}, {@code rho}, {@code beta} (dimensionless). */
  @Override
  public Map<String, Double> parameters() {
    Map<String, Double> p = new LinkedHashMap<>();
    p.put("sigma", sigma);
    p.put("rho", rho);
    p.put("beta", beta);
    return Collections.unmodifiableMap(p);
  }

  public double sigma() {
    return sigma;
  }

  public double rho() {
    return rho;
  }

  public double beta() {
    return beta;
  }

  /** Input bound (dimensionless). */
  public double inputLimit() {
    return inputLimit;
  }

  @Override
  public String toString() {
    return NAME + parameters();
  }

  /** Parameters with the defaults given in the class Javadoc. */
  public static final class Builder {
    private double sigma = 10.0;
    private double rho = 28.0;
    private double beta = 8.0 / 3.0;
    private double inputLimit = 50.0;

    private Builder() {}

    public Builder sigma(double sigma) {
      this.sigma = sigma;
      return this;
    }

    public Builder rho(double rho) {
      this.rho = rho;
      return this;
    }

    public Builder beta(double beta) {
      this.beta = beta;
      return this;
    }

    /** &gt; 0. */
    public Builder inputLimit(double inputLimit) {
      this.inputLimit = inputLimit;
      return this;
    }

    public LorenzControl build() {
      return new LorenzControl(this);
    }
  }
}
