package io.loopforge.cli;

import io.loopforge.codegen.CodeGenerator;
import io.loopforge.codegen.CodegenOptions;
import io.loopforge.codegen.Language;
import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.policy.MpcPolicy;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.mpc.MpcException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code loopforge design mpc}: a model-predictive controller on a learned model for the microcontroller,
 * saved as an {@code "type": "mpc"} model file.
 */
@Command(
    name = "mpc",
    mixinStandardHelpOptions = true,
    header = "Design a Gauss-Newton MPC on a learned model for the microcontroller.",
    description = {
      "Design a model-predictive controller on a learned model (a sindy or relu-network model file) and save",
      "it as an mpc model file (\"type\": \"mpc\") that 'loopforge generate', 'firmware', 'hil --twin' and",
      "'loop' take.",
      "Each control step runs at most --iterations Gauss-Newton iterations on the tracking cost",
      "  1/2 sum (x_k - x_ref)' Q (x_k - x_ref) [Q_H at the end] + (u_k - u_ref)' R (u_k - u_ref)",
      "      + (u_k - u_{k-1})' R_rate (u_k - u_{k-1})",
      "over --horizon steps of the model's dt, with the model's exact Jacobians and the inputs in their box,",
      "warm-started from the previous step's plan. x_ref is the controller's reference at run time.",
      "--plant gives the input box and the default reference and must have the model's states and inputs.",
      "",
      "Examples:",
      "  loopforge design mpc --model sindy.json --plant pendulum --horizon 10 --iterations 3 --q 10,1 \\",
      "      --r 0.01 --x-ref 0,0 --out mpc.json",
      "  loopforge design mpc --model sindy.json --u-min -2 --u-max 2 --horizon 10 --iterations 2 --out mpc.json",
      ""
    })
