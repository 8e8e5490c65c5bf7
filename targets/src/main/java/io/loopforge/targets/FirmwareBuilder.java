package io.loopforge.targets;

import io.loopforge.modeling.io.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds HIL firmware: board support + a generated controller + the HIL application, compiled and
 * linked with arm-none-eabi-gcc in one call, then measured with arm-none-eabi-size and checked against
 * the target's flash/RAM budget.
 *
 * <pre>{@code
 * Firmware fw = FirmwareBuilder.forTarget(Target.MPS2_AN386)
 *     .controller(ControllerSource.of(Path.of("generated/msd")))
 *     .output(Path.of("build/fw.elf"))
 *     .build();
 * System.out.print(fw.size().format());
 * }</pre>
 *
 * <p>Flags: {@link #CFLAGS} ({@code -std=c11}, which implies {@code -ffp-contract=off}: no fused
 * multiply-add, so float results are bit-exact with Java's {@code s + w * x}) and {@link #LDFLAGS}.
 * The build directory (sources, glue header, map file) is a fresh temporary directory removed after the
 * build (successful or not) unless {@link #buildDirectory(Path)} is set. The ELF is linked to a temporary
 * file beside the output and moved into place when it is complete and within budget. Not thread-safe; one
 * builder per build (several builders may build at once, also into one build directory).
 */
public final class FirmwareBuilder {
  private static final Logger LOG = LoggerFactory.getLogger(FirmwareBuilder.class);

  /** Compiler flags for every translation unit. */
  public static final List<String> CFLAGS = List.of(
      "-mcpu=cortex-m4", "-mthumb", "-mfpu=fpv4-sp-d16", "-mfloat-abi=hard",
      "-O2", "-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror",
      "-ffunction-sections", "-fdata-sections", "-g");

  /** Linker flags (the board's linker script is added with {@code -T}). */
  public static final List<String> LDFLAGS = List.of(
      "-nostartfiles", "--specs=nano.specs", "--specs=nosys.specs", "-Wl,--gc-sections");

  /** Default stack reserve, bytes. */
  public static final int DEFAULT_STACK_BYTES = 8192;

  private static final Pattern BERKELEY = Pattern.compile("^\\s*(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+\\d+", Pattern.MULTILINE);
  private static final String GLUE_HEADER = "glue/lf_controller_glue.h";
  private static final String MAP_FILE = "firmware.map";
  private static final Pattern STACK_SECTION = Pattern.compile("^\\.stack\\s+(\\d+)", Pattern.MULTILINE);

  private final Target target;
  private ControllerSource controller;
  private Path output;
  private Path buildDirectory;
  private ArmToolchain toolchain;
  private int stackBytes = DEFAULT_STACK_BYTES;
  private boolean checkBudget = true;
  private final Map<String, String> defines = new LinkedHashMap<>();

  private FirmwareBuilder(Target target) {
    this.target = Objects.requireNonNull(target, "target");
  }

  public static FirmwareBuilder forTarget(Target target) {
    return new FirmwareBuilder(target);
  }

  public FirmwareBuilder controller(ControllerSource controller) {
    this.controller = Objects.requireNonNull(controller, "controller");
    return this;
  }

  /** Where the ELF goes (parent directories are created). */
  public FirmwareBuilder output(Path elf) {
    this.output = Objects.requireNonNull(elf, "elf");
    return this;
  }

  /**
   * Keep the build files in {@code dir} (created if missing). A build replaces only the files a previous
   * Loopforge build wrote there (listed in {@code dir/.loopforge-build}) and refuses to overwrite any other
   * file; two builds sharing a directory run one after the other (a file lock on {@code
   * dir/.loopforge-build.lock}).
   */
  public FirmwareBuilder buildDirectory(Path dir) {
    this.buildDirectory = dir;
    return this;
  }

  /** Use this toolchain instead of the one on {@code PATH}. */
  public FirmwareBuilder toolchain(ArmToolchain toolchain) {
    this.toolchain = toolchain;
    return this;
  }

  /** @param bytes stack reserved at the top of RAM, bytes (multiple of 8) */
  public FirmwareBuilder stackBytes(int bytes) {
    if (bytes < 1024 || bytes % 8 != 0) {
      throw new TargetException("stack reserve must be a multiple of 8 bytes and at least 1024, got " + bytes);
    }
    this.stackBytes = bytes;
    return this;
  }

  /** Whether exceeding the target's budget is an error (default true); the report says it either way. */
  public FirmwareBuilder checkBudget(boolean check) {
    this.checkBudget = check;
    return this;
  }

  /** An extra {@code -Dname=value} for every translation unit. */
  public FirmwareBuilder define(String name, String value) {
    defines.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return this;
  }

  /**
   * Compiles, links and measures the firmware.
   *
   * @throws TargetException when the toolchain is missing, the sources do not compile, the image does
   *     not fit the board's memory or exceeds the target's budget
   */
  public Firmware build() {
    if (controller == null) {
      throw new TargetException("FirmwareBuilder: no controller given");
    }
    if (output == null) {
      throw new TargetException("FirmwareBuilder: no output ELF path given");
    }
    ArmToolchain tc = toolchain != null ? toolchain : ArmToolchain.locate();
    Path elf = output.toAbsolutePath().normalize();
    try {
      Files.createDirectories(elf.getParent());
    } catch (IOException e) {
      throw new TargetException("cannot create the folder of the firmware " + elf + ": " + e.getMessage(), e);
    }
    if (buildDirectory == null) {
      Path dir;
      try {
        dir = Files.createTempDirectory("loopforge-fw-");
      } catch (IOException e) {
        throw new TargetException("cannot create a temporary build directory: " + e.getMessage(), e);
      }
      try {
        return build(tc, dir, elf);
      } finally {
        try {
          deleteTree(dir);
        } catch (TargetException e) {
          LOG.warn("{}", e.getMessage());
        }
      }
    }
    Path dir = buildDirectory.toAbsolutePath().normalize();
    try (BuildDirectory kept = BuildDirectory.lock(dir)) {
      kept.prepare(filesToWrite());
      return build(tc, dir, elf);
    }
  }

  /** The files a build writes into its build directory, relative to it. */
  private List<String> filesToWrite() {
    List<String> files = new ArrayList<>(BoardSupport.files(target.board()));
    for (Path f : controllerFiles()) {
      files.add("controller/" + f.getFileName());
    }
    files.add(GLUE_HEADER);
    files.add(MAP_FILE);
    return files;
  }

  private List<Path> controllerFiles() {
    List<Path> files = new ArrayList<>();
    try (var listing = Files.list(controller.directory())) {
      for (Path f : (Iterable<Path>) listing::iterator) {
        String n = f.getFileName().toString();
        if (Files.isRegularFile(f) && (n.endsWith(".c") || n.endsWith(".h"))) {
          files.add(f);
        }
      }
    } catch (IOException e) {
      throw new TargetException("cannot list the controller directory " + controller.directory() + ": "
          + e.getMessage(), e);
    }
    files.sort(null);
    return files;
  }

  private Firmware build(ArmToolchain tc, Path dir, Path elf) {
    BoardSupport.extract(target.board(), dir);
    Path controllerDir = dir.resolve("controller");
    try {
      Files.createDirectories(controllerDir);
      for (Path f : controllerFiles()) {
        Files.copy(f, controllerDir.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
      }
      Path glue = dir.resolve(GLUE_HEADER);
      Files.createDirectories(glue.getParent());
      Files.writeString(glue, controller.glueHeader(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TargetException("cannot prepare build directory " + dir + ": " + e.getMessage(), e);
    }
    // The linker writes a temporary file beside the ELF, moved into place once the firmware is measured and
    // within budget: a failed or interrupted build leaves an existing ELF as it was, never a partial one.
    Path partial = elf.resolveSibling("." + elf.getFileName() + "." + Long.toHexString(
        java.util.concurrent.ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + ".tmp");
    try {
      Firmware fw = compileAndMeasure(tc, dir, elf, partial);
      moveIntoPlace(partial, elf);
      return fw;
    } finally {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException e) {
        LOG.warn("cannot delete {}: {}", partial, e.toString());
      }
    }
  }

  private static void moveIntoPlace(Path partial, Path elf) {
    try {
      try {
        Files.move(partial, elf, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (java.nio.file.AtomicMoveNotSupportedException e) {
        Files.move(partial, elf, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new TargetException("cannot write the firmware " + elf + ": " + e.getMessage(), e);
    }
  }

  private Firmware compileAndMeasure(ArmToolchain tc, Path dir, Path elf, Path partial) {
    List<String> cmd = new ArrayList<>();
    cmd.add(tc.gcc().toString());
    cmd.addAll(CFLAGS);
    cmd.add("-ffile-prefix-map=" + dir + "=.");
    cmd.addAll(boardDefines(target));
    defines.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.add("-Ibsp/common");
    cmd.add("-Ihil");
    cmd.add("-Iglue");
    cmd.add("-Icontroller");
    cmd.add("bsp/common/lf_startup.c");
    cmd.add("bsp/common/lf_semihost.c");
    cmd.add("bsp/" + target.board() + "/lf_board.c");
    cmd.add("hil/lf_frame.c");
    cmd.add("hil/lf_hil_main.c");
    for (Path src : controller.sources()) {
      cmd.add("controller/" + src.getFileName());
    }
    cmd.addAll(LDFLAGS);
    cmd.add("-Wl,--defsym=__stack_size=" + stackBytes);
    cmd.add("-Lbsp/common");
    cmd.add("-T");
    cmd.add("bsp/" + target.board() + "/" + target.board() + ".ld");
    cmd.add("-Wl,-Map=" + MAP_FILE);
    cmd.add("-o");
    cmd.add(partial.toString());

    LOG.debug("compiling: {}", String.join(" ", cmd));
    ArmToolchain.Result cc = ArmToolchain.run(cmd, dir);
    if (cc.exitCode() != 0) {
      throw compileFailure(cc.output(), dir);
    }
    SizeReport report = measure(tc, partial);
    LOG.info("built {} for {}: flash {} B, RAM {} B", elf, target.name(), report.flashUsed(), report.ramUsed());
    if (checkBudget && !report.fits()) {
      throw new TargetException(overBudgetMessage(report, elf));
    }
    return new Firmware(elf, target, controller.prefix(), report);
  }

  /**
   * The board configuration every translation unit gets, as {@code -D} flags (what {@code lf_board.h}
   * documents): {@code LF_SYSTICK_HZ}, {@code LF_SEMIHOSTING} and {@code LF_BOARD_NAME}, from the target.
   */
  static List<String> boardDefines(Target target) {
    return List.of(
        "-DLF_SYSTICK_HZ=" + target.systickHz() + "u",
        "-DLF_SEMIHOSTING=" + (target.semihosting() ? 1 : 0),
        "-DLF_BOARD_NAME=\"" + target.board() + "\"");
  }

  private TargetException compileFailure(String output, Path dir) {
    String out = output.strip();
    if (out.contains("nano.specs") || out.contains("stdint.h: No such file") || out.contains("string.h: No such file")) {
      return new TargetException("the ARM C library (newlib) is missing: " + ArmToolchain.INSTALL_HINT + "\n" + out);
    }
    Matcher overflow = Pattern.compile("region `(\\w+)' overflowed by (\\d+) bytes").matcher(out);
    if (overflow.find()) {
      return new TargetException("firmware for " + target.name() + " does not fit the board's " + overflow.group(1)
          + " (over by " + overflow.group(2) + " B; board memory map in bsp/" + target.board() + "/"
          + target.board() + ".ld): make the controller smaller or choose a bigger target\n" + out);
    }
    String where = buildDirectory != null ? "build files in " + dir
        : "give a build directory to keep the build files";
    return new TargetException("arm-none-eabi-gcc failed building firmware for " + target.name() + " with controller "
        + controller.prefix() + " (" + controller.directory() + "; " + where + "):\n" + out);
  }

  private String overBudgetMessage(SizeReport r, Path elf) {
    StringBuilder sb = new StringBuilder("firmware " + elf + " is over the budget of target " + target.name() + ":");
    if (!r.fitsFlash()) {
      sb.append(" flash ").append(r.flashUsed()).append(" B > ").append(r.flashBudget()).append(" B (over by ")
          .append(r.flashUsed() - r.flashBudget()).append(" B);");
    }
    if (!r.fitsRam()) {
      sb.append(" RAM ").append(r.ramUsed()).append(" B > ").append(r.ramBudget()).append(" B (over by ")
          .append(r.ramUsed() - r.ramBudget()).append(" B, of which ").append(r.stack()).append(" B stack reserve);");
    }
    sb.append(" make the controller smaller (fewer neurons or terms), lower the stack reserve, or choose a target"
        + " with more memory.\n").append(r.format());
    return sb.toString();
  }

  private SizeReport measure(ArmToolchain tc, Path elf) {
    ArmToolchain.Result berkeley = ArmToolchain.run(List.of(tc.size().toString(), "-B", "-d", elf.toString()), null);
    ArmToolchain.Result sysv = ArmToolchain.run(List.of(tc.size().toString(), "-A", "-d", elf.toString()), null);
    Matcher m = BERKELEY.matcher(berkeley.output());
    if (berkeley.exitCode() != 0 || sysv.exitCode() != 0 || !m.find()) {
      throw new TargetException("arm-none-eabi-size failed on " + elf + ":\n" + berkeley.output() + sysv.output());
    }
    Matcher s = STACK_SECTION.matcher(sysv.output());
    long stack = s.find() ? Long.parseLong(s.group(1)) : 0;
    return new SizeReport(target.name(), Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
        Long.parseLong(m.group(3)), stack, target.flashBytes(), target.ramBytes());
  }

  static void deleteTree(Path root) {
    try {
      FileTrees.delete(root);
    } catch (IOException e) {
      throw new TargetException("cannot delete " + root + ": " + e.getMessage(), e);
    }
  }
}
