package io.loopforge.modeling.sindy;

import java.util.Objects;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * A named function of one or several variables for {@link FeatureLibrary#custom}: its value, its
 * gradient (used by {@link SindyModel#jacobian}), and a name template in which {@code {0}}, {@code {1}},
 * … stand for the names of the arguments, e.g. {@code "exp({0})"} or {@code "{0} sin({1})"}.
 *
 * <p>When no gradient is given the gradient is approximated by central differences with step
 * {@code 1e-6 · max(1, |x|)}; give one when the model is used for MPC. Immutable when the given
 * functions are pure.
 */
public final class CustomFunction {
  /** The value of a function of {@code args.length} variables. */
  @FunctionalInterface
  public interface Body {
    double apply(double[] args);
  }

  /** Writes the partial derivatives of a function at {@code args} into {@code out}. */
  @FunctionalInterface
  public interface Gradient {
    void gradient(double[] args, double[] out);
  }

  private final String nameTemplate;
  private final int arity;
  private final Body body;
  private final Gradient gradient; // null: central differences

  private CustomFunction(String nameTemplate, int arity, Body body, Gradient gradient) {
    if (arity < 1) {
      throw new IllegalArgumentException("a custom function needs at least one argument, got arity " + arity);
    }
    this.nameTemplate = Objects.requireNonNull(nameTemplate, "nameTemplate");
    this.arity = arity;
    this.body = Objects.requireNonNull(body, "body");
    this.gradient = gradient;
  }

  /** A function of one variable with its derivative (or {@code null} for central differences). */
  public static CustomFunction of(String nameTemplate, DoubleUnaryOperator f, DoubleUnaryOperator df) {
    Objects.requireNonNull(f, "f");
    return new CustomFunction(
        nameTemplate, 1, a -> f.applyAsDouble(a[0]), df == null ? null : (a, g) -> g[0] = df.applyAsDouble(a[0]));
  }

  /** A function of two variables with its partial derivatives (or {@code null}s for central differences). */
  public static CustomFunction of(
      String nameTemplate, DoubleBinaryOperator f, DoubleBinaryOperator dfdx, DoubleBinaryOperator dfdy) {
    Objects.requireNonNull(f, "f");
    Gradient g = null;
    if (dfdx != null && dfdy != null) {
      g = (a, out) -> {
        out[0] = dfdx.applyAsDouble(a[0], a[1]);
        out[1] = dfdy.applyAsDouble(a[0], a[1]);
      };
    }
    return new CustomFunction(nameTemplate, 2, a -> f.applyAsDouble(a[0], a[1]), g);
  }

  /** A function of {@code arity} variables with its gradient (or {@code null} for central differences). */
  public static CustomFunction of(String nameTemplate, int arity, Body body, Gradient gradient) {
    return new CustomFunction(nameTemplate, arity, body, gradient);
  }

  public int arity() {
    return arity;
  }

  public String nameTemplate() {
    return nameTemplate;
  }

  /** The term name for arguments named {@code argNames}. */
  public String name(java.util.List<String> argNames) {
    String s = nameTemplate;
    for (int i = 0; i < argNames.size(); i++) {
      s = s.replace("{" + i + "}", argNames.get(i));
    }
    return s;
  }

  double apply(double[] args) {
    return body.apply(args);
  }

  /** Writes the gradient into {@code out}; {@code args} is restored before returning. */
  void gradient(double[] args, double[] out) {
    if (gradient != null) {
      gradient.gradient(args, out);
      return;
    }
    for (int i = 0; i < arity; i++) {
      double xi = args[i];
      double h = 1e-6 * Math.max(1.0, Math.abs(xi));
      args[i] = xi + h;
      double fp = body.apply(args);
      args[i] = xi - h;
      double fm = body.apply(args);
      args[i] = xi;
      out[i] = (fp - fm) / (2 * h);
    }
  }

  @Override
  public String toString() {
    return "CustomFunction[" + nameTemplate + ", arity " + arity + "]";
  }
}
