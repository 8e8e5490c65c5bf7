package io.loopforge.codegen;

/**
 * One fully connected layer {@code out[r] = act(b[r] + Σ_c W[r][c] in[c])} of generated code, and the
 * float32 kernel that computes it.
 *
 * <p>Order of operations (the contract between the C and the Java twin): each output row starts at its
 * bias and adds {@code W[r][c] * in[c]} for {@code c = 0, 1, …} in order, one rounding per multiply and
 * per add ({@code s = s + w * a}). Rows are computed four at a time (four independent accumulators, each
 * input loaded once for four rows, four contiguous weight streams), then one at a time for the rest;
 * blocking changes no row's order of operations.
 */
final class DenseLayer {
  static final int ROW_BLOCK = 4;

  enum Activation {
    /**
     * ReLU on every row: {@code s < 0 ? 0 : s}. NaN passes through (an overflowed intermediate shows up
     * as a non-finite output instead of being hidden by the ReLU).
     */
    RELU,
    /** No activation (identity rows, output layers). */
    LINEAR,
    /** ReLU on the rows whose mask entry is 1, identity on the others. */
    MIXED
  }

  final int rows;
  final int cols;
  final float[] weights;
  final float[] biases;
  final Activation activation;
  final byte[] reluMask;
  final String in;
  final int inOffset;
  final String out;
  final int outOffset;
  String weightName;
  String biasName;
  String maskName;

  DenseLayer(int rows, int cols, float[] weights, float[] biases, Activation activation, byte[] reluMask, String in,
      int inOffset, String out, int outOffset) {
    if (weights.length != rows * cols || biases.length != rows) {
      throw new IllegalArgumentException("layer shape " + rows + "x" + cols + " vs " + weights.length + " weights");
    }
    this.rows = rows;
    this.cols = cols;
    this.weights = weights;
    this.biases = biases;
    this.activation = activation;
    this.reluMask = reluMask;
    this.in = in;
    this.inOffset = inOffset;
    this.out = out;
    this.outOffset = outOffset;
  }

  /** Registers the layer's constants in {@code k} as {@code W<i>}, {@code B<i>} (and {@code M<i>}). */
  void register(Kernel k, int index, String what) {
    if (cols > 0) {
      weightName = k.floats("W" + index, weights, what + ": weights, row-major " + rows + " x " + cols);
    }
    biasName = k.floats("B" + index, biases, what + ": biases (" + rows + ")");
    if (activation == Activation.MIXED) {
      maskName = "M" + index;
      k.constants.add(Kernel.Constant.bytes(maskName, reluMask, what + ": 1 = ReLU, 0 = identity"));
    }
  }

  static String plus(String var, int offset) {
    return offset == 0 ? var : var + " + " + offset;
  }

  private String act(Dialect d, String s, String row) {
    switch (activation) {
      case RELU:
        return s + " < 0.0f ? 0.0f : " + s;
      case LINEAR:
        return s;
      default:
        return d.k(maskName) + "[" + row + "] != 0 && " + s + " < 0.0f ? 0.0f : " + s;
    }
  }

  /**
   * The layer. In C on a Cortex-M4F (GCC-compatible compiler, single-precision FPU) the rows are computed
   * by an inline-assembly kernel unless {@code <PREFIX>_PORTABLE_C} is defined: per row, eight weights
   * and eight inputs at a time by {@code vldmia}, each product added by {@code vmla.f32}, which rounds
   * the product and then the sum exactly as {@code s = s + w * a} does (it is not fused). The order per
   * row is the same (bias, then columns in order), so both paths give the same bits.
   */
  void emit(Dialect d, CodeText t) {
    if (d.isC() && cols > 0) {
      t.raw("#if " + d.d("USE_M4_ASM"));
      emitM4(d, t);
      t.raw("#else");
      emitPortable(d, t);
      t.raw("#endif");
    } else {
      emitPortable(d, t);
    }
  }

  static final int CHUNK = 8;
  static final int UNROLL_LIMIT = 64;

