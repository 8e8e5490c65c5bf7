package io.loopforge.codegen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.nn.ReluNetworkFile;
import io.loopforge.modeling.policy.PolicyFile;
import io.loopforge.modeling.sindy.SindyModelFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A model file of any type, loaded: the model ({@link io.loopforge.modeling.sindy.SindyModel},
 * {@link io.loopforge.modeling.nn.ReluNetwork}, {@link io.loopforge.modeling.nn.FoldedReluNetwork} or a
 * {@link io.loopforge.modeling.policy.Policy}), the file's name and the SHA-256 of its bytes, which the
 * generated code's header comment names.
 */
public final class ModelFile {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Object model;
  private final String type;
  private final String name;
  private final String sha256;

  private ModelFile(Object model, String type, String name, String sha256) {
    this.model = model;
    this.type = type;
    this.name = name;
    this.sha256 = sha256;
  }

  /**
   * Reads a model file, dispatching on its {@code "type"} key.
   *
   * @throws CodegenException naming the file and the reason when it cannot be read or is malformed
   */
  public static ModelFile read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CodegenException("cannot read model file " + file + ": " + e, e);
    }
    return parse(new String(bytes, StandardCharsets.UTF_8), file.toString(),
        file.getFileName() == null ? file.toString() : file.getFileName().toString(), sha256(bytes));
  }

  /**
   * Parses a model file's text.
   *
   * @param source where the text comes from, for messages
   * @param name the name the generated header shows (a file name, no directories)
   */
  public static ModelFile parse(String text, String source, String name) {
    return parse(text, source, name, sha256(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static ModelFile parse(String text, String source, String name, String hash) {
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new CodegenException("model file " + source + " is not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr()), e);
    }
    if (root == null || !root.isObject()) {
      throw new CodegenException("model file " + source + ": the top level must be a JSON object");
    }
    JsonNode t = root.get("type");
    if (t == null || !t.isTextual()) {
      throw new CodegenException("model file " + source + ": " + (t == null ? "missing key 'type'" : "key 'type' must be a string")
          + " (one of \"sindy\", \"relu-network\", \"policy\")");
    }
    String type = t.textValue();
    try {
      switch (type) {
        case SindyModelFile.TYPE:
          return new ModelFile(SindyModelFile.fromJson(root, source, null), type, name, hash);
        case ReluNetworkFile.TYPE:
          return new ModelFile(ReluNetworkFile.parse(text, source), type, name, hash);
        case PolicyFile.TYPE:
          return new ModelFile(PolicyFile.parse(text, source), type, name, hash);
        default:
          throw new CodegenException("model file " + source + ": key 'type' is '" + type
              + "', expected \"sindy\", \"relu-network\" or \"policy\"");
      }
    } catch (ModelingException e) {
      String m = e.getMessage();
      throw new CodegenException(m.contains(source) ? m : "model file " + source + ": " + m, e);
    }
  }

  /** Wraps a model built in code; {@code name} and {@code sha256} describe its canonical model file. */
  static ModelFile of(Object model, String type, String name, String canonicalJson) {
    return new ModelFile(Objects.requireNonNull(model), type, name,
        sha256(canonicalJson.getBytes(StandardCharsets.UTF_8)));
  }

  /** The model: a SindyModel, ReluNetwork, FoldedReluNetwork or Policy. */
  public Object model() {
    return model;
  }

  /** The file's {@code type}: {@code sindy}, {@code relu-network} or {@code policy}. */
  public String type() {
    return type;
  }

  /** File name shown in generated headers. */
  public String name() {
    return name;
  }

  /** Lower-case hex SHA-256 of the file's bytes. */
  public String sha256() {
    return sha256;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "ModelFile[" + name + ", " + type + ", sha256 " + sha256 + "]";
  }
}
