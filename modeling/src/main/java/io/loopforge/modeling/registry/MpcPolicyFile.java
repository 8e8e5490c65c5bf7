package io.loopforge.modeling.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.policy.PolicyFile;
import io.loopforge.modeling.policy.MpcPolicy;
import io.loopforge.modeling.sindy.FeatureLibrary;
import java.util.Set;

/**
 * The model file of an on-device MPC controller ({@code "type": "mpc"}); the model it predicts with is
 * nested as a complete model file of its own. Doubles are written in their shortest round-trip form.
 *
 * <pre>
 * "format": "loopforge-model/1", "type": "mpc",
 * "horizon": H, "iterations": K, "qp_iterations": P, "tolerance": t,
 * "state_weights": [q…], "terminal_weights": [q_H…], "input_weights": [r…], "rate_weights": [r_Δ…],
 * "reference_state": [x_ref…], "reference_input": [u_ref…],
 * "input_bounds": {"lower": [number | null, …], "upper": [number | null, …]}   optional; null: unbounded
 * "model": { a "sindy" or "relu-network" model file }
 * </pre>
 */
final class MpcPolicyFile {
  static final String TYPE = "mpc";
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Set<String> KEYS = Set.of("format", "type", "horizon", "iterations", "qp_iterations",
      "tolerance", "state_weights", "terminal_weights", "input_weights", "rate_weights", "reference_state",
      "reference_input", "input_bounds", "model");

  private MpcPolicyFile() {}

  static String toJson(MpcPolicy p) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", ModelFiles.FORMAT);
    root.put("type", TYPE);
    root.put("horizon", p.horizon());
    root.put("iterations", p.iterations());
    root.put("qp_iterations", p.qpIterations());
    root.put("tolerance", p.tolerance());
    numbers(root.putArray("state_weights"), p.stateWeights());
    numbers(root.putArray("terminal_weights"), p.terminalWeights());
    numbers(root.putArray("input_weights"), p.inputWeights());
    numbers(root.putArray("rate_weights"), p.rateWeights());
    numbers(root.putArray("reference_state"), p.referenceState());
    numbers(root.putArray("reference_input"), p.referenceInput());
    PolicyFile.putInputBounds(root, p.inputBounds());
    Model inner = modelOf(p.model());
    try {
      root.set("model", MAPPER.readTree(ModelFiles.toJson(inner)));
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Model modelOf(DynamicsModel m) {
    if (m instanceof io.loopforge.modeling.sindy.SindyModel) {
      return Model.of((io.loopforge.modeling.sindy.SindyModel) m);
    } else if (m instanceof io.loopforge.modeling.nn.ReluNetwork) {
      return Model.of((io.loopforge.modeling.nn.ReluNetwork) m);
    } else if (m instanceof io.loopforge.modeling.nn.FoldedReluNetwork) {
      return Model.of((io.loopforge.modeling.nn.FoldedReluNetwork) m);
    }
    throw new ModelingException("an MPC controller's model must be a SINDy model or a ReLU network to be written"
        + " to a file, got " + m.getClass().getSimpleName());
  }

  private static void numbers(ArrayNode a, double[] v) {
    for (double d : v) {
      a.add(d);
    }
  }

  static MpcPolicy fromJson(JsonNode root, String source, FeatureLibrary library) {
    root.fieldNames().forEachRemaining(k -> {
      if (!KEYS.contains(k)) {
        throw new ModelingException("model file " + source + ": unknown key '" + k + "' for an mpc controller");
      }
    });
    JsonNode format = root.get("format");
    if (format == null || !format.isTextual() || !format.textValue().equals(ModelFiles.FORMAT)) {
      throw new ModelingException("model file " + source + ": key 'format' must be '" + ModelFiles.FORMAT + "'");
    }
    JsonNode inner = required(root, "model", source);
    if (!inner.isObject() || inner.get("type") == null || !inner.get("type").isTextual()) {
      throw new ModelingException("model file " + source + ": key 'model' must be a model file object with a 'type'");
    }
    String innerSource = source + " (key 'model')";
    Model model;
    try {
      model = ModelFiles.decode(inner.get("type").textValue(), inner, MAPPER.writeValueAsString(inner),
          innerSource, library);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    DynamicsModel dynamics = model.asDynamics().orElseThrow(() -> new ModelingException("model file " + source
        + ": key 'model' holds " + model.kind().withArticle() + "; an MPC controller needs a sindy or relu-network"
        + " model"));
    MpcPolicy.Builder b = MpcPolicy.builder(dynamics)
        .horizon(integer(root, "horizon", source))
        .iterations(integer(root, "iterations", source))
        .qpIterations(integer(root, "qp_iterations", source))
        .tolerance(number(required(root, "tolerance", source), "tolerance", source))
        .stateWeights(numbers(root, "state_weights", source))
        .terminalWeights(numbers(root, "terminal_weights", source))
        .inputWeights(numbers(root, "input_weights", source))
        .rateWeights(numbers(root, "rate_weights", source))
        .referenceState(numbers(root, "reference_state", source))
        .referenceInput(numbers(root, "reference_input", source));
    JsonNode bounds = root.get("input_bounds");
    if (bounds != null && !bounds.isNull()) {
      int nu = dynamics.inputDim();
      double[] lo = boundArray(bounds, "lower", nu, Double.NEGATIVE_INFINITY, source);
      double[] hi = boundArray(bounds, "upper", nu, Double.POSITIVE_INFINITY, source);
      try {
        b.inputBounds(InputBounds.of(lo, hi));
      } catch (IllegalArgumentException e) {
        throw new ModelingException("model file " + source + ": key 'input_bounds': " + e.getMessage(), e);
      }
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ModelingException("model file " + source + ": " + e.getMessage(), e);
    }
  }

  private static JsonNode required(JsonNode root, String key, String source) {
    JsonNode n = root.get(key);
    if (n == null) {
      throw new ModelingException("model file " + source + ": missing key '" + key + "'");
    }
    return n;
  }

  private static int integer(JsonNode root, String key, String source) {
    JsonNode n = required(root, key, source);
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw new ModelingException("model file " + source + ": key '" + key + "' must be an integer");
    }
    return n.intValue();
  }

  private static double number(JsonNode n, String key, String source) {
    if (!n.isNumber()) {
      throw new ModelingException("model file " + source + ": key '" + key + "' must be a number");
    }
    return n.doubleValue();
  }

  private static double[] numbers(JsonNode root, String key, String source) {
    JsonNode n = required(root, key, source);
    if (!n.isArray()) {
      throw new ModelingException("model file " + source + ": key '" + key + "' must be an array of numbers");
    }
    double[] v = new double[n.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = number(n.get(i), key + "[" + i + "]", source);
    }
    return v;
  }

  private static double[] boundArray(JsonNode bounds, String key, int nu, double none, String source) {
    JsonNode n = bounds.get(key);
    if (n == null || !n.isArray() || n.size() != nu) {
      throw new ModelingException("model file " + source + ": key 'input_bounds." + key + "' must be an array of "
          + nu + " numbers or nulls");
    }
    double[] v = new double[nu];
    for (int i = 0; i < nu; i++) {
      v[i] = n.get(i).isNull() ? none : number(n.get(i), "input_bounds." + key + "[" + i + "]", source);
    }
    return v;
  }
}
