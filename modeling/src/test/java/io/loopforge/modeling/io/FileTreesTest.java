package io.loopforge.modeling.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
  @TempDir Path dir;

  @Test
  void deletesTheTreeAndItsLinksButNotWhatTheyPointTo() throws IOException {
    Path outside = Files.writeString(dir.resolve("user.txt"), "keep");
    Path keptFolder = Files.createDirectories(dir.resolve("user-folder"));
    Files.writeString(keptFolder.resolve("a.txt"), "keep too");
    Path root = Files.createDirectories(dir.resolve("run/a/b"));
    Files.writeString(root.resolve("x.c"), "int x;");
    Files.createSymbolicLink(dir.resolve("run/link-file"), outside);
    Files.createSymbolicLink(dir.resolve("run/a/link-folder"), keptFolder);
    FileTrees.delete(dir.resolve("run"));
    assertFalse(Files.exists(dir.resolve("run")));
    assertEquals("keep", Files.readString(outside));
    assertEquals("keep too", Files.readString(keptFolder.resolve("a.txt")));
  }

  @Test
  void aMissingFolderIsNothingToDo() throws IOException {
    FileTrees.delete(dir.resolve("never-made"));
    assertTrue(Files.isDirectory(dir));
  }
}
