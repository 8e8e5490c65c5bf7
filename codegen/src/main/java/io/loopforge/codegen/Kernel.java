package io.loopforge.codegen;

import java.util.ArrayList;
import java.util.List;

/**
 * A generated model or controller in language-neutral form: size macros, constant arrays and functions
 * whose bodies are written by one piece of code for both languages (see {@link Dialect}), so that C and
 * Java perform the same operations in the same order.
 */
final class Kernel {
  /** A {@code #define} / {@code public static final int}. */
  record Define(String name, int value, String doc) {}

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
    INT("int ", "int");

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
    defines.add(new Define(name, value, doc));
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

  /** The standard error codes, shared by every kernel. */
  void defineErrorCodes() {
    define("OK", 0, "success");
    define("ERR_NULL", 1, "a required pointer argument is null");
    define("ERR_NONFINITE_INPUT", 2, "an input value is NaN or infinite; the outputs are not written");
    define("ERR_NONFINITE_OUTPUT", 3, "a result is NaN or infinite (overflow); the outputs are written");
  }

  /** {@code static int prefix_finite(const float *v, int n)}: 1 when all {@code n} values are finite. */
  void addFiniteHelper() {
    functions.add(new Function("finite", "bool", false, List.of("1 when v[0 .. n-1] are all finite, else 0."),
        List.of(new Param(ParamType.IN_FLOATS, "v"), new Param(ParamType.INT, "n")), List.of(),
        (d, t) -> {
          t.open("for (int i = 0; i < n; i++) {");
          // v - v is 0 for every finite v, NaN for NaN and ±inf (no <math.h>, no libm)
          t.open("if (!(v[i] - v[i] == 0.0f)) {");
          t.line(d.isC() ? "return 0;" : "return false;");
          t.close();
          t.close();
          t.line(d.isC() ? "return 1;" : "return true;");
        }));
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
      t.open("if (!" + d.fn("finite") + "(" + a[0] + ", " + d.d(a[1]) + ")) {");
      t.line("return " + d.d("ERR_NONFINITE_INPUT") + ";");
      t.close();
    }
  }

  /** Emits {@code return finite(out) ? OK : ERR_NONFINITE_OUTPUT;}. */
  static void returnChecked(Dialect d, CodeText t, String out, String lengthMacro) {
    t.line("return " + d.fn("finite") + "(" + out + ", " + d.d(lengthMacro) + ") ? " + d.d("OK") + " : "
        + d.d("ERR_NONFINITE_OUTPUT") + ";");
  }
}
