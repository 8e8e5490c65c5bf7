package io.loopforge.modeling.sindy;

import com.fasterxml.jackson.databind.JsonNode;
import io.loopforge.modeling.ModelingException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Strict reading of one JSON object of a SINDy spec or model file: every key must be known, every
 * value of the right type; messages name the source, the path of the key and what is allowed.
 */
final class SpecReader {
  private final JsonNode node;
  private final String source; // e.g. "spec.json"
  private final String path; // e.g. "library.parts[1]"

  SpecReader(JsonNode node, String source, String path) {
    this.source = source;
    this.path = path;
    if (node == null || !node.isObject()) {
      throw error(path, "expected a JSON object, got " + describe(node));
    }
    this.node = node;
  }

  JsonNode node() {
    return node;
  }

  String child(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** Fails when the object has a key not in {@code allowed}. */
  void allowOnly(Set<String> allowed) {
    Iterator<String> it = node.fieldNames();
    while (it.hasNext()) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw error(
            child(k),
            "unknown key \"" + k + "\"; allowed here: " + String.join(", ", new TreeSet<>(allowed))
                + " (check the spelling: unknown keys are errors, not ignored)");
      }
    }
  }

  boolean has(String key) {
    return node.has(key) && !node.get(key).isNull();
  }

  String requireString(String key) {
    if (!has(key)) {
      throw error(child(key), "missing required key \"" + key + "\"");
    }
    return string(key, null);
  }

  String string(String key, String dflt) {
    if (!has(key)) {
      return dflt;
    }
    JsonNode v = node.get(key);
    if (!v.isTextual()) {
      throw error(child(key), "expected a string, got " + describe(v));
    }
    return v.asText();
  }

  int integer(String key, int dflt) {
    if (!has(key)) {
      return dflt;
    }
    JsonNode v = node.get(key);
    if (v.isIntegralNumber() && v.canConvertToInt()) {
      return v.intValue();
    }
    if (v.isNumber() && v.doubleValue() == Math.rint(v.doubleValue()) && Math.abs(v.doubleValue()) < 1e9) {
      return (int) v.doubleValue();
    }
    throw error(child(key), "expected an integer, got " + describe(v));
  }

  long longInteger(String key, long dflt) {
    if (!has(key)) {
      return dflt;
    }
    JsonNode v = node.get(key);
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.longValue();
    }
    throw error(child(key), "expected an integer, got " + describe(v));
  }

  double number(String key, double dflt) {
    if (!has(key)) {
      return dflt;
    }
    JsonNode v = node.get(key);
    if (!v.isNumber()) {
      throw error(child(key), "expected a number, got " + describe(v));
    }
    return v.doubleValue();
  }

  boolean bool(String key, boolean dflt) {
    if (!has(key)) {
      return dflt;
    }
    JsonNode v = node.get(key);
    if (!v.isBoolean()) {
      throw error(child(key), "expected true or false, got " + describe(v));
    }
    return v.booleanValue();
  }

  SpecReader object(String key) {
    return new SpecReader(node.get(key), source, child(key));
  }

  List<SpecReader> objects(String key) {
    JsonNode v = node.get(key);
    if (v == null || !v.isArray()) {
      throw error(child(key), "expected an array of objects, got " + describe(v));
    }
    List<SpecReader> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      out.add(new SpecReader(v.get(i), source, child(key) + "[" + i + "]"));
    }
    return out;
  }

  ModelingException error(String where, String what) {
    return new ModelingException(source + ": " + (where.isEmpty() ? "" : "\"" + where + "\": ") + what);
  }

  ModelingException error(String what) {
    return error(path, what);
  }

  static String describe(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    if (v.isNull()) {
      return "null";
    }
    if (v.isObject()) {
      return "an object";
    }
    if (v.isArray()) {
      return "an array";
    }
    if (v.isTextual()) {
      return "\"" + v.asText() + "\"";
    }
    return v.toString();
  }
}
