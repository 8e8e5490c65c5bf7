package io.loopforge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.io.AtomicFile;
import io.loopforge.modeling.loop.ClosedLoop;
import io.loopforge.modeling.loop.ClosedLoopResult;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.mpc.MipPlanner;
import io.loopforge.mpc.MpcProblem;
import io.loopforge.mpc.PlanLog;
import io.loopforge.mpc.PlanStatus;
import io.loopforge.mpc.Planner;
import io.loopforge.mpc.PlannerKind;
import io.loopforge.mpc.RecedingHorizonController;
import io.loopforge.mpc.TerminalCost;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code loopforge mpc}: model-predictive control of a built-in plant with a learned model in closed loop on
 * the host, with any planner; {@code loopforge mpc benchmark} is the study behind the MPC figures.
 */
@Command(
    name = "mpc",
    mixinStandardHelpOptions = true,
    header = "Model-predictive control of a built-in plant with a learned model, in closed loop on the host.",
    sortOptions = false,
    description = {
      "Plan with a learned model (sindy or relu-network file) every control step and apply the first input",
      "to the simulated plant (receding horizon). The problem: from the measured state, inputs u_0..u_{H-1}",
      "minimising the sum over the horizon of |Q (x_t - x_ref)| + |R (u_t - u_ref)| + |R_rate (u_t - u_t-1)|",
      "(L1 by default; --norm linf or quadratic), the terminal state weighted by --terminal (or, with",
      "--lqr-tail, by what an LQR would cost after the horizon), within the plant's input bounds, the",
      "plant's operating region as a soft state box (--state-penalty per unit).",
      "Planners: mip (exact mixed-integer program on a ReLU network, ojAlgo), mppi, cem, random, gd",
      "(projected gradient, exact Jacobians), sindy-mpc (sequential linearisation). Every plan is checked;",
      "a failed one is replaced by the previous plan shifted, else a safe input, and counted.",
      "Writes the closed-loop run as JSON (loopforge-loop/1) with an \"mpc\" section: per step the status,",
      "objective, solve time (ms), binaries before and after tightening, and whether a fallback was used.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  loopforge mpc --model cartpole-walls-gated-4.json --plant cartpole-walls --planner mip \\",
      "      --horizon 8 --steps 60 --x0 0.1,0.1,0,0 --out run.json --plot run.png",
      "  loopforge mpc --model sindy.json --plant pendulum --planner sindy-mpc --norm quadratic \\",
      "      --horizon 20 --steps 200 --x0 2.8,0 --out run.json"
    },
    subcommands = MpcBenchmarkCommand.class)
