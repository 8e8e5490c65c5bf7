package io.loopforge.modeling.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.nn.NeuronKind;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.onnx.OnnxTensors.Constant;
import io.loopforge.modeling.onnx.proto.OnnxProto.AttributeProto;
import io.loopforge.modeling.onnx.proto.OnnxProto.GraphProto;
import io.loopforge.modeling.onnx.proto.OnnxProto.ModelProto;
import io.loopforge.modeling.onnx.proto.OnnxProto.NodeProto;
import io.loopforge.modeling.onnx.proto.OnnxProto.OperatorSetIdProto;
import io.loopforge.modeling.onnx.proto.OnnxProto.StringStringEntryProto;
import io.loopforge.modeling.onnx.proto.OnnxProto.TensorProto;
import io.loopforge.modeling.onnx.proto.OnnxProto.TensorShapeProto;
import io.loopforge.modeling.onnx.proto.OnnxProto.TypeProto;
import io.loopforge.modeling.onnx.proto.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a feed-forward ReLU network from an ONNX file into a {@link ReluNetwork}: the graph's one input
 * is the network input {@code z = [x; u]} (states, then inputs), its one output {@code f} (the next state,
 * or the increment with {@link Builder#residual}).
 *
 * <p>What it reads, as exporters write it (opsets {@value #MIN_OPSET}–{@value #MAX_OPSET}, float32 or
 * float64 weights as typed fields or {@code raw_data}):
 *
 * <ul>
 *   <li>PyTorch: {@code Gemm} (any {@code alpha}, {@code beta}, {@code transB}; not {@code transA}),
 *       {@code Flatten} of a {@code [batch, n]} tensor, {@code Identity} (also of a weight), {@code Relu};
 *   <li>Keras through tf2onnx: {@code MatMul} with a constant right operand, then {@code Add} of the bias;
 *   <li>normalisation with constants: {@code Add}, {@code Sub}, {@code Mul}, {@code Div} by a scalar or a
 *       per-feature vector (from an initializer or a {@code Constant} node), before the first layer (folded
 *       into it), after the last (folded into it) or anywhere between;
 *   <li>linear layers without activation: kept as a layer of {@link NeuronKind#IDENTITY} neurons;
 *   <li>{@code BatchNormalization} in inference mode (a per-feature affine map, folded like normalisation),
 *       {@code Reshape} of a {@code [batch, n]} activation to {@code [batch, n]} ({@code view(-1, n)}) and
 *       {@code Transpose} of a constant weight (the torch.export exporter's {@code Transpose} + {@code MatMul});
 *   <li>{@code Dropout} in inference mode (the identity).
 * </ul>
 *
 * Anything else is refused with a {@link ModelingException} naming the node, its op type and what is
 * supported — never a network that computes something else. The weights are read exactly (float32
 * widened to double); where normalisation folds into a layer, the folded weights are products computed
 * in double. States and inputs keep the units of the data the network was trained on; {@code dt} is in
 * seconds.
 *
 * <pre>
 * ReluNetwork net = OnnxImport.builder().states("x", "v").inputs("u").dt(0.02).build().read(path);
 * </pre>
 *
 * A file written by {@link OnnxExport} carries the names, dt and the residual flag in its metadata; they
 * are used for what the builder leaves unset. Immutable.
 */
public final class OnnxImport {
  /** Oldest default-domain opset read. */
  public static final int MIN_OPSET = 9;
  /** Newest default-domain opset read. */
  public static final int MAX_OPSET = 21;
  /** What the importer reads, for messages. */
  public static final String SUPPORTED = "Gemm (not transA), MatMul by a constant, Add/Sub/Mul/Div with a constant,"
      + " BatchNormalization (inference), Relu, Flatten, Reshape to [batch, n], Transpose of a weight, Identity,"
      + " Dropout (inference) and Constant";

  private final List<String> stateNames;
  private final List<String> inputNames;
  private final double dt;
  private final Boolean residual;

  private OnnxImport(Builder b) {
    this.stateNames = b.stateNames;
    this.inputNames = b.inputNames;
    this.dt = b.dt;
    this.residual = b.residual;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads an ONNX file.
   *
   * @throws ModelingException naming the file (and the node, tensor or input) when it cannot be read or
   *     holds something this importer does not read
   */
  public ReluNetwork read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ModelingException("cannot read ONNX file " + file + ": no such file; check the path");
    } catch (IOException e) {
      throw new ModelingException("cannot read ONNX file " + file + ": " + e.getMessage(), e);
    }
    return parse(bytes, file.toString());
  }

  /**
   * Reads an ONNX model from its bytes.
   *
   * @param source where the bytes come from, for messages
   */
  public ReluNetwork parse(byte[] bytes, String source) {
    String where = "ONNX file " + source;
    ModelProto model;
    try {
      model = ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new ModelingException(where + " is not an ONNX model (" + e.getMessage() + ")", e);
    }
    if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
      throw new ModelingException(where + " has no graph (is it an ONNX model file?)");
    }
    checkOpset(model, where);
    Map<String, String> meta = new HashMap<>();
    for (StringStringEntryProto e : model.getMetadataPropsList()) {
      meta.put(e.getKey(), e.getValue());
    }
    List<String> states = stateNames != null ? stateNames : namesFromMetadata(meta, OnnxExport.META_STATES, where,
        "--states (states(...))");
    List<String> inputs = inputNames != null ? inputNames : namesFromMetadata(meta, OnnxExport.META_INPUTS, where,
        "--inputs (inputs(...))");
    double step = !Double.isNaN(dt) ? dt : dtFromMetadata(meta, where);
    boolean res = residual != null ? residual : Boolean.parseBoolean(meta.getOrDefault(OnnxExport.META_RESIDUAL, "false"));
    Act out = new GraphWalk(model.getGraph(), where).run();
    int n0 = states.size() + inputs.size();
    int inWidth = out.layers.isEmpty() ? out.inWidth : out.layers.get(0).cols;
    if (inWidth != n0 || out.width != states.size()) {
      throw new ModelingException(where + ": the network maps " + inWidth + " inputs to " + out.width
          + " outputs, but " + states.size() + " states " + states + " and " + inputs.size() + " inputs " + inputs
          + " need " + n0 + " inputs [states; inputs] and " + states.size() + " outputs (the next state"
          + (res ? " increment" : "") + "); check --states and --inputs");
    }
    List<double[]> weights = new ArrayList<>();
    List<double[]> biases = new ArrayList<>();
    List<NeuronKind[]> kinds = new ArrayList<>();
    for (Layer l : out.layers) {
      NeuronKind[] k = new NeuronKind[l.rows];
      Arrays.fill(k, l.kind);
      weights.add(l.w);
      biases.add(l.b);
      kinds.add(k);
    }
    weights.add(out.a);
    biases.add(out.c);
    CarriedUnits.simplify(weights, biases, kinds, n0);
    ReluNetwork.Builder b = ReluNetwork.builder(states, inputs, step).residual(res);
    for (int l = 0; l < kinds.size(); l++) {
      b.addHiddenLayer(weights.get(l), biases.get(l), kinds.get(l));
    }
    return b.output(out.a, out.c).build();
  }

  /**
   * What produced an ONNX model and its graph's ends, for a user to check what was read: e.g.
   * {@code "pytorch 2.1.0, opset 17, input 'input' → output 'output'"}.
   *
   * @throws ModelingException when the bytes are not an ONNX model
   */
  public static String describe(byte[] bytes, String source) {
    ModelProto model;
    try {
      model = ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new ModelingException("ONNX file " + source + " is not an ONNX model (" + e.getMessage() + ")", e);
    }
    long opset = -1;
    for (OperatorSetIdProto o : model.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        opset = o.getVersion();
      }
    }
    GraphProto g = model.getGraph();
    Set<String> initializers = new HashSet<>();
    g.getInitializerList().forEach(t -> initializers.add(t.getName()));
    List<String> ins = new ArrayList<>();
    g.getInputList().stream().filter(v -> !initializers.contains(v.getName())).forEach(v -> ins.add("'" + v.getName() + "'"));
    List<String> outs = new ArrayList<>();
    g.getOutputList().forEach(v -> outs.add("'" + v.getName() + "'"));
    String producer = (model.getProducerName() + " " + model.getProducerVersion()).strip();
    return (producer.isEmpty() ? "unknown producer" : producer) + ", opset " + opset + ", " + g.getNodeCount()
        + " nodes, input " + String.join(", ", ins) + " → output " + String.join(", ", outs);
  }

  private static void checkOpset(ModelProto model, String where) {
    long opset = -1;
    for (OperatorSetIdProto o : model.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        opset = o.getVersion();
      }
    }
    if (opset < 0) {
      throw new ModelingException(where + " imports no version of the default ONNX operator set; it needs one"
          + " (opset " + MIN_OPSET + "–" + MAX_OPSET + ")");
    }
    if (opset < MIN_OPSET || opset > MAX_OPSET) {
      throw new ModelingException(where + " uses opset " + opset + "; Loopforge reads opsets " + MIN_OPSET + "–"
          + MAX_OPSET + " (export again with opset_version=" + Math.max(MIN_OPSET, Math.min(MAX_OPSET, 17)) + ")");
    }
  }

  private static List<String> namesFromMetadata(Map<String, String> meta, String key, String where, String option) {
    String v = meta.get(key);
    if (v == null) {
      throw new ModelingException(where + " does not say which of its inputs are states and which are inputs;"
          + " give " + option);
    }
    return v.isEmpty() ? List.of() : List.of(v.split(",", -1));
  }

  private static double dtFromMetadata(Map<String, String> meta, String where) {
    String v = meta.get(OnnxExport.META_DT);
    if (v == null) {
      throw new ModelingException(where + " does not say its time step; give --dt (dt(...)) in seconds");
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new ModelingException(where + ": metadata " + OnnxExport.META_DT + " is '" + v + "', not a number; give --dt");
    }
  }

  /** A hidden layer found in the graph: row-major {@code rows × cols} weights, biases, one kind for all rows. */
  private record Layer(double[] w, double[] b, int rows, int cols, NeuronKind kind) {}

  /** A value in the graph: a constant, or an activation. */
  private sealed interface Value permits Const, Shape, Act {}

  private record Const(Constant tensor) implements Value {}

  /** A constant int64 vector (a Reshape target). */
  private record Shape(long[] dims) implements Value {}

  /**
   * An activation: the layers computed so far, then {@code A h + c} ({@code width × inWidth}, row-major)
   * of the last layer's output {@code h} (the graph input when there is no layer). {@code hasMatrix}: a
   * Gemm or MatMul has been composed into {@code A} since that layer. {@code rank}: of the tensor (1 or 2).
   */
  private record Act(List<Layer> layers, int inWidth, int width, double[] a, double[] c, boolean hasMatrix, int rank)
      implements Value {
    static Act identity(List<Layer> layers, int width, int rank) {
      double[] a = new double[width * width];
      for (int i = 0; i < width; i++) {
        a[i * width + i] = 1.0;
      }
      return new Act(layers, width, width, a, new double[width], false, rank);
    }
  }

  /** The walk over the graph's nodes, in their (topological) order. */
  private static final class GraphWalk {
    private final GraphProto graph;
    private final String where;
    private final Map<String, Value> values = new HashMap<>();
    private final Map<String, TensorProto> initializers = new HashMap<>();

    GraphWalk(GraphProto graph, String where) {
      this.graph = graph;
      this.where = where;
    }

    Act run() {
      for (TensorProto t : graph.getInitializerList()) {
        initializers.put(t.getName(), t);
      }
      List<ValueInfoProto> inputs = new ArrayList<>();
      for (ValueInfoProto v : graph.getInputList()) {
        if (!initializers.containsKey(v.getName())) { // opset < 9 style: initializers listed as inputs too
          inputs.add(v);
        }
      }
      if (inputs.size() != 1) {
        List<String> names = new ArrayList<>();
        inputs.forEach(v -> names.add("'" + v.getName() + "'"));
        throw new ModelingException(where + " has " + inputs.size() + " inputs " + names + "; Loopforge imports"
            + " networks of one input, the vector [states; inputs] (concatenate them before the first layer)");
      }
      ValueInfoProto in = inputs.get(0);
      int[] shape = inputShape(in);
      values.put(in.getName(), Act.identity(List.of(), shape[0], shape[1]));
      for (int i = 0; i < graph.getNodeCount(); i++) {
        NodeProto node = graph.getNode(i);
        Value v = apply(node, i);
        if (node.getOutputCount() < 1) {
          throw refuse(node, i, "it has no output");
        }
        values.put(node.getOutput(0), v);
      }
      if (graph.getOutputCount() != 1) {
        throw new ModelingException(where + " has " + graph.getOutputCount() + " outputs; Loopforge imports"
            + " networks of one output, the next state");
      }
      String outName = graph.getOutput(0).getName();
      Value out = values.get(outName);
      if (!(out instanceof Act)) {
        boolean constant = out != null || initializers.containsKey(outName);
        throw new ModelingException(where + ": output '" + outName + "' " + (constant ? "does not depend on the input"
            : "is computed by no node") + "; it must be the network's output");
      }
      return (Act) out;
    }

    /** {width, rank} of the graph input; refuses dynamic or non-float inputs. */
    private int[] inputShape(ValueInfoProto in) {
      String what = where + ": input '" + in.getName() + "'";
      TypeProto t = in.getType();
      if (!t.hasTensorType()) {
        throw new ModelingException(what + " is not a tensor; Loopforge imports networks of one float tensor");
      }
      int elem = t.getTensorType().getElemType();
      if (elem != TensorProto.DataType.FLOAT_VALUE && elem != TensorProto.DataType.DOUBLE_VALUE) {
        throw new ModelingException(what + " has element type " + OnnxTensors.typeName(elem)
            + "; Loopforge imports float32 and float64 networks");
      }
      if (!t.getTensorType().hasShape()) {
        throw new ModelingException(what + " has no shape (dynamic shapes are not supported); export it with a"
            + " fixed number of features, e.g. [batch, n]");
      }
      TensorShapeProto s = t.getTensorType().getShape();
      if (s.getDimCount() < 1 || s.getDimCount() > 2) {
        throw new ModelingException(what + " has rank " + s.getDimCount() + "; Loopforge imports inputs of shape"
            + " [n] or [batch, n]");
      }
      TensorShapeProto.Dimension last = s.getDim(s.getDimCount() - 1);
      if (!last.hasDimValue() || last.getDimValue() < 1) {
        throw new ModelingException(what + " has a dynamic number of features ("
            + (last.hasDimParam() ? "'" + last.getDimParam() + "'" : "unknown")
            + "); Loopforge needs a fixed one (dynamic shapes are not supported; only the batch may be symbolic)");
      }
      return new int[] {Math.toIntExact(last.getDimValue()), s.getDimCount()};
    }

    private Value apply(NodeProto node, int index) {
      String op = node.getOpType();
      if (!node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) {
        throw refuse(node, index, "it is from operator domain '" + node.getDomain() + "'");
      }
      switch (op) {
        case "Identity":
          return input(node, index, 0);
        case "Dropout":
          if (node.getInputCount() >= 3 && !node.getInput(2).isEmpty()) {
            throw refuse(node, index, "its training_mode input is given (export the model in eval mode)");
          }
          return input(node, index, 0);
        case "Constant":
          return constantNode(node, index);
        case "Flatten":
          return flatten(node, index);
        case "Relu": {
          Act x = act(node, index, 0);
          List<Layer> layers = new ArrayList<>(x.layers());
          layers.add(new Layer(x.a(), x.c(), x.width(), x.inWidth(), NeuronKind.RELU));
          return Act.identity(layers, x.width(), x.rank());
        }
        case "Gemm":
          return gemm(node, index);
        case "MatMul":
          return matMul(node, index);
        case "Add":
        case "Sub":
        case "Mul":
        case "Div":
          return elementwise(node, index, op);
        case "BatchNormalization":
          return batchNorm(node, index);
        case "Transpose":
          return transpose(node, index);
        case "Reshape":
          return reshape(node, index);
        default:
          throw refuse(node, index, hint(op));
      }
    }

    private static String hint(String op) {
      switch (op) {
        case "Sigmoid":
        case "Tanh":
        case "Softmax":
        case "LogSoftmax":
        case "Softplus":
        case "Elu":
        case "Selu":
        case "Celu":
        case "Gelu":
        case "LeakyRelu":
        case "PRelu":
        case "HardSigmoid":
        case "HardSwish":
        case "Mish":
        case "Exp":
        case "Log":
          return "only ReLU activations have an exact mixed-integer encoding; train with ReLU (nn.ReLU, activation='relu')";
        case "Conv":
        case "ConvTranspose":
        case "ConvInteger":
        case "MaxPool":
        case "AveragePool":
        case "GlobalAveragePool":
        case "GlobalMaxPool":
          return "convolutions and pooling are not dense layers";
        case "LSTM":
        case "GRU":
        case "RNN":
        case "Scan":
        case "Loop":
        case "If":
          return "recurrent and control-flow operators have no fixed feed-forward form";
        default:
          return "this operator is not one of a dense ReLU network";
      }
    }

    private ModelingException refuse(NodeProto node, int index, String why) {
      return new ModelingException(where + ": node " + describe(node, index) + " is not supported: " + why
          + ". Loopforge imports feed-forward ReLU networks made of " + SUPPORTED);
    }

    private static String describe(NodeProto node, int index) {
      String name = node.getName().isEmpty() ? "#" + index : "'" + node.getName() + "'";
      return name + " (op type " + node.getOpType() + ")";
    }

    private Value input(NodeProto node, int index, int i) {
      if (node.getInputCount() <= i || node.getInput(i).isEmpty()) {
        throw refuse(node, index, "its input " + i + " is missing");
      }
      String name = node.getInput(i);
      Value v = values.get(name);
      if (v != null) {
        return v;
      }
      TensorProto t = initializers.get(name);
      if (t == null) {
        throw new ModelingException(where + ": node " + describe(node, index) + " reads '" + name
            + "', which no earlier node, initializer or input defines (the graph is not in topological order or"
            + " is damaged)");
      }
      Value c = t.getDataType() == TensorProto.DataType.INT64_VALUE
          ? new Shape(OnnxTensors.decodeInt64(t, where + ": initializer '" + name + "'"))
          : new Const(OnnxTensors.decode(t, where + ": initializer '" + name + "'"));
      values.put(name, c);
      return c;
    }

    private Act act(NodeProto node, int index, int i) {
      Value v = input(node, index, i);
      if (!(v instanceof Act)) {
        throw refuse(node, index, "its input " + i + " ('" + node.getInput(i) + "') is a constant, where the"
            + " network's activation was expected");
      }
      return (Act) v;
    }

    private Constant constant(NodeProto node, int index, int i) {
      Value v = input(node, index, i);
      if (v instanceof Shape) {
        throw refuse(node, index, "its input " + i + " ('" + node.getInput(i) + "') is an int64 tensor, where a float"
            + " weight was expected");
      }
      if (!(v instanceof Const)) {
        throw refuse(node, index, "its input " + i + " ('" + node.getInput(i) + "') depends on the network input,"
            + " where a constant weight was expected");
      }
      return ((Const) v).tensor();
    }

    private Value constantNode(NodeProto node, int index) {
      for (AttributeProto a : node.getAttributeList()) {
        switch (a.getName()) {
          case "value":
            return a.getT().getDataType() == TensorProto.DataType.INT64_VALUE
                ? new Shape(OnnxTensors.decodeInt64(a.getT(), where + ": constant of node " + describe(node, index)))
                : new Const(OnnxTensors.decode(a.getT(), where + ": constant of node " + describe(node, index)));
          case "value_float":
            return new Const(new Constant(new long[0], new double[] {a.getF()}));
          case "value_floats": {
            double[] v = new double[a.getFloatsCount()];
            for (int i = 0; i < v.length; i++) {
              v[i] = a.getFloats(i);
            }
            return new Const(new Constant(new long[] {v.length}, v));
          }
          default:
            break;
        }
      }
      throw refuse(node, index, "its value is not a float tensor, value_float or value_floats");
    }

    private Value flatten(NodeProto node, int index) {
      Act x = act(node, index, 0);
      long axis = intAttribute(node, "axis", 1);
      if (x.rank() != 2 || (axis != 1 && axis != -1)) {
        throw refuse(node, index, "it flattens a tensor of rank " + x.rank() + " at axis " + axis
            + "; only Flatten(axis=1) of a [batch, n] tensor is read");
      }
      return x;
    }

    private Value gemm(NodeProto node, int index) {
      Act x = act(node, index, 0);
      Constant b = constant(node, index, 1);
      double alpha = floatAttribute(node, "alpha", 1.0);
      double beta = floatAttribute(node, "beta", 1.0);
      if (intAttribute(node, "transA", 0) != 0) {
        throw refuse(node, index, "transA = 1 (the activation transposed)");
      }
      boolean transB = intAttribute(node, "transB", 0) != 0;
      if (b.rank() != 2) {
        throw refuse(node, index, "its weight B has rank " + b.rank() + ", expected 2");
      }
      int n = x.width();
      long bn = transB ? b.dims()[1] : b.dims()[0];
      int m = Math.toIntExact(transB ? b.dims()[0] : b.dims()[1]);
      if (bn != n) {
        throw refuse(node, index, "its weight B has shape " + Arrays.toString(b.dims()) + (transB ? " (transB = 1)" : "")
            + " but its input has " + n + " features");
      }
      double[] w = new double[m * n];
      double[] bv = b.values();
      for (int r = 0; r < m; r++) {
        for (int k = 0; k < n; k++) {
          w[r * n + k] = alpha * (transB ? bv[r * n + k] : bv[k * m + r]);
        }
      }
      double[] bias = new double[m];
      if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
        double[] c = broadcast(node, index, constant(node, index, 2), m, "its bias C");
        for (int r = 0; r < m; r++) {
          bias[r] = beta * c[r];
        }
      }
      return compose(x, w, m, bias);
    }

    private Value matMul(NodeProto node, int index) {
      if (!(input(node, index, 0) instanceof Act)) {
        throw refuse(node, index, "it multiplies a constant by the activation from the left; only activation × weight"
            + " (Keras Dense, tf2onnx) is read");
      }
      Act x = act(node, index, 0);
      Constant b = constant(node, index, 1);
      int n = x.width();
      if (b.rank() != 2 || b.dims()[0] != n) {
        throw refuse(node, index, "its weight has shape " + Arrays.toString(b.dims()) + " but its input has " + n
            + " features (expected [" + n + ", outputs])");
      }
      int m = Math.toIntExact(b.dims()[1]);
      double[] w = new double[m * n];
      double[] bv = b.values();
      for (int r = 0; r < m; r++) {
        for (int k = 0; k < n; k++) {
          w[r * n + k] = bv[k * m + r];
        }
      }
      return compose(x, w, m, new double[m]);
    }

    /** {@code W (A h + c) + bias}; a pending matrix becomes a layer of identity neurons first. */
    private static Act compose(Act x, double[] w, int m, double[] bias) {
      Act base = x;
      if (x.hasMatrix()) {
        List<Layer> layers = new ArrayList<>(x.layers());
        layers.add(new Layer(x.a(), x.c(), x.width(), x.inWidth(), NeuronKind.IDENTITY));
        base = Act.identity(layers, x.width(), x.rank());
      }
      int n = base.width();
      int cols = base.inWidth();
      double[] a = new double[m * cols];
      double[] c = new double[m];
      double[] ba = base.a();
      double[] bc = base.c();
      for (int r = 0; r < m; r++) {
        double acc = 0;
        for (int k = 0; k < n; k++) {
          double wk = w[r * n + k];
          if (wk == 0.0) {
            continue;
          }
          acc += wk * bc[k];
          for (int q = 0; q < cols; q++) {
            a[r * cols + q] += wk * ba[k * cols + q];
          }
        }
        c[r] = acc + bias[r];
      }
      return new Act(base.layers(), cols, m, a, c, true, base.rank());
    }

    private Value elementwise(NodeProto node, int index, String op) {
      Value l = input(node, index, 0);
      Value r = input(node, index, 1);
      if (l instanceof Act && r instanceof Act) {
        throw refuse(node, index, "both operands depend on the network input (a skip or residual connection inside"
            + " the graph, or a product of activations); export f without it and import with --residual for"
            + " x⁺ = x + f(x, u)");
      }
      if (l instanceof Shape || r instanceof Shape) {
        throw refuse(node, index, "an operand is an int64 tensor");
      }
      if (l instanceof Const && r instanceof Const) {
        throw refuse(node, index, "both operands are constants (fold constants before exporting, e.g."
            + " do_constant_folding=True)");
      }
      boolean actLeft = l instanceof Act;
      Act x = (Act) (actLeft ? l : r);
      double[] k = broadcast(node, index, ((Const) (actLeft ? r : l)).tensor(), x.width(), "its constant operand");
      double[] a = x.a().clone();
      double[] c = x.c().clone();
      int cols = x.inWidth();
      for (int i = 0; i < x.width(); i++) {
        switch (op) {
          case "Add":
            c[i] += k[i];
            continue;
          case "Sub":
            if (actLeft) {
              c[i] -= k[i];
              continue;
            }
            c[i] = k[i] - c[i];
            for (int q = 0; q < cols; q++) {
              a[i * cols + q] = -a[i * cols + q];
            }
            continue;
          case "Mul":
            c[i] *= k[i];
            for (int q = 0; q < cols; q++) {
              a[i * cols + q] *= k[i];
            }
            continue;
          default: // Div
            if (!actLeft) {
              throw refuse(node, index, "it divides by the activation (not linear)");
            }
            if (k[i] == 0.0) {
              throw refuse(node, index, "it divides feature " + i + " by zero");
            }
            c[i] /= k[i];
            for (int q = 0; q < cols; q++) {
              a[i * cols + q] /= k[i];
            }
        }
      }
      return new Act(x.layers(), cols, x.width(), a, c, x.hasMatrix(), x.rank());
    }

    /** Inference-mode batch normalisation of a [batch, C] activation: a per-feature affine map. */
    private Value batchNorm(NodeProto node, int index) {
      Act x = act(node, index, 0);
      if (intAttribute(node, "training_mode", 0) != 0 || node.getOutputCount() > 1) {
        throw refuse(node, index, "it is in training mode (export the model in eval mode)");
      }
      int n = x.width();
      double[] scale = broadcast(node, index, constant(node, index, 1), n, "its scale");
      double[] shift = broadcast(node, index, constant(node, index, 2), n, "its bias");
      double[] mean = broadcast(node, index, constant(node, index, 3), n, "its mean");
      double[] var = broadcast(node, index, constant(node, index, 4), n, "its variance");
      double eps = floatAttribute(node, "epsilon", 1e-5);
      double[] a = x.a().clone();
      double[] c = x.c().clone();
      int cols = x.inWidth();
      for (int i = 0; i < n; i++) {
        double s = scale[i] / Math.sqrt(var[i] + eps);
        if (!Double.isFinite(s)) {
          throw refuse(node, index, "feature " + i + " has variance " + var[i] + " and epsilon " + eps);
        }
        c[i] = s * (c[i] - mean[i]) + shift[i];
        for (int q = 0; q < cols; q++) {
          a[i * cols + q] *= s;
        }
      }
      return new Act(x.layers(), cols, n, a, c, x.hasMatrix(), x.rank());
    }

    /** Transpose of a constant matrix (a weight written as Transpose + MatMul). */
    private Value transpose(NodeProto node, int index) {
      Value v = input(node, index, 0);
      if (!(v instanceof Const)) {
        throw refuse(node, index, "it transposes the activation; only a constant weight may be transposed");
      }
      Constant k = ((Const) v).tensor();
      List<Long> perm = new ArrayList<>();
      for (AttributeProto a : node.getAttributeList()) {
        if (a.getName().equals("perm")) {
          perm.addAll(a.getIntsList());
        }
      }
      if (k.rank() != 2 || !(perm.isEmpty() || perm.equals(List.of(1L, 0L)))) {
        throw refuse(node, index, "it permutes a tensor of rank " + k.rank() + " by " + perm
            + "; only a matrix transpose is read");
      }
      int rows = Math.toIntExact(k.dims()[0]);
      int cols = Math.toIntExact(k.dims()[1]);
      double[] t = new double[rows * cols];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          t[c * rows + r] = k.values()[r * cols + c];
        }
      }
      return new Const(new Constant(new long[] {cols, rows}, t));
    }

    /** Reshape of the activation to [batch, n] with its own n (a no-op, as x.view(-1, n) exports). */
    private Value reshape(NodeProto node, int index) {
      Act x = act(node, index, 0);
      Value s = input(node, index, 1);
      if (!(s instanceof Shape)) {
        throw refuse(node, index, "its shape is not a constant int64 tensor");
      }
      long[] shape = ((Shape) s).dims();
      int n = x.width();
      boolean keeps = shape.length == 2 && (shape[0] == -1 || shape[0] == 0 || shape[0] == 1)
          && (shape[1] == n || (shape[1] == -1 && shape[0] != -1));
      if (!keeps) {
        throw refuse(node, index, "it reshapes [batch, " + n + "] to " + Arrays.toString(shape)
            + "; only a reshape to [batch, " + n + "] (e.g. view(-1, " + n + ")) is read");
      }
      return new Act(x.layers(), x.inWidth(), n, x.a(), x.c(), x.hasMatrix(), 2);
    }

    /** A scalar, [n] or [1, n] constant as n values. */
    private double[] broadcast(NodeProto node, int index, Constant k, int n, String what) {
      double[] v = k.values();
      if (v.length == 1 && k.rank() <= 2) {
        double[] out = new double[n];
        Arrays.fill(out, v[0]);
        return out;
      }
      boolean fits = v.length == n && (k.rank() == 1 || (k.rank() == 2 && k.dims()[0] == 1));
      if (!fits) {
        throw refuse(node, index, what + " has shape " + Arrays.toString(k.dims()) + "; with " + n
            + " features it must be a scalar, [" + n + "] or [1, " + n + "]");
      }
      return v.clone();
    }

    private static long intAttribute(NodeProto node, String name, long fallback) {
      for (AttributeProto a : node.getAttributeList()) {
        if (a.getName().equals(name)) {
          return a.getI();
        }
      }
      return fallback;
    }

    private static double floatAttribute(NodeProto node, String name, double fallback) {
      for (AttributeProto a : node.getAttributeList()) {
        if (a.getName().equals(name)) {
          return a.getF();
        }
      }
      return fallback;
    }
  }

  /** Options of an {@link OnnxImport}; unset ones come from the file's Loopforge metadata. */
  public static final class Builder {
    private List<String> stateNames;
    private List<String> inputNames;
    private double dt = Double.NaN;
    private Boolean residual;

    private Builder() {}

    /** Names of the states: the first network inputs and the outputs, in order. */
    public Builder states(List<String> names) {
      this.stateNames = checkNames(names, "state");
      if (names.isEmpty()) {
        throw new ModelingException("a network needs at least one state");
      }
      return this;
    }

    public Builder states(String... names) {
      return states(List.of(names));
    }

    /** Names of the (control) inputs: the network inputs after the states. */
    public Builder inputs(List<String> names) {
      this.inputNames = checkNames(names, "input");
      return this;
    }

    public Builder inputs(String... names) {
      return inputs(List.of(names));
    }

    /** Time step of the discrete-time network, s. */
    public Builder dt(double seconds) {
      if (!(seconds > 0) || Double.isInfinite(seconds)) {
        throw new ModelingException("dt must be a positive number of seconds, got " + seconds);
      }
      this.dt = seconds;
      return this;
    }

    /** Whether the network predicts the increment, {@code x⁺ = x + f(x, u)}. */
    public Builder residual(boolean on) {
      this.residual = on;
      return this;
    }

    public OnnxImport build() {
      if (stateNames != null && inputNames != null) {
        checkNames(concat(stateNames, inputNames), "state or input");
      }
      return new OnnxImport(this);
    }

    private static List<String> concat(List<String> a, List<String> b) {
      List<String> out = new ArrayList<>(a);
      out.addAll(b);
      return out;
    }

    private static List<String> checkNames(List<String> names, String what) {
      Set<String> seen = new HashSet<>();
      for (String n : names) {
        if (n.isBlank()) {
          throw new ModelingException("a " + what + " name is empty");
        }
        if (!seen.add(n)) {
          throw new ModelingException(what + " name '" + n + "' is given twice");
        }
      }
      return List.copyOf(names);
    }
  }
}
