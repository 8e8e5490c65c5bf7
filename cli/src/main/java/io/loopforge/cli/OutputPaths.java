package io.loopforge.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Checks of output paths before any work: an output that names the same file as an input or as another
 * output is refused (compared as real paths, so {@code ./a.json}, {@code dir/../a.json} and a symbolic link
 * to it are the same file: writing it would destroy the input), and an output that cannot be written (a
 * folder given for a file, a folder without write permission, a path under a file) is reported before a
 * long computation is lost to it. Missing folders of an output are created, by every command.
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

  /**
   * Checks that the file {@code out} (given by {@code option}) can be written: creates its missing folders
   * and creates and deletes a probe file beside it.
   *
   * @throws ParameterException (exit 2) when {@code out} is a folder
   * @throws CliException (exit 1) when it cannot be written, with the reason
   */
  static void checkWritable(CommandSpec spec, String option, Path out) {
    if (out == null) {
      return;
    }
    if (Files.isDirectory(out)) {
      throw new ParameterException(spec.commandLine(), option + " " + out + " is a folder: give a file name");
    }
    Path parent = out.toAbsolutePath().normalize().getParent();
    probe(option, out, parent);
  }

  /** Checks that files can be written into the folder {@code dir} (given by {@code option}), creating it. */
  static void checkWritableFolder(CommandSpec spec, String option, Path dir) {
    if (dir == null) {
      return;
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new ParameterException(spec.commandLine(), option + " " + dir + " is a file: give a folder");
    }
    probe(option, dir, dir.toAbsolutePath().normalize());
  }

  private static void probe(String option, Path out, Path folder) {
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new CliException("cannot write " + option + " " + out + ": cannot create the folder " + folder + " ("
          + reason(e) + "): choose a folder you can write", e);
    }
    try {
      Path probe = Files.createTempFile(folder, ".loopforge-", ".probe");
      Files.delete(probe);
    } catch (IOException e) {
      throw new CliException("cannot write " + option + " " + out + ": " + reason(e)
          + ": choose a folder you can write", e);
    }
  }

  /** Why a file operation failed, in words (no exception class names). */
  static String reason(IOException e) {
    return io.loopforge.modeling.io.FileErrors.reason(e);
  }
}
