package io.loopforge.cli;

import io.loopforge.codegen.CodeGenerator;
import io.loopforge.codegen.CodegenException;
import io.loopforge.codegen.CodegenOptions;
import io.loopforge.codegen.ControllerContract;
import io.loopforge.codegen.GeneratedCode;
import io.loopforge.codegen.Language;
import io.loopforge.modeling.registry.ModelFile;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.targets.ControllerSource;
import io.loopforge.targets.Firmware;
import io.loopforge.targets.FirmwareBuilder;
import io.loopforge.targets.Target;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code loopforge firmware}: builds HIL firmware for a generated controller and prints its size report. */
@Command(
    name = "firmware",
    mixinStandardHelpOptions = true,
    header = "Build Cortex-M4 firmware for a controller and print its size.",
    description = {
      "Build Cortex-M4 HIL firmware (board support + controller + lock-step HIL application) with",
      "arm-none-eabi-gcc and print flash/RAM use against the target's budget.",
      "Targets: mps2-an386 (QEMU, default), netduinoplus2 (QEMU), stm32f4-discovery (build only)."
    })
final class FirmwareCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--target", defaultValue = "mps2-an386", paramLabel = "NAME",
      description = "Target board (default: ${DEFAULT-VALUE}).")
  String target;

  @Option(names = "--controller", required = true, paramLabel = "DIR|MODEL.json",
      description = "Directory of a generated controller (<prefix>.h, <prefix>.c and <prefix>.contract.json),"
          + " or a policy model file.")
  Path controller;

  @Option(names = "--prefix", paramLabel = "PREFIX",
      description = "Controller prefix, when the directory holds several controllers.")
  String prefix;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Firmware ELF to write.")
  Path out;

  @Option(names = "--stack", defaultValue = "" + FirmwareBuilder.DEFAULT_STACK_BYTES, paramLabel = "BYTES",
      description = "Stack reserve, bytes (default: ${DEFAULT-VALUE}).")
  int stack;

  @Option(names = "--build-dir", paramLabel = "DIR",
      description = "Keep the build files (sources, glue header, map file) in DIR. A build replaces only the"
          + " files an earlier build wrote there and refuses to overwrite any other; builds sharing DIR wait"
          + " for each other.")
  Path buildDir;

  @Override
  public Integer call() throws java.io.IOException {
    OutputPaths.refuseOverwrite(spec, out, controller);
    OutputPaths.checkWritable(spec, "--out", out);
    OutputPaths.checkWritableFolder(spec, "--build-dir", buildDir);
    PrintWriter w = spec.commandLine().getOut();
    Target t = Target.forName(target);
    boolean modelFile = controller.getFileName() != null && controller.getFileName().toString().endsWith(".json");
    if (modelFile && !Files.isRegularFile(controller)) {
      throw new CliException("the controller model file " + controller + " does not exist: give a policy model"
          + " file (loopforge design lqr writes one) or a directory of generated C (loopforge generate)");
    }
    if (!modelFile && !Files.isDirectory(controller)) {
      throw new CliException(Files.exists(controller)
          ? "--controller " + controller + " is neither a directory of generated C nor a model file (.json)"
          : "the controller directory " + controller + " does not exist: give a directory of generated C"
              + " (loopforge generate) or a policy model file (.json)");
    }
    if (!modelFile) {
      ControllerSource source = prefix == null ? ControllerSource.of(controller) : ControllerSource.of(controller, prefix);
      return build(w, t, source);
    }
    String p = prefix != null ? prefix : CodegenOptions.prefixFromFileName(controller.getFileName().toString());
    ModelFile model = ModelFiles.read(controller);
    GeneratedCode code = CodeGenerator.generate(model, CodegenOptions.builder(p).languages(Language.C).build());
    ControllerContract contract = code.contract().orElseThrow(() -> new CodegenException("model file " + controller
        + " holds " + model.kind().withArticle() + ", not a controller: firmware runs a policy (\"type\":"
        + " \"policy\", e.g. from loopforge design lqr)"));
    // The generated C lives in a folder of its own for the build (which copies it into the build directory)
    // and is removed afterwards, whatever happens.
    Path sourceDir = Files.createTempDirectory("loopforge-controller-");
    try {
      code.writeTo(sourceDir, null);
      w.printf("generated C for %s (prefix %s)%n", controller, p);
      return build(w, t, ControllerSource.of(sourceDir, contract));
    } finally {
      TempFolders.delete(sourceDir);
    }
  }

  private int build(PrintWriter w, Target t, ControllerSource source) {
    FirmwareBuilder builder = FirmwareBuilder.forTarget(t).controller(source).output(out).stackBytes(stack);
    if (buildDir != null) {
      builder.buildDirectory(buildDir);
    }
    Firmware fw = builder.build();
    w.printf("firmware %s (controller %s)%n", fw.elf(), fw.controllerPrefix());
    w.print(fw.size().format());
    w.flush();
    return 0;
  }
}
