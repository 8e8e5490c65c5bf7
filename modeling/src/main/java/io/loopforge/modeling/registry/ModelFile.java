package io.loopforge.modeling.registry;

import java.util.Objects;

/**
 * A model file, loaded: the typed {@link Model}, the file's name (no directories; generated code names
 * it in its header comment) and the lower-case hex SHA-256 of the file's bytes (of the canonical file
 * text for a model built in code, see {@link ModelFiles#describe}).
 */
public record ModelFile(Model model, String name, String sha256) {
  public ModelFile {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(sha256, "sha256");
  }

  public ModelKind kind() {
    return model.kind();
  }

  @Override
  public String toString() {
    return "ModelFile[" + name + ", " + kind().description() + ", sha256 " + sha256 + "]";
  }
}
