package io.loopforge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loopforge.modeling.io.AtomicFile;
import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.registry.ModelFile;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.mpc.NetworkOptimizer;
import io.loopforge.mpc.NetworkOptimizer.Result;
import io.loopforge.mpc.NetworkOptimizer.Sense;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code loopforge optimize}: the input in a box that minimises or maximises one output of a network. */
@Command(
    name = "optimize",
    mixinStandardHelpOptions = true,
    header = "Find the input in a box that minimises or maximises one output of a ReLU network, with proof.",
    sortOptions = false,
    description = {
      "Optimise over a trained network (OMLT's use case): the input z = [states; inputs] in the box --box that"
          + " minimises or maximises one output (the model's next state, x + f for a residual network). The"
          + " network is encoded as a mixed-integer linear program (big-M per ReLU, the encoding of the MPC"
          + " planner) with sound bounds (interval propagation tightened over the LP relaxation), solved by"
          + " the planner's branch-and-bound over ReLU phases or ojAlgo's (--search). Prints the proven optimum, the optimal input, the gap to a proven bound"
          + " and the solve time; the result is validated by evaluating the network at the optimal input.",
      "Exit code 1 when no solution was found or the network at the input found disagrees with the MILP;"
          + " a run stopped by --time-limit reports its incumbent and gap (status time_limit, exit 0).",
      ""
    })
