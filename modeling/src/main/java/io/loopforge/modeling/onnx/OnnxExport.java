package io.loopforge.modeling.onnx;

import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.io.AtomicFile;
import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.NeuronKind;
import io.loopforge.modeling.nn.ReluNetwork;
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
import io.loopforge.modeling.policy.AffinePolicy;
import io.loopforge.modeling.policy.MpcPolicy;
import io.loopforge.modeling.policy.NetworkPolicy;
import io.loopforge.modeling.policy.PolynomialPolicy;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.sindy.SindyModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a ReLU network as a standard ONNX graph (opset {@value #OPSET}, IR version 7) of {@code Gemm}
 * ({@code transB = 1}, weights as PyTorch stores them: {@code [out, in]}) and {@code Relu} nodes, which
 * Netron shows and onnxruntime runs: input {@code z} of shape {@code [batch, nx + nu]} (states, then
 * inputs), output {@code f} of shape {@code [batch, nx]} (the next state, or its increment for a residual
 * network). Weights are float32 ({@link Precision#FLOAT32}, what runtimes expect) or float64.
 *
 * <p>A dense network whose hidden neurons are all ReLU is written layer for layer, so that
 * {@link OnnxImport} reads back the same network (float64: equal; float32: the weights rounded to float).
 * Any other network — identity or removed neurons, or a {@link FoldedReluNetwork} whose layers read the
 * network input and all earlier units — is written from its folded form with plain Gemm/Relu layers that
 * carry what later layers read: the input as {@code relu(z)} and {@code relu(−z)} (their difference is
 * {@code z}) and earlier units, which are non-negative, through the identity. It computes the same
 * function; {@link OnnxImport} recognises the carrying units and reads them back as identity neurons, so
 * the network it reads has the same ReLUs (and folds to the same units).
 *
 * <p>The names of states and inputs, {@code dt} (s) and the residual flag go into the model's metadata
 * ({@code loopforge.states}, {@code loopforge.inputs}, {@code loopforge.dt}, {@code loopforge.residual})
 * so that an import needs no options. The same network gives the same bytes.
 */
public final class OnnxExport {
  /** Opset of the written graphs. */
  public static final int OPSET = 13;
  static final String META_STATES = "loopforge.states";
  static final String META_INPUTS = "loopforge.inputs";
  static final String META_DT = "loopforge.dt";
  static final String META_RESIDUAL = "loopforge.residual";

  /** Element type of the written weights and tensors. */
  public enum Precision {
    FLOAT32,
    FLOAT64
  }

  private OnnxExport() {}

  /** One Gemm (+ Relu): row-major {@code rows × cols} weights. */
  private record Stage(double[] w, double[] b, int rows, int cols, boolean relu) {}

  /**
   * The ONNX bytes of a network model ({@code relu-network}, dense or folded).
   *
   * @throws ModelingException when the model is not a ReLU network of the dynamics
   */
  public static byte[] toBytes(Model model, Precision precision) {
    return model.accept(new Model.Visitor<byte[]>() {
      @Override
      public byte[] sindy(SindyModel m) {
        throw notANetwork(model);
      }

      @Override
      public byte[] network(ReluNetwork n) {
        return toBytes(n, precision);
      }

      @Override
      public byte[] foldedNetwork(FoldedReluNetwork n) {
        return toBytes(n, precision);
      }

      @Override
      public byte[] affinePolicy(AffinePolicy p) {
        throw notANetwork(model);
      }

      @Override
      public byte[] networkPolicy(NetworkPolicy p) {
        throw notANetwork(model);
      }

      @Override
      public byte[] mpcPolicy(MpcPolicy p) {
        throw notANetwork(model);
      }

      @Override
      public byte[] polynomialPolicy(PolynomialPolicy p) {
        throw notANetwork(model);
      }
    });
  }

  private static ModelingException notANetwork(Model model) {
    return new ModelingException("ONNX export needs a ReLU network of the dynamics (\"type\": \"relu-network\"),"
        + " but this is " + model.kind().withArticle() + " (\"type\": \"" + model.kind().fileType() + "\")");
  }

  /** The ONNX bytes of {@code net}. */
  public static byte[] toBytes(ReluNetwork net, Precision precision) {
    int hidden = net.hiddenLayerCount();
    int neurons = 0;
    for (int w : net.hiddenWidths()) {
      neurons += w;
    }
    if (net.count(NeuronKind.RELU) != neurons) {
      return toBytes(FoldedReluNetwork.fold(net), precision);
    }
    List<Stage> stages = new ArrayList<>();
    int cols = net.inputWidth();
    for (int l = 0; l <= hidden; l++) {
      stages.add(new Stage(net.weights(l), net.biases(l), net.width(l), cols, l < hidden));
      cols = net.width(l);
    }
    return model(stages, net.stateNames(), net.inputNames(), net.dt(), net.residual(), precision).toByteArray();
  }

  /** The ONNX bytes of {@code net} (carrying the input and earlier units as described above). */
  public static byte[] toBytes(FoldedReluNetwork net, Precision precision) {
    int n0 = net.offset(0);
    int layers = net.reluLayerCount();
    List<Stage> stages = new ArrayList<>();
    if (layers == 0) {
      stages.add(new Stage(net.outputWeights(), net.outputBiases(), net.stateDim(), n0, false));
    } else {
      // the activation before layer k ≥ 1 is p = [relu(z); relu(−z); h₀ … h_{k−1}], width 2 n0 + (offset(k) − n0)
      int width = n0; // before layer 0 the activation is z itself
      for (int k = 0; k < layers; k++) {
        int units = net.units(k);
        int carried = k == 0 ? 2 * n0 : width;
        int rows = carried + units;
        double[] w = new double[rows * width];
        double[] b = new double[rows];
        if (k == 0) {
          for (int i = 0; i < n0; i++) {
            w[i * width + i] = 1.0;
            w[(n0 + i) * width + i] = -1.0;
          }
        } else {
          for (int i = 0; i < width; i++) {
            w[i * width + i] = 1.0;
          }
        }
        spread(net.weights(k), net.offset(k), n0, k == 0, w, carried, width);
        System.arraycopy(net.biases(k), 0, b, carried, units);
        stages.add(new Stage(w, b, rows, width, true));
        width = rows;
      }
      int nx = net.stateDim();
      double[] w = new double[nx * width];
      spread(net.outputWeights(), net.offset(layers), n0, false, w, 0, width);
      stages.add(new Stage(w, net.outputBiases(), nx, width, false));
    }
    return model(stages, net.stateNames(), net.inputNames(), net.dt(), net.residual(), precision).toByteArray();
  }

  /**
   * Writes the rows of {@code src} (row-major, {@code srcCols} columns over {@code v = [z; units]}) into
   * {@code dst} from row {@code firstRow}, as weights over {@code [relu(z); relu(−z); units]} (or over
   * {@code z} itself when {@code overZ}).
   */
  private static void spread(double[] src, int srcCols, int n0, boolean overZ, double[] dst, int firstRow,
      int dstCols) {
    int rows = src.length / srcCols;
    for (int r = 0; r < rows; r++) {
      int d = (firstRow + r) * dstCols;
      for (int c = 0; c < srcCols; c++) {
        double v = src[r * srcCols + c];
        if (overZ) {
          dst[d + c] = v;
        } else if (c < n0) {
          dst[d + c] = v;
          dst[d + n0 + c] = -v;
        } else {
          dst[d + n0 + c] = v;
        }
      }
    }
  }

  private static ModelProto model(List<Stage> stages, List<String> states, List<String> inputs, double dt,
      boolean residual, Precision precision) {
    boolean f64 = precision == Precision.FLOAT64;
    int elem = f64 ? TensorProto.DataType.DOUBLE_VALUE : TensorProto.DataType.FLOAT_VALUE;
    GraphProto.Builder g = GraphProto.newBuilder().setName("loopforge_relu_network");
    String x = "z";
    for (int i = 0; i < stages.size(); i++) {
      Stage s = stages.get(i);
      String p = "layer" + i;
      g.addInitializer(OnnxTensors.encode(p + ".weight", new long[] {s.rows(), s.cols()}, s.w(), f64));
      g.addInitializer(OnnxTensors.encode(p + ".bias", new long[] {s.rows()}, s.b(), f64));
      boolean last = i == stages.size() - 1;
      String gemmOut = last ? "f" : p + "/Gemm_output";
      g.addNode(NodeProto.newBuilder().setName(p + "/Gemm").setOpType("Gemm").addInput(x).addInput(p + ".weight")
          .addInput(p + ".bias").addOutput(gemmOut)
          .addAttribute(AttributeProto.newBuilder().setName("transB").setType(AttributeProto.AttributeType.INT).setI(1)));
      x = gemmOut;
      if (s.relu()) {
        String reluOut = p + "/Relu_output";
        g.addNode(NodeProto.newBuilder().setName(p + "/Relu").setOpType("Relu").addInput(x).addOutput(reluOut));
        x = reluOut;
      }
    }
    List<String> zNames = new ArrayList<>(states);
    zNames.addAll(inputs);
    g.addInput(tensor("z", elem, states.size() + inputs.size(), "network input [states; inputs]: " + zNames));
    g.addOutput(tensor("f", elem, states.size(), (residual ? "increment of the state, x⁺ = x + f: " : "next state: ")
        + states));
    return ModelProto.newBuilder().setIrVersion(7).setProducerName("loopforge")
        .setDocString("ReLU network dynamics, dt " + dt + " s" + (residual ? ", residual" : ""))
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .addMetadataProps(meta(META_STATES, String.join(",", states)))
        .addMetadataProps(meta(META_INPUTS, String.join(",", inputs)))
        .addMetadataProps(meta(META_DT, Double.toString(dt)))
        .addMetadataProps(meta(META_RESIDUAL, Boolean.toString(residual)))
        .setGraph(g).build();
  }

  private static StringStringEntryProto meta(String key, String value) {
    return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }

  private static ValueInfoProto tensor(String name, int elem, int width, String doc) {
    TensorShapeProto shape = TensorShapeProto.newBuilder()
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width)).build();
    return ValueInfoProto.newBuilder().setName(name).setDocString(doc)
        .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(elem).setShape(shape)))
        .build();
  }

  /**
   * Writes the ONNX file of a network model atomically (temporary file moved into place).
   *
   * @throws ModelingException when the model is not a ReLU network or the file cannot be written
   */
  public static void write(Model model, Precision precision, Path file) {
    byte[] bytes = toBytes(model, precision);
    try {
      AtomicFile.write(file, out -> out.write(bytes));
    } catch (IOException e) {
      throw new ModelingException("cannot write ONNX file " + file + ": " + e.getMessage(), e);
    }
  }
}
