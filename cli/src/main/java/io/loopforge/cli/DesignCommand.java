package io.loopforge.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code loopforge design}: design a controller. */
@Command(
    name = "design",
    mixinStandardHelpOptions = true,
    header = "Design a controller: lqr, mpc.",
    description = "Design a controller and save it as a policy model file (see the subcommands).",
    subcommands = {DesignLqrCommand.class, DesignMpcCommand.class})
final class DesignCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing subcommand: say which controller to design (see loopforge design --help)");
  }
}
