package io.loopforge.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code loopforge export}: write a model file in another tool's format. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    header = "Write a model in another tool's format: onnx.",
    description = "Write a Loopforge model in another tool's format (see the subcommands).",
    subcommands = {ExportOnnxCommand.class})
final class ExportCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "Missing subcommand: say which format to export (see loopforge export --help)");
  }
}
