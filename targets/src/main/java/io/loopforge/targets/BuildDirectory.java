package io.loopforge.targets;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A build directory that the user chose and may share with other files or other builds. A build holds it
 * exclusively (a lock on {@code .loopforge-build.lock}, and a lock per directory inside this JVM, where
 * file locks do not exclude each other), removes only the files that the previous Loopforge build listed in
 * {@code .loopforge-build}, and refuses to overwrite a file that no Loopforge build wrote: the user's files
 * are never deleted or replaced.
 */
final class BuildDirectory implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BuildDirectory.class);
  static final String MANIFEST = ".loopforge-build";
  static final String LOCK = ".loopforge-build.lock";
  private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

  private final Path dir;
  private final ReentrantLock inProcess;
  private final FileChannel channel;
  private final FileLock lock;

  private BuildDirectory(Path dir, ReentrantLock inProcess, FileChannel channel, FileLock lock) {
    this.dir = dir;
    this.inProcess = inProcess;
    this.channel = channel;
    this.lock = lock;
  }

  /** Creates {@code dir} if needed and waits until no other build uses it. */
  static BuildDirectory lock(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new TargetException("cannot create the build directory " + dir + ": " + e.getMessage(), e);
    }
    if (!Files.isDirectory(dir)) {
      throw new TargetException("the build directory " + dir + " is not a directory: give a directory");
    }
    Path real;
    try {
      real = dir.toRealPath();
    } catch (IOException e) {
      throw new TargetException("cannot resolve the build directory " + dir + ": " + e.getMessage(), e);
    }
    ReentrantLock local = IN_PROCESS.computeIfAbsent(real, k -> new ReentrantLock());
    local.lock();
    FileChannel ch = null;
    try {
      ch = FileChannel.open(real.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock l = ch.tryLock();
      if (l == null) {
        LOG.warn("build directory {} is in use by another build; waiting for it", dir);
        l = ch.lock();
      }
      return new BuildDirectory(real, local, ch, l);
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch);
      local.unlock();
      if (e instanceof TargetException) {
        throw (TargetException) e;
      }
      throw new TargetException("cannot lock the build directory " + dir + " (" + e.getMessage()
          + "): give a directory you can write", e);
    }
  }

  /**
   * Makes room for {@code files} (paths relative to the directory): refuses when one of them exists and
   * the previous build did not write it, removes the previous build's files and records the new list.
   */
  void prepare(List<String> files) {
    List<String> previous = previousFiles();
    List<String> foreign = new ArrayList<>();
    for (String f : files) {
      if (Files.exists(dir.resolve(f)) && !previous.contains(f)) {
        foreign.add(f);
      }
    }
    if (!foreign.isEmpty()) {
      throw new TargetException("the build directory " + dir + " holds " + String.join(", ", foreign)
          + ", which no Loopforge build wrote; a build would overwrite " + (foreign.size() == 1 ? "it" : "them")
          + ": move " + (foreign.size() == 1 ? "it" : "them") + " away or choose an empty or new build directory");
    }
    try {
      for (String f : previous) {
        Path p = dir.resolve(f).normalize();
        if (p.startsWith(dir) && Files.isRegularFile(p)) {
          Files.delete(p);
        }
      }
      for (String f : previous) {
        removeEmptyParents(dir.resolve(f).normalize().getParent());
      }
      Files.writeString(dir.resolve(MANIFEST), "# files written by the last Loopforge firmware build here;"
          + " the next build replaces only these\n" + String.join("\n", files) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TargetException("cannot prepare the build directory " + dir + ": " + e.getMessage(), e);
    }
  }

  private void removeEmptyParents(Path p) throws IOException {
    while (p != null && p.startsWith(dir) && !p.equals(dir)) {
      try {
        Files.deleteIfExists(p);
      } catch (DirectoryNotEmptyException e) {
        return;
      }
      p = p.getParent();
    }
  }

  private List<String> previousFiles() {
    Path manifest = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(manifest)) {
      return List.of();
    }
    try {
      List<String> files = new ArrayList<>();
      for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
        String l = line.strip();
        if (!l.isEmpty() && !l.startsWith("#")) {
          files.add(l);
        }
      }
      return files;
    } catch (IOException e) {
      throw new TargetException("cannot read " + manifest + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      LOG.debug("releasing the lock on {}: {}", dir, e.toString());
    }
    closeQuietly(channel);
    inProcess.unlock();
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        LOG.debug("closing a lock file: {}", e.toString());
      }
    }
  }
}
