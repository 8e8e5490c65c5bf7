package io.loopforge.studies;

import io.loopforge.codegen.CodeGenerator;
import io.loopforge.codegen.CodegenOptions;
import io.loopforge.codegen.Language;
import io.loopforge.codegen.TwinController;
import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.excitation.Excitation;
import io.loopforge.modeling.excitation.ExcitationKind;
import io.loopforge.modeling.loop.ClosedLoop;
import io.loopforge.modeling.loop.ClosedLoopResult;
import io.loopforge.modeling.loop.StageCost;
import io.loopforge.modeling.plant.Pendulum;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantSimulator;
import io.loopforge.modeling.policy.AffinePolicy;
import io.loopforge.modeling.policy.Controller;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.policy.MpcPolicy;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.sindy.FeatureLibrary;
import io.loopforge.modeling.sindy.Sindy;
import io.loopforge.modeling.sindy.SindyModel;
import io.loopforge.modeling.sindy.Stlsq;
import io.loopforge.mpc.GaussNewtonMpc;
import io.loopforge.mpc.LqrDesign;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The quality of the on-device MPC (issue 18): the generated float32 controller (its Java twin, the
 * firmware's bits) against a saturated LQR designed on the same learned model with the same weights, and
 * against the same MPC in double ({@link GaussNewtonMpc}), in seeded closed loops on the simulated
 * pendulum from ±0.5–0.8 rad where the ±3 N·m torque limit is active (gravity there is 4.7–7 N·m). Every
 * controller is scored by the MPC's own stage cost {@code ((x − x_ref)ᵀ Q (x − x_ref) + uᵀ R u)·dt} summed
 * over the episode. The model is the one the BENCHMARKS.md commands make: SINDy (polynomial 1 + Fourier 1,
 * STLSQ 0.05) fitted to 200 s of multisine data sampled at 0.05 s, RK4 with 4 substeps.
 */
public final class OnDeviceMpcStudy {
  /** Settings; {@link #standard()} is the (20 episodes of 5 s). */
  public record Options(int episodes, int steps, int horizon, int iterations, long seed) {
    public static Options standard() {
      return new Options(20, 100, 10, 3, 1);
    }
  }

  /** One start: its costs under the three controllers and whether the MPC's input hit the bound. */
  public record Episode(int index, double[] initialState, double lqrCost, double mpcCost, double mpcDoubleCost,
      boolean saturated) {
    /** (float32 MPC − double MPC) / double MPC. */
    public double relativeToDouble() {
      return (mpcCost - mpcDoubleCost) / mpcDoubleCost;
    }
  }

  /** All episodes and the two goals' tallies. */
  public record Report(SindyModel model, Options options, List<Episode> episodes) {
    /** Episodes where the float32 MPC's cost is at most the LQR's. */
    public int noWorseThanLqr() {
      return (int) episodes.stream().filter(e -> e.mpcCost() <= e.lqrCost()).count();
    }

    /** Episodes where the float32 MPC's cost is within 10 % of the double MPC's. */
    public int withinTenPercentOfDouble() {
      return (int) episodes.stream().filter(e -> Math.abs(e.relativeToDouble()) <= 0.10).count();
    }

    /** Episodes where the MPC's input reached the torque limit. */
    public int saturated() {
      return (int) episodes.stream().filter(Episode::saturated).count();
    }
  }

  static final double[] Q = {10, 1};
  static final double R = 0.01;

  private OnDeviceMpcStudy() {}

  /** The learned pendulum model of the study (and of BENCHMARKS.md's commands). */
  static SindyModel model(Plant plant) {
    double dt = 0.05;
    double[][] u = Excitation.generate(ExcitationKind.MULTISINE, 4000, dt, plant.inputLower(), plant.inputUpper(), 0);
    Dataset data = PlantSimulator.withDefaults().collect(plant, new double[] {2.5, 0}, u, dt, 0);
    return Sindy.builder()
        .library(FeatureLibrary.concat(FeatureLibrary.polynomial(1), FeatureLibrary.fourier(1)))
        .optimizer(Stlsq.builder().threshold(0.05).alpha(0).build())
        .build()
        .fit(data);
  }

  public static Report run(Options o, PrintWriter progress) {
    Plant plant = Pendulum.withDefaults();
    SindyModel model = model(plant);
    InputBounds bounds = InputBounds.of(plant.inputLower(), plant.inputUpper());
    MpcPolicy policy = MpcPolicy.builder(model).horizon(o.horizon()).iterations(o.iterations()).stateWeights(Q)
        .inputWeights(R).inputBounds(bounds).build();
    Controller mpc = TwinController.of(CodeGenerator.generate(Model.of(policy),
        CodegenOptions.builder("mpc").languages(Language.JAVA).build()));
    Controller mpcDouble = new GaussNewtonMpc(policy);
    LqrDesign lqr = LqrDesign.builder(model, plant).referenceState(0, 0).referenceInput(0).stateWeights(Q)
        .inputWeights(R).build();
    Controller lqrPolicy = AffinePolicy.builder(model.stateNames(), model.inputNames(), model.dt()).gain(lqr.gain())
        .inputReference(lqr.referenceInput()).referenceLayout(AffinePolicy.ReferenceLayout.STATE).inputBounds(bounds)
        .build();
    StageCost cost = new StageCost() {
      @Override
      public double cost(double[] x, double[] u, double[] r, double dt) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
          s += Q[i] * (x[i] - r[i]) * (x[i] - r[i]);
        }
        return (s + R * u[0] * u[0]) * dt;
      }

      @Override
      public String description() {
        return "((x - r)' diag(10, 1) (x - r) + 0.01 u^2) dt";
      }
    };
    SplittableRandom rnd = new SplittableRandom(o.seed());
    List<Episode> episodes = new ArrayList<>();
    for (int e = 0; e < o.episodes(); e++) {
      double[] x0 = {(rnd.nextBoolean() ? 1 : -1) * rnd.nextDouble(0.5, 0.8), rnd.nextDouble(-0.5, 0.5)};
      ClosedLoopResult m = loop(plant, mpc, x0, o, cost);
      ClosedLoopResult md = loop(plant, mpcDouble, x0, o, cost);
      ClosedLoopResult l = loop(plant, lqrPolicy, x0, o, cost);
      boolean saturated = false;
      for (int k = 0; k < o.steps(); k++) {
        saturated |= Math.abs(m.trajectory().input(k)[0]) >= plant.inputUpper()[0];
      }
      episodes.add(new Episode(e, x0, l.totalCost(), m.totalCost(), md.totalCost(), saturated));
      if (progress != null) {
        progress.printf(Locale.ROOT, "  episode %d: LQR %.4f, MPC f32 %.4f, MPC f64 %.4f%n", e, l.totalCost(),
            m.totalCost(), md.totalCost());
        progress.flush();
      }
    }
    return new Report(model, o, episodes);
  }

  private static ClosedLoopResult loop(Plant plant, Controller c, double[] x0, Options o, StageCost cost) {
    return ClosedLoop.builder(plant, c).steps(o.steps()).initialState(x0).reference(0, 0).stageCost(cost)
        .stopOutsideRegion(false).build().run();
  }

  /** The Markdown table of BENCHMARKS.md. */
  public static String markdown(Report r) {
    StringBuilder s = new StringBuilder();
    Options o = r.options();
    s.append(String.format(Locale.ROOT, "### On-device MPC quality (pendulum, %d episodes of %d steps, H = %d, %d"
        + " iterations, seed %d)%n%n", o.episodes(), o.steps(), o.horizon(), o.iterations(), o.seed()));
    s.append("| episode | θ₀ (rad) | ω₀ (rad/s) | LQR | MPC f32 (generated) | MPC f64 | f32 vs f64 | bound hit |\n");
    s.append("|---|---|---|---|---|---|---|---|\n");
    for (Episode e : r.episodes()) {
      s.append(String.format(Locale.ROOT, "| %d | %.3f | %.3f | %.4f | %.4f | %.4f | %+.1e %% | %s |%n", e.index(),
          e.initialState()[0], e.initialState()[1], e.lqrCost(), e.mpcCost(), e.mpcDoubleCost(),
          100 * e.relativeToDouble(), e.saturated() ? "yes" : "no"));
    }
    int n = r.episodes().size();
    s.append(String.format(Locale.ROOT, "%nMPC f32 no worse than the LQR in %d of %d episodes (goal: ≥ 90 %%); within"
        + " 10 %% of the MPC in double in %d of %d; the torque bound active in %d of %d.%n", r.noWorseThanLqr(), n,
        r.withinTenPercentOfDouble(), n, r.saturated(), n));
    return s.toString();
  }
}
