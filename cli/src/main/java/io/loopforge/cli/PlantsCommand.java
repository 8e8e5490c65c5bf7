package io.loopforge.cli;

import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantCatalog;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code loopforge plants}: the built-in benchmark plants. */
@Command(
    name = "plants",
    mixinStandardHelpOptions = true,
    header = "List the built-in benchmark plants.",
    description = "List the built-in benchmark plants: states, inputs, input bounds, parameters, default task.")
final class PlantsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Option(names = "--verbose", description = "Also print parameters, the default initial state and the task.")
  boolean verbose;

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    for (Plant plant : PlantCatalog.all()) {
      out.println(plant.name() + " — " + plant.description());
      out.println("  states: " + String.join(", ", plant.stateNames()));
      List<String> inputs = new ArrayList<>();
      for (int j = 0; j < plant.inputNames().size(); j++) {
        inputs.add(
            String.format(
                Locale.ROOT,
                "%s in [%s, %s]",
                plant.inputNames().get(j),
                fmt(plant.inputLower()[j]),
                fmt(plant.inputUpper()[j])));
      }
      out.println("  inputs: " + String.join(", ", inputs));
      if (verbose) {
        List<String> params = new ArrayList<>();
        for (Map.Entry<String, Double> e : plant.parameters().entrySet()) {
          params.add(e.getKey() + "=" + fmt(e.getValue()));
        }
        out.println("  parameters: " + String.join(", ", params));
        out.println("  x0: " + vector(plant.defaultInitialState()));
        out.println("  task: " + plant.defaultTask().description() + ", reference " + vector(plant.defaultTask().referenceState()));
      }
    }
    out.flush();
  }

  /** The catalog plant {@code name}; an unknown name is a usage error (exit 2) that lists the known ones. */
  static Plant create(CommandSpec spec, String name) {
    try {
      return PlantCatalog.create(name);
    } catch (io.loopforge.modeling.ModelingException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--plant: " + e.getMessage());
    }
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.6g", v).replaceAll("\\.?0+(e|$)", "$1");
  }

  static String vector(double[] v) {
    List<String> parts = new ArrayList<>();
    for (double d : v) {
      parts.add(fmt(d));
    }
    return "[" + String.join(", ", parts) + "]";
  }
}