final class OptimizeCommand implements Callable<Integer> {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "MODEL.json",
      description = "A relu-network model file (dense or folded).")
  Path model;

  @Option(names = "--box", required = true, paramLabel = "LO:HI,...",
      description = "One interval per network input, states then inputs, e.g. -1:1,-0.5:0.5.")
  String box;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Goal goal;

  static final class Goal {
    @Option(names = "--minimize", paramLabel = "OUTPUT", description = "Minimise this output (a state name).")
    String minimize;

    @Option(names = "--maximize", paramLabel = "OUTPUT", description = "Maximise this output (a state name).")
    String maximize;
  }

  @Option(names = "--time-limit", defaultValue = "60", paramLabel = "S",
      description = "Time limit of the MILP solve, s (default: ${DEFAULT-VALUE}).")
  double timeLimit;

  @Option(names = "--search", defaultValue = "relu-phases", paramLabel = "S",
      description = "relu-phases (the MPC planner's branch-and-bound over ReLU phases) or ojalgo (ojAlgo's generic"
          + " branch-and-bound on the MILP) (default: ${DEFAULT-VALUE}).")
  String search;

  @Option(names = "--mps", paramLabel = "FILE.mps",
      description = "Also write the mixed-integer program as MPS, to solve it with another solver (cbc FILE solve):"
          + " it minimises the output, or its negative when maximising.")
  Path mps;

  @Option(names = "--out", required = true, paramLabel = "RESULT.json", description = "Where to write the result.")
  Path out;

  @Override
  public Integer call() throws IOException {
    if (!(timeLimit > 0) || timeLimit > 1e6) {
      throw new ParameterException(spec.commandLine(), "--time-limit must be a positive number of seconds (at most"
          + " 1e6), got " + timeLimit);
    }
    NetworkOptimizer.Search how;
    switch (search) {
      case "relu-phases":
        how = NetworkOptimizer.Search.RELU_PHASES;
        break;
      case "ojalgo":
        how = NetworkOptimizer.Search.OJALGO;
        break;
      default:
        throw new ParameterException(spec.commandLine(), "--search is '" + search + "'; give relu-phases or ojalgo");
    }
    OutputPaths.refuseOverwrite(spec, out, model, mps);
    OutputPaths.refuseOverwrite(spec, mps, model);
    OutputPaths.checkWritable(spec, "--out", out);
    OutputPaths.checkWritable(spec, "--mps", mps);
    ModelFile file = ModelFiles.read(model);
    FoldedReluNetwork net = network(file);
    List<String> names = new ArrayList<>(net.stateNames());
    names.addAll(net.inputNames());
    double[][] interval = parseBox(box, names);
    Sense sense = goal.minimize != null ? Sense.MINIMIZE : Sense.MAXIMIZE;
    String outputName = sense == Sense.MINIMIZE ? goal.minimize : goal.maximize;
    int output = net.stateNames().indexOf(outputName);
    if (output < 0) {
      throw new ParameterException(spec.commandLine(), "--" + sense.name().toLowerCase(Locale.ROOT) + " " + outputName
          + ": the network has no output of that name; its outputs are " + net.stateNames());
    }
    NetworkOptimizer optimizer = NetworkOptimizer.builder().timeLimit(Duration.ofMillis(Math.max(1,
        Math.round(timeLimit * 1000)))).search(how).build();
    NetworkOptimizer.Problem problem = optimizer.problem(net, interval[0], interval[1], output, sense);
    if (mps != null) {
      AtomicFile.write(mps, o -> {
        Writer w = new OutputStreamWriter(o, StandardCharsets.US_ASCII);
        problem.instance().writeMps(w);
        w.flush();
      });
    }
    Result r = optimizer.solve(problem);
    PrintWriter w = spec.commandLine().getOut();
    String verb = sense == Sense.MINIMIZE ? "minimise" : "maximise";
    w.println(file.name() + ": " + names.size() + " inputs " + names + ", " + r.units() + " ReLUs; " + r.binaries()
        + " need a binary after bound tightening");
    w.println(verb + " " + outputName + (net.residual() ? " (next state, x + f)" : "") + " over " + boxText(names,
        interval));
    if (r.status() == NetworkOptimizer.Status.FAILED) {
      w.println("no solution: the solver found none in " + fmt(r.seconds()) + " s; proven bound " + fmt(r.bound()));
    } else {
      w.println((r.status() == NetworkOptimizer.Status.OPTIMAL ? "proven optimum: " : "best found (not proven, time"
          + " limit): ") + fmt(r.optimum()));
      StringBuilder in = new StringBuilder();
      for (int i = 0; i < names.size(); i++) {
        in.append(i == 0 ? "" : ", ").append(names.get(i)).append(" = ").append(fmt(r.input()[i]));
      }
      w.println("optimal input: " + in);
      w.println("gap: " + fmt(r.gap()) + " (proven bound " + fmt(r.bound())
          + (r.status() == NetworkOptimizer.Status.OPTIMAL ? ", within the relative gap tolerance "
          + NetworkOptimizer.GAP_TOLERANCE : "") + ")");
      w.println("solve time: " + fmt(r.solveNanos() / 1e9) + " s (" + search + "; bounds " + fmt(r.boundNanos() / 1e9)
          + " s)");
      w.println((r.validated() ? "validated: " : "NOT validated: ") + "the network at that input gives "
          + fmt(r.optimum()) + ", the MILP " + fmt(r.milpObjective()));
    }
    AtomicFile.writeString(out, MAPPER.writeValueAsString(json(file, names, interval, outputName, sense, search, r))
        + "\n");
    if (mps != null) {
      w.println("wrote " + mps);
    }
    w.println("wrote " + out);
    w.flush();
    if (r.status() == NetworkOptimizer.Status.FAILED) {
      throw new CliException("no solution found within --time-limit " + timeLimit + " s");
    }
    if (!r.validated()) {
      throw new CliException("the network at the input found gives " + r.optimum() + ", the MILP claimed "
          + r.milpObjective() + ": the result is not trustworthy (please report it with the model file)");
    }
    return 0;
  }

  private static FoldedReluNetwork network(ModelFile file) {
    return file.model().asFoldedNetwork().orElseThrow(() -> notANetwork(file));
  }

  private static CliException notANetwork(ModelFile file) {
    return new CliException("optimize needs a relu-network model file, but " + file.name() + " is "
        + file.kind().withArticle() + " (\"type\": \"" + file.kind().fileType() + "\")");
  }

  /** {lower[], upper[]} from "lo:hi,lo:hi,…", one interval per name. */
  private double[][] parseBox(String text, List<String> names) {
    String[] parts = text.split(",", -1);
    if (parts.length != names.size()) {
      throw new ParameterException(spec.commandLine(), "--box has " + parts.length + " interval"
          + (parts.length == 1 ? "" : "s") + ", the network has " + names.size() + " inputs " + names
          + ": give one LO:HI per input, comma-separated");
    }
    double[][] out = new double[2][names.size()];
    for (int i = 0; i < parts.length; i++) {
      String[] lh = parts[i].split(":", -1);
      String where = "--box interval " + (i + 1) + " (" + names.get(i) + ") '" + parts[i] + "'";
      if (lh.length != 2) {
        throw new ParameterException(spec.commandLine(), where + " is not LO:HI");
      }
      try {
        out[0][i] = Double.parseDouble(lh[0].trim());
        out[1][i] = Double.parseDouble(lh[1].trim());
      } catch (NumberFormatException e) {
        throw new ParameterException(spec.commandLine(), where + " is not two numbers LO:HI");
      }
      if (!Double.isFinite(out[0][i]) || !Double.isFinite(out[1][i]) || out[0][i] > out[1][i]) {
        throw new ParameterException(spec.commandLine(), where + " must be finite with LO ≤ HI");
      }
    }
    return out;
  }

  private static String boxText(List<String> names, double[][] box) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      b.append(i == 0 ? "" : ", ").append(names.get(i)).append(" ∈ [").append(fmt(box[0][i])).append(", ")
          .append(fmt(box[1][i])).append("]");
    }
    return b.toString();
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.10g", v);
  }

  private static ObjectNode json(ModelFile file, List<String> names, double[][] box, String output, Sense sense,
      String search, Result r) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("format", "loopforge-optimize/1");
    o.put("model", file.name());
    o.put("model_sha256", file.sha256());
    o.put("sense", sense == Sense.MINIMIZE ? "minimize" : "maximize");
    o.put("output", output);
    ArrayNode b = o.putArray("box");
    for (int i = 0; i < names.size(); i++) {
      b.addObject().put("name", names.get(i)).put("lower", box[0][i]).put("upper", box[1][i]);
    }
    o.put("status", r.status().name().toLowerCase(Locale.ROOT));
    o.put("search", search);
    if (r.status() != NetworkOptimizer.Status.FAILED) {
      o.put("optimum", r.optimum());
      ObjectNode in = o.putObject("input");
      for (int i = 0; i < names.size(); i++) {
        in.put(names.get(i), r.input()[i]);
      }
      o.put("milp_objective", r.milpObjective());
      o.put("gap", r.gap());
      o.put("validated", r.validated());
    }
    o.put("bound", r.bound());
    o.put("relative_gap_tolerance", NetworkOptimizer.GAP_TOLERANCE);
    o.put("relus", r.units());
    o.put("binaries", r.binaries());
    o.put("bound_seconds", r.boundNanos() / 1e9);
    o.put("solve_seconds", r.solveNanos() / 1e9);
    return o;
  }
}
