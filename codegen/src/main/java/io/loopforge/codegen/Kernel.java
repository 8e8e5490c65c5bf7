package io.loopforge.codegen;

import io.loopforge.modeling.policy.InputBounds;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A generated model or controller in language-neutral form: size macros, constant arrays and functions
 * whose bodies are written by one piece of code for both languages (see {@link Dialect}), so that C and
 * Java perform the same operations in the same order.
 */
final class Kernel {
  /**
   * A {@code #define} / {@code public static final}: an {@link Integer} or a {@link Float} (which may be
   * infinite); in C, {@code cAlias} (a macro of {@code lf_common.h}) instead of the value when not null.
   */
  record Define(String name, Number value, String cAlias, String doc) {}

  /** A constant array in flash: exactly one of the arrays is non-null. */
  record Constant(String name, float[] floats, short[] shorts, byte[] bytes, String doc) {
    static Constant floats(String name, float[] v, String doc) {
      return new Constant(name, v, null, null, doc);
    }

    static Constant shorts(String name, short[] v, String doc) {
      return new Constant(name, null, v, null, doc);
    }

    static Constant bytes(String name, byte[] v, String doc) {
      return new Constant(name, null, null, v, doc);
    }

    int length() {
      return floats != null ? floats.length : shorts != null ? shorts.length : bytes.length;
    }
  }

  enum ParamType {
    IN_FLOATS("const float *", "float[]"),
    OUT_FLOATS("float *", "float[]"),
    FLOAT("float ", "float"),
    INT("int ", "int"),
    /**
     * A stateful controller's workspace: C {@code <prefix>_workspace *ws}; in Java the twin's own field,
     * so the parameter is not declared and not passed (see {@link Dialect#wsArg()}).
     */
    WORKSPACE("", "");

    final String c;
    final String java;

    ParamType(String c, String java) {
      this.c = c;
      this.java = java;
    }
  }

  record Param(ParamType type, String name) {}

  /** A local array of {@code float} or {@code short} (int16): C stack array, Java instance field. */
  record Scratch(String name, int length, String type) {
    Scratch(String name, int length) {
      this(name, length, "float");
    }

    String cType() {
      return type.equals("short") ? "int16_t" : "float";
    }
  }

  /**
   * A field of a stateful controller's workspace struct: an array of {@code length} values, or one value
   * for length 0; {@code type} is {@code "float"} or {@code "int"}.
   */
  record WorkspaceField(String name, String type, int length, String doc) {}

  interface Body {
    void emit(Dialect d, CodeText t);
  }

  /** A function; exported ones are public API (C: declared in the header; Java: public methods). */
  record Function(String name, String returnType, boolean exported, List<String> doc, List<Param> params,
      List<Scratch> scratch, Body body) {}

  final String title;
  final List<String> description = new ArrayList<>();
  final List<Define> defines = new ArrayList<>();
  final List<Constant> constants = new ArrayList<>();
  final List<Function> functions = new ArrayList<>();
  final List<String> notes = new ArrayList<>();
  /** The workspace struct of a stateful controller; empty for stateless code. */
  final List<WorkspaceField> workspace = new ArrayList<>();
  /** The controller's contract; null for a model. */
  ControllerContract contract;
  /** The control function, declared as the contract says; null for a model. */
  Function control;
  boolean needsMathH;
  /** C: the dense layers have a Cortex-M4F inline-assembly path ({@code <PREFIX>_USE_M4_ASM}). */
  boolean usesM4Asm;

  Kernel(String title) {
    this.title = title;
  }

  Kernel describe(String line) {
    description.add(line);
    return this;
  }

  Kernel define(String name, int value, String doc) {
    defines.add(new Define(name, value, null, doc));
    return this;
  }

  /**
   * The interface macros of a controller, from its contract (after the sizes NX, NU, NR, which must
   * agree): {@link #defineInterface(List, List, double, InputBounds)}, then the contract's own error codes.
   */
  void defineInterface(ControllerContract c) {
    checkSize("NX", c.stateDim());
    checkSize("NU", c.inputDim());
    checkSize("NR", c.referenceDim());
    contract = c;
    defineInterface(c.stateNames(), c.inputNames(), c.dt(), c.inputBounds());
    for (ControllerContract.ErrorCode e : c.errorCodes().subList(ControllerContract.COMMON_ERROR_CODES.size(),
        c.errorCodes().size())) {
      defines.add(new Define(e.name(), e.value(), null, e.meaning()));
    }
  }

  /**
   * What firmware needs of a model or controller as macros, after its sizes: the sample interval
   * {@code DT} (s), the index of each state {@code X_<NAME>} and input {@code U_<NAME>} (see
   * {@link MacroNames}), the input limits {@code U_MIN_<i>} / {@code U_MAX_<i>} when known (the float
   * the code saturates to; {@code INFINITY} where unlimited), then the error codes as aliases of
   * {@code lf_common.h}'s.
   *
   * @param bounds the input limits, or null when the model does not know them
   */
  void defineInterface(List<String> stateNames, List<String> inputNames, double dt, InputBounds bounds) {
    defines.add(new Define("DT", FloatLiteral.toFloat(dt, "dt"), null, "sample interval, s"));
    String[] x = MacroNames.parts(stateNames, part -> false);
    for (int i = 0; i < x.length; i++) {
      define("X_" + x[i], i, "index of state " + stateNames.get(i));
    }
    // U_MIN_<i> and U_MAX_<i> are the limits' names: an input may not take them as its index's
    String[] u = MacroNames.parts(inputNames, part -> part.matches("(MIN|MAX)_[0-9]+"));
    for (int i = 0; i < u.length; i++) {
      define("U_" + u[i], i, "index of input " + inputNames.get(i));
    }
    if (bounds != null) {
      for (int i = 0; i < bounds.size(); i++) {
        double lo = bounds.lower(i);
        double hi = bounds.upper(i);
        String name = inputNames.get(i);
        defines.add(Double.isInfinite(lo)
            ? new Define("U_MIN_" + i, Float.NEGATIVE_INFINITY, null, "input " + name + " has no lower limit")
            : new Define("U_MIN_" + i, AffineKernels.lower(lo), null, "lower limit of input " + name
                + " (saturated to it)"));
        defines.add(Double.isInfinite(hi)
            ? new Define("U_MAX_" + i, Float.POSITIVE_INFINITY, null, "input " + name + " has no upper limit")
            : new Define("U_MAX_" + i, AffineKernels.upper(hi), null, "upper limit of input " + name
                + " (saturated to it)"));
      }
    }
    for (ControllerContract.ErrorCode e : ControllerContract.COMMON_ERROR_CODES) {
      defines.add(new Define(e.name(), e.value(), CommonHeader.PREFIX.toUpperCase(Locale.ROOT) + "_"
          + e.name(), e.meaning()));
    }
  }

