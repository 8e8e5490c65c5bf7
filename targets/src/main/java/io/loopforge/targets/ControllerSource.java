package io.loopforge.targets;

import io.loopforge.codegen.CodegenException;
import io.loopforge.codegen.ControllerContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A controller to build into firmware: a directory with {@code <prefix>.h}, {@code <prefix>.c} and the
 * controller's contract {@code <prefix>.contract.json} ({@link ControllerContract}, written beside the C by
 * the code generator; hand-written controllers carry one too), plus any other {@code .c} files it needs,
 * which are all compiled.
 *
 * <p>The firmware binds to the controller through a glue header generated from the contract, never by a
 * hard-coded name and never by reading the controller's header: the glue declares the contract's calls
 * again, so a header that declares them otherwise fails to compile, and checks the header's sizes
 * {@code <PREFIX>_NX}, {@code _NU}, {@code _NR} against the contract's.
 */
public final class ControllerSource {
  private final Path directory;
  private final ControllerContract contract;
  private final List<Path> sources;

  private ControllerSource(Path directory, ControllerContract contract, List<Path> sources) {
    this.directory = directory;
    this.contract = contract;
    this.sources = List.copyOf(sources);
  }

  /** The one controller in {@code directory}: the one {@code <prefix>.contract.json} beside its header and source. */
  public static ControllerSource of(Path directory) {
    Path dir = checkDirectory(directory);
    List<String> candidates = new ArrayList<>();
    for (Path file : list(dir, ControllerContract.FILE_SUFFIX)) {
      String name = file.getFileName().toString();
      String prefix = name.substring(0, name.length() - ControllerContract.FILE_SUFFIX.length());
      if (Files.isRegularFile(dir.resolve(prefix + ".h")) && Files.isRegularFile(dir.resolve(prefix + ".c"))) {
        candidates.add(prefix);
      }
    }
    if (candidates.isEmpty()) {
      throw new TargetException("no generated controller in " + dir + ": expected <prefix>.h, <prefix>.c and"
          + " <prefix>" + ControllerContract.FILE_SUFFIX + " (loopforge generate writes them for a policy)");
    }
    if (candidates.size() > 1) {
      throw new TargetException(
          "several controllers in " + dir + " (" + String.join(", ", candidates)
              + "); name the one to build with ControllerSource.of(dir, prefix) (CLI: --prefix)");
    }
    return of(dir, candidates.get(0));
  }

  /** The controller {@code prefix} in {@code directory}, described by its contract file. */
  public static ControllerSource of(Path directory, String prefix) {
    Path dir = checkDirectory(directory);
    if (prefix == null || !prefix.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new TargetException("controller prefix '" + prefix + "' is not a C identifier");
    }
    if (!Files.isRegularFile(dir.resolve(prefix + ".h")) || !Files.isRegularFile(dir.resolve(prefix + ".c"))) {
      throw new TargetException(
          "controller '" + prefix + "' in " + dir + ": " + prefix + ".h and " + prefix + ".c are both required");
    }
    Path file = dir.resolve(ControllerContract.fileName(prefix));
    if (!Files.isRegularFile(file)) {
      throw new TargetException("controller '" + prefix + "' in " + dir + ": its contract " + file.getFileName()
          + " is missing; loopforge generate writes it beside the C of a policy (regenerate the code), a"
          + " hand-written controller needs one too (format " + ControllerContract.FORMAT + ", see ControllerContract)");
    }
    ControllerContract contract;
    try {
      contract = ControllerContract.read(file);
    } catch (CodegenException e) {
      throw new TargetException(e.getMessage(), e);
    }
    if (!contract.prefix().equals(prefix)) {
      throw new TargetException("controller contract " + file + ": key 'prefix' is '" + contract.prefix()
          + "', expected '" + prefix + "' (the file's name)");
    }
    return new ControllerSource(dir, contract, list(dir, ".c"));
  }

