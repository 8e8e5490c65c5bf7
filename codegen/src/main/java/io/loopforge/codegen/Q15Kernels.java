package io.loopforge.codegen;

import io.loopforge.modeling.nn.NetworkBounds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The int16 (Q15) variant of network inference. Per layer: the layer's input vector is scaled by a
 * power of two chosen at run time from its largest magnitude and rounded to int16; weights are int16 with
 * a power-of-two scale per row; products are summed exactly in int64; the sum is scaled back to float and
 * the float bias and activation applied. Inputs, outputs, biases and activations stay float, so the API
 * is the f32 one. All arithmetic is integer or IEEE float, so C and the Java twin agree bit for bit.
 *
 * <p>The generator bounds the error against the double-precision model over the input box
 * {@code |z_i| ≤ inputRange}: the model's {@link NetworkBounds} over that box bound every value the model
 * computes, and the Q15 rounding errors are propagated on top of them. It also measures the error on
 * random inputs from the box, and reports both (header comment and {@link GeneratedCode#notes()}).
 */
final class Q15Kernels {
  /** The model in double precision: network output for network input z. */
  interface Reference {
    double[] evaluate(double[] z);
  }

  /** The model's interval bounds over an input box {@code lower ≤ z ≤ upper}. */
  interface Bounds {
    NetworkBounds over(double[] lower, double[] upper);
  }

  /** A layer in Q15 form. */
  record QLayer(DenseLayer f, short[] w, float[] rowScale, double[] wError) {}

  static final int SAMPLES = 10_000;

  private Q15Kernels() {}

  static QLayer quantize(DenseLayer l) {
    short[] w = new short[l.weights.length];
    float[] scale = new float[l.rows];
    double[] err = new double[l.rows];
    for (int r = 0; r < l.rows; r++) {
      double max = 0;
      for (int c = 0; c < l.cols; c++) {
        max = Math.max(max, Math.abs(l.weights[r * l.cols + c]));
      }
      int ew = max == 0 ? 0 : Math.getExponent(max) + 1; // max < 2^ew
      ew = Math.max(ew, -100);
      scale[r] = (float) Math.scalb(1.0, ew - 15);
      for (int c = 0; c < l.cols; c++) {
        double exact = l.weights[r * l.cols + c];
        long q = Math.round(Math.scalb(exact, 15 - ew));
        w[r * l.cols + c] = (short) Math.max(-32767, Math.min(32767, q));
        err[r] = Math.max(err[r], Math.abs(Math.scalb((double) w[r * l.cols + c], ew - 15) - exact));
      }
    }
    return new QLayer(l, w, scale, err);
  }

  static void addLayers(Kernel k, NetworkKernels.Net net, boolean folded, int vLength, String outMacro,
      CodegenOptions o, Reference ref, Bounds bounds) {
    List<QLayer> layers = new ArrayList<>();
    int maxCols = 1;
    for (int i = 0; i < net.layers().size(); i++) {
      DenseLayer l = net.layers().get(i);
      boolean output = i == net.layers().size() - 1;
      String what = output ? "output layer" : (folded ? "ReLU layer " : "hidden layer ") + i;
      QLayer q = quantize(l);
      layers.add(q);
      maxCols = Math.max(maxCols, l.cols);
      if (l.cols > 0) {
        l.weightName = k.shorts("W" + i, q.w(), what + ": Q15 weights, row-major " + l.rows + " x " + l.cols);
        k.floats("WS" + i, q.rowScale(), what + ": per-row weight scale (power of two)");
      }
      l.biasName = k.floats("B" + i, l.biases, what + ": biases (" + l.rows + ")");
      if (l.activation == DenseLayer.Activation.MIXED) {
        l.maskName = "M" + i;
        k.constants.add(Kernel.Constant.bytes(l.maskName, l.reluMask, what + ": 1 = ReLU, 0 = identity"));
      }
    }
    addHelpers(k);
    List<Kernel.Scratch> scratch = new ArrayList<>(net.hidden());
    scratch.add(new Kernel.Scratch("q", maxCols, "short"));
    List<String> doc = List.of("The network in Q15 (int16 activations and weights, int64 sums); "
        + (folded ? "v[0 .. " + net.inputWidth() + ") holds the input, units are appended (length " + vLength + ")"
            : "z (" + net.inputWidth() + " values) to out (" + outMacro + " values)") + ".",
        "Returns 1, or 0 when an intermediate value is not finite.");
    Kernel.ParamType vt = folded ? Kernel.ParamType.OUT_FLOATS : Kernel.ParamType.IN_FLOATS;
    k.function(new Kernel.Function("layers", "bool", false, doc,
        List.of(new Kernel.Param(vt, folded ? "v" : "z"), new Kernel.Param(Kernel.ParamType.OUT_FLOATS, "out")),
        scratch, (d, t) -> {
          for (QLayer q : layers) {
            emit(d, t, q);
          }
          t.line(d.isC() ? "return 1;" : "return true;");
        }));
    double[] lower = new double[net.inputWidth()];
    double[] upper = new double[net.inputWidth()];
    Arrays.fill(lower, -o.inputRange());
    Arrays.fill(upper, o.inputRange());
    Bound b = bound(layers, net.rows(), folded, bounds.over(lower, upper));
    double observed = observe(layers, net.inputWidth(), folded, vLength, o.inputRange(), ref);
    String range = FloatLiteral.of((float) o.inputRange()).replace("f", "");
    String line = String.format(Locale.ROOT,
        "Q15 error vs the double model for inputs in [-%s, %s]: worst case <= %.3g (bound), max observed %.3g"
            + " (%d random inputs)", range, range, b.max(), observed, SAMPLES);
    k.describe(line);
    k.notes.add(line);
  }

  private static void addHelpers(Kernel k) {
    k.function(new Kernel.Function("exponent", "int", false,
        List.of("The e with m < 2^e for m >= 0 (e = -100 for zero and subnormals; 129 for inf and NaN)."),
        List.of(new Kernel.Param(Kernel.ParamType.FLOAT, "m")), List.of(), (d, t) -> {
          if (d.isC()) {
            t.line("union {");
            t.line("  float f;");
            t.line("  uint32_t u;");
            t.line("} b;");
            t.line("b.f = m;");
            t.line("int biased = (int)((b.u >> 23) & 255u);");
          } else {
            t.line("int biased = (Float.floatToRawIntBits(m) >>> 23) & 255;");
          }
          t.line("return biased == 0 ? -100 : biased - 126;");
        }));
    k.function(new Kernel.Function("pow2", "float", false, List.of("2^e for -126 <= e <= 127, exactly."),
        List.of(new Kernel.Param(Kernel.ParamType.INT, "e")), List.of(), (d, t) -> {
          if (d.isC()) {
            t.line("union {");
            t.line("  float f;");
            t.line("  uint32_t u;");
            t.line("} b;");
            t.line("b.u = (uint32_t)(e + 127) << 23;");
            t.line("return b.f;");
          } else {
            t.line("return Float.intBitsToFloat((e + 127) << 23);");
          }
        }));
    k.function(new Kernel.Function("q15", d16(), false,
        List.of("v rounded to the nearest integer (ties away from zero), saturated to +-32767; NaN gives 0."),
        List.of(new Kernel.Param(Kernel.ParamType.FLOAT, "v")), List.of(), (d, t) -> {
          String cast = d.isC() ? "(int16_t)" : "(short)";
          t.open("if (!(v < 32767.0f)) {");
          t.line("return " + cast + "(v > 0.0f ? 32767 : 0);");
          t.close();
          t.open("if (!(v > -32767.0f)) {");
          t.line("return " + cast + "(-32767);");
          t.close();
          t.line("return " + cast + "(int)(v < 0.0f ? v - 0.5f : v + 0.5f);");
        }));
  }

  /** Marker for the int16 return type (C int16_t, Java short). */
  static String d16() {
    return "int16";
  }

  private static void emit(Dialect d, CodeText t, QLayer q) {
    DenseLayer l = q.f();
    String b = d.k(l.biasName);
    String in = l.in;
    String a = in + "[" + DenseLayer.plus("c", l.inOffset) + "]";
    t.open("{");
    if (l.cols == 0) {
      t.open("for (int r = 0; r < " + l.rows + "; r++) {");
      t.line("float s = " + b + "[r];");
      t.line(l.out + "[" + DenseLayer.plus("r", l.outOffset) + "] = " + act(d, l, "s", "r") + ";");
      t.close();
      t.close();
      return;
    }
    t.line("float m = 0.0f;");
    t.open("for (int c = 0; c < " + l.cols + "; c++) {");
    t.line("float a = " + a + " < 0.0f ? -" + a + " : " + a + ";");
    t.line("m = a > m ? a : m;");
    t.close();
    t.line("int e = " + d.fn("exponent") + "(m);");
    t.open("if (e > 128) {");
    t.line(d.isC() ? "return 0;" : "return false;");
    t.close();
    t.line("float up = " + d.fn("pow2") + "(15 - e);");
    t.line("float down = " + d.fn("pow2") + "(e - 15);");
    t.open("for (int c = 0; c < " + l.cols + "; c++) {");
    t.line("q[c] = " + d.fn("q15") + "(" + a + " * up);");
    t.close();
    t.open("for (int r = 0; r < " + l.rows + "; r++) {");
    t.line("int o = r * " + l.cols + ";");
    t.line((d.isC() ? "int64_t" : "long") + " acc = 0;");
    t.open("for (int c = 0; c < " + l.cols + "; c++) {");
    t.line("acc += " + (d.isC() ? "(int32_t)" : "") + d.k(l.weightName) + "[o + c] * q[c];");
    t.close();
    t.line("float s = (float)acc * (down * " + d.k("WS" + l.weightName.substring(1)) + "[r]) + " + b + "[r];");
    t.line(l.out + "[" + DenseLayer.plus("r", l.outOffset) + "] = " + act(d, l, "s", "r") + ";");
    t.close();
    t.close();
  }

  private static String act(Dialect d, DenseLayer l, String s, String row) {
    switch (l.activation) {
      case RELU:
        return s + " < 0.0f ? 0.0f : " + s;
      case LINEAR:
        return s;
      default:
        return d.k(l.maskName) + "[" + row + "] != 0 && " + s + " < 0.0f ? 0.0f : " + s;
    }
  }

  // ---- the same arithmetic in Java, for the error report --------------------------------------

  private static float pow2(int e) {
    return Float.intBitsToFloat((e + 127) << 23);
  }

  private static int exponent(float m) {
    int biased = (Float.floatToRawIntBits(m) >>> 23) & 255;
    return biased == 0 ? -100 : biased - 126;
  }

  private static short q15(float v) {
    if (!(v < 32767.0f)) {
      return (short) (v > 0.0f ? 32767 : 0);
    }
    if (!(v > -32767.0f)) {
      return (short) -32767;
    }
    return (short) (int) (v < 0.0f ? v - 0.5f : v + 0.5f);
  }

  /** Evaluates the generated Q15 code's arithmetic on z; returns the output layer's values. */
  static float[] evaluate(List<QLayer> layers, int n0, boolean folded, int vLength, float[] z) {
    Map<String, float[]> buf = new HashMap<>();
    float[] in = new float[Math.max(vLength, n0)];
    System.arraycopy(z, 0, in, 0, n0);
    buf.put(folded ? "v" : "z", in);
    int maxWidth = 1;
    for (QLayer q : layers) {
      maxWidth = Math.max(maxWidth, q.f().rows);
    }
    buf.put("h0", new float[maxWidth]);
    buf.put("h1", new float[maxWidth]);
    QLayer last = layers.get(layers.size() - 1);
    buf.put("out", new float[last.f().rows]);
    for (QLayer q : layers) {
      DenseLayer l = q.f();
      float[] a = buf.get(l.in);
      float[] out = buf.get(l.out);
      short[] qa = new short[Math.max(1, l.cols)];
      float m = 0.0f;
      for (int c = 0; c < l.cols; c++) {
        float v = a[l.inOffset + c] < 0.0f ? -a[l.inOffset + c] : a[l.inOffset + c];
        m = v > m ? v : m;
      }
      int e = exponent(m);
      float up = pow2(15 - e);
      float down = pow2(e - 15);
      for (int c = 0; c < l.cols; c++) {
        qa[c] = q15(a[l.inOffset + c] * up);
      }
      for (int r = 0; r < l.rows; r++) {
        float s;
        if (l.cols == 0) {
          s = l.biases[r];
        } else {
          long acc = 0;
          for (int c = 0; c < l.cols; c++) {
            acc += q.w()[r * l.cols + c] * qa[c];
          }
          s = (float) acc * (down * q.rowScale()[r]) + l.biases[r];
        }
        boolean relu = l.activation == DenseLayer.Activation.RELU
            || l.activation == DenseLayer.Activation.MIXED && l.reluMask[r] != 0;
        out[l.outOffset + r] = relu && s < 0.0f ? 0.0f : s;
      }
    }
    return buf.get("out").clone();
  }

  private static double observe(List<QLayer> layers, int n0, boolean folded, int vLength, double range,
      Reference ref) {
    SplittableRandom rng = new SplittableRandom(15);
    double worst = 0;
    float[] z = new float[n0];
    double[] zd = new double[n0];
    for (int s = 0; s < SAMPLES; s++) {
      for (int i = 0; i < n0; i++) {
        z[i] = (float) (range * (s < 2 ? (s == 0 ? 1 : -1) : 2 * rng.nextDouble() - 1));
        zd[i] = z[i];
      }
      float[] y = evaluate(layers, n0, folded, vLength, z);
      double[] yd = ref.evaluate(zd);
      for (int i = 0; i < y.length; i++) {
        worst = Math.max(worst, Math.abs(y[i] - yd[i]));
      }
    }
    return worst;
  }

  /** Worst-case error bounds of the outputs. */
  record Bound(double[] error) {
    double max() {
      double m = 0;
      for (double e : error) {
        m = Math.max(m, e);
      }
      return m;
    }
  }

  private static final double U = Math.scalb(1.0, -24);
  private static final double Q = Math.scalb(1.0, -15);

  /**
   * Error analysis over the input box of {@code bounds}: per value the generated code computes, a
   * magnitude bound A of the double model's value (from the model's interval bounds) and an error bound
   * E (Q15 code vs double model). Per layer with M = max(A + E) over its input: activation quantization
   * ≤ 2 M 2⁻¹⁵ (half a step, or one at the clamp; the step is at most 2 M 2⁻¹⁵), weight quantization as
   * it is (known per row), the float conversion and the bias addition 2⁻²⁴ relative; ReLU does not
   * increase errors. A dense layer reads the previous layer's rows; a folded layer reads the input and
   * every earlier layer's rows, in that order ({@code rows} maps each generated row to its model unit).
   */
  static Bound bound(List<QLayer> layers, List<NetworkKernels.ModelRows> rows, boolean folded,
      NetworkBounds bounds) {
    int n0 = bounds.inputWidth();
    int width = n0;
    int maxRows = 1;
    for (QLayer q : layers) {
      width = Math.max(width, q.f().cols + q.f().rows);
      maxRows = Math.max(maxRows, q.f().rows);
    }
    // what the current layer reads: magnitude bound of the double model's values, Q15 error bound
    double[] mag = new double[width];
    double[] err = new double[width];
    double[] rowMag = new double[maxRows];
    double[] rowErr = new double[maxRows];
    for (int i = 0; i < n0; i++) {
      mag[i] = Math.max(Math.abs(bounds.inputLower(i)), Math.abs(bounds.inputUpper(i)));
    }
    for (int i = 0; i < layers.size(); i++) {
      QLayer q = layers.get(i);
      DenseLayer l = q.f();
      NetworkKernels.ModelRows units = rows.get(i);
      double m = 0;
      for (int c = 0; c < l.cols; c++) {
        int j = l.inOffset + c;
        m = Math.max(m, mag[j] + err[j]);
      }
      double qa = 2 * m * Q;
      for (int r = 0; r < l.rows; r++) {
        double b = l.biases[r];
        double e = 0;
        double size = Math.abs(b);
        for (int c = 0; c < l.cols; c++) {
          int j = l.inOffset + c;
          double w = l.weights[r * l.cols + c];
          e += Math.abs(w) * (err[j] + qa) + q.wError()[r] * (mag[j] + err[j] + qa);
          size += (Math.abs(w) + q.wError()[r]) * (mag[j] + err[j] + qa);
        }
        e += 2 * U * size + U * Math.abs(b); // float(acc), + bias, and the float bias itself
        e *= 1 + 1e-12; // the double arithmetic of the bound itself
        int unit = units.units()[r];
        rowMag[r] = Math.max(Math.abs(bounds.activationLower(units.layer(), unit)),
            Math.abs(bounds.activationUpper(units.layer(), unit)));
        rowErr[r] = e;
      }
      // a folded layer appends its units to what it read; a dense layer's rows are what the next one reads
      int at = folded ? l.cols : 0;
      System.arraycopy(rowMag, 0, mag, at, l.rows);
      System.arraycopy(rowErr, 0, err, at, l.rows);
    }
    int outputs = layers.get(layers.size() - 1).f().rows;
    return new Bound(Arrays.copyOf(rowErr, outputs));
  }
}
