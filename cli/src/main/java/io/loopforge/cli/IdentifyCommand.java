package io.loopforge.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code loopforge identify}: learn a dynamics model from data. */
@Command(
    name = "identify",
    mixinStandardHelpOptions = true,
    header = "Learn a dynamics model from data: sindy or mlp.",
    description = "Learn a dynamics model from data (see the subcommands).",
    subcommands = {IdentifySindyCommand.class, IdentifyMlpCommand.class})
final class IdentifyCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: say which kind of model to identify (see loopforge identify --help)");
  }
}