  private void checkSize(String name, int expected) {
    for (Define d : defines) {
      if (d.name().equals(name)) {
        if (d.value().intValue() != expected) {
          throw new IllegalStateException(name + " is " + d.value() + ", the contract says " + expected);
        }
        return;
      }
    }
    throw new IllegalStateException("no " + name + " defined before the interface");
  }

  /**
   * Adds the control function, whose C declaration is the contract's; {@link #defineInterface(ControllerContract)}
   * comes first. The function's own parameters (the Java twin's) must say the same.
   */
  Kernel controller(Function f) {
    if (contract == null) {
      throw new IllegalStateException("no contract");
    }
    if (contract.stateful() == workspace.isEmpty()) {
      throw new IllegalStateException(contract.stateful() ? "a stateful controller needs its workspace fields before"
          + " its control function" : "a stateless controller has no workspace");
    }
    String c = CEmitter.signature(new Dialect(Language.C, contract.prefix(), contract.macroPrefix()), f);
    if (!c.equals(contract.controlDeclaration())) {
      throw new IllegalStateException(c + " differs from the contract's " + contract.controlDeclaration());
    }
    control = f;
    return function(f);
  }

  /** Adds a stateful controller's init function, whose C declaration must be the contract's. */
  Kernel init(Function f) {
    String c = CEmitter.signature(new Dialect(Language.C, contract.prefix(), contract.macroPrefix()), f);
    if (!contract.initDeclaration().orElseThrow().equals(c)) {
      throw new IllegalStateException(c + " differs from the contract's " + contract.initDeclaration());
    }
    return function(f);
  }

  /** Adds a field to the workspace struct. */
  Kernel workspaceField(String name, String type, int length, String doc) {
    workspace.add(new WorkspaceField(name, type, length, doc));
    return this;
  }

  /** Adds a float constant and returns its name. */
  String floats(String name, float[] values, String doc) {
    constants.add(Constant.floats(name, values, doc));
    return name;
  }

  Kernel function(Function f) {
    functions.add(f);
    return this;
  }

  /** Adds a constant of int16 values and returns its name. */
  String shorts(String name, short[] values, String doc) {
    constants.add(Constant.shorts(name, values, doc));
    return name;
  }

  /**
   * {@code finite(v, n)}: 1 when all {@code n} values are finite. C: {@code lf_finite} of
   * {@code lf_common.h}, one copy for every unit; Java: a private method of each twin.
   */
  static final Function FINITE = new Function("finite", "bool", false,
      List.of("1 when v[0 .. n-1] are all finite, else 0."),
      List.of(new Param(ParamType.IN_FLOATS, "v"), new Param(ParamType.INT, "n")), List.of(),
      (d, t) -> {
        t.open("for (int i = 0; i < n; i++) {");
        // v - v is 0 for every finite v, NaN for NaN and ±inf (no <math.h>, no libm)
        t.open("if (!(v[i] - v[i] == 0.0f)) {");
        t.line(d.isC() ? "return 0;" : "return false;");
        t.close();
        t.close();
        t.line(d.isC() ? "return 1;" : "return true;");
      });

  /** The finite check, for the Java twin (C has it from {@code lf_common.h}). */
  void addFiniteHelper() {
    functions.add(FINITE);
  }

  /**
   * Emits the entry checks: null pointers, then non-finite inputs. {@code arrays} are
   * {name, length macro or null when the length is 0, nullable}.
   */
  static void checks(Dialect d, CodeText t, String[][] arrays) {
    StringBuilder nulls = new StringBuilder();
    for (String[] a : arrays) {
      if (a[1] == null) {
        continue;
      }
      nulls.append(nulls.length() == 0 ? "" : " || ").append(a[0]).append(" == ").append(d.nil());
    }
    if (nulls.length() > 0) {
      t.open("if (" + nulls + ") {");
      t.line("return " + d.d("ERR_NULL") + ";");
      t.close();
    }
    for (String[] a : arrays) {
      if (a[1] == null || a.length > 2 && a[2].equals("out")) {
        continue;
      }
      t.open("if (!" + d.finite() + "(" + a[0] + ", " + d.d(a[1]) + ")) {");
      t.line("return " + d.d("ERR_NONFINITE_INPUT") + ";");
      t.close();
    }
  }

  /** Emits {@code return finite(out) ? OK : ERR_NONFINITE_OUTPUT;}. */
  static void returnChecked(Dialect d, CodeText t, String out, String lengthMacro) {
    t.line("return " + d.finite() + "(" + out + ", " + d.d(lengthMacro) + ") ? " + d.d("OK") + " : "
        + d.d("ERR_NONFINITE_OUTPUT") + ";");
  }
}
