package io.loopforge.modeling.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A sparse polynomial feedback law with input saturation, e.g. a policy distilled from MPC by STLSQ (as
 * SINDy-RL does):
 *
 * <pre>
 *   z = [x; reference]                                   (width nx + nr)
 *   m_t = Π_j z_j^e[t][j]                                monomial t, e[t] its exponents (m = 1 for all-zero)
 *   u_i = sat(Σ_t c[i][t] · m_t)                         nu inputs, t = 0 … terms−1
 * </pre>
 *
 * Only terms with a non-zero coefficient for some input are kept. Evaluation order (the generated code
 * keeps it, in float32): for each term, the monomial is the product of its factors z_j, j ascending, each
 * repeated e[t][j] times, starting from 1; for each input, {@code acc = 0; acc += c[i][t] · m_t} in term
 * order. Units: the plant's. Immutable and thread-safe.
 */
public final class PolynomialPolicy implements Policy {
  private final List<String> stateNames;
  private final List<String> inputNames;
  private final List<String> referenceNames;
  private final double dt;
  private final int[][] exponents;
  private final double[][] coefficients;
  private final InputBounds bounds;

  private PolynomialPolicy(List<String> stateNames, List<String> inputNames, List<String> referenceNames, double dt,
      int[][] exponents, double[][] coefficients, InputBounds bounds) {
    if (stateNames.isEmpty() || inputNames.isEmpty()) {
      throw new IllegalArgumentException("a policy needs at least one state and one input");
    }
    if (!(dt > 0) || Double.isInfinite(dt)) {
      throw new IllegalArgumentException("dt must be positive and finite, got " + dt);
    }
    this.stateNames = List.copyOf(stateNames);
    this.inputNames = List.copyOf(inputNames);
    this.referenceNames = List.copyOf(referenceNames);
    this.dt = dt;
    int nz = stateNames.size() + referenceNames.size();
    int nu = inputNames.size();
    if (coefficients.length != nu) {
      throw new IllegalArgumentException("the coefficients have " + coefficients.length + " rows, expected one per input ("
          + nu + ")");
    }
    this.exponents = new int[exponents.length][];
    for (int t = 0; t < exponents.length; t++) {
      if (exponents[t].length != nz) {
        throw new IllegalArgumentException("term " + t + " has " + exponents[t].length + " exponents, expected one per"
            + " state and reference entry (" + nz + ")");
      }
      for (int e : exponents[t]) {
        if (e < 0 || e > 16) {
          throw new IllegalArgumentException("term " + t + " has exponent " + e + "; exponents must be in 0 … 16");
        }
      }
      this.exponents[t] = exponents[t].clone();
    }
    this.coefficients = new double[nu][];
    for (int i = 0; i < nu; i++) {
      if (coefficients[i].length != exponents.length) {
        throw new IllegalArgumentException("coefficient row " + i + " has " + coefficients[i].length
            + " entries, expected one per term (" + exponents.length + ")");
      }
      for (double c : coefficients[i]) {
        if (!Double.isFinite(c)) {
          throw new IllegalArgumentException("coefficient row " + i + " holds a non-finite entry (" + c + ")");
        }
      }
      this.coefficients[i] = coefficients[i].clone();
    }
    this.bounds = bounds == null ? InputBounds.unbounded(nu) : bounds;
    if (this.bounds.size() != nu) {
      throw new IllegalArgumentException("bounds for " + this.bounds.size() + " inputs, the policy has " + nu);
    }
  }

  /**
   * A polynomial policy.
   *
   * @param exponents terms × (nx + nr) exponents of z = [x; reference]
   * @param coefficients nu × terms
   * @param bounds saturation limits, null for none
   * @throws IllegalArgumentException when the shapes disagree or a number is not finite
   */
  public static PolynomialPolicy of(List<String> stateNames, List<String> inputNames, List<String> referenceNames,
      double dt, int[][] exponents, double[][] coefficients, InputBounds bounds) {
    return new PolynomialPolicy(stateNames, inputNames, referenceNames, dt, exponents, coefficients, bounds);
  }

