package io.loopforge.cli;

import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.policy.AffinePolicy;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.mpc.LqrDesign;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code loopforge design lqr}: a discrete-time LQR about a plant's equilibrium or on a learned model,
 * saved as a policy.
 */
@Command(
    name = "lqr",
    mixinStandardHelpOptions = true,
    header = "Design a discrete-time LQR and save it as a policy.",
    description = {
      "Design a discrete-time LQR and save u = sat(u_ref - K (x - x_ref)) as a policy model file (type",
      "policy) that 'loopforge generate', 'firmware' and 'loop' take.",
      "With --plant: on the plant's linearisation at the reference (exact Jacobians, zero-order hold at DT).",
      "With --model: on a learned model (sindy or relu-network file), from the exact Jacobians of its step at",
      "the reference (its own dt); --plant then gives the reference and the input bounds and must have the",
      "model's states and inputs, else give --x-ref (and --u-ref, --u-min, --u-max).",
      "",
      "Examples:",
      "  loopforge design lqr --plant pendulum --dt 0.02 --q 10,1 --r 1 --out lqr.json",
      "  loopforge design lqr --model sindy.json --plant pendulum --q 10,1 --out lqr.json",
      "  loopforge design lqr --model net.json --x-ref 0,0 --u-min -2 --u-max 2 --out lqr.json",
      ""
    })
final class DesignLqrCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--plant", paramLabel = "NAME",
      description = "Plant (see loopforge plants): the system, or with --model the reference and bounds.")
  String plant;

  @Option(names = "--model", paramLabel = "MODEL.json", description = "Learned model to design on (sindy or relu-network).")
  Path model;

  @Option(names = "--dt", paramLabel = "DT", description = "Control period, s (with --plant alone; a model has its own).")
  Double dt;

  @Option(names = "--x-ref", split = ",", paramLabel = "X", description = "Reference state (default: the plant's task, or 0).")
  double[] xRef;

  @Option(names = "--u-ref", split = ",", paramLabel = "U", description = "Input that holds the reference (default: the plant's task, or 0).")
  double[] uRef;

  @Option(names = "--u-min", split = ",", paramLabel = "U",
      description = "Lower input bounds (default: the plant's, or unbounded for a model alone).")
  double[] uMin;

  @Option(names = "--u-max", split = ",", paramLabel = "U",
      description = "Upper input bounds (default: the plant's, or unbounded for a model alone).")
  double[] uMax;

  @Option(names = "--q", split = ",", paramLabel = "W", description = "Diagonal of Q, one weight per state (default: all 1).")
  double[] q;

  @Option(names = "--r", split = ",", paramLabel = "W", description = "Diagonal of R, one weight per input (default: all 1).")
  double[] r;

  @Option(names = "--out", required = true, paramLabel = "FILE.json", description = "Where to write the policy.")
  Path out;

  @Override
  public Integer call() {
    if (plant == null && model == null) {
      throw new ParameterException(spec.commandLine(), "say what to design on: --plant NAME, --model MODEL.json, or both");
    }
    Plant p = plant == null ? null : PlantsCommand.create(spec, plant);
    OutputPaths.refuseOverwrite(spec, out, model);
    OutputPaths.checkWritable(spec, "--out", out);
    DynamicsModel m = null;
    if (model != null) {
      OutputPaths.refuseOverwrite(spec, out, model);
      m = ModelFiles.read(model).model().dynamics("design lqr --model");
      if (dt != null && dt != m.dt()) {
        throw new ParameterException(spec.commandLine(), "--dt " + dt + " does not apply with --model: the model "
            + model + " steps by its own dt = " + m.dt() + " s; leave --dt out");
      }
    } else if (dt == null) {
      throw new ParameterException(spec.commandLine(), "--plant alone needs --dt, the control period in seconds");
    }
    LqrDesign.Builder b = m == null ? LqrDesign.builder(p, dt) : p == null ? LqrDesign.builder(m)
        : LqrDesign.builder(m, p);
    if (xRef != null) {
      b.referenceState(xRef);
    }
    if (uRef != null) {
      b.referenceInput(uRef);
    }
    if (uMin != null || uMax != null) {
      int nu = m != null ? m.inputDim() : p.inputDim();
      double[] lo = uMin != null ? uMin : p != null ? p.inputLower() : fill(nu, Double.NEGATIVE_INFINITY);
      double[] hi = uMax != null ? uMax : p != null ? p.inputUpper() : fill(nu, Double.POSITIVE_INFINITY);
      b.inputBounds(lo, hi);
    }
    if (q != null) {
      b.stateWeights(q);
    }
    if (r != null) {
      b.inputWeights(r);
    }
    LqrDesign design = b.build();
    List<String> states = m != null ? m.stateNames() : p.stateNames();
    List<String> inputs = m != null ? m.inputNames() : p.inputNames();
    AffinePolicy policy = AffinePolicy.builder(states, inputs, design.dt())
        .gain(design.gain())
        .inputReference(design.referenceInput())
        .referenceLayout(AffinePolicy.ReferenceLayout.STATE)
        .inputBounds(InputBounds.of(design.inputLower(), design.inputUpper()))
        .build();
    ModelFiles.write(Model.of(policy), out);
    PrintWriter w = spec.commandLine().getOut();
    String system = m == null ? p.name() : "the model " + model + (p == null ? "" : " (for " + p.name() + ")");
    w.printf(Locale.ROOT, "LQR for %s at x_ref = %s, u_ref = %s, dt = %s s%n", system,
        PlantsCommand.vector(design.referenceState()), PlantsCommand.vector(design.referenceInput()), design.dt());
    double[][] k = design.gain();
    for (int i = 0; i < k.length; i++) {
      w.printf(Locale.ROOT, "  K[%s] = %s%n", inputs.get(i), PlantsCommand.vector(k[i]));
    }
    w.printf(Locale.ROOT, "  closed-loop spectral radius %.6f (stable below 1)%n", design.closedLoopSpectralRadius());
    if (m != null) {
      w.printf(Locale.ROOT, "  model drift at the reference, step(x_ref, u_ref) - x_ref = %s%n",
          PlantsCommand.vector(design.modelDrift()));
    }
    w.printf("wrote %s (the reference is given at run time: x_ref as the controller's reference input)%n", out);
    w.flush();
    return 0;
  }

  private static double[] fill(int n, double v) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, v);
    return a;
  }
}
