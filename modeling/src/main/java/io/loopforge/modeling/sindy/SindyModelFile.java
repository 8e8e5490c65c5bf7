package io.loopforge.modeling.sindy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loopforge.modeling.ModelFileText;
import io.loopforge.modeling.ModelingException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The SINDy model file, JSON:
 *
 * <pre>
 * {
 *   "format": "loopforge-model/1",
 *   "type": "sindy",
 *   "state_names": ["x0", …], "input_names": ["u0", …],
 *   "dt": 0.002,                      (s)
 *   "discrete_time": false,
 *   "feature_names": ["1", "x0", …],
 *   "coefficients": [[…], …],         (rows = equations, as PySINDy's model.coefficients())
 *   "library": {…},                   (the spec's library object: the terms are rebuilt from it)
 *   "integrator": {"method": "rk4", "substeps": 4},   (continuous models: how step() discretises)
 *   "spec": {…}                       (optional: how the model was fitted)
 * }
 * </pre>
 *
 * Reading rebuilds the library and checks that its term names equal {@code feature_names}; numbers
 * are written so that they read back to the same doubles, so a loaded model predicts exactly what the
 * saved one did. Errors name the file and the key.
 */
public final class SindyModelFile {
  /** Value of the {@code format} key. */
  public static final String FORMAT = "loopforge-model/1";

  /** Value of the {@code type} key. */
  public static final String TYPE = "sindy";

  private static final Set<String> KEYS = Set.of(
      "format", "type", "state_names", "input_names", "dt", "discrete_time", "feature_names", "coefficients",
      "library", "integrator", "spec");

  private SindyModelFile() {}

  /** The model as a JSON tree. */
  public static ObjectNode toJson(SindyModel model) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    o.put("format", FORMAT);
    o.put("type", TYPE);
    ArrayNode sn = o.putArray("state_names");
    model.stateNames().forEach(sn::add);
    ArrayNode in = o.putArray("input_names");
    model.inputNames().forEach(in::add);
    o.put("dt", model.dt());
    o.put("discrete_time", model.discreteTime());
    ArrayNode fn = o.putArray("feature_names");
    model.featureNames().forEach(fn::add);
    ArrayNode co = o.putArray("coefficients");
    for (double[] row : model.coefficients()) {
      ArrayNode r = co.addArray();
      for (double c : row) {
        if (!Double.isFinite(c)) {
          throw new ModelingException("cannot write a model with a non-finite coefficient (" + c + ")");
        }
        r.add(c);
      }
    }
    ObjectNode lib;
    try {
      lib = model.library().toSpec();
    } catch (ModelingException e) {
      lib = JsonNodeFactory.instance.objectNode(); // custom functions have no JSON form
      lib.put("type", "custom");
    }
    o.set("library", lib);
    if (!model.discreteTime()) {
      ObjectNode integ = o.putObject("integrator");
      integ.put("method", "rk4");
      integ.put("substeps", model.substeps());
    }
    model.spec().ifPresent(s -> o.set("spec", s));
    return o;
  }

  /** The model file's text (pretty-printed JSON, trailing newline). */
  public static String toJsonString(SindyModel model) {
    try {
      return SindySpec.MAPPER.writer(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(toJson(model)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the model file. */
  public static void write(SindyModel model, Path file) {
    ModelFileText.write(toJsonString(model), file);
  }

  /** Reads a model file whose library has a JSON form. */
  public static SindyModel read(Path file) {
    return read(file, null);
  }

  /**
   * Reads a model file, building the terms from {@code library} instead of the file's {@code library}
   * key (needed for custom libraries, which have no JSON form); the term names must still match.
   */
  public static SindyModel read(Path file, FeatureLibrary library) {
    return parse(ModelFileText.read(file), file.toString(), library);
  }

  /** Parses model-file text; {@code source} names it in messages. */
  public static SindyModel parse(String text, String source, FeatureLibrary library) {
    JsonNode node;
    try {
      node = SindySpec.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ModelingException(source + ": not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr() + ")"), e);
    }
    return fromJson(node, source, library);
  }

  /** Reads a model-file JSON tree. */
  public static SindyModel fromJson(JsonNode node, String source, FeatureLibrary library) {
    SpecReader r = new SpecReader(node, source, "");
    String format = r.requireString("format");
    if (!format.equals(FORMAT)) {
      throw r.error("format", "unsupported format \"" + format + "\"; this version reads \"" + FORMAT + "\"");
    }
    String type = r.requireString("type");
    if (!type.equals(TYPE)) {
      throw r.error("type", "this is a \"" + type + "\" model, not a SINDy model");
    }
    r.allowOnly(KEYS);
    List<String> states = strings(r, "state_names", true);
    List<String> inputs = r.has("input_names") ? strings(r, "input_names", false) : List.of();
    if (!r.has("dt")) {
      throw r.error("dt", "missing required key \"dt\" (the sample interval in seconds)");
    }
    double dt = r.number("dt", Double.NaN);
    if (!(dt > 0) || Double.isInfinite(dt)) {
      throw r.error("dt", "dt must be a positive number of seconds, got " + dt);
    }
    boolean discrete = r.bool("discrete_time", false);
    List<String> features = strings(r, "feature_names", true);
    double[][] coef = coefficients(r, states.size(), features.size());
    FeatureLibrary lib = library;
    if (lib == null) {
      if (!r.has("library")) {
        throw r.error("library", "missing required key \"library\" (the terms cannot be rebuilt without it)");
      }
      SpecReader lr = r.object("library");
      if ("custom".equals(lr.string("type", null))) {
        throw r.error("library", "the model uses a custom library (Java functions); read it with"
            + " SindyModelFile.read(file, library) passing that library");
      }
      lib = FeatureLibrary.fromSpec(lr);
    }
    List<String> built;
    try {
      built = lib.bind(states, inputs).featureNames();
    } catch (ModelingException e) {
      throw r.error("library", e.getMessage());
    }
    if (!built.equals(features)) {
      throw r.error("feature_names", "the library " + lib + " gives the terms " + built
          + " for states " + states + " and inputs " + inputs + ", but the file lists " + features
          + "; the file is inconsistent (edited by hand, or written by another library version)");
    }
    int substeps = 4;
    if (r.has("integrator")) {
      SpecReader ir = r.object("integrator");
      ir.allowOnly(Set.of("method", "substeps"));
      String method = ir.string("method", "rk4");
      if (!method.equals("rk4")) {
        throw ir.error(ir.child("method"), "unknown integrator \"" + method + "\"; known: rk4");
      }
      substeps = ir.integer("substeps", 4);
      if (substeps < 1) {
        throw ir.error(ir.child("substeps"), "substeps must be at least 1, got " + substeps);
      }
    }
    ObjectNode spec = null;
    Differentiation diff = null;
    if (r.has("spec")) {
      SindySpec s = SindySpec.fromJson(r.node().get("spec"), source + " (key \"spec\")");
      spec = s.json();
      if (!discrete) {
        diff = s.toSindy().differentiation();
      }
    }
    return new SindyModel(states, inputs, lib, features, coef, dt, discrete, diff, spec, substeps, null);
  }

  private static List<String> strings(SpecReader r, String key, boolean required) {
    JsonNode v = r.node().get(key);
    if (v == null || v.isNull()) {
      if (required) {
        throw r.error(key, "missing required key \"" + key + "\"");
      }
      return List.of();
    }
    if (!v.isArray()) {
      throw r.error(key, "expected an array of strings, got " + SpecReader.describe(v));
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      if (!v.get(i).isTextual()) {
        throw r.error(key + "[" + i + "]", "expected a string, got " + SpecReader.describe(v.get(i)));
      }
      out.add(v.get(i).asText());
    }
    if (required && out.isEmpty()) {
      throw r.error(key, "must not be empty");
    }
    return out;
  }

  private static double[][] coefficients(SpecReader r, int rows, int cols) {
    JsonNode v = r.node().get("coefficients");
    if (v == null || !v.isArray()) {
      throw r.error("coefficients", "expected an array of " + rows + " rows (one per state), got "
          + SpecReader.describe(v));
    }
    if (v.size() != rows) {
      throw r.error("coefficients", v.size() + " rows, but there are " + rows + " states; one row per state");
    }
    double[][] out = new double[rows][cols];
    for (int i = 0; i < rows; i++) {
      JsonNode row = v.get(i);
      if (!row.isArray() || row.size() != cols) {
        throw r.error("coefficients[" + i + "]", "expected " + cols + " numbers (one per feature), got "
            + (row.isArray() ? row.size() + " values" : SpecReader.describe(row)));
      }
      for (int j = 0; j < cols; j++) {
        JsonNode c = row.get(j);
        if (!c.isNumber() || !Double.isFinite(c.doubleValue())) {
          throw r.error("coefficients[" + i + "][" + j + "]", "expected a finite number, got " + SpecReader.describe(c));
        }
        out[i][j] = c.doubleValue();
      }
    }
    return out;
  }
}
