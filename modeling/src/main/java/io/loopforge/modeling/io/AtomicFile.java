package io.loopforge.modeling.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes an output file all at once or not at all: the content goes to a temporary file in the target's
 * folder ({@code .<name>.<random>.tmp}, created with the default permissions), which is then moved onto
 * the target (atomically where the file system allows). A failure (a full disk, an exception in the
 * writer) removes the temporary file and leaves an existing target untouched; a reader never sees a
 * partial file. Missing parent folders are created.
 */
public final class AtomicFile {
  /** Writes the content of a file to {@code out}. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private AtomicFile() {}

  /** Writes {@code text} as UTF-8 to {@code target}. */
  public static void writeString(Path target, String text) throws IOException {
    write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  /** Writes what {@code content} produces to {@code target}. */
  public static void write(Path target, Content content) throws IOException {
    Path absolute = target.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      throw new java.nio.file.FileSystemException(absolute.toString(), null, "a folder, not a file");
    }
    Path parent = absolute.getParent();
    Files.createDirectories(parent);
    Path tmp = parent.resolve("." + absolute.getFileName() + "." + Long.toHexString(
        ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + ".tmp");
    boolean moved = false;
    try {
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        content.writeTo(out);
      }
      try {
        Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
      moved = true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }
}
