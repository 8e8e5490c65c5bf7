package io.loopforge.modeling.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Removal of a folder a run created for itself (temporary and build folders), in one place. */
public final class FileTrees {
  private FileTrees() {}

  /**
   * Deletes {@code root} and everything under it, deepest first; links are removed, never followed. Nothing
   * happens when {@code root} does not exist.
   *
   * @throws IOException the first file that cannot be deleted; what was deleted before it stays deleted
   */
  public static void delete(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<Path> all;
    try (Stream<Path> files = Files.walk(root)) {
      all = files.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path f : all) {
      Files.deleteIfExists(f);
    }
  }
}
