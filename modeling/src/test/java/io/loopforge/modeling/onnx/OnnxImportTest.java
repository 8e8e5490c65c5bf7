package io.loopforge.modeling.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.nn.NeuronKind;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.onnx.proto.OnnxProto.AttributeProto;
import io.loopforge.modeling.onnx.proto.OnnxProto.GraphProto;
import io.loopforge.modeling.onnx.proto.OnnxProto.ModelProto;
import io.loopforge.modeling.onnx.proto.OnnxProto.NodeProto;
import io.loopforge.modeling.onnx.proto.OnnxProto.OperatorSetIdProto;
import io.loopforge.modeling.onnx.proto.OnnxProto.TensorProto;
import io.loopforge.modeling.onnx.proto.OnnxProto.TensorShapeProto;
import io.loopforge.modeling.onnx.proto.OnnxProto.TypeProto;
import io.loopforge.modeling.onnx.proto.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fixtures in src/test/resources/onnx were written by make_fixtures.py (beside them) in the style of
 * each exporter, with the graph's reference outputs at 1000 random inputs computed by that script's
 * numpy evaluator in the graph's own precision.
 */
class OnnxImportTest {
  /**
   * Against the graph evaluated in float32: relative to the magnitude of each output's sum (Σ|terms|, see
   * {@link #magnitudes}), the measure a float32 rounding error has; a few float32 roundings are 1.2e-7 each.
   */
  private static final double FLOAT32_RELATIVE = 1e-6;
  /** Against the graph evaluated in float64 (the same function, no float32 rounding). */
  private static final double FLOAT64_RELATIVE = 1e-12;

  private static final OnnxImport XVU = OnnxImport.builder().states("x", "v").inputs("u").dt(0.02).build();

  @ParameterizedTest
  @ValueSource(strings = {"pytorch-gemm", "tf2onnx-matmul", "pytorch-scaled", "float64-opset9"})
  void everyFixtureComputesWhatItsGraphComputes(String name) throws IOException {
    ReluNetwork net = XVU.parse(resource(name + ".onnx"), name + ".onnx");
    boolean f32 = !name.startsWith("float64");
    String[] lines = new String(resource(name + ".reference.csv"), StandardCharsets.UTF_8).split("\n");
    assertEquals("z0,z1,z2,y0,y1,y0_f64,y1_f64", lines[0]);
    assertEquals(1001, lines.length, "1000 reference inputs");
    double[] out = new double[2];
    double[] mag = new double[2];
    for (int i = 1; i < lines.length; i++) {
      String[] cells = lines[i].split(",");
      double[] z = {Double.parseDouble(cells[0]), Double.parseDouble(cells[1]), Double.parseDouble(cells[2])};
      net.evaluate(z, out);
      magnitudes(net, z, mag);
      for (int j = 0; j < 2; j++) {
        double runtime = Double.parseDouble(cells[3 + j]);
        double exact = Double.parseDouble(cells[5 + j]);
        assertTrue(Math.abs(out[j] - exact) <= FLOAT64_RELATIVE * mag[j],
            name + " row " + i + " output " + j + ": " + out[j] + " vs the graph in float64 " + exact);
        // the measure, output by output (against the float32 evaluation it cannot hold where an
        // output cancels to near 0: that evaluation's own error is relative to the terms, see FLOAT32_RELATIVE)
        assertTrue(Math.abs(out[j] - exact) <= 1e-6 * Math.abs(exact),
            name + " row " + i + " output " + j + ": " + out[j] + " vs the graph in float64 " + exact);
        double tolerance = (f32 ? FLOAT32_RELATIVE : FLOAT64_RELATIVE) * mag[j];
        assertTrue(Math.abs(out[j] - runtime) <= tolerance,
            name + " row " + i + " output " + j + ": " + out[j] + " vs the graph in its precision " + runtime);
      }
    }
  }

