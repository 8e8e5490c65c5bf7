package io.loopforge.modeling.sindy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loopforge.modeling.ModelingException;
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
 * Immutable.
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
}
