package io.loopforge.modeling.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loopforge.modeling.ModelFileText;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.nn.DenseLayersReader;
import io.loopforge.modeling.nn.NeuronKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads and writes policy model files (JSON, {@code "type": "policy"}). Doubles are written in their
 * shortest round-trip form, so a policy read back equals the one written. Keys:
 *
 * <pre>
 * "format": "loopforge-model/1", "type": "policy",
 * "policy": "affine" | "relu-network" | "polynomial",
 * "state_names": [...], "input_names": [...], "reference_names": [...],
 * "dt": seconds,
 * "input_bounds": {"lower": [number | null, …], "upper": [number | null, …]}   optional; null: unbounded
 *
 * affine ({@link AffinePolicy}, u = sat(u_ref − K (x − x_ref))):
 *   "reference": "state" | "state_and_input"     optional, default "state"
 *   "gain": [[K₀₀, …], …]                         nu rows of nx numbers
 *   "input_reference": [u_ref…]                   optional, "state" layout only, default zeros
 *   ("reference_names" is optional: it follows from the layout)
 *
 * relu-network ({@link NetworkPolicy}, network input [x; reference]):
 *   "layers": [{"inputs": cols, "outputs": rows, "weights": [rows·cols, row-major], "biases": [rows],
 *               "kinds": ["relu" | "identity" | "zero", …]}, …]     kinds on hidden layers only
 *
 * polynomial ({@link PolynomialPolicy}, z = [x; reference]):
 *   "terms": [[e₀, …], …]                         one row per term: the exponent of each entry of z
 *   "coefficients": [[c₀, …], …]                  nu rows, one coefficient per term
 * </pre>
 *
 * Errors name the file and the key.
 */
public final class PolicyFile {
  public static final String FORMAT = "loopforge-model/1";
  public static final String TYPE = "policy";
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Set<String> COMMON_KEYS =
      Set.of("format", "type", "policy", "state_names", "input_names", "reference_names", "dt", "input_bounds");
  private static final Set<String> AFFINE_KEYS = Set.of("reference", "gain", "input_reference");
  private static final Set<String> NETWORK_KEYS = Set.of("layers");
  private static final Set<String> POLYNOMIAL_KEYS = Set.of("terms", "coefficients");

  private PolicyFile() {}

  /**
   * Writes {@code bounds} under the key {@code input_bounds} as every policy-like file does ({@code null} for an
   * infinite side); nothing when every input is unbounded.
   */
  public static void putInputBounds(ObjectNode root, InputBounds bounds) {
    if (bounds.isUnbounded()) {
      return;
    }
    ObjectNode bn = root.putObject("input_bounds");
    ArrayNode lo = bn.putArray("lower");
    ArrayNode hi = bn.putArray("upper");
    for (int i = 0; i < bounds.size(); i++) {
      if (Double.isInfinite(bounds.lower(i))) {
        lo.addNull();
      } else {
        lo.add(bounds.lower(i));
      }
      if (Double.isInfinite(bounds.upper(i))) {
        hi.addNull();
      } else {
        hi.add(bounds.upper(i));
      }
    }
  }

  /** The model file text of {@code policy} (pretty-printed JSON, trailing newline). */
  public static String toJson(Policy policy) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("type", TYPE);
    root.put("policy", policy instanceof AffinePolicy ? "affine"
        : policy instanceof NetworkPolicy ? "relu-network" : "polynomial");
    names(root.putArray("state_names"), policy.stateNames());
    names(root.putArray("input_names"), policy.inputNames());
    names(root.putArray("reference_names"), policy.referenceNames());
    root.put("dt", policy.dt());
    putInputBounds(root, policy.inputBounds());
    if (policy instanceof AffinePolicy) {
      AffinePolicy a = (AffinePolicy) policy;
      root.put("reference", a.referenceLayout().fileName());
      ArrayNode gain = root.putArray("gain");
      for (double[] row : a.gain()) {
        ArrayNode r = gain.addArray();
        for (double k : row) {
          r.add(k);
        }
      }
      if (a.referenceLayout() == AffinePolicy.ReferenceLayout.STATE) {
        ArrayNode ur = root.putArray("input_reference");
        for (double v : a.inputReference()) {
          ur.add(v);
        }
      }
    } else if (policy instanceof PolynomialPolicy) {
      PolynomialPolicy pp = (PolynomialPolicy) policy;
      ArrayNode terms = root.putArray("terms");
      for (int t = 0; t < pp.termCount(); t++) {
        ArrayNode row = terms.addArray();
        for (int e : pp.exponents(t)) {
          row.add(e);
        }
      }
      ArrayNode coef = root.putArray("coefficients");
      for (int i = 0; i < pp.inputDim(); i++) {
        ArrayNode row = coef.addArray();
        for (double c : pp.coefficients(i)) {
          row.add(c);
        }
      }
    } else {
      NetworkPolicy n = (NetworkPolicy) policy;
      ArrayNode layers = root.putArray("layers");
      for (int l = 0; l < n.layerCount(); l++) {
        ObjectNode layer = layers.addObject();
        layer.put("inputs", l == 0 ? n.inputWidth() : n.width(l - 1));
        layer.put("outputs", n.width(l));
        ArrayNode w = layer.putArray("weights");
        for (double d : n.weights(l)) {
          w.add(d);
        }
        ArrayNode bias = layer.putArray("biases");
        for (double d : n.biases(l)) {
          bias.add(d);
        }
        if (l < n.hiddenLayerCount()) {
          ArrayNode kinds = layer.putArray("kinds");
          for (NeuronKind k : n.kinds(l)) {
            kinds.add(k.fileName());
          }
        }
      }
    }
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void names(ArrayNode a, List<String> names) {
    names.forEach(a::add);
  }

