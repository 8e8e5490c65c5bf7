package io.loopforge.modeling.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
  @TempDir
  Path dir;

  @Test
  void aWriterThatFailsHalfwayLeavesTheOldFileAndNoTemporaryFile() throws IOException {
    Path file = dir.resolve("out.csv");
    AtomicFile.writeString(file, "old\n");
    IOException e = assertThrows(IOException.class, () -> AtomicFile.write(file, out -> {
      out.write("half a row".getBytes(StandardCharsets.UTF_8));
      throw new IOException("No space left on device");
    }));
    assertEquals("No space left on device", e.getMessage());
    assertEquals("old\n", Files.readString(file));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void createsParentsReplacesAndKeepsDefaultPermissions() throws IOException {
    Path file = dir.resolve("a/b/out.json");
    AtomicFile.writeString(file, "1");
    AtomicFile.writeString(file, "2");
    assertEquals("2", Files.readString(file));
    Path plain = dir.resolve("plain.json");
    Files.writeString(plain, "x");
    Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
    assertEquals(expected, Files.getPosixFilePermissions(file));
  }
}
