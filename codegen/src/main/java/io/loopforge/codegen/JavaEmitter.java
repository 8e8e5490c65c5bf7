package io.loopforge.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import io.loopforge.modeling.registry.ModelFile;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes a {@link Kernel} as the Java twin: one final class whose public methods have the C API's
 * shape ({@code int step(float[] x, float[] u, float[] x_next)}, …) and whose bodies are the same
 * float32 operations in the same order. Scratch arrays are fields: an instance is not thread-safe, use
 * one per thread.
 */
final class JavaEmitter {
  /** Above this many constants in a kernel, large arrays are stored as Base64 (class-file limits). */
  private static final int LITERAL_LIMIT = 4096;
  private static final int BASE64_MIN_LENGTH = 256;
  private static final int CHUNK = 60_000;
  private static final int PER_LINE = 6;

  private JavaEmitter() {}

  static GeneratedFile emit(Kernel k, CodegenOptions o, ModelFile source) {
    Dialect d = new Dialect(Language.JAVA, o.prefix(), o.macroPrefix());
    String className = o.javaClassName();
    TypeSpec.Builder type = TypeSpec.classBuilder(className).addModifiers(Modifier.PUBLIC, Modifier.FINAL);
    StringBuilder doc = new StringBuilder();
    doc.append("Java twin of the generated C model {@code ").append(o.prefix()).append("} (").append(k.title)
        .append(").\n\n<pre>\n");
    for (String line : k.description) {
      doc.append(javadoc(line)).append('\n');
    }
    doc.append("</pre>\n\nSame API as {@code ").append(o.prefix()).append(".h} and the same float32 operations in the")
        .append(" same order,\nso results are bit-identical to the C code compiled with IEEE semantics. Scratch")
        .append(" arrays are\nfields: an instance is not thread-safe; use one per thread.\n");
    type.addJavadoc("$L", doc.toString());
    for (Kernel.Define def : k.defines) {
      boolean isFloat = def.value() instanceof Float;
      type.addField(FieldSpec.builder(isFloat ? TypeName.FLOAT : TypeName.INT, def.name(), Modifier.PUBLIC,
              Modifier.STATIC, Modifier.FINAL)
          .addJavadoc("$L\n", javadoc(capitalize(def.doc()) + "."))
          .initializer("$L", isFloat ? floatValue(def.value().floatValue()) : def.value()).build());
    }
    int total = 0;
    for (Kernel.Constant c : k.constants) {
      total += c.length();
    }
    boolean base64 = false;
    for (Kernel.Constant c : k.constants) {
      FieldSpec.Builder f;
      if (c.floats() != null) {
        f = FieldSpec.builder(ArrayTypeName.of(TypeName.FLOAT), c.name(), Modifier.PRIVATE, Modifier.STATIC,
            Modifier.FINAL);
        if (total > LITERAL_LIMIT && c.length() >= BASE64_MIN_LENGTH) {
          f.initializer(base64Floats(c.floats()));
          base64 = true;
        } else {
          List<String> items = new ArrayList<>();
          for (float v : c.floats()) {
            items.add(FloatLiteral.of(v));
          }
          f.initializer(arrayLiteral(items));
        }
      } else if (c.shorts() != null) {
        f = FieldSpec.builder(ArrayTypeName.of(TypeName.SHORT), c.name(), Modifier.PRIVATE, Modifier.STATIC,
            Modifier.FINAL);
        List<String> items = new ArrayList<>();
        for (short v : c.shorts()) {
          items.add(Short.toString(v));
        }
        f.initializer(arrayLiteral(items));
      } else {
        f = FieldSpec.builder(ArrayTypeName.of(TypeName.BYTE), c.name(), Modifier.PRIVATE, Modifier.STATIC,
            Modifier.FINAL);
        List<String> items = new ArrayList<>();
        for (byte v : c.bytes()) {
          items.add(Integer.toString(v));
        }
        f.initializer(arrayLiteral(items));
      }
      type.addField(f.addJavadoc("$L\n", javadoc(capitalize(c.doc()) + ".")).build());
    }
    for (Kernel.Function fn : k.functions) {
      for (Kernel.Scratch s : fn.scratch()) {
        TypeName element = s.type().equals("short") ? TypeName.SHORT : TypeName.FLOAT;
        type.addField(FieldSpec.builder(ArrayTypeName.of(element), s.name(), Modifier.PRIVATE, Modifier.FINAL)
            .initializer("new $L[$L]", s.type(), s.length()).build());
      }
    }
    if (!k.workspace.isEmpty()) {
      TypeSpec.Builder ws = TypeSpec.classBuilder("Workspace").addModifiers(Modifier.PRIVATE, Modifier.STATIC,
          Modifier.FINAL).addJavadoc("The controller's state across steps and its solver's scratch (the C workspace"
          + " struct).\n");
      for (Kernel.WorkspaceField w : k.workspace) {
        TypeName element = w.type().equals("int") ? TypeName.INT : TypeName.FLOAT;
        FieldSpec.Builder f = w.length() > 0
            ? FieldSpec.builder(ArrayTypeName.of(element), w.name(), Modifier.FINAL)
                .initializer("new $L[$L]", w.type(), w.length())
            : FieldSpec.builder(element, w.name());
        ws.addField(f.addJavadoc("$L\n", javadoc(capitalize(w.doc()) + ".")).build());
      }
      TypeSpec wsType = ws.build();
      type.addType(wsType);
      type.addField(FieldSpec.builder(com.palantir.javapoet.ClassName.get("", "Workspace"), "ws", Modifier.PRIVATE,
          Modifier.FINAL).initializer("new Workspace()").build());
    }
    MethodSpec.Builder ctor = MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC);
    if (!k.workspace.isEmpty()) {
      // as the firmware calls init once at boot, the twin starts from a prepared workspace
      ctor.addStatement("init()");
    }
    type.addMethod(ctor.build());
    boolean hasControl = false;
    for (Kernel.Function fn : k.functions) {
      MethodSpec.Builder m = MethodSpec.methodBuilder(fn.name());
      if (fn.exported()) {
        m.addModifiers(Modifier.PUBLIC);
      } else {
        m.addModifiers(Modifier.PRIVATE);
        if (fn.scratch().isEmpty() && !callsInstanceMethod(k, fn)
            && fn.params().stream().noneMatch(p -> p.type() == Kernel.ParamType.WORKSPACE)) {
          m.addModifiers(Modifier.STATIC);
        }
      }
      m.returns(returnType(fn.returnType()));
      for (Kernel.Param p : fn.params()) {
        if (p.type() == Kernel.ParamType.WORKSPACE) {
          continue;
        }
        TypeName t = p.type() == Kernel.ParamType.FLOAT ? TypeName.FLOAT
            : p.type() == Kernel.ParamType.INT ? TypeName.INT : ArrayTypeName.of(TypeName.FLOAT);
        m.addParameter(ParameterSpec.builder(t, p.name()).build());
      }
      if (!fn.doc().isEmpty()) {
        m.addJavadoc("$L\n", javadoc(String.join("\n", fn.doc())));
      }
      CodeText t = new CodeText();
      fn.body().emit(d, t);
      m.addCode("$L", t.toString());
      type.addMethod(m.build());
      hasControl |= fn.exported() && fn.name().equals("control");
    }
    if (hasControl) {
      type.addMethod(MethodSpec.methodBuilder("control").addModifiers(Modifier.PUBLIC)
          .returns(ArrayTypeName.of(TypeName.FLOAT))
          .addParameter(ArrayTypeName.of(TypeName.FLOAT), "state")
          .addParameter(ArrayTypeName.of(TypeName.FLOAT), "reference")
          .addJavadoc("The input for {@code state} and {@code reference} in a new array (host-side simulation).\n\n"
              + "@throws IllegalArgumentException when {@link #control(float[], float[], float[])} returns an error"
              + " code\n")
          .addStatement("float[] input = new float[NU]")
          .addStatement("int rc = control(state, reference, input)")
          .beginControlFlow("if (rc != OK)")
          .addStatement("throw new IllegalArgumentException($S + rc)", "control failed with error code ")
          .endControlFlow()
          .addStatement("return input")
          .build());
    }
    if (base64) {
      type.addMethod(MethodSpec.methodBuilder("floats").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
          .returns(ArrayTypeName.of(TypeName.FLOAT))
          .varargs(true)
          .addParameter(ArrayTypeName.of(ClassNames.STRING), "base64")
          .addJavadoc("Decodes big-endian IEEE-754 bit patterns (large tables do not fit the class-file limits of"
              + " literals).\n")
          .addStatement("$T buf = $T.wrap($T.getDecoder().decode($T.join(\"\", base64)))", ByteBuffer.class,
              ByteBuffer.class, Base64.class, String.class)
          .addStatement("float[] f = new float[buf.remaining() / 4]")
          .beginControlFlow("for (int i = 0; i < f.length; i++)")
          .addStatement("f[i] = Float.intBitsToFloat(buf.getInt())")
          .endControlFlow()
          .addStatement("return f")
          .build());
    }
    List<String> banner = CEmitter.bannerLines(className + ".java", k, o, source);
    JavaFile file = JavaFile.builder(o.javaPackage(), type.build())
        .addFileComment("$L", String.join("\n", banner))
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
    String path = (o.javaPackage().isEmpty() ? "" : o.javaPackage().replace('.', '/') + "/") + className + ".java";
    return new GeneratedFile(Language.JAVA, path, file.toString());
  }

  private static final class ClassNames {
    static final com.palantir.javapoet.ClassName STRING = com.palantir.javapoet.ClassName.get(String.class);
  }

  private static boolean callsInstanceMethod(Kernel k, Kernel.Function fn) {
    CodeText t = new CodeText();
    fn.body().emit(new Dialect(Language.JAVA, "p", "P"), t);
    String body = t.toString();
    for (Kernel.Function other : k.functions) {
      if (other != fn && !other.scratch().isEmpty() && body.contains(other.name() + "(")) {
        return true;
      }
    }
    return false;
  }

  private static TypeName returnType(String t) {
    switch (t) {
      case "int":
        return TypeName.INT;
      case "float":
        return TypeName.FLOAT;
      case "bool":
        return TypeName.BOOLEAN;
      case "int16":
        return TypeName.SHORT;
      default:
        return TypeName.VOID;
    }
  }

  private static CodeBlock arrayLiteral(List<String> items) {
    CodeBlock.Builder b = CodeBlock.builder().add("{\n$>");
    for (int i = 0; i < items.size(); i += PER_LINE) {
      StringBuilder line = new StringBuilder();
      for (int j = i; j < Math.min(items.size(), i + PER_LINE); j++) {
        line.append(j == i ? "" : " ").append(items.get(j)).append(j == items.size() - 1 ? "" : ",");
      }
      b.add("$L\n", line);
    }
    return b.add("$<}").build();
  }

  private static CodeBlock base64Floats(float[] v) {
    ByteBuffer buf = ByteBuffer.allocate(4 * v.length);
    for (float f : v) {
      buf.putInt(Float.floatToRawIntBits(f));
    }
    String s = Base64.getEncoder().encodeToString(buf.array());
    CodeBlock.Builder b = CodeBlock.builder().add("floats(\n$>");
    for (int i = 0; i < s.length(); i += CHUNK) {
      b.add("$S$L\n", s.substring(i, Math.min(s.length(), i + CHUNK)), i + CHUNK < s.length() ? "," : "");
    }
    return b.add("$<)").build();
  }

  private static String floatValue(float v) {
    return v == Float.POSITIVE_INFINITY ? "Float.POSITIVE_INFINITY"
        : v == Float.NEGATIVE_INFINITY ? "Float.NEGATIVE_INFINITY" : FloatLiteral.of(v);
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** Text safe in Javadoc: no comment terminators, no HTML metacharacters. */
  static String javadoc(String s) {
    return CEmitter.comment(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
