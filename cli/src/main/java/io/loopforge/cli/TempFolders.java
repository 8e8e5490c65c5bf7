package io.loopforge.cli;

import io.loopforge.modeling.io.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Removal of the temporary folders a command created for itself. */
final class TempFolders {
  private TempFolders() {}

  /** Deletes {@code root} and everything under it; a failure is reported on stderr, never thrown. */
  static void delete(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try {
      FileTrees.delete(root);
    } catch (IOException e) {
      System.err.println("warning: cannot delete the temporary folder " + root + ": " + e.getMessage());
    }
  }
}