final class MpcCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", paramLabel = "MODEL.json", description = "Learned model to plan with (required).")
  Path model;

  @Option(names = "--plant", paramLabel = "NAME", description = "Built-in plant to control (required).")
  String plant;

  @Option(names = "--planner", defaultValue = "mip", paramLabel = "NAME",
      description = "mip, mppi, cem, random, gd or sindy-mpc (default: ${DEFAULT-VALUE}).")
  String planner;

  @Option(names = "--horizon", defaultValue = "10", paramLabel = "H", description = "Planned steps (default: ${DEFAULT-VALUE}).")
  int horizon;

  @Option(names = "--steps", defaultValue = "100", paramLabel = "N", description = "Control steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--x0", split = ",", paramLabel = "X", description = "Initial state (default: the plant's).")
  double[] x0;

  @Option(names = "--x-ref", split = ",", paramLabel = "X", description = "Set-point (default: the plant task's).")
  double[] xRef;

  @Option(names = "--norm", defaultValue = "l1", paramLabel = "N",
      description = "l1, linf or quadratic (not for mip) (default: ${DEFAULT-VALUE}).")
  String norm;

  @Option(names = "--q", split = ",", paramLabel = "W", description = "State weights (default: all 1).")
  double[] q;

  @Option(names = "--terminal", split = ",", paramLabel = "W", description = "Terminal state weights (default: --q).")
  double[] terminal;

  @Option(names = "--lqr-tail",
      description = "Terminal cost: the L1 cost of an LQR taking over after the horizon (designed on the model"
          + " linearised at the set-point, weights q^2 and r^2). Stops short L1 horizons from coasting through the"
          + " set-point. Needs --norm l1; replaces --terminal; not for sindy-mpc.")
  boolean lqrTail;

  @Option(names = "--r", split = ",", paramLabel = "W", description = "Input weights (default: all 0.01).")
  double[] r;

  @Option(names = "--r-rate", split = ",", paramLabel = "W", description = "Input-rate weights (default: 0).")
  double[] rRate;

  @Option(names = "--rate-limit", split = ",", paramLabel = "D",
      description = "Largest input change per step (default: none).")
  double[] rateLimit;

  @Option(names = "--state-penalty", defaultValue = "100", paramLabel = "P",
      description = "Cost per unit of leaving the plant's operating region (default: ${DEFAULT-VALUE}).")
  double statePenalty;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
      description = "Seed of the sampling planners and of the noise (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--noise", split = ",", paramLabel = "S",
      description = "Measurement noise: standard deviation per state (default: none).")
  double[] noise;

  @Option(names = "--samples", paramLabel = "N", description = "Rollouts per iteration (mppi, cem, random).")
  Integer samples;

  @Option(names = "--iterations", paramLabel = "N", description = "Iterations (mppi, cem, gd, sindy-mpc).")
  Integer iterations;

  @Option(names = "--time-limit", paramLabel = "MS", description = "Time limit per plan, ms (mip, sindy-mpc).")
  Long timeLimitMs;

  @Option(names = "--search", defaultValue = "relu-phases", paramLabel = "S",
      description = "mip: relu-phases (branch and bound over ReLU phases on ojAlgo's LP solver) or ojalgo (ojAlgo's"
          + " generic branch and bound) (default: ${DEFAULT-VALUE}).")
  String search;

  @Option(names = "--threads", defaultValue = "1", paramLabel = "N",
      description = "Threads of the sampling planners' rollouts; the plans do not depend on it (default: 1).")
  int threads;

  @Option(names = "--export-mps", paramLabel = "DIR",
      description = "mip: write every step's program as DIR/step-NNNN.mps beside DIR/step-NNNN.json (ojAlgo's"
          + " status, objective and solve time), to re-solve with any MILP solver.")
  Path exportMps;

  @Option(names = "--out", paramLabel = "FILE.json", description = "Where to write the run (required).")
  Path out;

  @Option(names = "--plot", paramLabel = "FILE.png", description = "Also plot states and inputs over time.")
  Path plot;

  @Override
  public Integer call() throws IOException {
    if (model == null || plant == null || out == null) {
      // not picocli's required=true: that would also demand them of 'mpc benchmark'
      throw new ParameterException(spec.commandLine(), "mpc needs --model MODEL.json, --plant NAME and --out FILE.json");
    }
    if (horizon < 1 || steps < 1) {
      throw new ParameterException(spec.commandLine(), "--horizon and --steps must be at least 1, got " + horizon
          + " and " + steps);
    }
    PlannerKind kind = kind();
    MpcProblem.Norm n = norm();
    if (lqrTail) {
      if (terminal != null) {
        throw new ParameterException(spec.commandLine(), "--lqr-tail and --terminal both set the terminal cost; give"
            + " one of them");
      }
      if (n != MpcProblem.Norm.L1) {
        throw new ParameterException(spec.commandLine(), "--lqr-tail is an L1 cost; it needs --norm l1, got " + norm);
      }
      if (kind == PlannerKind.SINDY_MPC) {
        throw new ParameterException(spec.commandLine(), "--lqr-tail is for the mip, mppi, cem, random and gd"
            + " planners; sindy-mpc takes diagonal --terminal weights");
      }
    }
    OutputPaths.refuseOverwrite(spec, out, model, plot);
    OutputPaths.refuseOverwrite(spec, plot, model);
    OutputPaths.checkWritable(spec, "--out", out);
    OutputPaths.checkWritable(spec, "--plot", plot);
    if (exportMps != null) {
      if (kind != PlannerKind.MIP) {
        throw new ParameterException(spec.commandLine(), "--export-mps writes the mixed-integer programs of"
            + " --planner mip; the " + kind.cliName() + " planner has none");
      }
      OutputPaths.checkWritableFolder(spec, "--export-mps", exportMps);
    }
    Plant p = PlantsCommand.create(spec, plant);
    DynamicsModel m = ModelFiles.read(model).model().dynamics("mpc --model");
    if (!m.stateNames().equals(p.stateNames()) || !m.inputNames().equals(p.inputNames())) {
      throw new CliException("the model " + model + " has states " + m.stateNames() + " and inputs "
          + m.inputNames() + " but the plant " + p.name() + " has states " + p.stateNames() + " and inputs "
          + p.inputNames() + "; use a model learned from " + p.name() + "'s data");
    }
    MpcProblem problem = problem(p, m, n);
    PlannerKind.Settings settings = new PlannerKind.Settings(seed, samples, iterations,
        timeLimitMs == null ? null : Duration.ofMillis(timeLimitMs), threads, search());
    Planner pl = kind.create(problem, settings);
    PlanLog log = new PlanLog();
    Consumer<RecedingHorizonController.Step> listener = exportMps == null ? log
        : log.andThen(new MpsExport(exportMps, (MipPlanner) pl));
    RecedingHorizonController controller = RecedingHorizonController.builder(pl).listener(listener).build();
    ClosedLoop.Builder b = ClosedLoop.builder(p, controller).steps(steps).seed(seed)
        .controllerName(kind.cliName() + " on " + model.getFileName()).stopOutsideRegion(false)
        .reference(problem.stateReference());
    if (x0 != null) {
      b.initialState(x0);
    }
    if (noise != null) {
      b.measurementNoise(noise);
    }
    PrintWriter w = spec.commandLine().getOut();
    w.printf(Locale.ROOT, "mpc: %s planner on %s, %s, H = %d, %s norm, %d steps of %s s%n", kind.cliName(),
        model.getFileName(), p.name(), horizon, n.name().toLowerCase(Locale.ROOT), steps, m.dt());
    w.flush();
    ClosedLoopResult r = b.build().run();
    ObjectNode root = r.toJsonTree();
    ObjectNode mpc = root.putObject("mpc");
    mpc.put("planner", kind.cliName());
    mpc.put("model", model.toString());
    describe(mpc.putObject("problem"), problem);
    mpc.setAll(log.toJson());
    AtomicFile.writeString(out, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(root) + "\n");
    print(w, r, log);
    if (plot != null) {
      TimeSeriesPlot.of("mpc: " + kind.cliName() + " on " + model.getFileName() + ", " + p.name(), r.trajectory())
          .write(plot);
      w.printf("  wrote %s%n", plot);
    }
    w.flush();
    return 0;
  }

  private PlannerKind kind() {
    try {
      return PlannerKind.forName(planner);
    } catch (io.loopforge.mpc.MpcException e) {
      throw new ParameterException(spec.commandLine(), "--planner: " + e.getMessage());
    }
  }

  private MipPlanner.Search search() {
    switch (search.toLowerCase(Locale.ROOT)) {
      case "relu-phases":
        return MipPlanner.Search.RELU_PHASES;
      case "ojalgo":
        return MipPlanner.Search.OJALGO;
      default:
        throw new ParameterException(spec.commandLine(), "--search must be relu-phases or ojalgo, got " + search);
    }
  }

  private MpcProblem.Norm norm() {
    switch (norm.toLowerCase(Locale.ROOT)) {
      case "l1":
        return MpcProblem.Norm.L1;
      case "linf":
        return MpcProblem.Norm.LINF;
      case "quadratic":
        return MpcProblem.Norm.QUADRATIC;
      default:
        throw new ParameterException(spec.commandLine(), "--norm must be l1, linf or quadratic, got " + norm);
    }
  }

  /** The problem from the options; the plant gives the input bounds, the task and the soft state box. */
  private MpcProblem problem(Plant p, DynamicsModel m, MpcProblem.Norm n) {
    int nx = m.stateDim();
    int nu = m.inputDim();
    MpcProblem.Builder b = MpcProblem.builder(m, horizon).norm(n)
        .stateReference(xRef != null ? length("--x-ref", xRef, nx) : p.defaultTask().referenceState())
        .stateWeights(q != null ? length("--q", q, nx) : fill(nx, 1.0))
        .inputWeights(r != null ? length("--r", r, nu) : fill(nu, 0.01))
        .inputBounds(p.inputLower(), p.inputUpper())
        .stateBounds(p.stateLower(), p.stateUpper(), statePenalty);
    if (p.defaultTask().hasReferenceInput()) {
      b.inputReference(p.defaultTask().referenceInput());
    }
    if (terminal != null) {
      b.terminalWeights(length("--terminal", terminal, nx));
    }
    if (lqrTail) {
      b.terminalMatrix(TerminalCost.lqrTail(b.build()));
    }
    if (rRate != null) {
      b.inputRateWeights(length("--r-rate", rRate, nu));
    }
    if (rateLimit != null) {
      b.inputRateLimit(length("--rate-limit", rateLimit, nu));
    }
    return b.build();
  }

  private double[] length(String option, double[] v, int n) {
    if (v.length != n) {
      throw new ParameterException(spec.commandLine(), option + " has " + v.length + " values, the model needs " + n);
    }
    return v;
  }

  private static double[] fill(int n, double v) {
    double[] a = new double[n];
    Arrays.fill(a, v);
    return a;
  }

  private static void describe(ObjectNode o, MpcProblem p) {
    o.put("horizon", p.horizon());
    o.put("norm", p.norm().name().toLowerCase(Locale.ROOT));
    array(o.putArray("state_reference"), p.stateReference());
    array(o.putArray("input_reference"), p.inputReference());
    array(o.putArray("state_weights"), p.stateWeights());
    if (p.hasTerminalMatrix()) {
      o.put("terminal_cost", "lqr-tail");
      ArrayNode rows = o.putArray("terminal_matrix");
      for (double[] row : p.terminalMatrix()) {
        array(rows.addArray(), row);
      }
    } else {
      array(o.putArray("terminal_weights"), p.terminalWeights());
    }
    array(o.putArray("input_weights"), p.inputWeights());
    array(o.putArray("input_rate_weights"), p.inputRateWeights());
    array(o.putArray("input_lower"), p.inputLower());
    array(o.putArray("input_upper"), p.inputUpper());
    array(o.putArray("input_rate_limit"), p.inputRateLimit());
    array(o.putArray("state_lower"), p.stateLower());
    array(o.putArray("state_upper"), p.stateUpper());
    o.put("state_penalty", p.statePenalty());
  }

  private static void array(ArrayNode a, double[] v) {
    for (double d : v) {
      if (Double.isFinite(d)) {
        a.add(d);
      } else {
        a.addNull();
      }
    }
  }

  private void print(PrintWriter w, ClosedLoopResult r, PlanLog log) {
    w.printf(Locale.ROOT, "  steps         %d of %d (%s)%n", r.steps(), r.stepsRequested(),
        r.stopReason().fileName().replace('_', ' '));
    w.printf(Locale.ROOT, "  total cost    %.6g (%s)%n", r.totalCost(), r.costDefinition());
    w.printf(Locale.ROOT, "  final state   %s%n", PlantsCommand.vector(r.finalState()));
    StringBuilder st = new StringBuilder();
    for (Map.Entry<PlanStatus, Integer> e : log.plannerStatuses().entrySet()) {
      st.append(st.length() == 0 ? "" : ", ").append(e.getValue()).append(' ').append(e.getKey().name()
          .toLowerCase(Locale.ROOT));
    }
    w.printf(Locale.ROOT, "  planner       %s; %d fallback%s%n", st, log.fallbacks(), log.fallbacks() == 1 ? "" : "s");
    w.printf(Locale.ROOT, "  solve time    median %.3g ms, p95 %.3g ms, max %.3g ms per plan%n",
        log.solveMillisQuantile(0.5), log.solveMillisQuantile(0.95), log.solveMillisQuantile(1.0));
    List<RecedingHorizonController.Step> s = log.steps();
    if (!s.isEmpty() && s.get(0).applied().stats().binariesBefore() > 0) {
      double[] before = new double[s.size()];
      double[] after = new double[s.size()];
      for (int i = 0; i < s.size(); i++) {
        before[i] = s.get(i).applied().stats().binariesBefore();
        after[i] = s.get(i).applied().stats().binariesAfter();
      }
      w.printf(Locale.ROOT, "  binaries      median %.0f before tightening, %.0f after%n", PlanLog.quantile(before, 0.5),
          PlanLog.quantile(after, 0.5));
    }
    w.printf("  wrote %s%n", out);
  }
}