final class DesignMpcCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "MODEL.json", description = "Learned model (sindy or relu-network).")
  Path model;

  @Option(names = "--plant", paramLabel = "NAME", description = "Plant: input bounds and default reference.")
  String plant;

  @Option(names = "--horizon", required = true, paramLabel = "H", description = "Prediction horizon, steps of the model's dt.")
  int horizon;

  @Option(names = "--iterations", required = true, paramLabel = "K", description = "Gauss-Newton iterations per step, at most.")
  int iterations;

  @Option(names = "--qp-iterations", paramLabel = "P", defaultValue = "4",
      description = "Projected-Newton steps of the box-QP per iteration, at most (default: ${DEFAULT-VALUE}).")
  int qpIterations;

  @Option(names = "--tolerance", paramLabel = "T", defaultValue = "1e-4",
      description = "Stop when no input moves by more than this in an iteration (default: ${DEFAULT-VALUE}).")
  double tolerance;

  @Option(names = "--q", split = ",", paramLabel = "W", description = "Diagonal of Q, per state (default: all 1).")
  double[] q;

  @Option(names = "--q-terminal", split = ",", paramLabel = "W", description = "Diagonal of Q_H, per state (default: Q).")
  double[] qTerminal;

  @Option(names = "--r", split = ",", paramLabel = "W", description = "Diagonal of R, per input (default: all 1).")
  double[] r;

  @Option(names = "--r-rate", split = ",", paramLabel = "W", description = "Diagonal of R_rate, per input (default: 0).")
  double[] rRate;

  @Option(names = "--x-ref", split = ",", paramLabel = "X", description = "Default reference state (default: the plant's task, or 0).")
  double[] xRef;

  @Option(names = "--u-ref", split = ",", paramLabel = "U", description = "Input the cost pulls towards (default: the plant's task, or 0).")
  double[] uRef;

  @Option(names = "--u-min", split = ",", paramLabel = "U", description = "Lower input bounds (default: the plant's).")
  double[] uMin;

  @Option(names = "--u-max", split = ",", paramLabel = "U", description = "Upper input bounds (default: the plant's).")
  double[] uMax;

  @Option(names = "--out", required = true, paramLabel = "FILE.json", description = "Where to write the controller.")
  Path out;

  @Override
  public Integer call() {
    Plant p = plant == null ? null : PlantsCommand.create(spec, plant);
    OutputPaths.refuseOverwrite(spec, out, model);
    OutputPaths.checkWritable(spec, "--out", out);
    if (horizon <= 0) {
      throw new ParameterException(spec.commandLine(), "--horizon must be at least 1 step, got " + horizon);
    }
    if (iterations <= 0) {
      throw new ParameterException(spec.commandLine(), "--iterations must be at least 1, got " + iterations);
    }
    DynamicsModel m = ModelFiles.read(model).model().dynamics("design mpc --model");
    if (p != null && (!m.stateNames().equals(p.stateNames()) || !m.inputNames().equals(p.inputNames()))) {
      throw new MpcException("the model " + model + " has states " + m.stateNames() + " and inputs " + m.inputNames()
          + ", the plant " + p.name() + " has " + p.stateNames() + " and " + p.inputNames()
          + ": give the plant the model was learned on, or leave --plant out and give --u-min and --u-max");
    }
    int nu = m.inputDim();
    double[] lo = uMin != null ? uMin : p != null ? p.inputLower() : null;
    double[] hi = uMax != null ? uMax : p != null ? p.inputUpper() : null;
    if (lo == null || hi == null) {
      throw new ParameterException(spec.commandLine(), "the MPC needs input bounds: give --plant, or --u-min and --u-max");
    }
    if (lo.length != nu || hi.length != nu) {
      throw new ParameterException(spec.commandLine(), "--u-min and --u-max need " + nu + " value(s), one per input "
          + m.inputNames());
    }
    MpcPolicy policy;
    try {
      MpcPolicy.Builder b = MpcPolicy.builder(m).horizon(horizon).iterations(iterations).qpIterations(qpIterations)
          .tolerance(tolerance).inputBounds(InputBounds.of(lo, hi));
      if (q != null) {
        b.stateWeights(q);
      }
      if (qTerminal != null) {
        b.terminalWeights(qTerminal);
      }
      if (r != null) {
        b.inputWeights(r);
      }
      if (rRate != null) {
        b.rateWeights(rRate);
      }
      double[] xr = xRef != null ? xRef : p != null ? p.defaultTask().referenceState() : null;
      if (xr != null) {
        b.referenceState(xr);
      }
      double[] ur = uRef != null ? uRef : p != null && p.defaultTask().hasReferenceInput()
          ? p.defaultTask().referenceInput() : null;
      if (ur != null) {
        b.referenceInput(ur);
      }
      policy = b.build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    // what cannot be generated (a term without a derivative) is refused now, not at the firmware build
    CodeGenerator.generate(Model.of(policy), CodegenOptions.builder("mpc").languages(Language.C).build());
    ModelFiles.write(Model.of(policy), out);
    PrintWriter w = spec.commandLine().getOut();
    w.printf(Locale.ROOT, "MPC on the model %s%s: horizon %d x %s s, at most %d Gauss-Newton iteration(s) of at most"
        + " %d box-QP step(s)%n", model, p == null ? "" : " (for " + p.name() + ")", horizon, m.dt(), iterations,
        qpIterations);
    w.printf(Locale.ROOT, "  Q = %s, Q_H = %s, R = %s, R_rate = %s%n", PlantsCommand.vector(policy.stateWeights()),
        PlantsCommand.vector(policy.terminalWeights()), PlantsCommand.vector(policy.inputWeights()),
        PlantsCommand.vector(policy.rateWeights()));
    w.printf(Locale.ROOT, "  x_ref = %s (default; the reference is given at run time), u_ref = %s, inputs in %s .. %s%n",
        PlantsCommand.vector(policy.referenceState()), PlantsCommand.vector(policy.referenceInput()),
        Arrays.toString(lo), Arrays.toString(hi));
    w.printf("wrote %s%n", out);
    w.flush();
    return 0;
  }
}