  public static void write(Policy policy, Path file) {
    ModelFileText.write(toJson(policy), file);
  }

  /**
   * Reads a policy model file.
   *
   * @throws ModelingException naming the file and key when it is unreadable or malformed
   */
  public static Policy read(Path file) {
    return parse(ModelFileText.read(file), file.toString());
  }

  /** Parses a policy model file's text; {@code source} names it in messages. */
  public static Policy parse(String json, String source) {
    return new Reader(json, source).policy();
  }

  private static final class Reader {
    private final String source;
    private final JsonNode root;

    Reader(String json, String source) {
      this.source = source;
      try {
        this.root = MAPPER.readTree(json);
      } catch (JsonProcessingException e) {
        throw new ModelingException("model file " + source + " is not valid JSON: " + e.getOriginalMessage()
            + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr()), e);
      }
      if (root == null || !root.isObject()) {
        throw fail("the top level must be a JSON object");
      }
    }

    ModelingException fail(String message) {
      return new ModelingException("model file " + source + ": " + message);
    }

    Policy policy() {
      String format = text("format");
      if (!format.equals(FORMAT)) {
        throw fail("key 'format' is '" + format + "', expected '" + FORMAT + "'");
      }
      String type = text("type");
      if (!type.equals(TYPE)) {
        throw fail("key 'type' is '" + type + "', expected '" + TYPE + "'");
      }
      String kind = text("policy");
      Set<String> extra;
      if (kind.equals("affine")) {
        extra = AFFINE_KEYS;
      } else if (kind.equals("relu-network")) {
        extra = NETWORK_KEYS;
      } else if (kind.equals("polynomial")) {
        extra = POLYNOMIAL_KEYS;
      } else {
        throw fail("key 'policy' is '" + kind + "', expected 'affine', 'relu-network' or 'polynomial'");
      }
      root.fieldNames().forEachRemaining(k -> {
        if (!COMMON_KEYS.contains(k) && !extra.contains(k)) {
          throw fail("unknown key '" + k + "' for a" + (kind.equals("affine") ? "n affine" : " " + kind)
              + " policy");
        }
      });
      List<String> states = names("state_names", true);
      List<String> inputs = names("input_names", true);
      double dt = dt();
      InputBounds bounds = bounds(inputs.size());
      try {
        return kind.equals("affine") ? affine(states, inputs, dt, bounds)
            : kind.equals("relu-network") ? network(states, inputs, dt, bounds) : polynomial(states, inputs, dt, bounds);
      } catch (IllegalArgumentException e) {
        throw fail(e.getMessage());
      }
    }

    private AffinePolicy affine(List<String> states, List<String> inputs, double dt, InputBounds bounds) {
      AffinePolicy.ReferenceLayout layout = AffinePolicy.ReferenceLayout.STATE;
      if (root.has("reference")) {
        String l = text("reference");
        layout = AffinePolicy.ReferenceLayout.fromFileName(l);
        if (layout == null) {
          throw fail("key 'reference' is '" + l + "', expected 'state' or 'state_and_input'");
        }
      }
      JsonNode g = root.get("gain");
      if (g == null || !g.isArray()) {
        throw fail(g == null ? "missing key 'gain' (nu rows of nx numbers)" : "key 'gain' must be an array of rows");
      }
      if (g.size() != inputs.size()) {
        throw fail("key 'gain' has " + g.size() + " rows, expected one per input (" + inputs.size() + ")");
      }
      double[][] k = new double[inputs.size()][];
      for (int i = 0; i < k.length; i++) {
        k[i] = numbers(g.get(i), "gain[" + i + "]", states.size(), false);
      }
      AffinePolicy.Builder b = AffinePolicy.builder(states, inputs, dt).gain(k).referenceLayout(layout)
          .inputBounds(bounds);
      if (root.has("input_reference")) {
        if (layout != AffinePolicy.ReferenceLayout.STATE) {
          throw fail("key 'input_reference' is only allowed with \"reference\": \"state\"; with"
              + " \"state_and_input\" the reference vector carries u_ref");
        }
        b.inputReference(numbers(root.get("input_reference"), "input_reference", inputs.size(), false));
      }
      AffinePolicy p = b.build();
      if (root.has("reference_names")) {
        List<String> refs = names("reference_names", false);
        if (refs.size() != p.referenceDim()) {
          throw fail("key 'reference_names' has " + refs.size() + " names, the '" + layout.fileName()
              + "' reference layout has " + p.referenceDim());
        }
      }
      return p;
    }

