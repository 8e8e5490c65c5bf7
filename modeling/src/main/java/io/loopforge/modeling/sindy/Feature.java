package io.loopforge.modeling.sindy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One library term Θ_t(z) of a SINDy model, as a typed product of factors of the sample
 * {@code z = [x, u]} (states, then inputs; a factor names its variables by their index in z):
 *
 * <ul>
 *   <li>{@link Power}: {@code z_v^e}, e ≥ 1;
 *   <li>{@link Sin}, {@link Cos}: {@code sin(k z_v)}, {@code cos(k z_v)}, k ≥ 1;
 *   <li>{@link Custom}: a named user function of one or several variables ({@link CustomFunction}), or one
 *       of its partial derivatives.
 * </ul>
 *
 * <p>The empty product is the constant term {@code 1}. The factors are in a canonical order: powers by
 * variable (each variable at most once, its exponents merged), then sines and cosines by variable, sine
 * before cosine, then by multiple, then custom functions in library order. So equal products from
 * different libraries (the tensor product {@code x0 * x0} and the polynomial {@code x0^2}) have equal
 * factor lists.
 *
 * <p>{@link #derivative(int)} is the exact symbolic partial derivative, a sum of scaled features;
 * {@link #value} and {@link #gradient} evaluate in double. This is the view code generation and the
 * planners read; the term's {@link #name()} is PySINDy's and is only printed, never parsed.
 * Immutable.
 */
public final class Feature {
  /** A factor of a feature; {@code value(z)} evaluates it at a sample z = [x, u]. */
  public sealed interface Factor permits Power, Sin, Cos, Custom {
    double value(double[] z);
  }

  /** {@code z[variable]^exponent}, exponent ≥ 1. */
  public record Power(int variable, int exponent) implements Factor {
    public Power {
      if (variable < 0 || exponent < 1) {
        throw new IllegalArgumentException("power needs a variable index >= 0 and an exponent >= 1, got z"
            + variable + "^" + exponent);
      }
    }

    @Override
    public double value(double[] z) {
      return pow(z[variable], exponent);
    }
  }

  /** {@code sin(multiple · z[variable])}, multiple ≥ 1. */
  public record Sin(int variable, int multiple) implements Factor {
    public Sin {
      checkTrig(variable, multiple);
    }

    @Override
    public double value(double[] z) {
      return Math.sin(multiple * z[variable]);
    }
  }

  /** {@code cos(multiple · z[variable])}, multiple ≥ 1. */
  public record Cos(int variable, int multiple) implements Factor {
    public Cos {
      checkTrig(variable, multiple);
    }

    @Override
    public double value(double[] z) {
      return Math.cos(multiple * z[variable]);
    }
  }

  /**
   * A user function of {@code variables} (z indices, in argument order), or with {@code partial ≥ 0} its
   * partial derivative with respect to argument {@code partial} (from the function's gradient, exact when
   * the function was given one).
   */
  public record Custom(CustomFunction function, List<Integer> variables, int partial) implements Factor {
    public Custom {
      Objects.requireNonNull(function, "function");
      variables = List.copyOf(variables);
      if (variables.size() != function.arity()) {
        throw new IllegalArgumentException(function + " takes " + function.arity() + " arguments, got "
            + variables.size());
      }
      if (partial < -1 || partial >= variables.size()) {
        throw new IllegalArgumentException("partial must be -1 (the function) or an argument index, got " + partial);
      }
    }

    /** Whether this is the function itself rather than one of its partial derivatives. */
    public boolean isFunction() {
      return partial < 0;
    }

    @Override
    public double value(double[] z) {
      double[] args = new double[variables.size()];
      for (int k = 0; k < args.length; k++) {
        args[k] = z[variables.get(k)];
      }
      if (partial < 0) {
        return function.apply(args);
      }
      double[] g = new double[args.length];
      function.gradient(args, g);
      return g[partial];
    }
  }

  /** {@code coefficient · feature}: one summand of a {@link #derivative}. */
  public record Scaled(double coefficient, Feature feature) {
    public Scaled {
      Objects.requireNonNull(feature, "feature");
    }
  }

  private static final Comparator<Factor> TRIG_ORDER = Comparator
      .comparingInt((Factor f) -> f instanceof Sin ? ((Sin) f).variable() : ((Cos) f).variable())
      .thenComparingInt(f -> f instanceof Sin ? 0 : 1)
      .thenComparingInt(f -> f instanceof Sin ? ((Sin) f).multiple() : ((Cos) f).multiple());

  private final String name;
  private final List<Factor> factors;

  private Feature(String name, List<Factor> factors) {
    this.name = Objects.requireNonNull(name, "name");
    this.factors = List.copyOf(factors);
  }

  /** A feature named {@code name} equal to the product of {@code factors} (put in canonical order). */
  public static Feature of(String name, List<? extends Factor> factors) {
    return new Feature(name, canonical(factors));
  }

  /** PySINDy's name of the term, e.g. {@code x0 x1^2} or {@code sin(1 x0)}; for printing only. */
  public String name() {
    return name;
  }

  /** The factors in canonical order (see the class doc); empty for the constant term. */
  public List<Factor> factors() {
    return factors;
  }

  /** Whether the feature is the constant {@code 1}. */
  public boolean isConstant() {
    return factors.isEmpty();
  }

  /** The exponent of {@code z[variable]} in the feature's power factors (0 when absent). */
  public int exponent(int variable) {
    for (Factor f : factors) {
      if (f instanceof Power && ((Power) f).variable() == variable) {
        return ((Power) f).exponent();
      }
    }
    return 0;
  }

  /** Total degree of the power factors. */
  public int degree() {
    int d = 0;
    for (Factor f : factors) {
      if (f instanceof Power) {
        d += ((Power) f).exponent();
      }
    }
    return d;
  }

  /** Whether some factor depends on {@code z[variable]}. */
  public boolean dependsOn(int variable) {
    for (Factor f : factors) {
      if (variableOf(f, variable)) {
        return true;
      }
    }
    return false;
  }

  /** Θ_t(z), the product of the factors left to right. */
  public double value(double[] z) {
    double v = 1.0;
    for (Factor f : factors) {
      v *= f.value(z);
    }
    return v;
  }

  /** Writes {@code ∂Θ_t/∂z_j} for every j into {@code out} (length {@code z.length}). */
  public void gradient(double[] z, double[] out) {
    for (int j = 0; j < out.length; j++) {
      double g = 0.0;
      if (dependsOn(j)) {
        for (Scaled s : derivative(j)) {
          g += s.coefficient() * s.feature().value(z);
        }
      }
      out[j] = g;
    }
  }

  /**
   * The exact partial derivative {@code ∂Θ_t/∂z_variable} as a sum of scaled features (product rule;
   * {@code d z^e = e z^(e-1)}, {@code d sin(k z) = k cos(k z)}, {@code d cos(k z) = -k sin(k z)}, custom
   * functions through their partial derivatives). Empty when the feature does not depend on the
   * variable. The summands' names are formed from their factors (variables as {@code z0, z1, …}).
   *
   * @throws UnsupportedOperationException for a second derivative of a custom function
   */
  public List<Scaled> derivative(int variable) {
    List<Scaled> out = new ArrayList<>();
    for (int i = 0; i < factors.size(); i++) {
      Factor f = factors.get(i);
      if (!variableOf(f, variable)) {
        continue;
      }
      List<Factor> rest = new ArrayList<>(factors);
      rest.remove(i);
      if (f instanceof Power) {
        Power p = (Power) f;
        if (p.exponent() > 1) {
          rest.add(new Power(p.variable(), p.exponent() - 1));
        }
        out.add(new Scaled(p.exponent(), derived(rest)));
      } else if (f instanceof Sin) {
        Sin s = (Sin) f;
        rest.add(new Cos(s.variable(), s.multiple()));
        out.add(new Scaled(s.multiple(), derived(rest)));
      } else if (f instanceof Cos) {
        Cos c = (Cos) f;
        rest.add(new Sin(c.variable(), c.multiple()));
        out.add(new Scaled(-c.multiple(), derived(rest)));
      } else {
        Custom c = (Custom) f;
        if (!c.isFunction()) {
          throw new UnsupportedOperationException("second derivatives of the custom function " + c.function()
              + " are not available");
        }
        for (int k = 0; k < c.variables().size(); k++) {
          if (c.variables().get(k) == variable) {
            List<Factor> r = new ArrayList<>(rest);
            r.add(new Custom(c.function(), c.variables(), k));
            out.add(new Scaled(1.0, derived(r)));
          }
        }
      }
    }
    return out;
  }

  private static Feature derived(List<Factor> factors) {
    List<Factor> c = canonical(factors);
    return new Feature(describe(c), c);
  }

  /** A name for a product of factors, variables written {@code z0, z1, …}. */
  static String describe(List<Factor> factors) {
    if (factors.isEmpty()) {
      return "1";
    }
    StringBuilder s = new StringBuilder();
    for (Factor f : factors) {
      if (s.length() > 0) {
        s.append(' ');
      }
      if (f instanceof Power) {
        Power p = (Power) f;
        s.append('z').append(p.variable()).append(p.exponent() == 1 ? "" : "^" + p.exponent());
      } else if (f instanceof Sin) {
        s.append("sin(").append(((Sin) f).multiple()).append(" z").append(((Sin) f).variable()).append(')');
      } else if (f instanceof Cos) {
        s.append("cos(").append(((Cos) f).multiple()).append(" z").append(((Cos) f).variable()).append(')');
      } else {
        Custom c = (Custom) f;
        List<String> args = new ArrayList<>();
        for (int v : c.variables()) {
          args.add("z" + v);
        }
        String call = c.function().name(args);
        s.append(c.isFunction() ? call : "d" + (c.partial() + 1) + "[" + call + "]");
      }
    }
    return s.toString();
  }

  /** Powers merged per variable and sorted, then trig factors sorted, then custom factors in order. */
  static List<Factor> canonical(List<? extends Factor> factors) {
    int maxVar = -1;
    for (Factor f : factors) {
      if (f instanceof Power) {
        maxVar = Math.max(maxVar, ((Power) f).variable());
      }
    }
    int[] exp = new int[maxVar + 1];
    List<Factor> trig = new ArrayList<>();
    List<Factor> custom = new ArrayList<>();
    for (Factor f : Objects.requireNonNull(factors, "factors")) {
      if (f instanceof Power) {
        exp[((Power) f).variable()] += ((Power) f).exponent();
      } else if (f instanceof Sin || f instanceof Cos) {
        trig.add(f);
      } else {
        custom.add(Objects.requireNonNull(f, "factor"));
      }
    }
    trig.sort(TRIG_ORDER);
    List<Factor> out = new ArrayList<>(factors.size());
    for (int v = 0; v < exp.length; v++) {
      if (exp[v] > 0) {
        out.add(new Power(v, exp[v]));
      }
    }
    out.addAll(trig);
    out.addAll(custom);
    return out;
  }

  private static boolean variableOf(Factor f, int variable) {
    if (f instanceof Power) {
      return ((Power) f).variable() == variable;
    } else if (f instanceof Sin) {
      return ((Sin) f).variable() == variable;
    } else if (f instanceof Cos) {
      return ((Cos) f).variable() == variable;
    }
    return ((Custom) f).variables().contains(variable);
  }

  private static void checkTrig(int variable, int multiple) {
    if (variable < 0 || multiple < 1) {
      throw new IllegalArgumentException("sin/cos need a variable index >= 0 and a multiple >= 1, got " + multiple
          + " z" + variable);
    }
  }

  static double pow(double x, int e) {
    double r = 1.0;
    for (int i = 0; i < e; i++) {
      r *= x;
    }
    return r;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Feature && name.equals(((Feature) o).name) && factors.equals(((Feature) o).factors);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, factors);
  }

  @Override
  public String toString() {
    return name + " = " + describe(factors);
  }

}
