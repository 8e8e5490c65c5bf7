package io.loopforge.codegen;

/**
 * The few places where the C and the Java text of a kernel differ: names of constants, macros and
 * functions, null, NaN, unsigned arithmetic. Everything else (expressions, loops, the order of every float
 * operation) is the same text in both languages, written once by the kernel bodies.
 */
final class Dialect {
  final Language language;
  private final String prefix;
  private final String macroPrefix;

  Dialect(Language language, String prefix, String macroPrefix) {
    this.language = language;
    this.prefix = prefix;
    this.macroPrefix = macroPrefix;
  }

  boolean isC() {
    return language == Language.C;
  }

  /** A constant array: C {@code PREFIX_W0}, Java {@code W0}. */
  String k(String name) {
    return isC() ? macroPrefix + "_" + name : name;
  }

  /** A size or error-code macro: C {@code PREFIX_NX}, Java {@code NX}. */
  String d(String name) {
    return isC() ? macroPrefix + "_" + name : name;
  }

  /** A function: C {@code prefix_step}, Java {@code step}. */
  String fn(String name) {
    return isC() ? prefix + "_" + name : name;
  }

  /** The finite check: C {@code lf_finite} (lf_common.h, shared by every unit), Java {@code finite}. */
  String finite() {
    return isC() ? CommonHeader.PREFIX + "_finite" : "finite";
  }

  String nil() {
    return isC() ? "0" : "null";
  }

  String nan() {
    return isC() ? "NAN" : "Float.NaN";
  }

  /** Marks an unused parameter (C only; Java does not warn). */
  void unused(CodeText t, String param) {
    if (isC()) {
      t.line("(void)" + param + ";");
    }
  }

  /** {@code (j + shift) & 3} on two's-complement ints: C goes through unsigned to stay defined. */
  String quadrant(String j, String shift) {
    return isC() ? "(unsigned int)(((unsigned int)" + j + " + (unsigned int)" + shift + ") & 3u)" : "(" + j + " + " + shift + ") & 3";
  }

  /** The integer literal for an unsigned comparison. */
  String u(int v) {
    return isC() ? v + "u" : Integer.toString(v);
  }

  String quadrantType() {
    return isC() ? "unsigned int" : "int";
  }

  /** A workspace field: C {@code ws->name}, Java {@code ws.name} (the twin's own workspace). */
  String w(String field) {
    return (isC() ? "ws->" : "ws.") + field;
  }

  /** The leading workspace argument of a call: C {@code "ws, "}, Java none. */
  String wsArg() {
    return isC() ? "ws, " : "";
  }

  /** The workspace struct's C type, {@code <prefix>_workspace}. */
  String workspaceType() {
    return prefix + "_workspace";
  }
}
