package io.loopforge.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Refuses, before any work, an output path that names the same file as an input or as another output
 * (compared as real paths, so {@code ./a.json}, {@code dir/../a.json} and a symbolic link to it are the
 * same file): writing it would destroy the input.
 */
final class OutputPaths {
  private OutputPaths() {}

  /**
   * @param out the output file (may not exist yet)
   * @param others inputs and other outputs of the command; null entries are skipped
   * @throws ParameterException (a usage error, exit 2) naming both paths
   */
  static void refuseOverwrite(CommandSpec spec, Path out, Path... others) {
    if (out == null) {
      return;
    }
    for (Path other : others) {
      if (other != null && same(out, other)) {
        throw new ParameterException(spec.commandLine(), "the output " + out + " is the same file as " + other
            + "; writing it would destroy that file: choose another output path");
      }
    }
  }

  /** Whether two paths name the same file (see {@link #real}). */
  static boolean same(Path a, Path b) {
    return real(a).equals(real(b));
  }

  /** The real path of a file, or of its folder plus its name when the file does not exist yet. */
  static Path real(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    try {
      if (Files.exists(abs)) {
        return abs.toRealPath();
      }
      Path parent = abs.getParent();
      if (parent != null && Files.exists(parent)) {
        return parent.toRealPath().resolve(abs.getFileName());
      }
    } catch (IOException e) {
      // unreadable: compare the normalised absolute path
    }
    return abs;
  }
}
