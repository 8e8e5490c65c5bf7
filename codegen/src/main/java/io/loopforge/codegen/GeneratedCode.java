package io.loopforge.codegen;

import io.loopforge.modeling.io.AtomicFile;
import io.loopforge.modeling.io.FileErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The files generated for one model or controller, plus notes (e.g. the Q15 worst-case error). The C files
 * are {@code <prefix>.h}, {@code <prefix>.c}, the common header {@code lf_common.h} (the same bytes for every
 * unit) and, for a controller, its contract {@code <prefix>.contract.json}.
 */
public final class GeneratedCode {
  private final List<GeneratedFile> files;
  private final List<String> notes;
  private final ControllerContract contract;

  GeneratedCode(List<GeneratedFile> files, List<String> notes, ControllerContract contract) {
    this.files = List.copyOf(files);
    this.notes = List.copyOf(notes);
    this.contract = contract;
  }

  public List<GeneratedFile> files() {
    return files;
  }

  /** The files of one language. */
  public List<GeneratedFile> files(Language language) {
    List<GeneratedFile> out = new ArrayList<>();
    for (GeneratedFile f : files) {
      if (f.language() == language) {
        out.add(f);
      }
    }
    return out;
  }

  /** The file with the given relative path, if generated. */
  public Optional<GeneratedFile> file(String relativePath) {
    return files.stream().filter(f -> f.relativePath().equals(relativePath)).findFirst();
  }

  /**
   * The C interface of a generated controller (a policy), also written as {@code <prefix>.contract.json}
   * beside the C files; empty for a model.
   */
  public Optional<ControllerContract> contract() {
    return Optional.ofNullable(contract);
  }

  /** Human-readable remarks of the generator (figures it measured, choices it made). */
  public List<String> notes() {
    return notes;
  }

  /**
   * Writes the C files under {@code cDir} and the Java files under {@code javaDir} (package directories
   * below it); a null directory skips that language's files. A file whose content is
   * unchanged is not rewritten, so its modification time stays. Each file is written to a temporary file
   * beside it and moved into place: a failed write leaves the old file, never a partial one.
   *
   * @return the files written or left unchanged, in order
   * @throws CodegenException when a file cannot be written
   */
  public List<Path> writeTo(Path cDir, Path javaDir) {
    List<Path> out = new ArrayList<>();
    for (GeneratedFile f : files) {
      Path root = f.language() == Language.C ? cDir : javaDir;
      if (root == null) {
        continue;
      }
      Path target = root.resolve(f.relativePath());
      try {
        byte[] bytes = f.content().getBytes(StandardCharsets.UTF_8);
        if (!Files.isRegularFile(target) || !Arrays.equals(Files.readAllBytes(target), bytes)) {
          AtomicFile.write(target, o -> o.write(bytes));
        }
      } catch (IOException e) {
        throw new CodegenException("cannot write " + target + ": " + FileErrors.reason(e), e);
      }
      out.add(target);
    }
    return out;
  }
}
