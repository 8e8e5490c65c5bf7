package io.loopforge.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.NeuronKind;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.registry.Model;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated C (host gcc, {@code -std=c11 -O2}) and the generated Java twin agree bit for bit on
 * random networks and inputs, and both agree with the double-precision model within the float
 * tolerance stated in {@link #TOLERANCE}.
 */
class NetworkAgreementTest {
  static final int MODELS = 50;
  static final int INPUTS = 10_000;
  /**
   * |f32 − f64| ≤ TOLERANCE · M, where M is the same network evaluated on |x|, |u| with |W|, |b| (a bound
   * on every partial sum): float rounding of weights and of each operation is 2⁻²⁴ relative per term,
   * accumulated over at most 4 layers of at most 44 terms.
   */
  static final double TOLERANCE = 1e-5;

  @TempDir
  Path dir;

  @Test
  void cAndJavaAgreeBitForBitOnRandomNetworks() throws Throwable {
    SplittableRandom rng = new SplittableRandom(0x10093F0E6EL);
    List<CHarness.Entry> entries = new ArrayList<>();
    List<GeneratedCode> codes = new ArrayList<>();
    Map<String, float[][]> inputs = new LinkedHashMap<>();
    Map<String, DynamicsModel> models = new LinkedHashMap<>();
    for (int i = 0; i < MODELS; i++) {
      ReluNetwork net = RandomModels.network(rng);
      FoldedReluNetwork folded = FoldedReluNetwork.fold(net);
      DynamicsModel model = i % 2 == 0 ? net : folded;
      String prefix = "n" + i;
      GeneratedCode code = CodeGenerator.generate(i % 2 == 0 ? Model.of(net) : Model.of(folded), CodegenOptions.builder(prefix).javaPackage("twins").build());
      codes.add(code);
      int nx = model.stateDim();
      int nu = model.inputDim();
      String fn = i % 5 == 4 ? "forward" : "step";
      entries.add(new CHarness.Entry(prefix, "twins.N" + i, fn, nx, nu, nx, code));
      inputs.put(prefix, RandomModels.inputs(rng, INPUTS, nx + nu, 3.0));
      models.put(prefix, model);
    }
    Map<String, CHarness.Result> c = CHarness.runC(dir.resolve("c"), entries, inputs);
    ClassLoader loader = TwinCompiler.compile(codes, dir.resolve("java"));
    double worst = 0;
    String where = "";
    int checked = 0;
    for (CHarness.Entry e : entries) {
      float[][] in = inputs.get(e.prefix());
      CHarness.Result cr = c.get(e.prefix());
      CHarness.Result jr = CHarness.runJava(loader, e, in);
      DynamicsModel model = models.get(e.prefix());
      AbsoluteNetwork abs = new AbsoluteNetwork(model);
      int nx = e.lengthA();
      for (int r = 0; r < in.length; r++) {
        assertEquals(cr.codes()[r], jr.codes()[r], e.prefix() + " record " + r + ": return codes");
        for (int i = 0; i < nx; i++) {
          float a = cr.outputs()[r][i];
          float b = jr.outputs()[r][i];
          if (!CHarness.sameBits(a, b)) {
            throw new AssertionError(e.prefix() + " record " + r + " output " + i + ": C " + a + " ("
                + Integer.toHexString(Float.floatToRawIntBits(a)) + ") vs Java " + b + " ("
                + Integer.toHexString(Float.floatToRawIntBits(b)) + ")");
          }
        }
        if (cr.codes()[r] != 0) {
          continue;
        }
        double[] x = new double[nx];
        double[] u = new double[e.lengthB()];
        for (int i = 0; i < nx; i++) {
          x[i] = in[r][i];
        }
        for (int i = 0; i < u.length; i++) {
          u[i] = in[r][nx + i];
        }
        double[] y = new double[nx];
        double[] m = abs.bound(x, u, e.function().equals("step"));
        if (e.function().equals("step")) {
          model.step(x, u, y);
        } else if (model instanceof ReluNetwork) {
          ((ReluNetwork) model).evaluate(concat(x, u), y);
        } else {
          ((FoldedReluNetwork) model).evaluate(concat(x, u), y);
        }
        for (int i = 0; i < nx; i++) {
          if (m[i] > 1e30) {
            continue; // near float overflow no tolerance holds; the rc check above covers it
          }
          double err = Math.abs(cr.outputs()[r][i] - y[i]) / m[i];
          if (err > worst) {
            where = e.prefix() + " " + e.function() + " record " + r + " output " + i + ": f32 " + cr.outputs()[r][i]
                + ", f64 " + y[i] + ", M " + m[i] + ", input " + java.util.Arrays.toString(in[r]) + " " + model;
          }
          worst = Math.max(worst, err);
          checked++;
        }
      }
    }
    assertTrue(checked > MODELS * INPUTS * 0.9, "checked " + checked);
    assertTrue(worst <= TOLERANCE, "worst |f32 - f64| / M = " + worst + " at " + where);
  }

  /** A network too large for literal arrays in the twin (class-file limits): Base64 tables, same bits. */
  @Test
  void largeNetworkTwinStoresWeightsAsBase64() throws Throwable {
    SplittableRandom rng = new SplittableRandom(123);
    ReluNetwork net = RandomModels.network(rng, 6, 2, 128, 96);
    GeneratedCode code = CodeGenerator.generate(Model.of(net), CodegenOptions.builder("big").javaPackage("twins").build());
    String java = code.files(Language.JAVA).get(0).content();
    assertTrue(java.contains("private static final float[] W1 = floats("), "large tables as Base64");
    CHarness.Entry e = new CHarness.Entry("big", "twins.Big", "step", 6, 2, 6, code);
    Map<String, float[][]> inputs = Map.of("big", RandomModels.inputs(rng, 2_000, 8, 2.0));
    CHarness.Result c = CHarness.runC(dir.resolve("c"), List.of(e), inputs).get("big");
    CHarness.Result j = CHarness.runJava(TwinCompiler.compile(List.of(code), dir.resolve("java")), e, inputs.get("big"));
    for (int r = 0; r < j.codes().length; r++) {
      assertEquals(c.codes()[r], j.codes()[r]);
      for (int i = 0; i < 6; i++) {
        assertTrue(CHarness.sameBits(c.outputs()[r][i], j.outputs()[r][i]), "record " + r);
      }
    }
  }

  /**
   * The C file turns floating-point contraction off itself: built with the GNU dialect, -O3,
   * -ffp-contract=fast and the host's FMA units it still matches the twin; with its pragmas removed it
   * does not (on a host with FMA), so the pragmas are what keeps the contract.
   */
  @Test
  void contractionStaysOffUnderAggressiveFlags() throws Throwable {
    SplittableRandom rng = new SplittableRandom(99);
    List<CHarness.Entry> entries = new ArrayList<>();
    List<GeneratedCode> codes = new ArrayList<>();
    Map<String, float[][]> inputs = new LinkedHashMap<>();
    for (int i = 0; i < 4; i++) {
      ReluNetwork net = RandomModels.network(rng, 4, 2, 32, 32);
      String prefix = "fma" + i;
      GeneratedCode code = CodeGenerator.generate(Model.of(net), CodegenOptions.builder(prefix).javaPackage("twins").build());
      codes.add(code);
      entries.add(new CHarness.Entry(prefix, "twins.Fma" + i, "forward", 4, 2, 4, code));
      inputs.put(prefix, RandomModels.inputs(rng, 2_000, 6, 3.0));
    }
    List<String> flags = List.of("-std=gnu11", "-O3", "-march=native", "-ffp-contract=fast", "-Wall", "-Werror");
    Map<String, CHarness.Result> kept = CHarness.runC(dir.resolve("kept"), entries, inputs, flags, s -> s);
    Map<String, CHarness.Result> stripped = CHarness.runC(dir.resolve("stripped"), entries, inputs, flags,
        s -> s.replaceAll("#pragma [^\n]*\n", ""));
    ClassLoader loader = TwinCompiler.compile(codes, dir.resolve("java"));
    int differences = 0;
    for (CHarness.Entry e : entries) {
      CHarness.Result j = CHarness.runJava(loader, e, inputs.get(e.prefix()));
      for (int r = 0; r < j.codes().length; r++) {
        for (int i = 0; i < e.lengthOut(); i++) {
          assertTrue(CHarness.sameBits(j.outputs()[r][i], kept.get(e.prefix()).outputs()[r][i]),
              e.prefix() + " record " + r);
          differences += CHarness.sameBits(j.outputs()[r][i], stripped.get(e.prefix()).outputs()[r][i]) ? 0 : 1;
        }
      }
    }
    if (hostHasFma()) {
      assertTrue(differences > 0, "without the pragmas FMA contraction should change some results");
    }
  }

  private static boolean hostHasFma() throws java.io.IOException {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    return java.nio.file.Files.isReadable(cpuinfo)
        && java.util.regex.Pattern.compile("\\bfma\\b").matcher(java.nio.file.Files.readString(cpuinfo)).find();
  }

  static double[] concat(double[] a, double[] b) {
    double[] z = new double[a.length + b.length];
    System.arraycopy(a, 0, z, 0, a.length);
    System.arraycopy(b, 0, z, a.length, b.length);
    return z;
  }

  /**
   * The network evaluated on |z| with |W|, |b| and every kept neuron passing its (non-negative) value,
   * plus |x| for a residual step: a bound on every partial sum the evaluation forms.
   */
  static final class AbsoluteNetwork {
    private final boolean residual;
    private final List<double[]> weights = new ArrayList<>();
    private final List<double[]> biases = new ArrayList<>();
    private final List<boolean[]> removed = new ArrayList<>();
    private final boolean folded;
    private final int width;

    AbsoluteNetwork(DynamicsModel model) {
      if (model instanceof ReluNetwork) {
        ReluNetwork n = (ReluNetwork) model;
        residual = n.residual();
        folded = false;
        for (int l = 0; l < n.layerCount(); l++) {
          weights.add(abs(n.weights(l)));
          biases.add(abs(n.biases(l)));
          boolean[] z = new boolean[n.width(l)];
          for (int r = 0; l < n.hiddenLayerCount() && r < z.length; r++) {
            z[r] = n.kinds(l)[r] == NeuronKind.ZERO;
          }
          removed.add(z);
        }
        width = 0;
      } else {
        FoldedReluNetwork n = (FoldedReluNetwork) model;
        residual = n.residual();
        folded = true;
        for (int k = 0; k < n.reluLayerCount(); k++) {
          weights.add(abs(n.weights(k)));
          biases.add(abs(n.biases(k)));
        }
        weights.add(abs(n.outputWeights()));
        biases.add(abs(n.outputBiases()));
        width = n.offset(n.reluLayerCount());
      }
    }

    private static double[] abs(double[] v) {
      double[] a = new double[v.length];
      for (int i = 0; i < v.length; i++) {
        a[i] = Math.abs(v[i]);
      }
      return a;
    }

    double[] bound(double[] x, double[] u, boolean step) {
      double[] z = concat(x, u);
      for (int i = 0; i < z.length; i++) {
        z[i] = Math.abs(z[i]);
      }
      double[] out;
      if (!folded) {
        double[] a = z;
        for (int l = 0; l < weights.size(); l++) {
          double[] w = weights.get(l);
          double[] b = biases.get(l);
          double[] y = new double[b.length];
          for (int r = 0; r < b.length; r++) {
            double s = b[r];
            for (int c = 0; c < a.length; c++) {
              s += w[r * a.length + c] * a[c];
            }
            y[r] = removed.get(l)[r] ? 0 : s;
          }
          a = y;
        }
        out = a;
      } else {
        double[] v = new double[width];
        System.arraycopy(z, 0, v, 0, z.length);
        int cols = z.length;
        int last = weights.size() - 1;
        out = new double[biases.get(last).length];
        for (int k = 0; k <= last; k++) {
          double[] w = weights.get(k);
          double[] b = biases.get(k);
          for (int r = 0; r < b.length; r++) {
            double s = b[r];
            for (int c = 0; c < cols; c++) {
              s += w[r * cols + c] * v[c];
            }
            if (k == last) {
              out[r] = s;
            } else {
              v[cols + r] = s;
            }
          }
          cols += k == last ? 0 : b.length;
        }
      }
      for (int i = 0; i < out.length; i++) {
        out[i] += (step && residual ? Math.abs(x[i]) : 0) + Double.MIN_NORMAL;
      }
      return out;
    }
  }
}