  private void emitM4(Dialect d, CodeText t) {
    String b = d.k(biasName);
    String w = d.k(weightName);
    t.open("for (int r = 0; r < " + rows + "; r++) {");
    t.line("const float *w = " + w + " + r * " + cols + ";");
    t.line("const float *a = " + (inOffset == 0 ? in : in + " + " + inOffset) + ";");
    t.line("float s = " + b + "[r];");
    int full = cols / CHUNK;
    int rest = cols % CHUNK;
    boolean loop = cols > UNROLL_LIMIT;
    if (loop) {
      t.line("int n = " + full + ";");
    }
    t.line("__asm__(");
    if (loop) {
      t.line("    \"1:\\n\\t\"");
      chunk(t, CHUNK);
      t.line("    \"subs %[n], %[n], #1\\n\\t\"");
      t.line("    \"bne 1b\\n\\t\"");
    } else {
      for (int c = 0; c < full; c++) {
        chunk(t, CHUNK);
      }
    }
    if (rest > 0) {
      chunk(t, rest);
    }
    t.line("    : [s] \"+t\"(s), [w] \"+r\"(w), [a] \"+r\"(a)" + (loop ? ", [n] \"+r\"(n)" : ""));
    t.line("    :");
    StringBuilder clobbers = new StringBuilder();
    int regs = Math.min(cols, CHUNK);
    for (int i = 0; i < regs; i++) {
      clobbers.append("\"s").append(8 + i).append("\", ");
    }
    for (int i = 0; i < regs; i++) {
      clobbers.append("\"s").append(16 + i).append("\", ");
    }
    t.line("    : " + clobbers + (loop ? "\"cc\", " : "") + "\"memory\");");
    t.line(out + "[" + plus("r", outOffset) + "] = " + act(d, "s", "r") + ";");
    t.close();
  }

  private static void chunk(CodeText t, int n) {
    String wr = n == 1 ? "s8" : "s8-s" + (8 + n - 1);
    String ar = n == 1 ? "s16" : "s16-s" + (16 + n - 1);
    t.line("    \"vldmia %[w]!, {" + wr + "}\\n\\t\"");
    t.line("    \"vldmia %[a]!, {" + ar + "}\\n\\t\"");
    for (int i = 0; i < n; i++) {
      t.line("    \"vmla.f32 %[s], s" + (8 + i) + ", s" + (16 + i) + "\\n\\t\"");
    }
  }

  private void emitPortable(Dialect d, CodeText t) {
    String b = d.k(biasName);
    if (cols == 0) {
      t.open("for (int r = 0; r < " + rows + "; r++) {");
      t.line("float s = " + b + "[r];");
      t.line(out + "[" + plus("r", outOffset) + "] = " + act(d, "s", "r") + ";");
      t.close();
      return;
    }
    String w = d.k(weightName);
    int blocked = rows - rows % ROW_BLOCK;
    String a = in + "[" + plus("c", inOffset) + "]";
    if (blocked > 0) {
      t.open("for (int r = 0; r < " + blocked + "; r += " + ROW_BLOCK + ") {");
      t.line("int o = r * " + cols + ";");
      for (int k = 0; k < ROW_BLOCK; k++) {
        t.line("float s" + k + " = " + b + "[" + plus("r", k) + "];");
      }
      t.open("for (int c = 0; c < " + cols + "; c++) {");
      t.line("float a = " + a + ";");
      for (int k = 0; k < ROW_BLOCK; k++) {
        t.line("s" + k + " = s" + k + " + " + w + "[" + plus("o", k * cols) + " + c] * a;");
      }
      t.close();
      for (int k = 0; k < ROW_BLOCK; k++) {
        t.line(out + "[" + plus("r", outOffset + k) + "] = " + act(d, "s" + k, plus("r", k)) + ";");
      }
      t.close();
    }
    if (blocked < rows) {
      t.open("for (int r = " + blocked + "; r < " + rows + "; r++) {");
      t.line("int o = r * " + cols + ";");
      t.line("float s = " + b + "[r];");
      t.open("for (int c = 0; c < " + cols + "; c++) {");
      t.line("s = s + " + w + "[o + c] * " + a + ";");
      t.close();
      t.line(out + "[" + plus("r", outOffset) + "] = " + act(d, "s", "r") + ";");
      t.close();
    }
  }

  /** Multiply-accumulates per evaluation. */
  int macs() {
    return rows * cols;
  }
}
