package io.loopforge.cli;

import io.loopforge.modeling.ModelingException;
import java.io.PrintWriter;
import io.loopforge.codegen.CodegenException;
import io.loopforge.hil.HilException;
import io.loopforge.mpc.MpcException;
import io.loopforge.sparsify.SparsifyException;
import io.loopforge.targets.TargetException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code loopforge} command. Exit codes: 0 success, 1 failure (bad data, failed build, …), 2 usage
 * error (unknown option, missing argument).
 */
@Command(
    name = "loopforge",
    mixinStandardHelpOptions = true,
    versionProvider = Loopforge.Version.class,
    description = "Learned dynamics to controller firmware you can trust.",
    subcommands = {
      PlantsCommand.class,
      SimulateCommand.class,
      IdentifyCommand.class,
      FirmwareCommand.class,
      HilCommand.class,
      GenerateCommand.class,
      SparsifyCommand.class,
      DesignCommand.class,
      LoopCommand.class,
      MpcCommand.class,
      ImportCommand.class,
      ExportCommand.class,
      OptimizeCommand.class,
      DistillCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Loopforge implements Runnable {
  /** Exceptions that report a user's mistake or an environment problem: message only, no stack trace. */
  private static final List<Class<? extends RuntimeException>> USER_ERRORS = List.of(
      CliException.class,
      ModelingException.class,
      SparsifyException.class,
      MpcException.class,
      CodegenException.class,
      TargetException.class,
      HilException.class);

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing command: say which one (loopforge --help lists them)");
  }

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    // Library progress is logged at INFO; the CLI prints what matters itself.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code (no {@code System.exit}: tests call this). */
  public static int execute(String... args) {
    return newCommandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
  }

  static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Loopforge());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (isUserError(e)) {
            commandLine.getErr().println("error: " + e.getMessage());
          } else if (e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
            // reading or writing a file failed (a full disk, a permission): the environment, not a bug
            java.io.IOException io = e instanceof java.io.IOException ? (java.io.IOException) e
                : ((java.io.UncheckedIOException) e).getCause();
            commandLine.getErr().println("error: a file operation failed: " + OutputPaths.reason(io));
          } else {
            commandLine.getErr().println("internal error (a bug; please report it with this trace):");
            e.printStackTrace(commandLine.getErr());
          }
          commandLine.getErr().flush();
          return 1;
        });
    return cl;
  }

  static boolean isUserError(Throwable e) {
    return USER_ERRORS.stream().anyMatch(type -> type.isInstance(e));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Loopforge.class.getPackage().getImplementationVersion();
      return new String[] {"loopforge " + (v == null ? "(development build)" : v)};
    }
  }
}