  @Override
  public List<String> stateNames() {
    return stateNames;
  }

  @Override
  public List<String> inputNames() {
    return inputNames;
  }

  @Override
  public List<String> referenceNames() {
    return referenceNames;
  }

  @Override
  public double dt() {
    return dt;
  }

  @Override
  public InputBounds inputBounds() {
    return bounds;
  }

  public int termCount() {
    return exponents.length;
  }

  /** Exponents of term {@code t} over z = [x; reference] (a copy). */
  public int[] exponents(int t) {
    return exponents[t].clone();
  }

  /** Coefficients of input {@code i}, one per term (a copy). */
  public double[] coefficients(int i) {
    return coefficients[i].clone();
  }

  /** Non-zero coefficients over all inputs. */
  public int nonZeros() {
    int n = 0;
    for (double[] row : coefficients) {
      for (double v : row) {
        n += v != 0 ? 1 : 0;
      }
    }
    return n;
  }

  /** Highest total degree of a term (0 for none). */
  public int degree() {
    int d = 0;
    for (int[] e : exponents) {
      d = Math.max(d, Arrays.stream(e).sum());
    }
    return d;
  }

  /** Term {@code t} as text, e.g. {@code pole_angle^2 cart_velocity}, or {@code 1}. */
  public String termName(int t) {
    List<String> z = new ArrayList<>(stateNames);
    z.addAll(referenceNames);
    StringBuilder s = new StringBuilder();
    for (int j = 0; j < z.size(); j++) {
      int e = exponents[t][j];
      if (e > 0) {
        s.append(s.length() == 0 ? "" : " ").append(z.get(j)).append(e > 1 ? "^" + e : "");
      }
    }
    return s.length() == 0 ? "1" : s.toString();
  }

  /** The law as text, one line per input, e.g. {@code force = +3.1 cart_position -40.2 pole_angle}. */
  public String equations() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < inputNames.size(); i++) {
      s.append(inputNames.get(i)).append(" =");
      boolean any = false;
      for (int t = 0; t < exponents.length; t++) {
        double c = coefficients[i][t];
        if (c != 0) {
          s.append(String.format(java.util.Locale.ROOT, " %+.6g %s", c, termName(t)));
          any = true;
        }
      }
      s.append(any ? "" : " 0").append('\n');
    }
    return s.toString();
  }

  @Override
  public void control(double[] x, double[] reference, double[] u) {
    int nx = stateNames.size();
    if (x.length != nx || reference.length != referenceNames.size() || u.length != inputNames.size()) {
      throw new IllegalArgumentException("control: expected state " + nx + ", reference " + referenceNames.size()
          + " and input " + inputNames.size() + " values, got " + x.length + ", " + reference.length + " and "
          + u.length);
    }
    java.util.Arrays.fill(u, 0.0);
    for (int t = 0; t < exponents.length; t++) {
      double m = 1;
      int[] e = exponents[t];
      for (int j = 0; j < e.length; j++) {
        double v = j < nx ? x[j] : reference[j - nx];
        for (int k = 0; k < e[j]; k++) {
          m *= v;
        }
      }
      for (int i = 0; i < u.length; i++) {
        u[i] += coefficients[i][t] * m;
      }
    }
    for (int i = 0; i < u.length; i++) {
      u[i] = bounds.clamp(i, u[i]);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof PolynomialPolicy)) {
      return false;
    }
    PolynomialPolicy p = (PolynomialPolicy) o;
    return stateNames.equals(p.stateNames) && inputNames.equals(p.inputNames)
        && referenceNames.equals(p.referenceNames) && Double.compare(dt, p.dt) == 0
        && Arrays.deepEquals(exponents, p.exponents) && Arrays.deepEquals(coefficients, p.coefficients)
        && bounds.equals(p.bounds);
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(coefficients);
  }

  @Override
  public String toString() {
    return "PolynomialPolicy[" + exponents.length + " terms, degree " + degree() + ", " + nonZeros()
        + " non-zero coefficients, dt " + dt + " s]";
  }
}
