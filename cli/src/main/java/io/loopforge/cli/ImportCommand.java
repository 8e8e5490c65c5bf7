package io.loopforge.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code loopforge import}: read a network made elsewhere into a model file. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    header = "Read a network trained elsewhere into a model file: onnx.",
    description = "Read a network trained elsewhere (PyTorch, Keras) into a Loopforge model file (see the subcommands).",
    subcommands = {ImportOnnxCommand.class})
final class ImportCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "Missing subcommand: say which format to import (see loopforge import --help)");
  }
}
