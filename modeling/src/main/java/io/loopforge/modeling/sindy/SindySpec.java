package io.loopforge.modeling.sindy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.io.FileErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * A SINDy fit specification in the JSON schema of the PySINDy fixtures ({@code spec} object of
 * {@code expected.json}): top-level keys {@code system} (free text), {@code dt} (s),
 * {@code discrete_time}, {@code library}, {@code differentiation}, {@code optimizer}. Every key is
 * optional except each object's {@code type}; missing keys take PySINDy's defaults. A key that is not
 * part of the schema is an error naming the key and the allowed ones.
 *
 * <pre>
 * library:          {"type":"polynomial","degree":2,"include_bias":true,"include_interaction":true,"interaction_only":false}
 *                   {"type":"fourier","n_frequencies":1,"include_sin":true,"include_cos":true}
 *                   {"type":"identity"}  {"type":"control_affine","degree":2}
 *                   {"type":"concat","parts":[…]}  {"type":"tensor","parts":[…]}
 * differentiation:  {"type":"finite_difference","order":2}
 *                   {"type":"smoothed_finite_difference","savgol_window":11,"savgol_polyorder":3,"order":2}
 *                   {"type":"spectral"}
 * optimizer:        {"type":"stlsq","threshold":0.1,"alpha":0.05,"max_iter":20,"unbias":true,"normalize_columns":false}
 *                   {"type":"sr3","regularizer":"L0","reg_weight_lam":0.005,"relax_coeff_nu":1.0,"tol":1e-5,
 *                    "max_iter":30,"unbias":false,"normalize_columns":false}
 *                   {"type":"ensemble","optimizer":{…},"bagging":true,"library_ensemble":false,"n_models":20,
 *                    "n_subset":n,"replace":true,"n_candidates_to_drop":1,"aggregation":"median","seed":0}
 * </pre>
 *
 * Immutable; {@link #builder()} sets parts of a spec one by one.
 */
public final class SindySpec {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  private static final Set<String> KEYS =
      Set.of("system", "dt", "discrete_time", "library", "differentiation", "optimizer");

  private final ObjectNode json;
  private final Sindy sindy;

  private SindySpec(ObjectNode json, Sindy sindy) {
    this.json = json;
    this.sindy = sindy;
  }

  /** Reads a spec file. */
  public static SindySpec read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ModelingException(file + ": cannot read the SINDy spec: " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /** Parses spec text; {@code source} names it in messages. */
  public static SindySpec parse(String text, String source) {
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ModelingException(source + ": not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr() + ")"), e);
    }
    return fromJson(node, source);
  }

  /** Reads a spec object. */
  public static SindySpec fromJson(JsonNode node, String source) {
    SpecReader r = new SpecReader(node, source, "");
    r.allowOnly(KEYS);
    Sindy.Builder b = Sindy.builder();
    if (r.has("system")) {
      b.system(r.string("system", null));
    }
    if (r.has("dt")) {
      double dt = r.number("dt", Double.NaN);
      if (!(dt > 0) || Double.isInfinite(dt)) {
        throw r.error(r.child("dt"), "dt must be a positive number of seconds, got " + dt);
      }
      b.dt(dt);
    }
    b.discreteTime(r.bool("discrete_time", false));
    if (r.has("library")) {
      b.library(FeatureLibrary.fromSpec(r.object("library")));
    }
    if (r.has("differentiation")) {
      b.differentiation(Differentiation.fromSpec(r.object("differentiation")));
    }
    if (r.has("optimizer")) {
      b.optimizer(Optimizer.fromSpec(r.object("optimizer")));
    }
    return new SindySpec(((ObjectNode) node).deepCopy(), b.build());
  }

  /** A builder from PySINDy's defaults (an empty spec). */
  public static Builder builder() {
    return new Builder(JsonNodeFactory.instance.objectNode(), "the spec");
  }

  /**
   * A builder that starts from the spec file {@code file}; the file must be a JSON object, and is only
   * checked against the schema by {@link Builder#build()}, after the builder's settings are applied.
   */
  public static Builder builder(Path file) {
    JsonNode node;
    try {
      node = MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ModelingException(file + ": no such SINDy spec file", e);
    } catch (JsonProcessingException e) {
      throw new ModelingException(file + ": not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr() + ")"), e);
    } catch (IOException e) {
      throw new ModelingException(file + ": cannot read the SINDy spec: " + FileErrors.reason(e), e);
    }
    if (node == null || !node.isObject()) {
      throw new ModelingException(file + ": a SINDy spec is a JSON object, e.g. {\"library\": {\"type\": \"polynomial\"}}");
    }
    return new Builder((ObjectNode) node, file.toString());
  }

  /** The fitter this spec describes. */
  public Sindy toSindy() {
    return sindy;
  }

  /** The spec as read. */
  public ObjectNode json() {
    return json.deepCopy();
  }

  @Override
  public String toString() {
    return json.toString();
  }

  /**
   * Sets parts of a spec one by one, as {@code identify sindy}'s flags do: each setting overrides what
   * the starting spec says, and {@link #build()} checks the result against the schema. A setting that
   * does not fit the spec's library or optimizer type (a degree for a Fourier library) is refused with a
   * message that says so.
   */
  public static final class Builder {
    private final ObjectNode json;
    private String source;

    private Builder(ObjectNode json, String source) {
      this.json = json.deepCopy();
      this.source = source;
    }

    /** What the spec is called in messages (default: the file name, or "the spec"). */
    public Builder source(String source) {
      this.source = source;
      return this;
    }

    /** Sample interval, s. */
    public Builder dt(double seconds) {
      json.put("dt", seconds);
      return this;
    }

    /** Regress x[k+1] on x[k] instead of dx/dt on x. */
    public Builder discreteTime(boolean discrete) {
      json.put("discrete_time", discrete);
      return this;
    }

    /** Degree of the polynomial library (creates a polynomial library when the spec has none). */
    public Builder polynomialDegree(int degree) {
      polynomial("the polynomial degree").put("degree", degree);
      return this;
    }

    /** Whether the polynomial library has the constant term. */
    public Builder includeBias(boolean include) {
      polynomial("include_bias").put("include_bias", include);
      return this;
    }

    /** The differentiation method: {@code finite_difference}, {@code smoothed_finite_difference} or {@code spectral}. */
    public Builder differentiation(String type) {
      ObjectNode d = JsonNodeFactory.instance.objectNode();
      d.put("type", type);
      json.set("differentiation", d);
      return this;
    }

    /** Order of the finite differences (1–4). */
    public Builder finiteDifferenceOrder(int order) {
      ObjectNode d = object("differentiation", "finite_difference");
      if ("spectral".equals(d.path("type").asText())) {
        throw new ModelingException(source + ": a finite-difference order applies to finite differences, not to the"
            + " spectral derivative");
      }
      d.put("order", order);
      return this;
    }

    /** The optimizer type, {@code stlsq} or {@code sr3}; keeps the spec's parameters when the type is the same. */
    public Builder optimizer(String type) {
      JsonNode prev = json.get("optimizer");
      if (prev == null || !prev.isObject() || !type.equals(prev.path("type").asText())) {
        ObjectNode opt = JsonNodeFactory.instance.objectNode();
        opt.put("type", type);
        json.set("optimizer", opt);
      }
      return this;
    }

    /** STLSQ's threshold. */
    public Builder threshold(double threshold) {
      optimizerOfType("stlsq", "the threshold").put("threshold", threshold);
      return this;
    }

    /** STLSQ's ridge weight (0: plain least squares). */
    public Builder alpha(double alpha) {
      optimizerOfType("stlsq", "alpha").put("alpha", alpha);
      return this;
    }

    /** SR3's regularisation weight λ. */
    public Builder sr3Lambda(double lambda) {
      optimizerOfType("sr3", "the SR3 weight lambda").put("reg_weight_lam", lambda);
      return this;
    }

    /** SR3's relaxation ν. */
    public Builder sr3Nu(double nu) {
      optimizerOfType("sr3", "the SR3 relaxation nu").put("relax_coeff_nu", nu);
      return this;
    }

    /** SR3's regulariser, {@code L0} or {@code L1}. */
    public Builder sr3Regularizer(String regularizer) {
      optimizerOfType("sr3", "the SR3 regulariser").put("regularizer", regularizer);
      return this;
    }

    /** Iterations of the optimizer (STLSQ when the spec has none). */
    public Builder maxIter(int iterations) {
      object("optimizer", "stlsq").put("max_iter", iterations);
      return this;
    }

    /** Whether the library columns are normalised before thresholding (STLSQ when the spec has none). */
    public Builder normalizeColumns(boolean normalize) {
      object("optimizer", "stlsq").put("normalize_columns", normalize);
      return this;
    }

    /**
     * The spec, checked against the schema.
     *
     * @throws ModelingException naming the source and the key when a value is out of range or unknown
     */
    public SindySpec build() {
      return fromJson(json, source);
    }

    private ObjectNode polynomial(String what) {
      ObjectNode lib = object("library", "polynomial");
      if (!"polynomial".equals(lib.path("type").asText())) {
        throw new ModelingException(source + ": " + what + " applies to a polynomial library, but the spec's library is "
            + lib.path("type").asText() + "; edit the spec instead");
      }
      return lib;
    }

    private ObjectNode optimizerOfType(String type, String what) {
      ObjectNode opt = object("optimizer", type);
      if (!type.equals(opt.path("type").asText())) {
        throw new ModelingException(source + ": " + what + " applies to the " + type + " optimizer, but the optimizer"
            + " is " + opt.path("type").asText() + "; choose the " + type + " optimizer or edit the spec");
      }
      return opt;
    }

    /** The object at {@code key}, created with the given type when absent. */
    private ObjectNode object(String key, String type) {
      JsonNode n = json.get(key);
      if (n == null || n.isNull()) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("type", type);
        json.set(key, o);
        return o;
      }
      if (!n.isObject()) {
        throw new ModelingException(source + ": the spec's \"" + key + "\" must be a JSON object, got " + n);
      }
      return (ObjectNode) n;
    }
  }
}
