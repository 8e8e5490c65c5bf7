package io.loopforge.modeling;

import io.loopforge.modeling.io.AtomicFile;
import io.loopforge.modeling.io.FileErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reading and writing the text of a model file (any {@code loopforge-model/1} type), with the one
 * error message every model type reports when the file itself cannot be read or written.
 */
public final class ModelFileText {
  private ModelFileText() {}

  /**
   * The file's text, UTF-8.
   *
   * @throws ModelingException naming the file when it is missing or unreadable
   */
  public static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ModelingException("cannot read model file " + file + ": no such file; check the path");
    } catch (IOException e) {
      throw new ModelingException("cannot read model file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code json} as UTF-8, creating missing parent directories: into a temporary file in the
   * same folder, then moved into place, so that a reader never sees a partial file and a failed write
   * (a full disk) leaves an existing file untouched.
   *
   * @throws ModelingException naming the file when it cannot be written
   */
  public static void write(String json, Path file) {
    try {
      AtomicFile.writeString(file, json);
    } catch (IOException e) {
      throw new ModelingException("cannot write model file " + file + ": " + FileErrors.reason(e), e);
    }
  }

}
