package io.loopforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaves a process (QEMU, a compiler, a child JVM) running or a temporary folder of
 * Loopforge's ({@code loopforge-*}, {@code lf-qemu-*}) in {@code java.io.tmpdir}; the build gives every
 * module's tests a temporary directory of their own ({@code target/}), so other builds do not interfere, and
 * folders that were there before the test (left by an older run) do not count.
 */
final class NoLeftovers implements BeforeEachCallback, AfterEachCallback {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoLeftovers.class);

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    context.getStore(NS).put("before", temporaryFolders());
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    assertEquals(List.of(), liveChildren(), "processes left running by " + context.getDisplayName());
    List<String> left = new ArrayList<>(temporaryFolders());
    left.removeAll(context.getStore(NS).get("before", List.class));
    assertEquals(List.of(), left, "temporary folders left by " + context.getDisplayName());
  }

  /** Command lines of the live processes this JVM started (directly or not). */
  static List<String> liveChildren() {
    // A process being reaped may still show for a moment after it was killed.
    for (int i = 0; i < 50 && ProcessHandle.current().descendants().anyMatch(ProcessHandle::isAlive); i++) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
        .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).collect(Collectors.toList());
  }

  /** Loopforge's temporary folders in {@code java.io.tmpdir}. */
  static List<String> temporaryFolders() throws IOException {
    try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("loopforge-") || n.startsWith("lf-qemu-")).sorted().collect(Collectors.toList());
    }
  }
}
