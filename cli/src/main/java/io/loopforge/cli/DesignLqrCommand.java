package io.loopforge.cli;

import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantCatalog;
import io.loopforge.modeling.policy.AffinePolicy;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.mpc.LqrDesign;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code loopforge design lqr}: a discrete-time LQR about a plant's equilibrium, saved as a policy. */
@Command(
    name = "lqr",
    mixinStandardHelpOptions = true,
    header = "Design a discrete-time LQR and save it as a policy.",
    description = {
      "Design a discrete-time LQR on the plant's linearisation at the reference (exact Jacobians,",
      "zero-order hold at DT, Riccati equation) and save u = sat(u_ref - K (x - x_ref)) as a policy",
      "model file (type policy) that 'loopforge generate' turns into C and Java."
    })
final class DesignLqrCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--plant", required = true, paramLabel = "NAME", description = "Plant (see loopforge plants).")
  String plant;

  @Option(names = "--dt", required = true, paramLabel = "DT", description = "Control period, s.")
  double dt;

  @Option(names = "--x-ref", split = ",", paramLabel = "X", description = "Reference state (default: the plant's task).")
  double[] xRef;

  @Option(names = "--u-ref", split = ",", paramLabel = "U", description = "Input that holds the reference (default: the plant's task).")
  double[] uRef;

  @Option(names = "--q", split = ",", paramLabel = "W", description = "Diagonal of Q, one weight per state (default: all 1).")
  double[] q;

  @Option(names = "--r", split = ",", paramLabel = "W", description = "Diagonal of R, one weight per input (default: all 1).")
  double[] r;

  @Option(names = "--out", required = true, paramLabel = "FILE.json", description = "Where to write the policy.")
  Path out;

  @Override
  public Integer call() {
    Plant p = PlantCatalog.create(plant);
    LqrDesign.Builder b = LqrDesign.builder(p, dt);
    if (xRef != null) {
      b.referenceState(xRef);
    }
    if (uRef != null) {
      b.referenceInput(uRef);
    }
    if (q != null) {
      b.stateWeights(q);
    }
    if (r != null) {
      b.inputWeights(r);
    }
    LqrDesign design = b.build();
    AffinePolicy policy = AffinePolicy.builder(p.stateNames(), p.inputNames(), dt)
        .gain(design.gain())
        .inputReference(design.referenceInput())
        .referenceLayout(AffinePolicy.ReferenceLayout.STATE)
        .inputBounds(InputBounds.of(p.inputLower(), p.inputUpper()))
        .build();
    ModelFiles.write(Model.of(policy), out);
    PrintWriter w = spec.commandLine().getOut();
    w.printf(Locale.ROOT, "LQR for %s at x_ref = %s, u_ref = %s, dt = %s s%n", p.name(),
        PlantsCommand.vector(design.referenceState()), PlantsCommand.vector(design.referenceInput()), dt);
    double[][] k = design.gain();
    for (int i = 0; i < k.length; i++) {
      w.printf(Locale.ROOT, "  K[%s] = %s%n", p.inputNames().get(i), PlantsCommand.vector(k[i]));
    }
    w.printf(Locale.ROOT, "  closed-loop spectral radius %.6f (stable below 1)%n", design.closedLoopSpectralRadius());
    w.printf("wrote %s (the reference is given at run time: x_ref as the controller's reference input)%n", out);
    w.flush();
    return 0;
  }
}
