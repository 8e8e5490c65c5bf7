package io.loopforge.modeling.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.Trajectory;
import io.loopforge.modeling.ode.OdeSystem;
import io.loopforge.modeling.ode.Rk4;
import io.loopforge.modeling.plant.CartPole;
import io.loopforge.modeling.plant.MassSpringDamper;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantSimulator;
import io.loopforge.modeling.policy.AffinePolicy;
import io.loopforge.modeling.policy.Controller;
import io.loopforge.modeling.policy.InputBounds;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClosedLoopTest {
  private static final MassSpringDamper MSD = MassSpringDamper.withDefaults();
  private static final PlantSimulator RK4_4 =
      PlantSimulator.builder().integrator(PlantSimulator.Integrator.RK4).rk4Substeps(4).build();

  /** u = 1 − (20 (p − p_ref) + 6 (v − v_ref)): a stabilising gain with the spring's equilibrium force 1 N. */
  private static AffinePolicy msdPolicy(InputBounds bounds) {
    return AffinePolicy.builder(MSD.stateNames(), MSD.inputNames(), 0.01)
        .gain(new double[][] {{20, 6}})
        .inputReference(new double[] {1.0})
        .inputBounds(bounds)
        .build();
  }

  private static AffinePolicy msdPolicy() {
    return msdPolicy(InputBounds.of(MSD.inputLower(), MSD.inputUpper()));
  }

  @Test
  void affinePolicyOnTheMassSpringDamperConvergesAndCostsWhatAHandRolledLoopSums() {
    AffinePolicy policy = msdPolicy();
    int n = 800;
    double dt = 0.01;
    ClosedLoopResult r = ClosedLoop.builder(MSD, policy).steps(n).simulator(RK4_4).build().run();

    assertEquals(ClosedLoopResult.StopReason.COMPLETED, r.stopReason());
    assertEquals(n, r.steps());
    assertEquals(0.5, r.finalState()[0], 1e-6);
    assertEquals(0.0, r.finalState()[1], 1e-6);

    // The same loop written out by hand: RK4 with 4 substeps, the task cost (u_ref = k·p_ref = 1 N).
    double[] x = MSD.defaultInitialState();
    double[] ref = {0.5, 0.0};
    double[] u = new double[1];
    OdeSystem f = (t, s, ds) -> MSD.derivative(s, u, ds);
    Rk4 rk4 = new Rk4(2);
    double cost = 0;
    for (int k = 0; k < n; k++) {
      assertArrayEquals(x, r.trajectory().state(k), 0.0, "state " + k);
      policy.control(x, ref, u);
      assertEquals(u[0], r.trajectory().input(k)[0], 0.0, "input " + k);
      double dp = x[0] - 0.5;
      double dv = x[1];
      double du = u[0] - 1.0;
      double stage = (dp * dp + dv * dv + du * du) * dt;
      assertEquals(stage, r.stageCosts()[k], 0.0, "stage cost " + k);
      cost += stage;
      for (int s = 0; s < 4; s++) {
        rk4.step(f, k * dt + s * dt / 4, x, dt / 4, x);
      }
    }
    assertEquals(cost, r.totalCost(), 0.0);
    assertArrayEquals(x, r.finalState(), 0.0);
    assertEquals(ClosedLoopResult.StopReason.COMPLETED, r.stopReason());
    assertEquals("ran all 800 steps", r.stopDetail());
  }

  @Test
  void thePlantMovesAsThePlantSimulatorMovesItUnderTheAppliedInputs() {
    for (PlantSimulator sim : List.of(PlantSimulator.withDefaults(), RK4_4)) {
      ClosedLoopResult r = ClosedLoop.builder(MSD, msdPolicy()).steps(300).simulator(sim).build().run();
      Trajectory open = sim.simulate(MSD, r.initialState(), r.trajectory().inputs(), 0.01);
      assertEquals(open.states().length, r.steps());
      assertTrue(Arrays.deepEquals(open.states(), r.trajectory().states()), sim.toString());
    }
  }

  @Test
  void theSameSeedGivesTheSameNoisyRunAnotherSeedAnother() {
    ClosedLoop.Builder b = ClosedLoop.builder(MSD, msdPolicy()).steps(300).simulator(RK4_4)
        .measurementNoise(0.01, 0.02).inputDisturbance(0.3);
    ClosedLoopResult a = b.seed(7).build().run();
    ClosedLoopResult again = b.seed(7).build().run();
    ClosedLoopResult other = b.seed(8).build().run();
    assertEquals(a.trajectory(), again.trajectory());
    assertTrue(Arrays.deepEquals(a.measurements(), again.measurements()));
    assertTrue(Arrays.deepEquals(a.disturbances(), again.disturbances()));
    assertEquals(a.totalCost(), again.totalCost(), 0.0);
    assertNotEquals(a.trajectory(), other.trajectory());
    assertNotEquals(a.totalCost(), other.totalCost());

    // The controller saw the noisy state; the cost and the trajectory hold the true one.
    double[][] y = a.measurements();
    double[][] x = a.trajectory().states();
    assertNotEquals(y[10][0], x[10][0]);
    assertEquals(x[10][0], y[10][0], 0.1);
    // The plant moved under u + d: replaying the open loop with those inputs gives the same states.
    double[][] d = a.disturbances();
    double[][] ud = a.trajectory().inputs();
    for (int k = 0; k < ud.length; k++) {
      ud[k][0] += d[k][0];
    }
    assertTrue(Arrays.deepEquals(RK4_4.simulate(MSD, a.initialState(), ud, 0.01).states(), x));
  }

  @Test
  void anInputDisturbanceDoesNotChangeTheNoiseDrawn() {
    ClosedLoop.Builder b = ClosedLoop.builder(MSD, msdPolicy()).steps(50).measurementNoise(0.01, 0.02).seed(3);
    ClosedLoopResult plain = b.build().run();
    ClosedLoopResult disturbed = b.inputDisturbance(0.5).build().run();
    double[][] a = plain.measurements();
    double[][] c = disturbed.measurements();
    double[][] xa = plain.trajectory().states();
    double[][] xc = disturbed.trajectory().states();
    for (int k = 0; k < 50; k++) {
      for (int j = 0; j < 2; j++) {
        assertEquals(a[k][j] - xa[k][j], c[k][j] - xc[k][j], 1e-12, "noise at step " + k);
      }
    }
  }

  @Test
  void saturationIsAppliedAndCounted() {
    // Without the policy's own clamp the raw output at rest is 1 − 20·(0 − 0.5) = 11 N; the actuator gives 10 N.
    ClosedLoopResult r = ClosedLoop.builder(MSD, msdPolicy(InputBounds.unbounded(1))).steps(300).build().run();
    double[][] raw = r.rawInputs();
    double[][] applied = r.trajectory().inputs();
    assertEquals(11.0, raw[0][0], 0.0);
    assertEquals(10.0, applied[0][0], 0.0);
    int count = 0;
    double amount = 0;
    for (int k = 0; k < r.steps(); k++) {
      assertTrue(applied[k][0] >= -10 && applied[k][0] <= 10);
      if (raw[k][0] <= -10 || raw[k][0] >= 10) {
        count++;
        amount += Math.abs(raw[k][0] - applied[k][0]);
      }
    }
    assertTrue(count >= 1);
    assertEquals(count, r.violations().inputSaturations());
    assertEquals(amount, r.violations().inputSaturationAmount(), 1e-12);
    assertEquals(0, r.violations().stateViolations());

    // A policy that saturates its own output runs the actuator at its limit too: counted, with no amount past it.
    ClosedLoopResult own = ClosedLoop.builder(MSD, msdPolicy()).steps(300).build().run();
    assertEquals(10.0, own.rawInputs()[0][0], 0.0);
    assertEquals(count, own.violations().inputSaturations());
    assertEquals(0.0, own.violations().inputSaturationAmount(), 0.0);

    ClosedLoopResult wide = ClosedLoop.builder(MSD, msdPolicy(InputBounds.unbounded(1))).steps(300)
        .inputBounds(InputBounds.of(new double[] {-20}, new double[] {20})).build().run();
    assertEquals(0, wide.violations().inputSaturations());
    assertEquals(11.0, wide.trajectory().input(0)[0], 0.0);
  }

  @Test
  void aRunStopsWhereTheStateLeavesTheOperatingRegion() {
    CartPole plant = CartPole.withDefaults();
    AffinePolicy idle = AffinePolicy.builder(plant.stateNames(), plant.inputNames(), 0.02)
        .gain(new double[1][4]).build();
    ClosedLoopResult r = ClosedLoop.builder(plant, idle).steps(500).build().run();

    assertEquals(ClosedLoopResult.StopReason.LEFT_REGION, r.stopReason());
    assertTrue(r.steps() > 10 && r.steps() < 500, "steps " + r.steps());
    double[] lo = plant.stateLower();
    double[] hi = plant.stateUpper();
    for (int k = 0; k < r.steps(); k++) {
      double[] x = r.trajectory().state(k);
      for (int j = 0; j < 4; j++) {
        assertTrue(x[j] >= lo[j] && x[j] <= hi[j], "state " + k + " inside");
      }
    }
    double angle = r.finalState()[1];
    assertTrue(angle > 1.0 && angle < 1.1, "the pole just passed 1 rad: " + angle);
    assertEquals(1, r.violations().stateViolations());
    assertEquals(angle - 1.0, r.violations().maxStateViolation(), 1e-15);
    assertTrue(r.stopDetail().startsWith("after step " + (r.steps() - 1) + " (t = "), r.stopDetail());
    assertTrue(r.stopDetail().endsWith("the state left the operating region: pole_angle = " + angle
        + " is above 1.0"), r.stopDetail());

    ClosedLoopResult on = ClosedLoop.builder(plant, idle).steps(100).stopOutsideRegion(false).build().run();
    assertEquals(ClosedLoopResult.StopReason.COMPLETED, on.stopReason());
    assertEquals(100, on.steps());
    assertTrue(on.violations().stateViolations() > 1);
  }

  @Test
  void aReferenceTrajectoryIsTracked() {
    // p_ref = 0.3 sin(ωt), with the feed-forward force m·a + c·v + k·p in the reference ([x_ref; u_ref]).
    double dt = 0.01;
    int n = 1000;
    double w = 1.5;
    AffinePolicy policy = AffinePolicy.builder(MSD.stateNames(), MSD.inputNames(), dt)
        .gain(new double[][] {{20, 6}})
        .referenceLayout(AffinePolicy.ReferenceLayout.STATE_AND_INPUT)
        .build();
    double[][] refs = new double[n][];
    for (int k = 0; k < n; k++) {
      double t = k * dt;
      double p = 0.3 * Math.sin(w * t);
      double v = 0.3 * w * Math.cos(w * t);
      double a = -0.3 * w * w * Math.sin(w * t);
      refs[k] = new double[] {p, v, 1.0 * a + 0.5 * v + 2.0 * p};
    }
    ClosedLoopResult r = ClosedLoop.builder(MSD, policy).steps(n).initialState(0, 0).referenceTrajectory(refs)
        .build().run();
    assertEquals(n, r.steps());
    assertTrue(Arrays.deepEquals(refs, r.references()));
    double worst = 0;
    for (int k = n / 2; k < n; k++) {
      worst = Math.max(worst, Math.abs(r.trajectory().state(k)[0] - refs[k][0]));
    }
    assertTrue(worst < 2e-3, "tracking error in the second half: " + worst);
    // The default cost compares the state with the reference's state part and the input with the task's u_ref.
    double[] x = r.trajectory().state(0);
    double u = r.trajectory().input(0)[0];
    assertEquals((sq(x[0] - refs[0][0]) + sq(x[1] - refs[0][1]) + sq(u - 1.0)) * dt, r.stageCosts()[0], 0.0);
  }

  private static double sq(double v) {
    return v * v;
  }

  /** One step of a test model. */
  private interface Step {
    void step(double[] x, double[] u, double[] next);
  }

  private static DynamicsModel model(double dt, Step step) {
    return new DynamicsModel() {
      @Override
      public List<String> stateNames() {
        return List.of("position", "velocity");
      }

      @Override
      public List<String> inputNames() {
        return List.of("force");
      }

      @Override
      public double dt() {
        return dt;
      }

      @Override
      public void step(double[] x, double[] u, double[] next) {
        step.step(x, u, next);
      }

      @Override
      public void jacobian(double[] x, double[] u, double[][] a, double[][] b) {
        throw new UnsupportedOperationException();
      }
    };
  }

  /** x⁺ = x + dt·(v, u), a discrete double integrator. */
  private static DynamicsModel doubleIntegrator(double dt) {
    return model(dt, (x, u, next) -> {
      next[0] = x[0] + dt * x[1];
      next[1] = x[1] + dt * u[0];
    });
  }

  @Test
  void aModelIsSteppedWithItsOwnStep() {
    DynamicsModel model = doubleIntegrator(0.01);
    AffinePolicy policy = AffinePolicy.builder(model.stateNames(), model.inputNames(), 0.01)
        .gain(new double[][] {{4, 3}}).build();
    ClosedLoopResult r = ClosedLoop.builder(model, policy).steps(1000).initialState(1, 0).reference(0, 0)
        .build().run();
    assertEquals("model", r.systemKind());
    assertEquals(ClosedLoopResult.StopReason.COMPLETED, r.stopReason());
    double[] x = {1, 0};
    double cost = 0;
    for (int k = 0; k < 1000; k++) {
      double u = -(4 * x[0] + 3 * x[1]);
      cost += (x[0] * x[0] + x[1] * x[1] + u * u) * 0.01;
      x = model.step(x, new double[] {u});
    }
    assertArrayEquals(x, r.finalState(), 0.0);
    assertEquals(cost, r.totalCost(), 0.0);
    assertEquals(0.0, r.finalState()[0], 1e-3);
  }

  @Test
  void aDivergingModelOrANonFiniteInputStopsTheRun() {
    DynamicsModel explosive = model(0.01, (x, u, next) -> {
      next[0] = x[0] * 1e200;
      next[1] = x[1];
    });
    AffinePolicy idle = AffinePolicy.builder(explosive.stateNames(), explosive.inputNames(), 0.01)
        .gain(new double[][] {{0, 0}}).build();
    ClosedLoopResult r = ClosedLoop.builder(explosive, idle).steps(100).initialState(1, 0).reference(0, 0)
        .build().run();
    assertEquals(ClosedLoopResult.StopReason.DIVERGED, r.stopReason());
    assertEquals(1, r.steps());
    assertArrayEquals(new double[] {1e200, 0}, r.finalState(), 0.0);
    assertTrue(r.stopDetail().startsWith("at step 1 (t = 0.01 s) the model's next position is Infinity"), r.stopDetail());

    DynamicsModel model = doubleIntegrator(0.01);

    Controller nan = new FixedController(model.stateNames(), model.inputNames(), 0.01, 5);
    ClosedLoopResult s = ClosedLoop.builder(model, nan).steps(20).initialState(1, 0).reference(0, 0).build().run();
    assertEquals(ClosedLoopResult.StopReason.NON_FINITE_INPUT, s.stopReason());
    assertEquals(5, s.steps());
    assertEquals("at step 5 (t = 0.05 s) the controller returned force = NaN for the state [1.0, 0.0]",
        s.stopDetail());
  }

  /** Zero input, NaN from step {@code nanAt} on; counts its resets. */
  private static final class FixedController implements Controller {
    private final List<String> states;
    private final List<String> inputs;
    private final double dt;
    private final int nanAt;
    private int calls;
    int resets;

    FixedController(List<String> states, List<String> inputs, double dt, int nanAt) {
      this.states = states;
      this.inputs = inputs;
      this.dt = dt;
      this.nanAt = nanAt;
    }

    @Override
    public List<String> stateNames() {
      return states;
    }

    @Override
    public List<String> inputNames() {
      return inputs;
    }

    @Override
    public List<String> referenceNames() {
      return List.of("r0", "r1");
    }

    @Override
    public double dt() {
      return dt;
    }

    @Override
    public void reset() {
      resets++;
      calls = 0;
    }

    @Override
    public void control(double[] x, double[] reference, double[] u) {
      Arrays.fill(u, calls++ >= nanAt ? Double.NaN : 0.0);
    }
  }

  @Test
  void everyRunResetsTheControllerFirst() {
    FixedController c = new FixedController(MSD.stateNames(), MSD.inputNames(), 0.01, 30);
    ClosedLoop loop = ClosedLoop.builder(MSD, c).steps(20).build();
    ClosedLoopResult first = loop.run();
    ClosedLoopResult second = loop.run();
    assertEquals(2, c.resets);
    assertEquals(ClosedLoopResult.StopReason.COMPLETED, second.stopReason());
    assertEquals(first.trajectory(), second.trajectory());
  }

  @Test
  void controllerTimeIsMeasuredPerStep() {
    ClosedLoopResult r = ClosedLoop.builder(MSD, msdPolicy()).steps(200).build().run();
    long[] ns = r.controllerNanos();
    assertEquals(200, ns.length);
    ClosedLoopResult.Timing t = r.controllerTiming();
    assertTrue(t.medianSeconds() >= 0 && t.medianSeconds() <= t.p95Seconds() && t.p95Seconds() <= t.maxSeconds(),
        t.toString());
    assertEquals(Arrays.stream(ns).max().getAsLong() / 1e9, t.maxSeconds(), 0.0);
  }

  @Test
  void aCustomStageCostIsSummed() {
    StageCost absPosition = (x, u, ref, dt) -> Math.abs(x[0] - ref[0]);
    ClosedLoopResult r = ClosedLoop.builder(MSD, msdPolicy()).steps(50).stageCost(absPosition).build().run();
    double sum = 0;
    for (int k = 0; k < 50; k++) {
      sum += Math.abs(r.trajectory().state(k)[0] - 0.5);
    }
    assertEquals(sum, r.totalCost(), 0.0);
    assertTrue(r.costDefinition().startsWith("custom stage cost"), r.costDefinition());
  }

  @Test
  void badSetupsAreRefusedWithWhatIsWrong() {
    Plant cartpole = CartPole.withDefaults();
    AffinePolicy forCartpole = AffinePolicy.builder(cartpole.stateNames(), cartpole.inputNames(), 0.02)
        .gain(new double[1][4]).build();
    assertEquals("closed loop of plant mass-spring-damper: the controller has 4 states [cart_position, pole_angle,"
        + " cart_velocity, pole_angular_velocity] and 1 input [force], mass-spring-damper has 2 states [position,"
        + " velocity] and 1 input [force]; use a controller made for mass-spring-damper",
        refused(ClosedLoop.builder(MSD, forCartpole).steps(10)));

    AffinePolicy renamed = AffinePolicy.builder(List.of("p", "v"), List.of("f"), 0.01).gain(new double[][] {{1, 1}})
        .build();
    assertEquals("closed loop of plant mass-spring-damper: the controller's state names [p, v] differ from"
        + " mass-spring-damper's [position, velocity] and its input names [f] differ from mass-spring-damper's"
        + " [force]; it was made for another system (or names its variables differently): use a controller made for"
        + " mass-spring-damper", refused(ClosedLoop.builder(MSD, renamed).steps(10)));
    assertEquals("closed loop of plant mass-spring-damper: controller p.json's state names [p, v] differ from"
        + " mass-spring-damper's [position, velocity] and its input names [f] differ from mass-spring-damper's"
        + " [force]; it was made for another system (or names its variables differently): use a controller made for"
        + " mass-spring-damper", refused(ClosedLoop.builder(MSD, renamed).controllerName("p.json").steps(10)));

    ClosedLoop.Builder ok = ClosedLoop.builder(MSD, msdPolicy()).steps(10);
    assertEquals("closed loop of plant mass-spring-damper: the reference has 3 values, the controller expects 2"
        + " [position_ref, velocity_ref]", refused(ok.reference(1, 2, 3)));
    ok.reference(0.5, 0);
    assertEquals("closed loop of plant mass-spring-damper: the reference trajectory has 9 rows, expected one per"
        + " step (10)", refused(ClosedLoop.builder(MSD, msdPolicy()).steps(10).referenceTrajectory(new double[9][2])));
    assertEquals("closed loop of plant mass-spring-damper: the initial state has 3 values, expected 2 [position,"
        + " velocity]", refused(ok.initialState(1, 2, 3)));
    assertEquals("closed loop of plant mass-spring-damper: the initial state's velocity is not finite: NaN",
        refused(ok.initialState(0, Double.NaN)));
    ok.initialState(0, 0);
    assertEquals("closed loop of plant mass-spring-damper: steps must be at least 1, got 0 (set it with steps(n))",
        refused(ClosedLoop.builder(MSD, msdPolicy())));
    assertEquals("closed loop of plant mass-spring-damper: steps must be at least 1, got -3", refused(ok.steps(-3)));
    ok.steps(10);
    assertEquals("closed loop of plant mass-spring-damper: the measurement noise has 1 standard deviations,"
        + " expected one per state [position, velocity]", refused(ok.measurementNoise(0.1)));
    assertEquals("closed loop of plant mass-spring-damper: the input disturbance standard deviation of force must"
        + " be finite and >= 0, got -1.0", refused(ClosedLoop.builder(MSD, msdPolicy()).steps(1).inputDisturbance(-1)));
    assertEquals("closed loop of plant cartpole: the initial state [0.0, 1.5, 0.0, 0.0] is outside the operating"
        + " region (pole_angle = 1.5 is above 1.0); start inside it, or give stopOutsideRegion(false)",
        refused(ClosedLoop.builder(cartpole, forCartpole).steps(1).initialState(0, 1.5, 0, 0)));
    assertEquals("closed loop of model a double integrator: a model has no default initial state: give"
        + " initialState(...) with 2 values [position, velocity]",
        refused(ClosedLoop.builder(doubleIntegrator(0.01), msdPolicyFor(doubleIntegrator(0.01))).steps(1)
            .systemName("a double integrator")));
    assertEquals("closed loop of model a double integrator: the controller runs every 0.01 s, the model steps"
        + " 0.02 s", refused(ClosedLoop.builder(doubleIntegrator(0.02), msdPolicyFor(doubleIntegrator(0.01)))
            .steps(1).systemName("a double integrator")));
  }

  private static AffinePolicy msdPolicyFor(DynamicsModel m) {
    return AffinePolicy.builder(m.stateNames(), m.inputNames(), 0.01).gain(new double[][] {{1, 1}}).build();
  }

  private static String refused(ClosedLoop.Builder b) {
    return assertThrows(ModelingException.class, b::build).getMessage();
  }
}
