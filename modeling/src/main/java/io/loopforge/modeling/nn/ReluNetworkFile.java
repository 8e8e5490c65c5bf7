package io.loopforge.modeling.nn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.ModelFileText;
import io.loopforge.modeling.ModelingException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes ReLU network model files (JSON, {@code "type": "relu-network"}). Doubles are
 * written in their shortest round-trip form, so a network read back equals the one written. Common keys:
 *
 * <pre>
 * "format": "loopforge-model/1", "type": "relu-network",
 * "state_names": [...], "input_names": [...], "dt": seconds, "discrete_time": true,
 * "residual": true | false,           x⁺ = x + f(x, u) or x⁺ = f(x, u)
 * "layout": "mlp" | "folded"
 * </pre>
 *
 * {@code "layout": "mlp"} ({@link ReluNetwork}): {@code "layers"}: hidden layers then the linear output
 * layer, each {@code {"inputs": cols, "outputs": rows, "weights": [rows·cols, row-major], "biases":
 * [rows], "kinds": ["relu" | "identity" | "zero", …]}} ({@code "kinds"} on hidden layers only).
 *
 * <p>{@code "layout": "folded"} ({@link FoldedReluNetwork}): {@code "relu_layers"}: a list of
 * {@code {"inputs": offsetₖ, "outputs": unitsₖ, "weights", "biases"}} where layer {@code k} reads
 * {@code [x; u; h₀; …; hₖ₋₁]}, and {@code "output_layer"}: {@code {"inputs": offset_K, "outputs": nx,
 * "weights", "biases"}}.
 *
 * <p>Errors name the file and the key.
 */
public final class ReluNetworkFile {
  public static final String FORMAT = "loopforge-model/1";
  public static final String TYPE = "relu-network";
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReluNetworkFile() {}

  public static void write(ReluNetwork net, Path file) {
    ModelFileText.write(toJson(net), file);
  }

  public static void write(FoldedReluNetwork net, Path file) {
    ModelFileText.write(toJson(net), file);
  }

  /** The model file text of {@code net}. */
  public static String toJson(ReluNetwork net) {
    ObjectNode root = header(net, "mlp", net.residual());
    ArrayNode layers = root.putArray("layers");
    for (int l = 0; l < net.layerCount(); l++) {
      ObjectNode layer = layer(layers.addObject(), l == 0 ? net.inputWidth() : net.width(l - 1), net.width(l),
          net.weights(l), net.biases(l));
      if (l < net.hiddenLayerCount()) {
        ArrayNode kinds = layer.putArray("kinds");
        for (NeuronKind k : net.kinds(l)) {
          kinds.add(k.fileName());
        }
      }
    }
    return serialize(root);
  }

  /** The model file text of {@code net}. */
  public static String toJson(FoldedReluNetwork net) {
    ObjectNode root = header(net, "folded", net.residual());
    ArrayNode layers = root.putArray("relu_layers");
    for (int k = 0; k < net.reluLayerCount(); k++) {
      layer(layers.addObject(), net.offset(k), net.units(k), net.weights(k), net.biases(k));
    }
    layer(root.putObject("output_layer"), net.offset(net.reluLayerCount()), net.stateDim(), net.outputWeights(),
        net.outputBiases());
    return serialize(root);
  }

  private static String serialize(ObjectNode root) {
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode header(DynamicsModel net, String layout, boolean residual) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("type", TYPE);
    ArrayNode s = root.putArray("state_names");
    net.stateNames().forEach(s::add);
    ArrayNode u = root.putArray("input_names");
    net.inputNames().forEach(u::add);
    root.put("dt", net.dt());
    root.put("discrete_time", true);
    root.put("residual", residual);
    root.put("layout", layout);
    return root;
  }

  private static ObjectNode layer(ObjectNode node, int inputs, int outputs, double[] w, double[] b) {
    node.put("inputs", inputs);
    node.put("outputs", outputs);
    ArrayNode wa = node.putArray("weights");
    for (double d : w) {
      if (!Double.isFinite(d)) {
        throw new ModelingException("cannot write a network with a non-finite weight (" + d + ")");
      }
      wa.add(d);
    }
    ArrayNode ba = node.putArray("biases");
    for (double d : b) {
      if (!Double.isFinite(d)) {
        throw new ModelingException("cannot write a network with a non-finite bias (" + d + ")");
      }
      ba.add(d);
    }
    return node;
  }

  /**
   * Reads a {@code "layout": "mlp"} file.
   *
   * @throws ModelingException naming the file and key when the file is unreadable or malformed, or
   *     holds a folded network
   */
  public static ReluNetwork readMlp(Path file) {
    Reader r = new Reader(file);
    String layout = r.layout();
    if (!layout.equals("mlp")) {
      throw new ModelingException("model file " + file + ": key 'layout' is '" + layout
          + "', this needs an unfolded network ('mlp'); use the dense model written by 'identify mlp'");
    }
    return r.mlp();
  }

  /** Reads either layout as a {@link FoldedReluNetwork}; an {@code "mlp"} network is folded. */
  public static FoldedReluNetwork readFolded(Path file) {
    Reader r = new Reader(file);
    return r.layout().equals("mlp") ? FoldedReluNetwork.fold(r.mlp()) : r.folded();
  }

  /** Reads either layout: a {@link ReluNetwork} or a {@link FoldedReluNetwork}. */
  public static DynamicsModel read(Path file) {
    Reader r = new Reader(file);
    return r.layout().equals("mlp") ? r.mlp() : r.folded();
  }