  /**
   * A controller whose contract is known in code (e.g. just generated: {@code GeneratedCode.contract()}),
   * in {@code directory} with its header and source.
   */
  public static ControllerSource of(Path directory, ControllerContract contract) {
    Path dir = checkDirectory(directory);
    String prefix = Objects.requireNonNull(contract, "contract").prefix();
    if (!Files.isRegularFile(dir.resolve(prefix + ".h")) || !Files.isRegularFile(dir.resolve(prefix + ".c"))) {
      throw new TargetException(
          "controller '" + prefix + "' in " + dir + ": " + prefix + ".h and " + prefix + ".c are both required");
    }
    return new ControllerSource(dir, contract, list(dir, ".c"));
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

  public Path directory() {
    return directory;
  }

  /** Symbol prefix, e.g. {@code msd_lqr}; macros use it in upper case. */
  public String prefix() {
    return contract.prefix();
  }

  /** What the controller's C interface is. */
  public ControllerContract contract() {
    return contract;
  }

  /** Every {@code .c} file of the directory, sorted by name. */
  public List<Path> sources() {
    return sources;
  }

  /**
   * The glue header {@code lf_controller_glue.h} binding the HIL application to this controller, from its
   * contract: {@code LF_CTRL_NAME}, {@code LF_CTRL_NX/NU/NR}, and the two calls the application makes,
   * {@code lf_ctrl_init()} once at boot and {@code lf_ctrl_step(state, reference, input_out)} once per
   * step. For a stateful controller they pass one static workspace, kept across steps. When the contract
   * names a status function, also {@code LF_CTRL_HAS_STATUS} and {@code lf_ctrl_status()}, the solver's status
   * after the last step (16 bits), which the application sends in the upper half of the RESULT status word.
   */
  public String glueHeader() {
    ControllerContract c = contract;
    String p = c.prefix();
    String m = c.macroPrefix();
    String file = c.fileName();
    StringBuilder g = new StringBuilder();
    g.append("/* Generated by Loopforge FirmwareBuilder from ").append(file)
        .append(": binds the HIL application to controller ").append(p).append(". */\n");
    g.append("#ifndef LF_CONTROLLER_GLUE_H\n#define LF_CONTROLLER_GLUE_H\n\n");
    if (c.statusFunction().isPresent()) {
      g.append("#include <stdint.h>\n\n");
    }
    g.append("#include \"").append(c.headerFileName()).append("\"\n\n");
    g.append("/* The calls as the contract states them: a header that declares them otherwise does not compile. */\n");
    c.initDeclaration().ifPresent(d -> g.append(d).append(";\n"));
    g.append(c.controlDeclaration()).append(";\n");
    c.statusDeclaration().ifPresent(d -> g.append(d).append(";\n"));
    g.append('\n');
    g.append("#define LF_CTRL_NAME \"").append(p).append("\"\n");
    g.append("#define LF_CTRL_NX ").append(c.stateDim()).append('\n');
    g.append("#define LF_CTRL_NU ").append(c.inputDim()).append('\n');
    g.append("#define LF_CTRL_NR ").append(c.referenceDim()).append('\n');
    String[][] sizes = {{"NX", "LF_CTRL_NX", "states"}, {"NU", "LF_CTRL_NU", "inputs"},
        {"NR", "LF_CTRL_NR", "references"}};
    for (String[] s : sizes) {
      g.append("_Static_assert(").append(m).append('_').append(s[0]).append(" == ").append(s[1]).append(", \"")
          .append(c.headerFileName()).append(": ").append(m).append('_').append(s[0]).append(" differs from the ")
          .append(s[2]).append(" of ").append(file).append("\");\n");
    }
    g.append('\n');
    if (c.stateful()) {
      String ws = c.workspaceType().orElseThrow();
      g.append("/* The controller's workspace: one, for the firmware's one controller, kept across steps. */\n");
      g.append("static ").append(ws).append(" lf_ctrl_workspace;\n\n");
      g.append("/* Called once at boot, before the first step. */\n");
      g.append("static int lf_ctrl_init(void)\n{\n  return ").append(c.initFunction().orElseThrow())
          .append("(&lf_ctrl_workspace);\n}\n\n");
      g.append("/* One control step (the instructions counted include the few that pass the workspace). */\n");
      g.append("static int lf_ctrl_step(const float *state, const float *reference, float *input_out)\n{\n")
          .append("  return ").append(c.controlFunction())
          .append("(&lf_ctrl_workspace, state, reference, input_out);\n}\n");
      c.statusFunction().ifPresent(f -> g
          .append("\n/* How the solver ended the last step (the contract's status codes), read after the step and\n")
          .append(" * not counted: the RESULT frame's status word carries it in its upper 16 bits. */\n")
          .append("#define LF_CTRL_HAS_STATUS 1\n")
          .append("static uint32_t lf_ctrl_status(void)\n{\n  return (uint32_t)").append(f)
          .append("(&lf_ctrl_workspace) & 0xFFFFu;\n}\n"));
    } else {
      g.append("/* Called once at boot, before the first step: a stateless controller has nothing to prepare. */\n");
      g.append("static int lf_ctrl_init(void)\n{\n  return 0;\n}\n\n");
      g.append("/* One control step: the controller's call itself (the instructions counted are its own). */\n");
      g.append("#define lf_ctrl_step ").append(c.controlFunction()).append('\n');
    }
    g.append("\n#endif\n");
    return g.toString();
  }

  @Override
  public String toString() {
    return prefix() + " (" + directory + ")";
  }
}
