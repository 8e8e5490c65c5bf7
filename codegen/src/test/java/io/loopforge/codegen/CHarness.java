package io.loopforge.codegen;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs generated C (compiled with host gcc, strict flags, -O2, into one harness binary for many models)
 * and the generated Java twins on the same float inputs, and returns both results.
 *
 * <p>Every entry point has the shape {@code int f(const float *a, const float *b, float *out)}: a record
 * of the input file is {@code a} then {@code b}; a record of the output is the return code (int32)
 * then {@code out}.
 */
final class CHarness {
  /** One function of one generated model. */
  record Entry(String prefix, String className, String function, int lengthA, int lengthB, int lengthOut,
      GeneratedCode code) {}

  /** Return codes and outputs per record. */
  record Result(int[] codes, float[][] outputs) {}

  private CHarness() {}

  static String harnessSource(List<Entry> entries) {
    StringBuilder s = new StringBuilder();
    s.append("#include <stdint.h>\n#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n\n");
    for (Entry e : entries) {
      s.append("#include \"").append(e.prefix()).append(".h\"\n");
    }
    s.append("\ntypedef int (*fn3)(const float *, const float *, float *);\n");
    s.append("struct entry {\n  const char *name;\n  fn3 f;\n  int na;\n  int nb;\n  int nout;\n};\n\n");
    s.append("static const struct entry ENTRIES[] = {\n");
    for (Entry e : entries) {
      s.append("  {\"").append(e.prefix()).append("\", ").append(e.prefix()).append('_').append(e.function())
          .append(", ").append(e.lengthA()).append(", ").append(e.lengthB()).append(", ").append(e.lengthOut())
          .append("},\n");
    }
    s.append("};\n\n");
    s.append("int main(int argc, char **argv)\n{\n"
        + "  if (argc != 2) {\n    return 2;\n  }\n"
        + "  for (size_t e = 0; e < sizeof ENTRIES / sizeof ENTRIES[0]; e++) {\n"
        + "    const struct entry *en = &ENTRIES[e];\n"
        + "    char path[4096];\n"
        + "    snprintf(path, sizeof path, \"%s/%s.in\", argv[1], en->name);\n"
        + "    FILE *in = fopen(path, \"rb\");\n"
        + "    snprintf(path, sizeof path, \"%s/%s.out\", argv[1], en->name);\n"
        + "    FILE *out = fopen(path, \"wb\");\n"
        + "    if (in == NULL || out == NULL) {\n      return 3;\n    }\n"
        + "    size_t rec = (size_t)(en->na + en->nb);\n"
        + "    float *buf = malloc(sizeof(float) * (rec + 1));\n"
        + "    float *res = malloc(sizeof(float) * ((size_t)en->nout + 1));\n"
        + "    while (fread(buf, sizeof(float), rec, in) == rec) {\n"
        + "      memset(res, 0, sizeof(float) * ((size_t)en->nout + 1));\n"
        + "      int32_t rc = en->f(buf, buf + en->na, res);\n"
        + "      fwrite(&rc, sizeof rc, 1, out);\n"
        + "      fwrite(res, sizeof(float), (size_t)en->nout, out);\n"
        + "    }\n"
        + "    free(buf);\n    free(res);\n    fclose(in);\n"
        + "    if (fclose(out) != 0) {\n      return 4;\n    }\n"
        + "  }\n  return 0;\n}\n");
    return s.toString();
  }

  /**
   * Runs the C code of all entries on {@code inputs} (per prefix: records of lengthA + lengthB floats).
   */
  static Map<String, Result> runC(Path dir, List<Entry> entries, Map<String, float[][]> inputs) throws IOException {
    List<String> flags = new ArrayList<>(NativeToolchain.STRICT);
    flags.add("-O2");
    return runC(dir, entries, inputs, flags, s -> s);
  }

  /** As {@link #runC(Path, List, Map)} with other compiler flags and an edit of each generated .c file. */
  static Map<String, Result> runC(Path dir, List<Entry> entries, Map<String, float[][]> inputs, List<String> flags,
      java.util.function.UnaryOperator<String> edit) throws IOException {
    Files.createDirectories(dir);
    List<String> sources = new ArrayList<>();
    for (Entry e : entries) {
      for (String src : NativeToolchain.writeC(e.code(), dir)) {
        Files.writeString(dir.resolve(src), edit.apply(Files.readString(dir.resolve(src))));
        sources.add(src);
      }
    }
    Files.writeString(dir.resolve("harness.c"), harnessSource(entries));
    sources.add("harness.c");
    String gcc = NativeToolchain.hostGcc();
    // one compiler process per file, on all cores, then one link
    List<String> objects = sources.parallelStream().map(src -> {
      NativeToolchain.run(dir, NativeToolchain.command(gcc, flags, "-c", src));
      return src.replace(".c", ".o");
    }).collect(java.util.stream.Collectors.toList());
    List<String> link = new ArrayList<>(List.of(gcc, "-o", "harness"));
    link.addAll(objects);
    NativeToolchain.run(dir, link);
    for (Entry e : entries) {
      float[][] in = inputs.get(e.prefix());
      int rec = e.lengthA() + e.lengthB();
      ByteBuffer b = ByteBuffer.allocate(4 * rec * in.length).order(ByteOrder.LITTLE_ENDIAN);
      for (float[] r : in) {
        for (int i = 0; i < rec; i++) {
          b.putFloat(r[i]);
        }
      }
      Files.write(dir.resolve(e.prefix() + ".in"), b.array());
    }
    NativeToolchain.run(dir, List.of(dir.resolve("harness").toString(), dir.toString()));
    Map<String, Result> out = new LinkedHashMap<>();
    for (Entry e : entries) {
      int n = inputs.get(e.prefix()).length;
      ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(e.prefix() + ".out"))).order(ByteOrder.LITTLE_ENDIAN);
      if (b.remaining() != n * 4 * (1 + e.lengthOut())) {
        throw new AssertionError(e.prefix() + ": harness wrote " + b.remaining() + " bytes for " + n + " records");
      }
      int[] codes = new int[n];
      float[][] res = new float[n][e.lengthOut()];
      for (int r = 0; r < n; r++) {
        codes[r] = b.getInt();
        for (int i = 0; i < e.lengthOut(); i++) {
          res[r][i] = b.getFloat();
        }
      }
      out.put(e.prefix(), new Result(codes, res));
    }
    return out;
  }

  /** Runs the Java twin of {@code e} on the same records. */
  static Result runJava(ClassLoader loader, Entry e, float[][] inputs) throws Throwable {
    Class<?> c = loader.loadClass(e.className());
    Object twin = c.getConstructor().newInstance();
    MethodHandle h = MethodHandles.publicLookup().findVirtual(c, e.function(),
        MethodType.methodType(int.class, float[].class, float[].class, float[].class)).bindTo(twin);
    int n = inputs.length;
    int[] codes = new int[n];
    float[][] res = new float[n][e.lengthOut()];
    float[] a = new float[e.lengthA()];
    float[] b = new float[e.lengthB()];
    for (int r = 0; r < n; r++) {
      System.arraycopy(inputs[r], 0, a, 0, a.length);
      System.arraycopy(inputs[r], a.length, b, 0, b.length);
      codes[r] = (int) h.invokeExact(a, b, res[r]);
    }
    return new Result(codes, res);
  }

  /** Bit equality, all NaNs equal. */
  static boolean sameBits(float a, float b) {
    return Float.floatToIntBits(a) == Float.floatToIntBits(b);
  }
}
