package io.loopforge.modeling.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reasons of failed file operations in words, without exception class names. */
class FileErrorsTest {
  @TempDir Path dir;

  @Test
  void aFileInThePlaceOfAFolder() throws IOException {
    Path file = Files.writeString(dir.resolve("good.csv"), "t\n");
    IOException e = assertThrows(IOException.class, () -> AtomicFile.writeString(file.resolve("x.json"), "{}"));
    assertEquals(file + " exists and is not a folder", FileErrors.reason(e));
  }

  @Test
  void aMissingFile() {
    IOException e = assertThrows(IOException.class, () -> Files.readString(dir.resolve("nope.csv")));
    assertEquals("no such file or folder: " + dir.resolve("nope.csv"), FileErrors.reason(e));
  }

  @Test
  void aFolderThatIsNotEmpty() throws IOException {
    Path target = Files.createDirectories(dir.resolve("out.c").resolve("x"));
    IOException e = assertThrows(IOException.class, () -> AtomicFile.writeString(target.getParent(), "int x;"));
    assertEquals(target.getParent() + ": a folder, not a file", FileErrors.reason(e));
  }
}