  /** Σ|terms| of each output: the network evaluated with |W|, |b| and |z| (every neuron passing its input). */
  private static void magnitudes(ReluNetwork net, double[] z, double[] out) {
    double[] a = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      a[i] = Math.abs(z[i]);
    }
    for (int l = 0; l < net.layerCount(); l++) {
      double[] w = net.weights(l);
      double[] b = net.biases(l);
      double[] next = new double[b.length];
      for (int r = 0; r < b.length; r++) {
        double acc = Math.abs(b[r]);
        for (int c = 0; c < a.length; c++) {
          acc += Math.abs(w[r * a.length + c]) * a[c];
        }
        next[r] = acc;
      }
      a = next;
    }
    System.arraycopy(a, 0, out, 0, out.length);
  }

  @Test
  void pytorchStyleIsTwoReluLayers() throws IOException {
    ReluNetwork net = XVU.parse(resource("pytorch-gemm.onnx"), "pytorch-gemm.onnx");
    assertArrayEquals(new int[] {16, 16}, net.hiddenWidths());
    assertEquals(32, net.reluCount());
    assertEquals(List.of("x", "v"), net.stateNames());
    assertEquals(List.of("u"), net.inputNames());
    assertEquals(0.02, net.dt());
  }

  @Test
  void aLinearLayerBecomesIdentityNeuronsAndScalingFoldsIntoTheOuterLayers() throws IOException {
    ReluNetwork net = XVU.parse(resource("pytorch-scaled.onnx"), "pytorch-scaled.onnx");
    assertArrayEquals(new int[] {12, 8, 12}, net.hiddenWidths());
    assertEquals(NeuronKind.IDENTITY, net.kinds(1)[0]);
    assertEquals(24, net.reluCount());
    assertEquals(4, net.layerCount(), "normalisation adds no layer");
  }

  @Test
  void residualFlagIsKept() throws IOException {
    ReluNetwork net = OnnxImport.builder().states("x", "v").inputs("u").dt(0.02).residual(true).build()
        .parse(resource("tf2onnx-matmul.onnx"), "tf2onnx-matmul.onnx");
    assertTrue(net.residual());
  }

  // ---- refusals, each with its message ----

  @ParameterizedTest
  @ValueSource(strings = {"Sigmoid", "Tanh", "LogSoftmax", "Softmax", "LeakyRelu"})
  void otherActivationsAreRefused(String op) {
    ModelingException e = refused(g -> g.addNode(node("act", op, "h", "h2")).setOutput(0, output("h2", 2)));
    assertMessage(e, "node 'act' (op type " + op + ") is not supported: only ReLU activations");
  }

  @Test
  void convolutionIsRefused() {
    ModelingException e = refused(g -> g.addNode(node("/conv1/Conv", "Conv", "h", "h2")).setOutput(0, output("h2", 2)));
    assertMessage(e, "node '/conv1/Conv' (op type Conv) is not supported: convolutions and pooling are not dense layers");
  }

  @Test
  void recurrentOpsAreRefused() {
    ModelingException e = refused(g -> g.addNode(node("lstm", "LSTM", "h", "h2")).setOutput(0, output("h2", 2)));
    assertMessage(e, "node 'lstm' (op type LSTM) is not supported: recurrent and control-flow operators");
  }

  @Test
  void anUnnamedNodeIsNamedByItsIndex() {
    ModelingException e = refused(g -> g.addNode(node("", "Softsign", "h", "h2")).setOutput(0, output("h2", 2)));
    assertMessage(e, "node #1 (op type Softsign) is not supported");
  }

  @Test
  void severalInputsAreRefused() {
    ModelingException e = refused(g -> g.addInput(input("u", 1)));
    assertMessage(e, "has 2 inputs ['z', 'u']; Loopforge imports networks of one input");
  }

  @Test
  void dynamicFeatureDimensionIsRefused() {
    ModelingException e = refused(g -> g.setInput(0, ValueInfoProto.newBuilder().setName("z").setType(
        floatType(TensorShapeProto.newBuilder().addDim(dim("batch")).addDim(dim("features"))))));
    assertMessage(e, "input 'z' has a dynamic number of features ('features')");
  }

  @Test
  void aSkipConnectionInsideTheGraphIsRefused() {
    ModelingException e = refused(g -> g.addNode(node("skip", "Add", "h", "h", "h2")).setOutput(0, output("h2", 2)));
    assertMessage(e, "node 'skip' (op type Add) is not supported: both operands depend on the network input");
  }

  @Test
  void transposedActivationIsRefused() {
    ModelingException e = refused(g -> g.setNode(0, g.getNode(0).toBuilder().addAttribute(intAttribute("transA", 1))));
    assertMessage(e, "node 'fc' (op type Gemm) is not supported: transA = 1");
  }

  @Test
  void divisionByTheActivationIsRefused() {
    ModelingException e = refused(g -> g.addInitializer(floats("one", new long[0], 1))
        .addNode(node("inv", "Div", "one", "h", "h2")).setOutput(0, output("h2", 2)));
    assertMessage(e, "node 'inv' (op type Div) is not supported: it divides by the activation");
  }

  @Test
  void aConstantOfTheWrongShapeIsRefused() {
    ModelingException e = refused(g -> g.addInitializer(floats("k", new long[] {3}, 1, 2, 3))
        .addNode(node("scale", "Mul", "h", "k", "h2")).setOutput(0, output("h2", 2)));
    assertMessage(e, "node 'scale' (op type Mul) is not supported: its constant operand has shape [3]; with 2 features"
        + " it must be a scalar, [2] or [1, 2]");
  }

  @Test
  void float16WeightsAreRefused() {
    ModelingException e = refused(g -> g.setInitializer(0, g.getInitializer(0).toBuilder()
        .setDataType(TensorProto.DataType.FLOAT16_VALUE).clearFloatData().setRawData(ByteString.copyFrom(new byte[12]))));
    assertMessage(e, "initializer 'fc.weight' has element type FLOAT16; Loopforge imports float32 and float64 weights");
  }

  @Test
  void externalDataIsRefused() {
    ModelingException e = refused(g -> g.setInitializer(0, g.getInitializer(0).toBuilder()
        .setDataLocation(TensorProto.DataLocation.EXTERNAL)));
    assertMessage(e, "initializer 'fc.weight' keeps its values in an external data file");
  }

  @Test
  void customDomainsAreRefused() {
    ModelingException e = refused(g -> g.addNode(node("q", "Relu", "h", "h2").toBuilder().setDomain("com.microsoft"))
        .setOutput(0, output("h2", 2)));
    assertMessage(e, "node 'q' (op type Relu) is not supported: it is from operator domain 'com.microsoft'");
  }

  @Test
  void opsetsOutsideNineToTwentyOneAreRefused() {
    for (int opset : new int[] {8, 22}) {
      ModelingException e = assertThrows(ModelingException.class,
          () -> XVU.parse(model(UnaryOperator.identity(), opset).toByteArray(), "net.onnx"));
      assertMessage(e, "uses opset " + opset + "; Loopforge reads opsets 9–21");
    }
  }

  @Test
  void theSmallestGraphImportsAndTheSameGraphAtOpsetNineAndTwentyOneToo() {
    for (int opset : new int[] {9, 21}) {
      ReluNetwork net = OnnxImport.builder().states("a", "b").inputs("c").dt(1).build()
          .parse(model(UnaryOperator.identity(), opset).toByteArray(), "net.onnx");
      double[] out = new double[2];
      net.evaluate(new double[] {1, 2, 3}, out);
      assertArrayEquals(new double[] {1 * 1 + 2 * 2 + 3 * 3 + 0.5, 4 * 1 + 5 * 2 + 6 * 3 - 0.5}, out);
    }
  }

  /** What the dynamo exporter and hand-written modules write: view(-1, n), Transpose + MatMul, BatchNorm1d. */
  @Test
  void reshapeTransposedWeightsAndBatchNormalisationAreRead() {
    ModelProto m = model(g -> g.clearNode().clearOutput()
        .addInitializer(TensorProto.newBuilder().setName("shape").setDataType(TensorProto.DataType.INT64_VALUE)
            .addDims(2).addInt64Data(-1).addInt64Data(3))
        .addInitializer(floats("bn.scale", new long[] {2}, 2, 0.5))
        .addInitializer(floats("bn.bias", new long[] {2}, 1, -1))
        .addInitializer(floats("bn.mean", new long[] {2}, 0.25, 4))
        .addInitializer(floats("bn.var", new long[] {2}, 3, 0.75))
        .addNode(node("view", "Reshape", "z", "shape", "z2"))
        .addNode(node("t", "Transpose", "fc.weight", "wt"))
        .addNode(node("mm", "MatMul", "z2", "wt", "y"))
        .addNode(node("bn", "BatchNormalization", "y", "bn.scale", "bn.bias", "bn.mean", "bn.var", "out").toBuilder()
            .addAttribute(AttributeProto.newBuilder().setName("epsilon").setType(AttributeProto.AttributeType.FLOAT)
                .setF(0.25f)))
        .addOutput(output("out", 2)), 15);
    ReluNetwork net = OnnxImport.builder().states("a", "b").inputs("c").dt(1).build().parse(m.toByteArray(), "n.onnx");
    double[] out = new double[2];
    net.evaluate(new double[] {1, -2, 0.5}, out);
    double y0 = 1 * 1 + 2 * -2 + 3 * 0.5;
    double y1 = 4 * 1 + 5 * -2 + 6 * 0.5;
    assertEquals(2 * (y0 - 0.25) / Math.sqrt(3.25) + 1, out[0], 1e-15);
    assertEquals(0.5 * (y1 - 4) / Math.sqrt(1.0) - 1, out[1], 1e-15);
  }

  /** Gemm's alpha and beta, a Constant's value_floats, Dropout in inference mode. */
  @Test
  void gemmScalesConstantsAndDropoutAreRead() {
    ModelProto m = model(g -> g.setNode(0, g.getNode(0).toBuilder()
            .addAttribute(AttributeProto.newBuilder().setName("alpha").setType(AttributeProto.AttributeType.FLOAT).setF(2))
            .addAttribute(AttributeProto.newBuilder().setName("beta").setType(AttributeProto.AttributeType.FLOAT).setF(-1)))
        .addNode(node("c", "Constant", "k").toBuilder().addAttribute(AttributeProto.newBuilder().setName("value_floats")
            .setType(AttributeProto.AttributeType.FLOATS).addFloats(0.5f).addFloats(4)))
        .addNode(node("drop", "Dropout", "h", "hd"))
        .addNode(node("mul", "Mul", "k", "hd", "y"))
        .setOutput(0, output("y", 2)), 13);
    ReluNetwork net = OnnxImport.builder().states("a", "b").inputs("c").dt(1).build().parse(m.toByteArray(), "n.onnx");
    double[] out = new double[2];
    net.evaluate(new double[] {1, 2, 3}, out);
    assertArrayEquals(new double[] {0.5 * (2 * 14 - 0.5), 4 * (2 * 32 + 0.5)}, out);
  }

  @Test
  void dropoutInTrainingModeIsRefused() {
    ModelingException e = refused(g -> g.addInitializer(floats("ratio", new long[0], 0.5))
        .addNode(node("drop", "Dropout", "h", "ratio", "mode", "h2")).setOutput(0, output("h2", 2)));
    assertMessage(e, "node 'drop' (op type Dropout) is not supported: its training_mode input is given");
  }

  @Test
  void aReshapeToAnotherWidthIsRefused() {
    ModelingException e = refused(g -> g.addInitializer(TensorProto.newBuilder().setName("shape")
        .setDataType(TensorProto.DataType.INT64_VALUE).addDims(2).addInt64Data(-1).addInt64Data(1))
        .addNode(node("view", "Reshape", "h", "shape", "h2")).setOutput(0, output("h2", 2)));
    assertMessage(e, "node 'view' (op type Reshape) is not supported: it reshapes [batch, 2] to [-1, 1]");
  }

  @Test
  void namesThatDoNotFitTheNetworkAreRefused() {
    ModelingException e = assertThrows(ModelingException.class, () -> OnnxImport.builder().states("x").inputs("u")
        .dt(0.1).build().parse(model(UnaryOperator.identity(), 13).toByteArray(), "net.onnx"));
    assertMessage(e, "the network maps 3 inputs to 2 outputs, but 1 states [x] and 1 inputs [u] need 2 inputs");
  }

  @Test
  void missingNamesAreAskedFor() {
    ModelingException e = assertThrows(ModelingException.class,
        () -> OnnxImport.builder().build().parse(model(UnaryOperator.identity(), 13).toByteArray(), "net.onnx"));
    assertMessage(e, "does not say which of its inputs are states and which are inputs; give --states");
  }

  @Test
  void notAnOnnxFileIsReported(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("net.onnx");
    Files.writeString(f, "this is not a protobuf \u0000\u0001\u00ff");
    ModelingException e = assertThrows(ModelingException.class, () -> XVU.read(f));
    assertTrue(e.getMessage().startsWith("ONNX file " + f), e.getMessage());
    ModelingException missing = assertThrows(ModelingException.class, () -> XVU.read(dir.resolve("none.onnx")));
    assertMessage(missing, "none.onnx: no such file");
  }

  // ---- helpers: a graph z[batch, 3] → Gemm 'fc' (transB) → h[batch, 2], changed by each test ----

  private static ModelingException refused(UnaryOperator<GraphProto.Builder> change) {
    byte[] bytes = model(change, 13).toByteArray();
    return assertThrows(ModelingException.class, () -> XVU.parse(bytes, "net.onnx"));
  }

  private static void assertMessage(ModelingException e, String part) {
    assertTrue(e.getMessage().contains(part), "message: " + e.getMessage());
    assertTrue(e.getMessage().startsWith("ONNX file ") || e.getMessage().startsWith("cannot read ONNX file"),
        "message names the file: " + e.getMessage());
  }

  private static ModelProto model(UnaryOperator<GraphProto.Builder> change, int opset) {
    GraphProto.Builder g = GraphProto.newBuilder().setName("g")
        .addInput(input("z", 3))
        .addInitializer(floats("fc.weight", new long[] {2, 3}, 1, 2, 3, 4, 5, 6))
        .addInitializer(floats("fc.bias", new long[] {2}, 0.5, -0.5))
        .addNode(node("fc", "Gemm", "z", "fc.weight", "fc.bias", "h").toBuilder().addAttribute(intAttribute("transB", 1)))
        .addOutput(output("h", 2));
    return ModelProto.newBuilder().setIrVersion(7)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(change.apply(g)).build();
  }

  private static NodeProto node(String name, String op, String... io) {
    NodeProto.Builder n = NodeProto.newBuilder().setName(name).setOpType(op);
    for (int i = 0; i < io.length - 1; i++) {
      n.addInput(io[i]);
    }
    return n.addOutput(io[io.length - 1]).build();
  }

  private static AttributeProto intAttribute(String name, long v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
  }

  private static TensorProto floats(String name, long[] dims, double... v) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
    for (long d : dims) {
      t.addDims(d);
    }
    for (double x : v) {
      t.addFloatData((float) x);
    }
    return t.build();
  }

  private static TensorShapeProto.Dimension dim(String param) {
    return TensorShapeProto.Dimension.newBuilder().setDimParam(param).build();
  }

  private static TypeProto floatType(TensorShapeProto.Builder shape) {
    return TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
        .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)).build();
  }

  private static ValueInfoProto input(String name, int width) {
    return ValueInfoProto.newBuilder().setName(name).setType(floatType(TensorShapeProto.newBuilder()
        .addDim(dim("batch")).addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width)))).build();
  }

  private static ValueInfoProto output(String name, int width) {
    return input(name, width);
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = OnnxImportTest.class.getResourceAsStream("/onnx/" + name)) {
      if (in == null) {
        throw new IOException("no test resource /onnx/" + name);
      }
      return in.readAllBytes();
    }
  }

  static List<String> names(String prefix, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(prefix + i);
    }
    return out;
  }
}