    private NetworkPolicy network(List<String> states, List<String> inputs, double dt, InputBounds bounds) {
      List<String> refs = names("reference_names", false);
      NetworkPolicy.Builder b = NetworkPolicy.builder(states, inputs, refs, dt).inputBounds(bounds);
      new DenseLayersReader(source, "the states and the reference", "input", true).read(root.get("layers"),
          b.layers());
      return b.build();
    }

    private PolynomialPolicy polynomial(List<String> states, List<String> inputs, double dt, InputBounds bounds) {
      List<String> refs = names("reference_names", false);
      int nz = states.size() + refs.size();
      JsonNode t = root.get("terms");
      if (t == null || !t.isArray()) {
        throw fail(t == null ? "missing key 'terms' (one row of " + nz + " exponents per term)"
            : "key 'terms' must be an array of rows");
      }
      int[][] e = new int[t.size()][nz];
      for (int k = 0; k < t.size(); k++) {
        JsonNode row = t.get(k);
        if (!row.isArray() || row.size() != nz) {
          throw fail("key 'terms[" + k + "]' must be an array of " + nz + " exponents (one per state and reference"
              + " entry)");
        }
        for (int j = 0; j < nz; j++) {
          JsonNode v = row.get(j);
          if (!v.isIntegralNumber() || v.asInt() < 0 || v.asInt() > 16) {
            throw fail("key 'terms[" + k + "][" + j + "]' must be an integer exponent in 0 … 16, got " + v);
          }
          e[k][j] = v.asInt();
        }
      }
      JsonNode c = root.get("coefficients");
      if (c == null || !c.isArray() || c.size() != inputs.size()) {
        throw fail(c == null ? "missing key 'coefficients' (one row per input)"
            : "key 'coefficients' must have one row per input (" + inputs.size() + ")");
      }
      double[][] coef = new double[inputs.size()][];
      for (int i = 0; i < coef.length; i++) {
        coef[i] = numbers(c.get(i), "coefficients[" + i + "]", e.length, false);
      }
      return PolynomialPolicy.of(states, inputs, refs, dt, e, coef, bounds);
    }

    private InputBounds bounds(int nu) {
      JsonNode b = root.get("input_bounds");
      if (b == null || b.isNull()) {
        return InputBounds.unbounded(nu);
      }
      if (!b.isObject()) {
        throw fail("key 'input_bounds' must be an object with 'lower' and 'upper'");
      }
      b.fieldNames().forEachRemaining(k -> {
        if (!k.equals("lower") && !k.equals("upper")) {
          throw fail("unknown key 'input_bounds." + k + "' (expected 'lower' and 'upper')");
        }
      });
      double[] lo = b.has("lower") ? numbers(b.get("lower"), "input_bounds.lower", nu, true) : fill(nu, -1);
      double[] hi = b.has("upper") ? numbers(b.get("upper"), "input_bounds.upper", nu, true) : fill(nu, 1);
      for (int i = 0; i < nu; i++) {
        if (Double.isInfinite(lo[i]) && lo[i] > 0) {
          lo[i] = Double.NEGATIVE_INFINITY;
        }
      }
      try {
        return InputBounds.of(lo, hi);
      } catch (IllegalArgumentException e) {
        throw fail("key 'input_bounds': " + e.getMessage());
      }
    }

    private static double[] fill(int n, int sign) {
      double[] d = new double[n];
      java.util.Arrays.fill(d, sign * Double.POSITIVE_INFINITY);
      return d;
    }

    String text(String key) {
      JsonNode v = root.get(key);
      if (v == null) {
        throw fail("missing key '" + key + "'");
      }
      if (!v.isTextual()) {
        throw fail("key '" + key + "' must be a string");
      }
      return v.textValue();
    }

    List<String> names(String key, boolean nonEmpty) {
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
      if (nonEmpty && names.isEmpty()) {
        throw fail("key '" + key + "' is empty");
      }
      return names;
    }

    double dt() {
      JsonNode v = root.get("dt");
      if (v == null || !v.isNumber() || !(v.doubleValue() > 0) || Double.isInfinite(v.doubleValue())) {
        throw fail(v == null ? "missing key 'dt'" : "key 'dt' must be a positive number of seconds");
      }
      return v.doubleValue();
    }

    /** An array of {@code expected} finite numbers; with {@code nullable}, null entries become +∞. */
    double[] numbers(JsonNode v, String key, int expected, boolean nullable) {
      if (v == null || !v.isArray()) {
        throw fail(v == null ? "missing key '" + key + "'" : "key '" + key + "' must be an array of numbers");
      }
      if (v.size() != expected) {
        throw fail("key '" + key + "' has " + v.size() + " values, expected " + expected);
      }
      double[] d = new double[expected];
      for (int i = 0; i < expected; i++) {
        JsonNode n = v.get(i);
        if (nullable && n.isNull()) {
          d[i] = Double.POSITIVE_INFINITY;
        } else if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
          throw fail("key '" + key + "[" + i + "]' is not a finite number" + (nullable ? " or null" : ""));
        } else {
          d[i] = n.doubleValue();
        }
      }
      return d;
    }
  }
}
