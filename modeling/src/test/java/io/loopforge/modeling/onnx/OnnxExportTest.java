package io.loopforge.modeling.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.NeuronKind;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.onnx.OnnxExport.Precision;
import io.loopforge.modeling.onnx.proto.OnnxProto.ModelProto;
import io.loopforge.modeling.onnx.proto.OnnxProto.NodeProto;
import io.loopforge.modeling.policy.AffinePolicy;
import io.loopforge.modeling.registry.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxExportTest {
  private static final OnnxImport FROM_METADATA = OnnxImport.builder().build();

  @Test
  void aDenseNetworkComesBackEqualInFloat64() {
    ReluNetwork net = network(new int[] {8, 6}, 2, 1, false, true, 1);
    ReluNetwork back = FROM_METADATA.parse(OnnxExport.toBytes(net, Precision.FLOAT64), "net.onnx");
    assertEquals(net, back);
    assertEquals(List.of("x0", "x1"), back.stateNames());
    assertTrue(back.residual());
    assertEquals(0.05, back.dt());
  }

  @Test
  void aDenseNetworkComesBackWithItsWeightsRoundedToFloatInFloat32() {
    ReluNetwork net = network(new int[] {5}, 1, 2, false, false, 2);
    ReluNetwork back = FROM_METADATA.parse(OnnxExport.toBytes(net, Precision.FLOAT32), "net.onnx");
    assertEquals(roundedToFloat(net), back);
  }

  @Test
  void aLinearNetworkIsOneGemm() throws InvalidProtocolBufferException {
    ReluNetwork net = network(new int[0], 2, 1, false, false, 3);
    byte[] bytes = OnnxExport.toBytes(net, Precision.FLOAT64);
    assertEquals(List.of("Gemm"), ops(bytes));
    assertEquals(net, FROM_METADATA.parse(bytes, "net.onnx"));
  }

  @Test
  void sparseAndFoldedNetworksComeBackComputingTheSame() throws InvalidProtocolBufferException {
    for (long seed = 10; seed < 16; seed++) {
      ReluNetwork sparse = network(new int[] {10, 7, 5}, 3, 2, true, seed % 2 == 0, seed);
      FoldedReluNetwork folded = FoldedReluNetwork.fold(sparse);
      for (Model m : List.of(Model.of(sparse), Model.of(folded))) {
        byte[] bytes = OnnxExport.toBytes(m, Precision.FLOAT64);
        for (String op : ops(bytes)) {
          assertTrue(op.equals("Gemm") || op.equals("Relu"), op);
        }
        ReluNetwork back = FROM_METADATA.parse(bytes, "net.onnx");
        assertEquals(folded.reluCount(), back.reluCount(), "the carrying units come back as identities");
        FoldedReluNetwork refolded = FoldedReluNetwork.fold(back);
        assertEquals(folded.reluCount(), refolded.reluCount());
        assertEquals(folded.reluLayerCount(), refolded.reluLayerCount());
        for (int k = 0; k < folded.reluLayerCount(); k++) {
          assertArrayEquals(folded.weights(k), refolded.weights(k), "layer " + k + " comes back as it was");
          assertArrayEquals(folded.biases(k), refolded.biases(k));
        }
        assertArrayEquals(folded.outputWeights(), refolded.outputWeights());
        assertArrayEquals(folded.outputBiases(), refolded.outputBiases());
        assertEquals(sparse.stateNames(), back.stateNames());
        assertEquals(sparse.inputNames(), back.inputNames());
        assertEquals(sparse.residual(), back.residual());
        assertSameFunction(sparse, back, seed);
      }
    }
  }

  @Test
  void aFoldedNetworkWithoutReluLayersIsOneGemm() throws InvalidProtocolBufferException {
    FoldedReluNetwork affine = new FoldedReluNetwork(List.of("a"), List.of("b"), 0.1, false, List.of(), List.of(),
        new double[] {0.5, -2}, new double[] {1});
    byte[] bytes = OnnxExport.toBytes(Model.of(affine), Precision.FLOAT64);
    assertEquals(List.of("Gemm"), ops(bytes));
    double[] out = new double[1];
    FROM_METADATA.parse(bytes, "net.onnx").evaluate(new double[] {2, 3}, out);
    assertArrayEquals(new double[] {1 + 1 - 6}, out);
  }

  @Test
  void theGraphIsStandardOpset13WithNamedInputAndOutput() throws InvalidProtocolBufferException {
    ModelProto m = ModelProto.parseFrom(OnnxExport.toBytes(network(new int[] {4}, 2, 1, false, false, 4),
        Precision.FLOAT32));
    assertEquals(13, m.getOpsetImport(0).getVersion());
    assertEquals("", m.getOpsetImport(0).getDomain());
    assertEquals(7, m.getIrVersion());
    assertEquals("z", m.getGraph().getInput(0).getName());
    assertEquals("batch", m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
    assertEquals(3, m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(1).getDimValue());
    assertEquals("f", m.getGraph().getOutput(0).getName());
    assertEquals(List.of("Gemm", "Relu", "Gemm"), ops(m.toByteArray()));
    assertEquals(1, m.getGraph().getNode(0).getAttribute(0).getI(), "transB = 1");
  }

  @Test
  void theSameNetworkGivesTheSameBytes() {
    ReluNetwork net = network(new int[] {6, 6}, 2, 1, true, true, 5);
    assertArrayEquals(OnnxExport.toBytes(net, Precision.FLOAT32), OnnxExport.toBytes(net, Precision.FLOAT32));
  }

  @Test
  void importingWithOtherNamesOverridesTheMetadata() {
    ReluNetwork net = network(new int[] {3}, 1, 1, false, false, 6);
    ReluNetwork back = OnnxImport.builder().states("p").inputs("q").dt(0.5).residual(false).build()
        .parse(OnnxExport.toBytes(net, Precision.FLOAT64), "net.onnx");
    assertEquals(List.of("p"), back.stateNames());
    assertEquals(0.5, back.dt());
    assertTrue(!back.residual());
  }

  @Test
  void aControllerIsNotExported() {
    AffinePolicy p = AffinePolicy.builder(List.of("x"), List.of("u"), 0.1).gain(new double[][] {{1}}).build();
    ModelingException e = assertThrows(ModelingException.class, () -> OnnxExport.toBytes(Model.of(p), Precision.FLOAT32));
    assertTrue(e.getMessage().startsWith("ONNX export needs a ReLU network of the dynamics"), e.getMessage());
  }

  @Test
  void writesAtomically(@TempDir Path dir) throws Exception {
    ReluNetwork net = network(new int[] {4}, 2, 1, false, false, 7);
    Path f = dir.resolve("sub/net.onnx");
    OnnxExport.write(Model.of(net), Precision.FLOAT64, f);
    assertEquals(net, FROM_METADATA.read(f));
    try (var files = Files.list(f.getParent())) {
      assertEquals(1, files.count(), "no temporary file is left");
    }
  }

  private static void assertSameFunction(ReluNetwork a, ReluNetwork b, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int n0 = a.inputWidth();
    double[] z = new double[n0];
    double[] ya = new double[a.stateDim()];
    double[] yb = new double[a.stateDim()];
    for (int k = 0; k < 1000; k++) {
      for (int i = 0; i < n0; i++) {
        z[i] = rng.nextDouble(-3, 3);
      }
      a.evaluate(z, ya);
      b.evaluate(z, yb);
      for (int i = 0; i < ya.length; i++) {
        assertEquals(ya[i], yb[i], 1e-12 * Math.max(1, Math.abs(ya[i])), "input " + k + " output " + i);
      }
    }
  }

  private static List<String> ops(byte[] bytes) throws InvalidProtocolBufferException {
    return ModelProto.parseFrom(bytes).getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
  }

  private static ReluNetwork roundedToFloat(ReluNetwork net) {
    ReluNetwork.Builder b = ReluNetwork.builder(net.stateNames(), net.inputNames(), net.dt()).residual(net.residual());
    for (int l = 0; l < net.hiddenLayerCount(); l++) {
      b.addHiddenLayer(round(net.weights(l)), round(net.biases(l)), net.kinds(l));
    }
    int last = net.layerCount() - 1;
    return b.output(round(net.weights(last)), round(net.biases(last))).build();
  }

  private static double[] round(double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) v[i];
    }
    return out;
  }

  /** A random network; with {@code mixed} its hidden neurons are ReLU, identity or removed at random. */
  static ReluNetwork network(int[] hidden, int nx, int nu, boolean mixed, boolean residual, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    ReluNetwork.Builder b = ReluNetwork.builder(OnnxImportTest.names("x", nx), OnnxImportTest.names("u", nu), 0.05)
        .residual(residual);
    int cols = nx + nu;
    for (int h : hidden) {
      NeuronKind[] kinds = new NeuronKind[h];
      for (int i = 0; i < h; i++) {
        kinds[i] = mixed ? NeuronKind.values()[rng.nextInt(3)] : NeuronKind.RELU;
      }
      b.addHiddenLayer(random(rng, h * cols), random(rng, h), kinds);
      cols = h;
    }
    return b.output(random(rng, nx * cols), random(rng, nx)).build();
  }

  private static double[] random(SplittableRandom rng, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = rng.nextDouble(-1, 1);
    }
    return v;
  }
}
