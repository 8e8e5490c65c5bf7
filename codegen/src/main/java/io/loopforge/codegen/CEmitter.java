package io.loopforge.codegen;

import io.loopforge.modeling.registry.ModelFile;
import java.util.ArrayList;
import java.util.List;

/** Writes a {@link Kernel} as {@code <prefix>.h} and {@code <prefix>.c} (C11). */
final class CEmitter {
  private static final int PER_LINE = 6;

  private CEmitter() {}

  static List<GeneratedFile> emit(Kernel k, CodegenOptions o, ModelFile source) {
    Dialect d = new Dialect(Language.C, o.prefix(), o.macroPrefix());
    String guard = o.macroPrefix() + "_H";
    StringBuilder h = new StringBuilder();
    h.append(banner(o.prefix() + ".h", k, o, source));
    h.append("#ifndef ").append(guard).append("\n#define ").append(guard).append("\n\n");
    boolean shorts = k.constants.stream().anyMatch(c -> c.shorts() != null);
    boolean infinity = k.defines.stream().anyMatch(def -> def.value() instanceof Float
        && Float.isInfinite(def.value().floatValue()));
    if (infinity) {
      h.append("#include <math.h>\n");
    }
    if (shorts) {
      h.append("#include <stdint.h>\n");
    }
    h.append("#include \"").append(CommonHeader.FILE_NAME).append("\"\n\n");
    h.append("#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
    for (Kernel.Define def : k.defines) {
      h.append("/* ").append(comment(def.doc())).append(" */\n");
      h.append("#define ").append(d.d(def.name())).append(' ').append(macroValue(def)).append('\n');
    }
    if (!k.workspace.isEmpty()) {
      h.append("\n/* The controller's state across steps (warm start, status) and its solver's scratch: one per\n")
          .append(" * controller instance, owned by the caller (static in firmware); ").append(o.prefix())
          .append("_init prepares it. */\n");
      h.append("typedef struct {\n");
      for (Kernel.WorkspaceField w : k.workspace) {
        h.append("  ").append(w.type()).append(' ').append(w.name())
            .append(w.length() > 0 ? "[" + w.length() + "]" : "").append("; /* ").append(comment(w.doc())).append(" */\n");
      }
      h.append("} ").append(d.workspaceType()).append(";\n");
    }
    for (Kernel.Function f : k.functions) {
      if (f.exported()) {
        h.append('\n').append(docComment(f.doc()));
        h.append(signature(d, k, f)).append(";\n");
      }
    }
    h.append("\n#ifdef __cplusplus\n}\n#endif\n\n#endif /* ").append(guard).append(" */\n");

    StringBuilder c = new StringBuilder();
    c.append(banner(o.prefix() + ".c", k, o, source));
    c.append("#include \"").append(o.prefix()).append(".h\"\n\n#include <float.h>\n");
    if (k.needsMathH) {
      c.append("#include <math.h>\n");
    }
    c.append('\n');
    c.append("/* The float semantics the Java twin mirrors: binary32 arithmetic, no contraction into fused\n")
        .append(" * multiply-adds (turned off below for GCC and Clang, whatever the command line says). */\n");
    c.append("#if defined(__FAST_MATH__)\n#error \"").append(o.prefix())
        .append(".c needs IEEE-754 float semantics: compile it without -ffast-math\"\n#endif\n");
    // 16 and 32 (TS 18661-3) still evaluate float operations in float; 1, 2 and 64 widen them
    c.append("#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD != 0 && FLT_EVAL_METHOD != 16 && FLT_EVAL_METHOD != 32\n")
        .append("#error \"").append(o.prefix())
        .append(".c needs float arithmetic evaluated in float (FLT_EVAL_METHOD 0; on x86 use SSE)\"\n#endif\n");
    c.append("#if defined(__clang__)\n#pragma STDC FP_CONTRACT OFF\n#elif defined(__GNUC__)\n")
        .append("#pragma GCC push_options\n#pragma GCC optimize(\"fp-contract=off\")\n#endif\n");
    if (k.usesM4Asm) {
      String m = o.macroPrefix();
      c.append("\n/* Dense layers on a Cortex-M4F: inline assembly (vldmia, vmla.f32: rounded product, then rounded\n")
          .append(" * sum, as s = s + w * a), unless ").append(m).append("_PORTABLE_C is defined. */\n")
          .append("#if defined(__GNUC__) && defined(__thumb2__) && defined(__ARM_ARCH_7EM__) && defined(__ARM_FP) \\\n")
          .append("    && (__ARM_FP & 4) && !defined(").append(m).append("_PORTABLE_C)\n")
          .append("#define ").append(m).append("_USE_M4_ASM 1\n#else\n#define ").append(m).append("_USE_M4_ASM 0\n#endif\n");
    }
    for (Kernel.Constant con : k.constants) {
      c.append('\n').append("/* ").append(comment(con.doc())).append(" */\n");
      if (con.floats() != null) {
        c.append("static const float ").append(d.k(con.name())).append('[').append(con.length()).append("] = {\n");
        List<String> items = new ArrayList<>();
        for (float v : con.floats()) {
          items.add(FloatLiteral.of(v));
        }
        appendItems(c, items);
      } else if (con.shorts() != null) {
        c.append("static const int16_t ").append(d.k(con.name())).append('[').append(con.length()).append("] = {\n");
        List<String> items = new ArrayList<>();
        for (short v : con.shorts()) {
          items.add(v == Short.MIN_VALUE ? "INT16_MIN" : Short.toString(v));
        }
        appendItems(c, items);
      } else {
        c.append("static const unsigned char ").append(d.k(con.name())).append('[').append(con.length())
            .append("] = {\n");
        List<String> items = new ArrayList<>();
        for (byte v : con.bytes()) {
          items.add(Integer.toString(v & 0xFF));
        }
        appendItems(c, items);
      }
      c.append("};\n");
    }
    for (Kernel.Function f : k.functions) {
      if (f == Kernel.FINITE) {
        continue; // lf_finite, in lf_common.h
      }
      c.append('\n').append(docComment(f.doc()));
      c.append(f.exported() ? "" : "static ").append(signature(d, k, f)).append("\n{\n");
      CodeText t = new CodeText(1);
      for (Kernel.Scratch s : f.scratch()) {
        t.line(s.cType() + " " + s.name() + "[" + s.length() + "];");
      }
      f.body().emit(d, t);
      c.append(t).append("}\n");
    }
    c.append("\n#if defined(__GNUC__) && !defined(__clang__)\n#pragma GCC pop_options\n#endif\n");
    List<GeneratedFile> files = new ArrayList<>(List.of(new GeneratedFile(Language.C, o.prefix() + ".h", h.toString()),
        new GeneratedFile(Language.C, o.prefix() + ".c", c.toString()), CommonHeader.file()));
    if (k.contract != null) {
      files.add(new GeneratedFile(Language.C, k.contract.fileName(), k.contract.toJson()));
    }
    return files;
  }

  /** A define's value: its alias in lf_common.h, an int, or a float literal ({@code INFINITY} from math.h). */
  private static String macroValue(Kernel.Define def) {
    if (def.cAlias() != null) {
      return def.cAlias();
    }
    if (!(def.value() instanceof Float)) {
      return def.value().toString();
    }
    float v = def.value().floatValue();
    String text = Float.isInfinite(v) ? "INFINITY" : FloatLiteral.of(Math.abs(v));
    return v < 0 || Float.floatToRawIntBits(v) == Integer.MIN_VALUE ? "(-" + text + ")" : text;
  }

  /** The C declaration of a function: the contract's for the control function. */
  private static String signature(Dialect d, Kernel k, Kernel.Function f) {
    return f == k.control ? k.contract.controlDeclaration() : signature(d, f);
  }

  private static void appendItems(StringBuilder c, List<String> items) {
    for (int i = 0; i < items.size(); i += PER_LINE) {
      c.append("  ");
      for (int j = i; j < Math.min(items.size(), i + PER_LINE); j++) {
        c.append(items.get(j)).append(j == items.size() - 1 ? "" : ",").append(j == i + PER_LINE - 1 ? "" : " ");
      }
      trimTrailing(c);
      c.append('\n');
    }
  }

  private static void trimTrailing(StringBuilder s) {
    while (s.length() > 0 && s.charAt(s.length() - 1) == ' ') {
      s.setLength(s.length() - 1);
    }
  }

  static String signature(Dialect d, Kernel.Function f) {
    StringBuilder s = new StringBuilder();
    String type = f.returnType().equals("bool") ? "int" : f.returnType().equals("int16") ? "int16_t" : f.returnType();
    s.append(type).append(' ').append(d.fn(f.name())).append('(');
    if (f.params().isEmpty()) {
      s.append("void");
    }
    for (int i = 0; i < f.params().size(); i++) {
      Kernel.Param p = f.params().get(i);
      s.append(i == 0 ? "" : ", ").append(p.type() == Kernel.ParamType.WORKSPACE ? d.workspaceType() + " *"
          : p.type().c).append(p.name());
    }
    return s.append(')').toString();
  }

  static String docComment(List<String> doc) {
    if (doc.isEmpty()) {
      return "";
    }
    StringBuilder s = new StringBuilder("/* ");
    for (int i = 0; i < doc.size(); i++) {
      s.append(i == 0 ? "" : " * ").append(comment(doc.get(i))).append(i == doc.size() - 1 ? " */\n" : "\n");
    }
    return s.toString();
  }

  /** Text safe inside a C or Java block comment. */
  static String comment(String s) {
    return s.replace("*/", "* /").replace("/*", "/ *");
  }

  static List<String> bannerLines(String file, Kernel k, CodegenOptions o, ModelFile source) {
    List<String> lines = new ArrayList<>();
    lines.add(file + ": generated by Loopforge codegen from " + source.name() + "; do not edit.");
    lines.add("Model: " + k.title + ", sha256 of the model file " + source.sha256() + ".");
    lines.addAll(k.description);
    lines.add("Float semantics: IEEE-754 binary32, round to nearest, no fused multiply-add; each sum in the");
    lines.add("order of the Java twin " + (o.javaPackage().isEmpty() ? "" : o.javaPackage() + ".") + o.javaClassName()
        + ", which gives bit-identical results.");
    lines.add("C11, no malloc, no global mutable state (re-entrant); weights are static const (flash);");
    lines.add("scratch lives on the stack (" + stackBytes(k) + " bytes at most).");
    return lines;
  }

  static int stackBytes(Kernel k) {
    int n = 0;
    for (Kernel.Function f : k.functions) {
      for (Kernel.Scratch s : f.scratch()) {
        n += s.type().equals("short") ? (s.length() + 1) / 2 : s.length();
      }
    }
    return 4 * n;
  }

  private static String banner(String file, Kernel k, CodegenOptions o, ModelFile source) {
    StringBuilder s = new StringBuilder("/*\n");
    for (String line : bannerLines(file, k, o, source)) {
      s.append(line.isEmpty() ? " *" : " * " + comment(line)).append('\n');
    }
    return s.append(" */\n").toString();
  }
}