  /** Parses a model file text; {@code source} names it in error messages. */
  public static DynamicsModel parse(String json, String source) {
    Reader r = new Reader(json, source);
    return r.layout().equals("mlp") ? r.mlp() : r.folded();
  }

  private static final class Reader {
    private final String source;
    private final JsonNode root;
    private final DenseLayersReader layers;

    Reader(Path file) {
      this(ModelFileText.read(file), file.toString());
    }

    Reader(String json, String source) {
      this.source = source;
      this.layers = new DenseLayersReader(source, "the states and inputs", "state", false);
      try {
        this.root = MAPPER.readTree(json);
      } catch (JsonProcessingException e) {
        throw new ModelingException("model file " + source + " is not valid JSON: " + e.getOriginalMessage()
            + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
      }
      if (root == null || !root.isObject()) {
        throw fail("the top level must be a JSON object");
      }
      String format = text(root, "format");
      if (!format.equals(FORMAT)) {
        throw fail("key 'format' is '" + format + "', expected '" + FORMAT + "'");
      }
      String type = text(root, "type");
      if (!type.equals(TYPE)) {
        throw fail("key 'type' is '" + type + "', expected '" + TYPE + "'");
      }
      JsonNode dtNode = root.get("discrete_time");
      if (dtNode != null && !dtNode.asBoolean(false)) {
        throw fail("key 'discrete_time' must be true for a ReLU network");
      }
    }

    ModelingException fail(String message) {
      return new ModelingException("model file " + source + ": " + message);
    }

    String layout() {
      String layout = text(root, "layout");
      if (!layout.equals("mlp") && !layout.equals("folded")) {
        throw fail("key 'layout' is '" + layout + "', expected 'mlp' or 'folded'");
      }
      return layout;
    }

    String text(JsonNode node, String key) {
      JsonNode v = node.get(key);
      if (v == null) {
        throw fail("missing key '" + key + "'");
      }
      if (!v.isTextual()) {
        throw fail("key '" + key + "' must be a string");
      }
      return v.textValue();
    }

    List<String> names(String key) {
      JsonNode v = root.get(key);
      if (v == null || !v.isArray()) {
        throw fail(v == null ? "missing key '" + key + "'" : "key '" + key + "' must be an array of names");
      }
      List<String> names = new ArrayList<>();
      for (JsonNode n : v) {
        if (!n.isTextual()) {
          throw fail("key '" + key + "' must be an array of names");
        }
        names.add(n.textValue());
      }
      return names;
    }

    double dt() {
      JsonNode v = root.get("dt");
      if (v == null || !v.isNumber() || !(v.doubleValue() > 0)) {
        throw fail(v == null ? "missing key 'dt'" : "key 'dt' must be a positive number of seconds");
      }
      return v.doubleValue();
    }

    boolean residual() {
      JsonNode v = root.get("residual");
      if (v == null || !v.isBoolean()) {
        throw fail(v == null ? "missing key 'residual'" : "key 'residual' must be true or false");
      }
      return v.booleanValue();
    }

    int integer(JsonNode node, String key, String where) {
      return layers.integer(node, key, where);
    }

    double[] numbers(JsonNode node, String key, String where, int expected) {
      return layers.numbers(node, key, where, expected);
    }

    ReluNetwork mlp() {
      List<String> states = names("state_names");
      List<String> inputs = names("input_names");
      if (states.isEmpty()) {
        throw fail("key 'state_names' is empty");
      }
      ReluNetwork.Builder b = ReluNetwork.builder(states, inputs, dt()).residual(residual());
      layers.read(root.get("layers"), b.layers());
      return b.build();
    }

    FoldedReluNetwork folded() {
      List<String> states = names("state_names");
      List<String> inputs = names("input_names");
      if (states.isEmpty()) {
        throw fail("key 'state_names' is empty");
      }
      JsonNode layers = root.get("relu_layers");
      if (layers == null || !layers.isArray()) {
        throw fail(layers == null ? "missing key 'relu_layers'" : "key 'relu_layers' must be an array");
      }
      int offset = states.size() + inputs.size();
      List<double[]> weights = new ArrayList<>();
      List<double[]> biases = new ArrayList<>();
      for (int k = 0; k < layers.size(); k++) {
        String where = "relu_layers[" + k + "]";
        JsonNode layer = layers.get(k);
        int cols = integer(layer, "inputs", where);
        int rows = integer(layer, "outputs", where);
        if (cols != offset) {
          throw fail("key '" + where + ".inputs' is " + cols + ", expected " + offset
              + " (states, inputs and all earlier ReLU units)");
        }
        if (rows == 0) {
          throw fail("key '" + where + ".outputs' is 0");
        }
        weights.add(numbers(layer, "weights", where, rows * cols));
        biases.add(numbers(layer, "biases", where, rows));
        offset += rows;
      }
      JsonNode out = root.get("output_layer");
      if (out == null || !out.isObject()) {
        throw fail(out == null ? "missing key 'output_layer'" : "key 'output_layer' must be an object");
      }
      int cols = integer(out, "inputs", "output_layer");
      int rows = integer(out, "outputs", "output_layer");
      if (cols != offset) {
        throw fail("key 'output_layer.inputs' is " + cols + ", expected " + offset);
      }
      if (rows != states.size()) {
        throw fail("key 'output_layer.outputs' is " + rows + ", expected one per state (" + states.size() + ")");
      }
      double[] w = numbers(out, "weights", "output_layer", rows * cols);
      double[] b = numbers(out, "biases", "output_layer", rows);
      return new FoldedReluNetwork(states, inputs, dt(), residual(), weights, biases, w, b);
    }
  }
}
