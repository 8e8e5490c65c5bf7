package io.loopforge.codegen;

import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.NetworkBounds;
import io.loopforge.modeling.nn.NeuronKind;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.policy.NetworkPolicy;
import java.util.ArrayList;
import java.util.List;

/** Kernels of ReLU networks: dense MLPs (removed neurons dropped), folded networks and network policies. */
final class NetworkKernels {
  private NetworkKernels() {}

  /**
   * A network body: layers over named buffers, per layer the model units its rows compute, the scratch
   * its private function needs.
   */
  record Net(List<DenseLayer> layers, List<ModelRows> rows, int inputWidth, List<Kernel.Scratch> hidden, String shape,
      int macs) {}

  /**
   * The model units a generated layer computes: row {@code r} is unit {@code units[r]} of layer
   * {@code layer} as {@link NetworkBounds} numbers them (removed neurons have no row).
   */
  record ModelRows(int layer, int[] units) {}

  /**
   * A dense network over {@code z} (width n0): neurons of kind ZERO are dropped with their columns in the
   * next layer; identity neurons keep their row without activation.
   */
  static Net dense(int n0, List<double[]> weights, List<double[]> biases, List<NeuronKind[]> kinds, String what) {
    List<DenseLayer> layers = new ArrayList<>();
    List<ModelRows> modelRows = new ArrayList<>();
    int[] keptCols = range(n0);
    int layerCount = weights.size();
    String in = "z";
    int maxWidth = 1;
    StringBuilder shape = new StringBuilder(Integer.toString(n0));
    int macs = 0;
    int buffer = 0;
    for (int l = 0; l < layerCount; l++) {
      double[] w = weights.get(l);
      double[] b = biases.get(l);
      int rows = b.length;
      int cols = w.length / rows;
      boolean output = l == layerCount - 1;
      int[] keptRows;
      if (output) {
        keptRows = range(rows);
      } else {
        List<Integer> kr = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
          if (kinds.get(l)[r] != NeuronKind.ZERO) {
            kr.add(r);
          }
        }
        keptRows = kr.stream().mapToInt(Integer::intValue).toArray();
      }
      if (!output && keptRows.length == 0) {
        keptCols = new int[0];
        shape.append(" -> 0");
        continue;
      }
      int nr = keptRows.length;
      int nc = keptCols.length;
      float[] fw = new float[nr * nc];
      float[] fb = new float[nr];
      byte[] mask = new byte[nr];
      int relus = 0;
      for (int i = 0; i < nr; i++) {
        int r = keptRows[i];
        fb[i] = FloatLiteral.toFloat(b[r], what + " layer " + l + " bias " + r);
        for (int j = 0; j < nc; j++) {
          fw[i * nc + j] = FloatLiteral.toFloat(w[r * cols + keptCols[j]], what + " layer " + l + " weight (" + r + ", "
              + keptCols[j] + ")");
        }
        if (!output && kinds.get(l)[r] == NeuronKind.RELU) {
          mask[i] = 1;
          relus++;
        }
      }
      DenseLayer.Activation act = output || relus == 0 ? DenseLayer.Activation.LINEAR
          : relus == nr ? DenseLayer.Activation.RELU : DenseLayer.Activation.MIXED;
      String out = output ? "out" : "h" + buffer;
      layers.add(new DenseLayer(nr, nc, fw, fb, act, act == DenseLayer.Activation.MIXED ? mask : null, in, 0, out, 0));
      modelRows.add(new ModelRows(l, keptRows));
      macs += nr * nc;
      shape.append(" -> ").append(nr);
      if (!output) {
        maxWidth = Math.max(maxWidth, nr);
        in = out;
        buffer ^= 1;
        keptCols = keptRows;
      }
    }
    List<Kernel.Scratch> hidden = new ArrayList<>();
    boolean usesH1 = layers.stream().anyMatch(x -> x.out.equals("h1"));
    boolean usesH0 = layers.stream().anyMatch(x -> x.out.equals("h0"));
    if (usesH0) {
      hidden.add(new Kernel.Scratch("h0", maxWidth));
    }
    if (usesH1) {
      hidden.add(new Kernel.Scratch("h1", maxWidth));
    }
    return new Net(layers, modelRows, n0, hidden, shape.toString(), macs);
  }

  /** A folded network: layer k reads v[0 … offset_k) and appends its units to v. */
  static Net folded(FoldedReluNetwork net) {
    List<DenseLayer> layers = new ArrayList<>();
    List<ModelRows> modelRows = new ArrayList<>();
    StringBuilder shape = new StringBuilder(Integer.toString(net.offset(0)));
    int macs = 0;
    for (int k = 0; k < net.reluLayerCount(); k++) {
      int rows = net.units(k);
      int cols = net.offset(k);
      layers.add(new DenseLayer(rows, cols, toFloats(net.weights(k), "ReLU layer " + k + " weights"),
          toFloats(net.biases(k), "ReLU layer " + k + " biases"), DenseLayer.Activation.RELU, null, "v", 0, "v", cols));
      modelRows.add(new ModelRows(k, range(rows)));
      shape.append(" -> +").append(rows);
      macs += rows * cols;
    }
    int cols = net.offset(net.reluLayerCount());
    layers.add(new DenseLayer(net.stateDim(), cols, toFloats(net.outputWeights(), "output weights"),
        toFloats(net.outputBiases(), "output biases"), DenseLayer.Activation.LINEAR, null, "v", 0, "out", 0));
    modelRows.add(new ModelRows(net.reluLayerCount(), range(net.stateDim())));
    shape.append(" -> ").append(net.stateDim());
    macs += net.stateDim() * cols;
    return new Net(layers, modelRows, net.offset(0), List.of(), shape.toString(), macs);
  }

  static float[] toFloats(double[] v, String what) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = FloatLiteral.toFloat(v[i], what + "[" + i + "]");
    }
    return f;
  }

  private static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }

  /** Adds the private {@code net(v, out)} function computing all layers. */
  private static void addNetFunction(Kernel k, Net net, boolean folded, int vLength, String outMacro) {
    k.usesM4Asm = net.layers().stream().anyMatch(l -> l.cols > 0);
    for (int i = 0; i < net.layers().size(); i++) {
      DenseLayer l = net.layers().get(i);
      boolean output = i == net.layers().size() - 1;
      l.register(k, i, output ? "output layer" : (folded ? "ReLU layer " : "hidden layer ") + i);
    }
    List<String> doc = folded
        ? List.of("The network: v[0 .. " + net.inputWidth() + ") holds the input on entry; each ReLU layer appends its",
            "units to v (length " + vLength + "); the linear output layer writes out (" + outMacro + " values).")
        : List.of("The network: z (" + net.inputWidth() + " values) to out (" + outMacro + " values).");
    Kernel.ParamType vt = folded ? Kernel.ParamType.OUT_FLOATS : Kernel.ParamType.IN_FLOATS;
    k.function(new Kernel.Function("layers", "void", false, doc,
        List.of(new Kernel.Param(vt, folded ? "v" : "z"), new Kernel.Param(Kernel.ParamType.OUT_FLOATS, "out")),
        net.hidden(), (d, t) -> {
          for (DenseLayer l : net.layers()) {
            l.emit(d, t);
          }
        }));
  }

  /** The C/Java kernel of a dense ReLU network: {@code forward} and {@code step}. */
  static Kernel reluNetwork(ReluNetwork n, CodegenOptions o) {
    List<double[]> w = new ArrayList<>();
    List<double[]> b = new ArrayList<>();
    List<NeuronKind[]> kinds = new ArrayList<>();
    for (int l = 0; l < n.layerCount(); l++) {
      w.add(n.weights(l));
      b.add(n.biases(l));
      if (l < n.hiddenLayerCount()) {
        kinds.add(n.kinds(l));
      }
    }
    Net net = dense(n.inputWidth(), w, b, kinds, "network");
    Kernel k = new Kernel("ReLU network (dense layout)");
    k.describe("layers " + net.shape() + " (kept neurons; " + n.reluCount() + " ReLU, "
        + n.count(NeuronKind.IDENTITY) + " identity, " + n.count(NeuronKind.ZERO) + " removed)");
    Q15Kernels.Reference ref = z -> {
      double[] y = new double[n.stateDim()];
      n.evaluate(z, y);
      return y;
    };
    return modelKernel(k, net, false, n.stateNames(), n.inputNames(), n.residual(), n.dt(), o, ref,
        (lower, upper) -> NetworkBounds.of(n, lower, upper));
  }

  /** The C/Java kernel of a folded ReLU network: {@code forward} and {@code step}. */
  static Kernel foldedNetwork(FoldedReluNetwork n, CodegenOptions o) {
    Net net = folded(n);
    Kernel k = new Kernel("ReLU network (folded layout)");
    k.describe("layers " + net.shape() + " (" + n.reluCount() + " ReLU units; each layer reads [x; u; earlier units])");
    Q15Kernels.Reference ref = z -> {
      double[] y = new double[n.stateDim()];
      n.evaluate(z, y);
      return y;
    };
    return modelKernel(k, net, true, n.stateNames(), n.inputNames(), n.residual(), n.dt(), o, ref,
        (lower, upper) -> NetworkBounds.of(n, lower, upper));
  }

  /** Adds the private layers function (f32 or Q15) and returns the statement that calls it. */
  private static Kernel.Body layersCall(Kernel k, Net net, boolean folded, int vLength, String outMacro,
      CodegenOptions o, Q15Kernels.Reference ref, Q15Kernels.Bounds bounds, String in, String out) {
    if (o.precision() == Precision.Q15) {
      Q15Kernels.addLayers(k, net, folded, vLength, outMacro, o, ref, bounds);
      return (d, t) -> {
        t.open("if (!" + d.fn("layers") + "(" + in + ", " + out + ")) {");
        t.line("return " + d.d("ERR_NONFINITE_OUTPUT") + ";");
        t.close();
      };
    }
    addNetFunction(k, net, folded, vLength, outMacro);
    return (d, t) -> t.line(d.fn("layers") + "(" + in + ", " + out + ");");
  }

  private static Kernel modelKernel(Kernel k, Net net, boolean folded, List<String> stateNames,
      List<String> inputNames, boolean residual, double dt, CodegenOptions o, Q15Kernels.Reference ref,
      Q15Kernels.Bounds bounds) {
    int nx = stateNames.size();
    int nu = inputNames.size();
    k.describe("x_next = " + (residual ? "x + f(x, u)" : "f(x, u)") + ", dt = " + dt + " s; " + net.macs()
        + " multiply-adds per step");
    k.define("NX", nx, "state dimension");
    k.define("NU", nu, "input dimension");
    int vLength = folded ? net.layers().get(net.layers().size() - 1).cols : net.inputWidth();
    k.define("NZ", vLength, folded ? "network buffer length: [x; u; ReLU units]" : "network input length nx + nu");
    k.defineInterface(stateNames, inputNames, dt, null);
    k.addFiniteHelper();
    Kernel.Body callStep = layersCall(k, net, folded, vLength, "NX", o, ref, bounds, "zs", "x_next");
    Kernel.Body callForward = o.precision() == Precision.Q15
        ? (d, t) -> {
          t.open("if (!" + d.fn("layers") + "(zf, out)) {");
          t.line("return " + d.d("ERR_NONFINITE_OUTPUT") + ";");
          t.close();
        }
        : (d, t) -> t.line(d.fn("layers") + "(zf, out);");
    for (String fn : List.of("forward", "step")) {
      boolean step = fn.equals("step");
      String out = step ? "x_next" : "out";
      List<String> doc = step
          ? List.of("One time step: x_next = " + (residual ? "x + f(x, u)" : "f(x, u)") + " (NX values; may alias x).",
              "Returns OK, ERR_NULL, ERR_NONFINITE_INPUT or ERR_NONFINITE_OUTPUT.")
          : List.of("The network output f(x, u) (NX values" + (residual ? ", the increment: x_next = x + f" : "")
              + "). Returns OK or an error code as step does.");
      k.function(new Kernel.Function(fn, "int", true, doc,
          List.of(new Kernel.Param(Kernel.ParamType.IN_FLOATS, "x"), new Kernel.Param(Kernel.ParamType.IN_FLOATS, "u"),
              new Kernel.Param(Kernel.ParamType.OUT_FLOATS, out)),
          List.of(new Kernel.Scratch(step ? "zs" : "zf", vLength)), (d, t) -> {
            String z = step ? "zs" : "zf";
            if (nu == 0) {
              d.unused(t, "u");
            }
            Kernel.checks(d, t, new String[][] {{"x", "NX"}, {"u", nu == 0 ? null : "NU"}, {out, "NX", "out"}});
            t.open("for (int i = 0; i < " + d.d("NX") + "; i++) {");
            t.line(z + "[i] = x[i];");
            t.close();
            if (nu > 0) {
              t.open("for (int i = 0; i < " + d.d("NU") + "; i++) {");
              t.line(z + "[" + d.d("NX") + " + i] = u[i];");
              t.close();
            }
            (step ? callStep : callForward).emit(d, t);
            if (step && residual) {
              t.open("for (int i = 0; i < " + d.d("NX") + "; i++) {");
              t.line(out + "[i] = " + out + "[i] + " + z + "[i];");
              t.close();
            }
            Kernel.returnChecked(d, t, out, "NX");
          }));
    }
    return k;
  }

  /** The C/Java kernel of a network policy: {@code control} with saturation. */
  static Kernel networkPolicy(NetworkPolicy p, CodegenOptions o) {
    List<double[]> w = new ArrayList<>();
    List<double[]> b = new ArrayList<>();
    List<NeuronKind[]> kinds = new ArrayList<>();
    for (int l = 0; l < p.layerCount(); l++) {
      w.add(p.weights(l));
      b.add(p.biases(l));
      if (l < p.hiddenLayerCount()) {
        kinds.add(p.kinds(l));
      }
    }
    Net net = dense(p.inputWidth(), w, b, kinds, "policy network");
    Kernel k = new Kernel("ReLU network policy");
    k.describe("u = sat(net([x; reference])), layers " + net.shape() + ", dt = " + p.dt() + " s; " + net.macs()
        + " multiply-adds per call");
    k.describe("saturation: " + AffineKernels.describeBounds(p.inputBounds(), p.inputNames()));
    int nx = p.stateDim();
    int nr = p.referenceDim();
    k.define("NX", nx, "state dimension");
    k.define("NU", p.inputDim(), "input dimension");
    k.define("NR", nr, "reference length");
    k.define("NZ", p.inputWidth(), "network input length nx + nr");
    k.defineInterface(ControllerContract.forPolicy(o.prefix(), p));
    k.addFiniteHelper();
    Q15Kernels.Reference ref = z -> {
      double[] y = new double[p.inputDim()];
      p.evaluate(z, y);
      return y;
    };
    Kernel.Body call = layersCall(k, net, false, p.inputWidth(), "NU", o, ref, p::networkBounds, "zc", "input_out");
    InputBounds bounds = p.inputBounds();
    k.controller(new Kernel.Function("control", "int", true, AffineKernels.controlDoc("u = sat(net([state; reference]))"),
        AffineKernels.controlParams(), List.of(new Kernel.Scratch("zc", p.inputWidth())), (d, t) -> {
          if (nr == 0) {
            d.unused(t, "reference");
          }
          Kernel.checks(d, t, new String[][] {{"state", "NX"}, {"reference", nr == 0 ? null : "NR"},
              {"input_out", "NU", "out"}});
          t.open("for (int i = 0; i < " + d.d("NX") + "; i++) {");
          t.line("zc[i] = state[i];");
          t.close();
          if (nr > 0) {
            t.open("for (int i = 0; i < " + d.d("NR") + "; i++) {");
            t.line("zc[" + d.d("NX") + " + i] = reference[i];");
            t.close();
          }
          call.emit(d, t);
          AffineKernels.saturate(t, bounds, "input_out");
          Kernel.returnChecked(d, t, "input_out", "NU");
        }));
    return k;
  }
}
