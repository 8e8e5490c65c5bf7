package io.loopforge.modeling.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.ModelFileText;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.nn.ReluNetworkFile;
import io.loopforge.modeling.policy.AffinePolicy;
import io.loopforge.modeling.policy.MpcPolicy;
import io.loopforge.modeling.policy.NetworkPolicy;
import io.loopforge.modeling.policy.PolicyFile;
import io.loopforge.modeling.sindy.FeatureLibrary;
import io.loopforge.modeling.sindy.SindyModel;
import io.loopforge.modeling.sindy.SindyModelFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one place where model files ({@code "format": "loopforge-model/1"}) of every kind are read and
 * written. Reading dispatches on the file's {@code "type"} (and the network's {@code "layout"}, the
 * policy's {@code "policy"}) and returns a typed {@link ModelFile}; the per-type codecs
 * ({@link SindyModelFile}, {@link ReluNetworkFile}, {@link PolicyFile}) sit behind it. Writing goes to a
 * temporary file in the same folder that is then moved into place, so a failed write leaves the old file
 * as it was.
 *
 * <pre>
 * ModelFile f = ModelFiles.read(Path.of("model.json"));   // f.model(), f.kind(), f.name(), f.sha256()
 * ModelFiles.write(Model.of(network), Path.of("net.json"));
 * </pre>
 *
 * Errors are {@link ModelingException}s that name the file and the key.
 */
public final class ModelFiles {
  /** Value of the {@code format} key. */
  public static final String FORMAT = "loopforge-model/1";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** The file types, for messages: {@code "sindy", "relu-network" or "policy"}. */
  private static final String TYPES = types();

  private ModelFiles() {}

  /**
   * Reads a model file of any kind.
   *
   * @throws ModelingException naming the file and the reason when it is missing, unreadable or malformed
   */
  public static ModelFile read(Path file) {
    return read(file, null);
  }

  /**
   * Reads a model file; a SINDy model's terms are built from {@code library} instead of the file's
   * {@code library} key (needed for custom libraries, which have no JSON form).
   */
  public static ModelFile read(Path file, FeatureLibrary library) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ModelingException("cannot read model file " + file + ": no such file; check the path");
    } catch (IOException e) {
      throw new ModelingException("cannot read model file " + file + ": " + e.getMessage(), e);
    }
    Path fileName = file.getFileName();
    return parse(new String(bytes, StandardCharsets.UTF_8), file.toString(),
        fileName == null ? file.toString() : fileName.toString(), sha256(bytes), library);
  }

  /**
   * Parses a model file's text.
   *
   * @param source where the text comes from, for messages
   * @param name the file name the model is known by (no directories)
   */
  public static ModelFile parse(String text, String source, String name) {
    return parse(text, source, name, sha256(text.getBytes(StandardCharsets.UTF_8)), null);
  }

  /**
   * Parses a model file's text; a SINDy model's terms are built from {@code library} (a custom library,
   * which has no JSON form).
   */
  public static ModelFile parse(String text, String source, String name, FeatureLibrary library) {
    return parse(text, source, name, sha256(text.getBytes(StandardCharsets.UTF_8)), library);
  }

  private static ModelFile parse(String text, String source, String name, String hash, FeatureLibrary library) {
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ModelingException("model file " + source + " is not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr()), e);
    }
    if (root == null || !root.isObject()) {
      throw new ModelingException("model file " + source + ": the top level must be a JSON object");
    }
    JsonNode t = root.get("type");
    if (t == null || !t.isTextual()) {
      throw new ModelingException("model file " + source + ": "
          + (t == null ? "missing key 'type'" : "key 'type' must be a string") + " (" + TYPES + ")");
    }
    Model model;
    try {
      model = decode(t.textValue(), root, text, source, library);
    } catch (ModelingException e) {
      String m = e.getMessage();
      throw m.contains(source) ? e : new ModelingException("model file " + source + ": " + m, e);
    }
    return new ModelFile(model, name, hash);
  }

  static Model decode(String type, JsonNode root, String text, String source, FeatureLibrary library) {
    switch (type) {
      case SindyModelFile.TYPE:
        return Model.of(SindyModelFile.fromJson(root, source, library));
      case ReluNetworkFile.TYPE: {
        DynamicsModel net = ReluNetworkFile.parse(text, source);
        // the codec returns one of the two layouts
        return net instanceof ReluNetwork ? Model.of((ReluNetwork) net) : Model.of((FoldedReluNetwork) net);
      }
      case PolicyFile.TYPE: {
        return Model.of(PolicyFile.parse(text, source));
      }
      case MpcPolicyFile.TYPE:
        return Model.of(MpcPolicyFile.fromJson(root, source, library));
      default:
        throw new ModelingException("model file " + source + ": key 'type' is '" + type + "', expected " + TYPES);
    }
  }

  private static String types() {
    List<String> t = Arrays.stream(ModelKind.values()).map(k -> "\"" + k.fileType() + "\"").distinct()
        .collect(Collectors.toList());
    return String.join(", ", t.subList(0, t.size() - 1)) + " or " + t.get(t.size() - 1);
  }

  /** The canonical model file text of {@code model} (pretty-printed JSON, trailing newline). */
  public static String toJson(Model model) {
    return model.accept(new Model.Visitor<String>() {
      @Override
      public String sindy(SindyModel m) {
        return SindyModelFile.toJsonString(m);
      }

      @Override
      public String network(ReluNetwork n) {
        return ReluNetworkFile.toJson(n);
      }

      @Override
      public String foldedNetwork(FoldedReluNetwork n) {
        return ReluNetworkFile.toJson(n);
      }

      @Override
      public String affinePolicy(AffinePolicy p) {
        return PolicyFile.toJson(p);
      }

      @Override
      public String networkPolicy(NetworkPolicy p) {
        return PolicyFile.toJson(p);
      }

      @Override
      public String mpcPolicy(MpcPolicy p) {
        return MpcPolicyFile.toJson(p);
      }

      @Override
      public String polynomialPolicy(io.loopforge.modeling.policy.PolynomialPolicy p) {
        return PolicyFile.toJson(p);
      }
    });
  }

  /**
   * Writes the model file, creating missing parent folders; atomically: through a temporary file in the
   * same folder moved into place.
   *
   * @throws ModelingException naming the file when it cannot be written (the old file is then untouched)
   */
  public static void write(Model model, Path file) {
    ModelFileText.write(toJson(model), file);
  }

  /**
   * A model built in code as a {@link ModelFile} named {@code name}, with the SHA-256 of its canonical
   * file text. A SINDy model without a file text (e.g. a non-finite coefficient) is hashed from its term
   * names and coefficients instead.
   */
  public static ModelFile describe(Model model, String name) {
    String text;
    try {
      text = toJson(model);
    } catch (ModelingException e) {
      if (!(model instanceof Model.Sindy)) {
        throw e;
      }
      SindyModel m = ((Model.Sindy) model).model(); // e.g. a coefficient the file cannot hold
      text = "custom library: " + m.featureNames() + " " + Arrays.deepToString(m.coefficients());
    }
    return new ModelFile(model, name, sha256(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Lower-case hex SHA-256 of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
