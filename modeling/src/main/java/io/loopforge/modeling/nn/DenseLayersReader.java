package io.loopforge.modeling.nn;

import com.fasterxml.jackson.databind.JsonNode;
import io.loopforge.modeling.ModelingException;

/**
 * Reads the {@code "layers"} key of a model file into a {@link DenseLayers.Builder}: hidden layers then
 * the linear output layer, each {@code {"inputs": cols, "outputs": rows, "weights": [rows·cols,
 * row-major], "biases": [rows], "kinds": ["relu" | "identity" | "zero", …]}} ({@code "kinds"} on hidden
 * layers only). Shared by the {@code "mlp"} network file ({@link ReluNetworkFile}) and the
 * {@code "relu-network"} policy file ({@link io.loopforge.modeling.policy.PolicyFile}).
 *
 * <p>Errors are {@link ModelingException}s naming the file and the key.
 */
public final class DenseLayersReader {
  private final String source;
  private final String inputsDescription;
  private final String outputUnit;
  private final boolean strict;

  /**
   * A reader for file {@code source}. {@code inputsDescription} names the network input in messages
   * (e.g. "the states and inputs"), {@code outputUnit} what each output is (e.g. "state"). A
   * {@code strict} reader also requires each layer to be an object, numbers to be finite and the output
   * layer to have no {@code "kinds"}.
   */
  public DenseLayersReader(String source, String inputsDescription, String outputUnit, boolean strict) {
    this.source = source;
    this.inputsDescription = inputsDescription;
    this.outputUnit = outputUnit;
    this.strict = strict;
  }

  /** Reads {@code layers} (the value of the {@code "layers"} key, maybe null) into {@code into}. */
  public void read(JsonNode layers, DenseLayers.Builder into) {
    if (layers == null || !layers.isArray() || layers.size() == 0) {
      throw fail(layers == null ? "missing key 'layers'" : "key 'layers' must be a non-empty array");
    }
    int width = into.inputWidth();
    int outputs = into.outputWidth();
    for (int l = 0; l < layers.size(); l++) {
      String where = "layers[" + l + "]";
      JsonNode layer = layers.get(l);
      if (strict && !layer.isObject()) {
        throw fail("key '" + where + "' must be an object");
      }
      int cols = integer(layer, "inputs", where);
      int rows = integer(layer, "outputs", where);
      if (cols != width) {
        throw fail("key '" + where + ".inputs' is " + cols + ", but the previous layer has " + width + " outputs"
            + (l == 0 ? " (" + inputsDescription + ")" : ""));
      }
      boolean output = l == layers.size() - 1;
      if (output && rows != outputs) {
        throw fail("key '" + where + ".outputs' is " + rows + ", the output layer needs one per " + outputUnit
            + " (" + outputs + ")");
      }
      if (rows == 0) {
        throw fail("key '" + where + ".outputs' is 0");
      }
      double[] w = numbers(layer, "weights", where, rows * cols);
      double[] bias = numbers(layer, "biases", where, rows);
      if (output) {
        if (strict && layer.has("kinds")) {
          throw fail("key '" + where + ".kinds': the output layer is linear and has no neuron kinds");
        }
        into.output(w, bias);
      } else {
        into.addHiddenLayer(w, bias, kinds(layer, where, rows));
      }
      width = rows;
    }
  }

  private NeuronKind[] kinds(JsonNode layer, String where, int rows) {
    JsonNode kn = layer.get("kinds");
    if (kn == null || !kn.isArray()) {
      throw fail(kn == null ? "missing key '" + where + ".kinds'" : "key '" + where + ".kinds' must be an array");
    }
    if (kn.size() != rows) {
      throw fail("key '" + where + ".kinds' has " + kn.size() + " values, expected " + rows);
    }
    NeuronKind[] kinds = new NeuronKind[rows];
    for (int i = 0; i < rows; i++) {
      kinds[i] = NeuronKind.fromFileName(kn.get(i).asText());
      if (kinds[i] == null) {
        throw fail("key '" + where + ".kinds[" + i + "]' is '" + kn.get(i).asText()
            + "', expected 'relu', 'identity' or 'zero'");
      }
    }
    return kinds;
  }

  ModelingException fail(String message) {
    return new ModelingException("model file " + source + ": " + message);
  }

  /** The non-negative integer at {@code node.key}; {@code where} names {@code node} in messages. */
  int integer(JsonNode node, String key, String where) {
    JsonNode v = node.get(key);
    if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < 0) {
      throw fail(v == null ? "missing key '" + where + "." + key + "'"
          : "key '" + where + "." + key + "' must be a non-negative integer");
    }
    return v.intValue();
  }

  /** The {@code expected} numbers at {@code node.key} (finite ones when strict). */
  double[] numbers(JsonNode node, String key, String where, int expected) {
    JsonNode v = node.get(key);
    if (v == null || !v.isArray()) {
      throw fail(v == null ? "missing key '" + where + "." + key + "'"
          : "key '" + where + "." + key + "' must be an array of numbers");
    }
    if (v.size() != expected) {
      throw fail("key '" + where + "." + key + "' has " + v.size() + " values, expected " + expected);
    }
    double[] d = new double[expected];
    for (int i = 0; i < expected; i++) {
      JsonNode n = v.get(i);
      if (!n.isNumber() || (strict && !Double.isFinite(n.doubleValue()))) {
        throw fail("key '" + where + "." + key + "[" + i + "]' is not a " + (strict ? "finite " : "") + "number");
      }
      d[i] = n.doubleValue();
    }
    return d;
  }
}
