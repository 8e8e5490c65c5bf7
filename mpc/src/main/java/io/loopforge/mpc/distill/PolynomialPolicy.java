package io.loopforge.mpc.distill;

import io.loopforge.modeling.policy.Controller;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.sindy.BoundLibrary;
import java.util.ArrayList;
import java.util.List;

/**
 * A sparse polynomial feedback law with input saturation, {@code u = sat(Ξ Θ([x; x_ref]))}: Θ a polynomial
 * library of state and reference, Ξ (nu × terms) mostly zero (fitted by STLSQ, as SINDy-RL distils its
 * policies). States, references and inputs in the plant's units. Not thread-safe (the library evaluates
 * into scratch arrays): one instance per closed loop.
 */
public final class PolynomialPolicy implements Controller {
  private final List<String> stateNames;
  private final List<String> inputNames;
  private final List<String> referenceNames;
  private final double dt;
  private final BoundLibrary library;
  private final double[][] coefficients;
  private final InputBounds bounds;
  private final double[] z;
  private final double[] terms;

  PolynomialPolicy(List<String> stateNames, List<String> inputNames, double dt, BoundLibrary library,
      double[][] coefficients, InputBounds bounds) {
    this.stateNames = List.copyOf(stateNames);
    this.inputNames = List.copyOf(inputNames);
    List<String> refs = new ArrayList<>();
    for (String s : stateNames) {
      refs.add(s + "_ref");
    }
    this.referenceNames = List.copyOf(refs);
    this.dt = dt;
    this.library = library;
    this.coefficients = new double[coefficients.length][];
    for (int i = 0; i < coefficients.length; i++) {
      this.coefficients[i] = coefficients[i].clone();
    }
    this.bounds = bounds;
    this.z = new double[2 * stateNames.size()];
    this.terms = new double[library.size()];
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

  public InputBounds inputBounds() {
    return bounds;
  }

  /** Names of the library's terms, in the order of the coefficients' columns. */
  public List<String> termNames() {
    return library.featureNames();
  }

  /** Ξ, nu × terms (a copy). */
  public double[][] coefficients() {
    double[][] c = new double[coefficients.length][];
    for (int i = 0; i < c.length; i++) {
      c[i] = coefficients[i].clone();
    }
    return c;
  }

  /** Non-zero coefficients over all inputs. */
  public int nonZeros() {
    int n = 0;
    for (double[] row : coefficients) {
      for (double v : row) {
        if (v != 0) {
          n++;
        }
      }
    }
    return n;
  }

  @Override
  public void control(double[] x, double[] reference, double[] u) {
    int nx = stateNames.size();
    System.arraycopy(x, 0, z, 0, nx);
    System.arraycopy(reference, 0, z, nx, nx);
    library.evaluate(z, terms);
    for (int i = 0; i < u.length; i++) {
      double acc = 0;
      double[] row = coefficients[i];
      for (int t = 0; t < row.length; t++) {
        if (row[t] != 0) {
          acc += row[t] * terms[t];
        }
      }
      u[i] = bounds.clamp(i, acc);
    }
  }

  /** The law as text, e.g. {@code force = -3.1 cart_position + 40.2 pole_angle …}. */
  public String equations() {
    StringBuilder s = new StringBuilder();
    List<String> names = termNames();
    for (int i = 0; i < coefficients.length; i++) {
      s.append(inputNames.get(i)).append(" =");
      boolean any = false;
      for (int t = 0; t < names.size(); t++) {
        double c = coefficients[i][t];
        if (c != 0) {
          s.append(String.format(java.util.Locale.ROOT, " %+.6g %s", c, names.get(t)));
          any = true;
        }
      }
      if (!any) {
        s.append(" 0");
      }
      s.append('\n');
    }
    return s.toString();
  }

  @Override
  public String toString() {
    return "PolynomialPolicy[" + nonZeros() + " of " + coefficients.length * library.size() + " terms, dt " + dt + " s]";
  }
}
