package io.loopforge.targets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A generated controller: a directory with {@code <prefix>.h} and {@code <prefix>.c} (C11), plus any
 * other {@code .c} files it needs, which are all compiled.
 *
 * <p>The contract with the code generator: the header defines {@code PREFIX_NX} (state length),
 * {@code PREFIX_NU} (input length), optionally {@code PREFIX_NR} (reference length, {@code PREFIX_NX}
 * when absent) and declares {@code int <prefix>_control(const float *state, const float *reference,
 * float *input_out)}, which returns 0 on success and a nonzero error code otherwise. {@code PREFIX} is
 * the prefix in upper case. The firmware binds to it through a generated glue header, never by a
 * hard-coded name.
 */
public final class ControllerSource {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final Path directory;
  private final String prefix;
  private final List<Path> sources;

  private ControllerSource(Path directory, String prefix, List<Path> sources) {
    this.directory = directory;
    this.prefix = prefix;
    this.sources = List.copyOf(sources);
  }

  /**
   * The controller in {@code directory}, its prefix found from the one header that follows the
   * contract.
   */
  public static ControllerSource of(Path directory) {
    Path dir = checkDirectory(directory);
    List<String> candidates = new ArrayList<>();
    for (Path header : list(dir, ".h")) {
      String name = header.getFileName().toString();
      String prefix = name.substring(0, name.length() - 2);
      if (IDENTIFIER.matcher(prefix).matches()
          && Files.isRegularFile(dir.resolve(prefix + ".c"))
          && problems(read(header), prefix).isEmpty()) {
        candidates.add(prefix);
      }
    }
    if (candidates.isEmpty()) {
      throw new TargetException(
          "no generated controller in " + dir + ": expected <prefix>.h and <prefix>.c, the header defining "
              + "PREFIX_NX and PREFIX_NU and declaring int <prefix>_control(const float *state, "
              + "const float *reference, float *input_out)");
    }
    if (candidates.size() > 1) {
      throw new TargetException(
          "several controllers in " + dir + " (" + String.join(", ", candidates)
              + "); name the one to build with ControllerSource.of(dir, prefix) (CLI: --prefix)");
    }
    return of(dir, candidates.get(0));
  }

  /** The controller {@code prefix} in {@code directory}; checks the header against the contract. */
  public static ControllerSource of(Path directory, String prefix) {
    Path dir = checkDirectory(directory);
    if (prefix == null || !IDENTIFIER.matcher(prefix).matches()) {
      throw new TargetException("controller prefix '" + prefix + "' is not a C identifier");
    }
    Path header = dir.resolve(prefix + ".h");
    Path source = dir.resolve(prefix + ".c");
    if (!Files.isRegularFile(header) || !Files.isRegularFile(source)) {
      throw new TargetException(
          "controller '" + prefix + "' in " + dir + ": " + prefix + ".h and " + prefix + ".c are both required");
    }
    List<String> problems = problems(read(header), prefix);
    if (!problems.isEmpty()) {
      throw new TargetException(header + " does not follow the controller contract: " + String.join("; ", problems));
    }
    return new ControllerSource(dir, prefix, list(dir, ".c"));
  }

  private static List<String> problems(String header, String prefix) {
    String upper = prefix.toUpperCase(Locale.ROOT);
    List<String> problems = new ArrayList<>();
    for (String macro : List.of(upper + "_NX", upper + "_NU")) {
      if (!Pattern.compile("#\\s*define\\s+" + macro + "\\b").matcher(header).find()) {
        problems.add("no #define " + macro);
      }
    }
    if (!Pattern.compile("\\bint\\s+" + prefix + "_control\\s*\\(").matcher(header).find()) {
      problems.add("no declaration of int " + prefix + "_control(const float *, const float *, float *)");
    }
    return problems;
  }

  private static Path checkDirectory(Path directory) {
    Path dir = directory.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new TargetException("controller directory " + dir + " does not exist");
    }
    return dir;
  }

  private static List<Path> list(Path dir, String suffix) {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(suffix) && Files.isRegularFile(p))
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new TargetException("cannot list controller directory " + dir + ": " + e.getMessage(), e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TargetException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  public Path directory() {
    return directory;
  }

  /** Symbol prefix, e.g. {@code msd_lqr}; macros use it in upper case. */
  public String prefix() {
    return prefix;
  }

  /** Every {@code .c} file of the directory, sorted by name. */
  public List<Path> sources() {
    return sources;
  }

  /**
   * The glue header {@code lf_controller_glue.h} binding the HIL application to this controller:
   * {@code LF_CTRL_NX/NU/NR}, {@code LF_CTRL_NAME}, {@code LF_CTRL_CONTROL}.
   */
  public String glueHeader() {
    String upper = prefix.toUpperCase(Locale.ROOT);
    return "/* Generated by Loopforge FirmwareBuilder: binds the HIL application to controller " + prefix + ". */\n"
        + "#ifndef LF_CONTROLLER_GLUE_H\n"
        + "#define LF_CONTROLLER_GLUE_H\n"
        + "\n"
        + "#include \"" + prefix + ".h\"\n"
        + "\n"
        + "#define LF_CTRL_NAME \"" + prefix + "\"\n"
        + "#define LF_CTRL_NX (" + upper + "_NX)\n"
        + "#define LF_CTRL_NU (" + upper + "_NU)\n"
        + "#ifdef " + upper + "_NR\n"
        + "#define LF_CTRL_NR (" + upper + "_NR)\n"
        + "#else\n"
        + "#define LF_CTRL_NR (" + upper + "_NX)\n"
        + "#endif\n"
        + "#define LF_CTRL_CONTROL " + prefix + "_control\n"
        + "\n"
        + "#endif\n";
  }

  @Override
  public String toString() {
    return prefix + " (" + directory + ")";
  }
}
