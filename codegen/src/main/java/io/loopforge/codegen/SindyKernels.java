package io.loopforge.codegen;

import io.loopforge.modeling.sindy.Feature;
import io.loopforge.modeling.sindy.SindyModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel of a SINDy model. The right-hand side {@code f = Ξ Θ(x, u)} is straight-line float32 code:
 * each distinct monomial is formed once as (a smaller monomial) × (one variable), each distinct
 * {@code sin(k z)} / {@code cos(k z)} once, each product term once, all shared between the equations;
 * equation {@code i} then sums {@code Ξ[i][t] · term_t} over its nonzero coefficients in term order,
 * starting from the first product. A continuous-time model is stepped as {@link SindyModel#step} does:
 * classic RK4 with the model's substeps over {@code dt}, in float32.
 */
final class SindyKernels {
  /** sin/cos accept |a| ≤ this (rad); beyond, NaN (the step then reports a non-finite output). */
  static final float TRIG_LIMIT = 8192.0f;

  private SindyKernels() {}

  static Kernel sindy(SindyModel m) {
    List<Feature> terms = m.features();
    for (Feature f : terms) {
      for (Feature.Factor factor : f.factors()) {
        if (factor instanceof Feature.Custom) {
          throw new CodegenException("the SINDy term '" + f.name() + "' is not a product of powers, sines and"
              + " cosines of the states and inputs (custom library functions have no C form); refit with"
              + " polynomial, fourier, identity, concat, tensor or control_affine libraries");
        }
      }
    }
    int nx = m.stateDim();
    int nu = m.inputDim();
    double[][] xi = m.coefficients();
    boolean continuous = !m.discreteTime();
    Kernel k = new Kernel("SINDy model (" + (continuous ? "continuous" : "discrete") + " time)");
    for (String line : m.printLines()) {
      k.describe(line);
    }
    k.describe(m.featureNames().size() + " library terms, " + m.complexity() + " nonzero coefficients; " + (continuous
        ? "step: " + m.substeps() + " RK4 substep(s) of dt / " + m.substeps() + ", dt = " + m.dt() + " s"
        : "step: x[k+1] = Xi Theta(x[k], u[k]), dt = " + m.dt() + " s"));
    k.define("NX", nx, "state dimension");
    k.define("NU", nu, "input dimension");
    if (continuous) {
      k.define("SUBSTEPS", m.substeps(), "RK4 substeps per step");
    }
    k.defineInterface(m.stateNames(), m.inputNames(), m.dt(), null);
    k.addFiniteHelper();

    k.function(rhsFunction(k, m));
    List<Kernel.Param> params = List.of(new Kernel.Param(Kernel.ParamType.IN_FLOATS, "x"),
        new Kernel.Param(Kernel.ParamType.IN_FLOATS, "u"), new Kernel.Param(Kernel.ParamType.OUT_FLOATS, "out"));
    k.function(new Kernel.Function("rhs", "int", true,
        List.of((continuous ? "The derivative dx/dt = Xi Theta(x, u)" : "The next state Xi Theta(x, u)")
            + " (NX values into out; may alias x).", "Returns OK, ERR_NULL, ERR_NONFINITE_INPUT or ERR_NONFINITE_OUTPUT."),
        params, List.of(), (d, t) -> {
          checks(d, t, nu, "out");
          t.line(d.fn("f") + "(x, u, out);");
          Kernel.returnChecked(d, t, "out", "NX");
        }));
    List<Kernel.Param> stepParams = List.of(params.get(0), params.get(1),
        new Kernel.Param(Kernel.ParamType.OUT_FLOATS, "x_next"));
    if (!continuous) {
      k.function(new Kernel.Function("step", "int", true,
          List.of("One time step x_next = Xi Theta(x, u) (NX values; may alias x).",
              "Returns OK, ERR_NULL, ERR_NONFINITE_INPUT or ERR_NONFINITE_OUTPUT."),
          stepParams, List.of(), (d, t) -> {
            checks(d, t, nu, "x_next");
            t.line(d.fn("f") + "(x, u, x_next);");
            Kernel.returnChecked(d, t, "x_next", "NX");
          }));
      return k;
    }
    double h = m.dt() / m.substeps();
    String hh = FloatLiteral.of(FloatLiteral.toFloat(h, "RK4 step"));
    String half = FloatLiteral.of(FloatLiteral.toFloat(0.5 * h, "RK4 half step"));
    String sixth = FloatLiteral.of(FloatLiteral.toFloat(h / 6.0, "RK4 step / 6"));
    k.function(new Kernel.Function("step", "int", true,
        List.of("One time step of dt = " + m.dt() + " s with the input held: SUBSTEPS classic RK4 steps of",
            "h = dt / SUBSTEPS (NX values into x_next; may alias x).",
            "Returns OK, ERR_NULL, ERR_NONFINITE_INPUT or ERR_NONFINITE_OUTPUT."),
        stepParams, List.of(new Kernel.Scratch("xc", nx), new Kernel.Scratch("xt", nx), new Kernel.Scratch("k1", nx),
            new Kernel.Scratch("k2", nx), new Kernel.Scratch("k3", nx), new Kernel.Scratch("k4", nx)), (d, t) -> {
              checks(d, t, nu, "x_next");
              String n = d.d("NX");
              t.open("for (int i = 0; i < " + n + "; i++) {").line("xc[i] = x[i];").close();
              t.open("for (int s = 0; s < " + d.d("SUBSTEPS") + "; s++) {");
              t.line(d.fn("f") + "(xc, u, k1);");
              t.open("for (int i = 0; i < " + n + "; i++) {").line("xt[i] = xc[i] + " + half + " * k1[i];").close();
              t.line(d.fn("f") + "(xt, u, k2);");
              t.open("for (int i = 0; i < " + n + "; i++) {").line("xt[i] = xc[i] + " + half + " * k2[i];").close();
              t.line(d.fn("f") + "(xt, u, k3);");
              t.open("for (int i = 0; i < " + n + "; i++) {").line("xt[i] = xc[i] + " + hh + " * k3[i];").close();
              t.line(d.fn("f") + "(xt, u, k4);");
              t.open("for (int i = 0; i < " + n + "; i++) {");
              t.line("xc[i] = xc[i] + " + sixth + " * (k1[i] + 2.0f * (k2[i] + k3[i]) + k4[i]);");
              t.close();
              t.close();
              t.open("for (int i = 0; i < " + n + "; i++) {").line("x_next[i] = xc[i];").close();
              Kernel.returnChecked(d, t, "x_next", "NX");
            }));
    return k;
  }

  /**
   * The right-hand side {@code f(x, u, dx)} of a SINDy model (no checks, not exported) as straight-line
   * code; adds {@code sincos} to {@code k} when a term needs it.
   */
  static Kernel.Function rhsFunction(Kernel k, SindyModel m) {
    int nx = m.stateDim();
    List<Feature> terms = m.features();
    double[][] xi = m.coefficients();
    // the straight-line program of f, shared by the equations
    List<String> stateNames = m.stateNames();
    List<String> varNames = new ArrayList<>(stateNames);
    varNames.addAll(m.inputNames());
    Program p = new Program(nx, varNames);
    String[][] products = new String[nx][];
    for (int i = 0; i < nx; i++) {
      List<String> sum = new ArrayList<>();
      for (int t = 0; t < terms.size(); t++) {
        if (xi[i][t] == 0.0) {
          continue;
        }
        String c = FloatLiteral.of(FloatLiteral.toFloat(xi[i][t], "coefficient (" + i + ", " + t + ")"));
        String e = p.term(terms.get(t));
        sum.add(e == null ? c : c + " * " + e);
      }
      products[i] = sum.toArray(new String[0]);
    }
    if (p.usesTrig) {
      addTrig(k);
    }
    return new Kernel.Function("f", "void", false,
        List.of("Right-hand side Xi Theta(x, u) into dx, without checks."),
        List.of(new Kernel.Param(Kernel.ParamType.IN_FLOATS, "x"), new Kernel.Param(Kernel.ParamType.IN_FLOATS, "u"),
            new Kernel.Param(Kernel.ParamType.OUT_FLOATS, "dx")), List.of(), (d, t) -> {
              p.emitTemporaries(d, t);
              for (int i = 0; i < nx; i++) {
                String[] sum = products[i];
                if (sum.length == 0) {
                  t.line("dx[" + i + "] = 0.0f;");
                  continue;
                }
                t.line("float f" + i + " = " + sum[0] + ";");
                for (int j = 1; j < sum.length; j++) {
                  t.line("f" + i + " = f" + i + " + " + sum[j] + ";");
                }
              }
              for (int i = 0; i < nx; i++) {
                if (products[i].length > 0) {
                  t.line("dx[" + i + "] = f" + i + ";");
                }
              }
            });
  }

  /**
   * The exact Jacobian {@code jac(x, u, jz)} of the right-hand side, {@code jz[i·NZ + j] = ∂f_i/∂z_j} with
   * {@code z = [x, u]} and {@code NZ = NX + NU} (a define of the kernel), as straight-line code: each entry
   * sums {@code Ξ[i][t] · c · g(z)} over the terms t and the summands {@code c · g} of their symbolic
   * derivatives ({@link Feature#derivative}), terms shared as in {@link #rhsFunction}.
   *
   * @throws CodegenException when a term has a custom function (no derivative the generator can write)
   */
  static Kernel.Function jacobianFunction(Kernel k, SindyModel m) {
    int nx = m.stateDim();
    int nz = nx + m.inputDim();
    List<Feature> terms = m.features();
    double[][] xi = m.coefficients();
    for (Feature f : terms) {
      for (Feature.Factor factor : f.factors()) {
        if (factor instanceof Feature.Custom) {
          throw new CodegenException("cannot differentiate the SINDy term '" + f.name() + "': it holds the custom"
              + " function " + ((Feature.Custom) factor).function().nameTemplate() + ", which has no C form (the generated MPC"
              + " needs exact derivatives of every term); refit with polynomial, fourier, identity, concat,"
              + " tensor or control_affine libraries");
        }
      }
    }
    List<String> varNames = new ArrayList<>(m.stateNames());
    varNames.addAll(m.inputNames());
    Program p = new Program(nx, varNames);
    String[][] entries = new String[nx * nz][];
    for (int i = 0; i < nx; i++) {
      for (int j = 0; j < nz; j++) {
        List<String> sum = new ArrayList<>();
        for (int t = 0; t < terms.size(); t++) {
          if (xi[i][t] == 0.0 || !terms.get(t).dependsOn(j)) {
            continue;
          }
          for (Feature.Scaled s : terms.get(t).derivative(j)) {
            String c = FloatLiteral.of(FloatLiteral.toFloat(xi[i][t] * s.coefficient(), "Jacobian coefficient ("
                + i + ", " + j + ")"));
            String e = p.term(s.feature());
            sum.add(e == null ? c : c + " * " + e);
          }
        }
        entries[i * nz + j] = sum.toArray(new String[0]);
      }
    }
    if (p.usesTrig && k.functions.stream().noneMatch(f -> f.name().equals("sincos"))) {
      addTrig(k);
    }
    return new Kernel.Function("jac", "void", false,
        List.of("Jacobian of the right-hand side: jz[i * NZ + j] = d f_i / d z_j, z = [x, u], without checks."),
        List.of(new Kernel.Param(Kernel.ParamType.IN_FLOATS, "x"), new Kernel.Param(Kernel.ParamType.IN_FLOATS, "u"),
            new Kernel.Param(Kernel.ParamType.OUT_FLOATS, "jz")), List.of(), (d, t) -> {
              p.emitTemporaries(d, t);
              for (int e = 0; e < entries.length; e++) {
                String[] sum = entries[e];
                if (sum.length == 0) {
                  t.line("jz[" + e + "] = 0.0f;");
                  continue;
                }
                StringBuilder expr = new StringBuilder(sum[0]);
                for (int q = 1; q < sum.length; q++) {
                  // left to right: ((a + b) + c), the same order in C and Java
                  expr.append(" + ").append(sum[q]);
                }
                t.line("jz[" + e + "] = " + expr + ";");
              }
            });
  }

  private static void checks(Dialect d, CodeText t, int nu, String out) {
    if (nu == 0) {
      d.unused(t, "u");
    }
    Kernel.checks(d, t, new String[][] {{"x", "NX"}, {"u", nu == 0 ? null : "NU"}, {out, "NX", "out"}});
  }

  /**
   * {@code sincos(a, q)}: sin(a) for q = 0, cos(a) for q = 1, with float operations only (Cody–Waite
   * reduction by π/2 in three parts, Taylor polynomials on [−π/4, π/4]), so that C on any IEEE target and
   * the Java twin give the same bits; about 1 ulp from the correctly rounded value for |a| ≤ TRIG_LIMIT.
   */
  private static void addTrig(Kernel k) {
    k.needsMathH = true;
    float p1 = Float.intBitsToFloat(Float.floatToIntBits((float) (Math.PI / 2)) & 0xFFFFE000);
    float p2 = Float.intBitsToFloat(Float.floatToIntBits((float) (Math.PI / 2 - p1)) & 0xFFFFE000);
    float p3 = (float) (Math.PI / 2 - p1 - p2);
    String lim = FloatLiteral.of(TRIG_LIMIT);
    k.function(new Kernel.Function("sincos", "float", false,
        List.of("sin(a) (q = 0) or cos(a) (q = 1) in float arithmetic only, identical in C and Java;",
            "|a| <= " + lim + " rad, else NaN."),
        List.of(new Kernel.Param(Kernel.ParamType.FLOAT, "a"), new Kernel.Param(Kernel.ParamType.INT, "q")), List.of(),
        (d, t) -> {
          t.open("if (!(a >= -" + lim + " && a <= " + lim + ")) {");
          t.line("return " + d.nan() + ";");
          t.close();
          t.line("float y = a * " + FloatLiteral.of((float) (2 / Math.PI)) + ";");
          t.line("int j = (int)(y < 0.0f ? y - 0.5f : y + 0.5f);");
          t.line("float fj = (float)j;");
          t.line("float r = ((a - fj * " + FloatLiteral.of(p1) + ") - fj * " + FloatLiteral.of(p2) + ") - fj * "
              + FloatLiteral.of(p3) + ";");
          t.line("float r2 = r * r;");
          t.line("float s = r + r * r2 * (" + lit(-1.0 / 6) + " + r2 * (" + lit(1.0 / 120) + " + r2 * ("
              + lit(-1.0 / 5040) + " + r2 * " + lit(1.0 / 362880) + ")));");
          t.line("float c = 1.0f + r2 * (-0.5f + r2 * (" + lit(1.0 / 24) + " + r2 * (" + lit(-1.0 / 720) + " + r2 * ("
              + lit(1.0 / 40320) + " + r2 * " + lit(-1.0 / 3628800) + "))));");
          t.line(d.quadrantType() + " n = " + d.quadrant("j", "q") + ";");
          t.line("return n == " + d.u(0) + " ? s : (n == " + d.u(1) + " ? c : (n == " + d.u(2) + " ? -s : -c));");
        }));
  }

  private static String lit(double v) {
    return FloatLiteral.of((float) v);
  }

  /** The shared temporaries of f: lines {name, expression, comment}. */
  private static final class Program {
    final int nx;
    final List<String> varNames;
    final List<String[]> lines = new ArrayList<>();
    final Map<String, String> memo = new LinkedHashMap<>();
    final boolean[] used;
    boolean usesTrig;
    int temps;

    Program(int nx, List<String> varNames) {
      this.nx = nx;
      this.varNames = varNames;
      this.used = new boolean[varNames.size()];
    }

    /** Marks x and u unused where no term reads them, then declares the shared temporaries. */
    void emitTemporaries(Dialect d, CodeText t) {
      if (!usesState()) {
        d.unused(t, "x");
      }
      if (!usesInput()) {
        d.unused(t, "u");
      }
      for (String[] line : lines) {
        t.line("float " + line[0] + " = " + line[1].replace("@sincos", d.fn("sincos")) + ";"
            + (line[2] == null ? "" : " /* " + CEmitter.comment(line[2]) + " */"));
      }
    }

    boolean usesState() {
      for (int i = 0; i < nx; i++) {
        if (used[i]) {
          return true;
        }
      }
      return false;
    }

    boolean usesInput() {
      for (int i = nx; i < used.length; i++) {
        if (used[i]) {
          return true;
        }
      }
      return false;
    }

    String variable(int v) {
      String key = "z" + v;
      if (!used[v]) {
        used[v] = true;
        lines.add(new String[] {key, v < nx ? "x[" + v + "]" : "u[" + (v - nx) + "]", varNames.get(v)});
      }
      return key;
    }

    /** The variable indices of the power factors in ascending order, each repeated by its exponent. */
    private static int[] factors(Feature term) {
      int[] f = new int[term.degree()];
      int k = 0;
      for (Feature.Factor x : term.factors()) {
        if (x instanceof Feature.Power) {
          Feature.Power p = (Feature.Power) x;
          for (int e = 0; e < p.exponent(); e++) {
            f[k++] = p.variable();
          }
        }
      }
      return f;
    }

    String monomial(int[] f) {
      if (f.length == 1) {
        return variable(f[0]);
      }
      String key = "m" + Arrays.toString(f);
      String name = memo.get(key);
      if (name == null) {
        String prefix = monomial(Arrays.copyOf(f, f.length - 1));
        String last = variable(f[f.length - 1]);
        name = "t" + temps++;
        lines.add(new String[] {name, prefix + " * " + last, monomialName(f)});
        memo.put(key, name);
      }
      return name;
    }

    private String monomialName(int[] f) {
      StringBuilder s = new StringBuilder();
      int i = 0;
      while (i < f.length) {
        int j = i;
        while (j < f.length && f[j] == f[i]) {
          j++;
        }
        s.append(s.length() == 0 ? "" : " ").append(varNames.get(f[i])).append(j - i > 1 ? "^" + (j - i) : "");
        i = j;
      }
      return s.toString();
    }

    /** sin(k z) (q = 0) or cos(k z) (q = 1), formed once. */
    String trig(int q, int k, int v) {
      String key = "s" + Arrays.toString(new int[] {q, k, v});
      String name = memo.get(key);
      if (name == null) {
        usesTrig = true;
        String z = variable(v);
        String arg = k == 1 ? z : FloatLiteral.of((float) k) + " * " + z;
        name = "t" + temps++;
        lines.add(new String[] {name, "@sincos(" + arg + ", " + q + ")", (q == 0 ? "sin(" : "cos(") + k + " "
            + varNames.get(v) + ")"});
        memo.put(key, name);
      }
      return name;
    }

    /** The expression of a term (null for the constant 1). */
    String term(Feature term) {
      String key = "p" + term.factors();
      if (memo.containsKey(key)) {
        return memo.get(key);
      }
      List<String> factors = new ArrayList<>();
      if (term.degree() > 0) {
        factors.add(monomial(factors(term)));
      }
      for (Feature.Factor x : term.factors()) {
        if (x instanceof Feature.Sin) {
          factors.add(trig(0, ((Feature.Sin) x).multiple(), ((Feature.Sin) x).variable()));
        } else if (x instanceof Feature.Cos) {
          factors.add(trig(1, ((Feature.Cos) x).multiple(), ((Feature.Cos) x).variable()));
        }
      }
      String e;
      if (factors.isEmpty()) {
        e = null;
      } else if (factors.size() == 1) {
        e = factors.get(0);
      } else {
        e = factors.get(0);
        for (int i = 1; i < factors.size(); i++) {
          String name = "t" + temps++;
          lines.add(new String[] {name, e + " * " + factors.get(i), i == factors.size() - 1 ? term.name() : null});
          e = name;
        }
      }
      memo.put(key, e);
      return e;
    }
  }
}
