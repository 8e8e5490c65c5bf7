package io.loopforge.mpc.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.nn.NeuronKind;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.policy.NetworkPolicy;
import io.loopforge.modeling.policy.PolynomialPolicy;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.mpc.MpcException;
import io.loopforge.mpc.MpcProblem;
import io.loopforge.mpc.PlanStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistilledPoliciesTest {
  private static final MpcProblem PROBLEM = DistillFixtures.problem(3);
  private static final InputBounds BOX = InputBounds.of(PROBLEM.inputLower(), PROBLEM.inputUpper());
  private static SolveDataset data;

  @BeforeAll
  static void solve(@TempDir Path dir) throws Exception {
    List<SolveTask> tasks = SolveJob.tasks(DistillFixtures.region().sample(SampleRegion.Design.LATIN_HYPERCUBE, 240, 11),
        PROBLEM.stateReference());
    data = SolveJob.builder(() -> DistillFixtures.mip(PROBLEM), tasks).directory(dir).chunkSize(40)
        .fanOut(ExecutorFanOut.threads(2)).build().run();
    assertEquals(240, data.training().size(), data.toString());
  }

  /** RMS of policy − MPC input over held-out solves, N. */
  private static double heldOutRms(io.loopforge.modeling.policy.Controller policy) {
    SplittableRandom rng = new SplittableRandom(99);
    double s = 0;
    int n = 60;
    double[] u = new double[1];
    for (int k = 0; k < n; k++) {
      double[] x = new double[4];
      double[] lo = DistillFixtures.region().lower();
      double[] hi = DistillFixtures.region().upper();
      for (int i = 0; i < 4; i++) {
        x[i] = lo[i] + (hi[i] - lo[i]) * rng.nextDouble();
      }
      SolveRecord r = SolveJob.solve(DistillFixtures.mip(PROBLEM), new SolveTask(k, x, PROBLEM.stateReference()));
      policy.control(x, PROBLEM.stateReference(), u);
      s += (u[0] - r.input()[0]) * (u[0] - r.input()[0]);
    }
    return Math.sqrt(s / n);
  }

  private static double rmsOfInputs() {
    double s = 0;
    for (SolveRecord r : data.training()) {
      s += r.input()[0] * r.input()[0];
    }
    return Math.sqrt(s / data.training().size());
  }

  @Test
  void theReluPolicyImitatesTheMpcOnHeldOutStatesAndRoundTripsThroughTheRegistry(@TempDir Path dir) {
    NetworkPolicy p = ReluPolicyTrainer.builder().hidden(16, 16).epochs(200).seed(3).build().train(data, BOX, 0.05);
    double rms = heldOutRms(p);
    double affine = heldOutRms(PolynomialPolicyFit.fit(data, 1, 0, BOX, 0.05));
    assertTrue(rms < 0.35 * rmsOfInputs() && rms < affine, "held-out RMS " + rms + " N against inputs of RMS "
        + rmsOfInputs() + " N and the affine least-squares fit's " + affine + " N");
    // saturation: far outside the data the output stays in the box
    double[] u = p.control(new double[] {0.9, 0.55, 3.9, 5.9}, PROBLEM.stateReference());
    assertTrue(u[0] >= -20 && u[0] <= 20);
    Path file = dir.resolve("relu-policy.json");
    ModelFiles.write(Model.of(p), file);
    Model back = ModelFiles.read(file).model();
    assertEquals(p, back.value());
    assertEquals(List.of("cart_position_ref", "pole_angle_ref", "cart_velocity_ref", "pole_angular_velocity_ref"),
        back.controller("test").referenceNames());
  }

  @Test
  void theReluPolicyIsAPureFunctionOfDataAndSeed() {
    ReluPolicyTrainer t = ReluPolicyTrainer.builder().hidden(8).epochs(20).seed(5).build();
    assertEquals(t.train(data, BOX, 0.05), t.train(data, BOX, 0.05));
  }

  @Test
  void pruningLeavesTheRequestedReluCountAsZeroNeurons() {
    NetworkPolicy p = ReluPolicyTrainer.builder().hidden(12).epochs(100).keepRelus(6).seed(3).build()
        .train(data, BOX, 0.05);
    int relu = 0;
    int zero = 0;
    for (NeuronKind k : p.kinds(0)) {
      relu += k == NeuronKind.RELU ? 1 : 0;
      zero += k == NeuronKind.ZERO ? 1 : 0;
    }
    assertEquals(6, relu);
    assertEquals(6, zero);
    double rms = heldOutRms(p);
    assertTrue(rms < 0.5 * rmsOfInputs(), "held-out RMS " + rms + " N against inputs of RMS " + rmsOfInputs() + " N");
  }

  @Test
  void thePolynomialPolicyIsSparseAndImitatesTheMpc() {
    PolynomialPolicy p = PolynomialPolicyFit.fit(data, 3, 0.5, BOX, 0.05);
    // 4 states, degree 3: 35 terms (the reference is constant here, so it is not in the library)
    assertTrue(p.termCount() < 60 && p.termCount() == p.nonZeros(), p.toString());
    assertEquals(3, p.degree());
    for (int t = 0; t < p.termCount(); t++) {
      assertTrue(!p.termName(t).contains("_ref"), p.termName(t));
    }
    double rms = heldOutRms(p);
    double affine = heldOutRms(PolynomialPolicyFit.fit(data, 1, 0, BOX, 0.05));
    assertTrue(rms < 0.35 * rmsOfInputs() && rms < affine, "held-out RMS " + rms + " N against inputs of RMS "
        + rmsOfInputs() + " N and the affine least-squares fit's " + affine + " N");
    assertTrue(p.equations().startsWith("force ="), p.equations());
    assertEquals(p, ModelFiles.read(writeTo(p)).model().value());
  }

  /** Solves of the law u = clip(2 + 30 x₀ − 10 x₁, ±20) at random states, some of them scaled by {@code unit}. */
  private static SolveDataset saturatedLaw(double unit) {
    SplittableRandom rng = new SplittableRandom(7);
    List<SolveRecord> rows = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      double[] x = {rng.nextDouble(-1, 1), rng.nextDouble(-1, 1), rng.nextDouble(-1, 1), rng.nextDouble(-1, 1)};
      double u = Math.max(-20, Math.min(20, 2 + 30 * x[0] - 10 * x[1]));
      x[0] *= unit;
      rows.add(new SolveRecord(i, x, new double[4], new double[] {u}, PlanStatus.OPTIMAL, 0, 0));
    }
    return new SolveDataset(data.stateNames(), data.inputNames(), rows);
  }

  @Test
  void solvesOnAnInputBoundThatTheClippedFitAlreadyMatchesDoNotBendTheFit() {
    SolveDataset law = saturatedLaw(1);
    long saturated = law.records().stream().filter(r -> Math.abs(r.input()[0]) == 20).count();
    assertTrue(saturated > 40 && saturated < 160, saturated + " of 200 on a bound");
    // an affine library holds the law's unsaturated part exactly; least squares on every solve would tilt it
    // towards the bound values (the clipped law is not affine), the censored fit recovers it
    PolynomialPolicy p = PolynomialPolicyFit.fit(law, 1, 0, BOX, 0.05);
    SplittableRandom rng = new SplittableRandom(8);
    for (int k = 0; k < 100; k++) {
      double[] x = {rng.nextDouble(-1, 1), rng.nextDouble(-1, 1), rng.nextDouble(-1, 1), rng.nextDouble(-1, 1)};
      double want = Math.max(-20, Math.min(20, 2 + 30 * x[0] - 10 * x[1]));
      assertEquals(want, p.control(x, new double[4])[0], 1e-9, "at " + java.util.Arrays.toString(x));
    }
  }

  @Test
  void theThresholdDoesNotDependOnTheStatesUnits() {
    // the same law with x₀ in units a thousand times smaller: the same terms survive the threshold and the
    // policy gives the same inputs at the same physical states
    PolynomialPolicy metres = PolynomialPolicyFit.fit(saturatedLaw(1), 3, 0.5, BOX, 0.05);
    PolynomialPolicy millimetres = PolynomialPolicyFit.fit(saturatedLaw(1000), 3, 0.5, BOX, 0.05);
    assertEquals(metres.termCount(), millimetres.termCount(), metres + " against " + millimetres);
    SplittableRandom rng = new SplittableRandom(9);
    for (int k = 0; k < 50; k++) {
      double[] x = {rng.nextDouble(-1, 1), rng.nextDouble(-1, 1), rng.nextDouble(-1, 1), rng.nextDouble(-1, 1)};
      double[] mm = x.clone();
      mm[0] *= 1000;
      assertEquals(metres.control(x, new double[4])[0], millimetres.control(mm, new double[4])[0], 1e-9);
    }
  }

  @Test
  void referenceComponentsThatNeverChangeAreLeftOutOfTheLibrary() {
    // 240 solves at one set-point: degree 4 on the 4 states is 70 terms (on 4 states + 4 references, 495)
    PolynomialPolicy p = PolynomialPolicyFit.fit(data, 4, 0.5, BOX, 0.05);
    assertEquals(4, p.degree());
    for (int t = 0; t < p.termCount(); t++) {
      assertTrue(!p.termName(t).contains("_ref"), p.termName(t));
    }
    // one reference component that varies joins the states: degree 2 on 5 variables is 21 terms
    List<SolveRecord> varied = new ArrayList<>();
    for (SolveRecord r : data.training().subList(0, 20)) {
      double[] ref = r.reference();
      ref[0] = 0.01 * r.index();
      varied.add(new SolveRecord(r.index(), r.state(), ref, r.input(), r.status(), r.cost(), r.solveNanos()));
    }
    MpcException e = assertThrows(MpcException.class, () -> PolynomialPolicyFit.fit(
        new SolveDataset(data.stateNames(), data.inputNames(), varied), 2, 0.1, BOX, 0.05));
    assertTrue(e.getMessage().startsWith("the dataset has 20 proven-optimal solves ({OPTIMAL=20}), fewer than the 21"
        + " terms"), e.getMessage());
  }

  @TempDir static Path files;

  private static Path writeTo(PolynomialPolicy p) {
    Path f = files.resolve("polynomial-policy.json");
    ModelFiles.write(Model.of(p), f);
    return f;
  }

  @Test
  void aPolicyNeedsProvenOptimalSolves() {
    List<SolveRecord> bad = new ArrayList<>();
    for (SolveRecord r : data.records().subList(0, 30)) {
      bad.add(new SolveRecord(r.index(), r.state(), r.reference(), r.input(), PlanStatus.FEASIBLE, r.cost(),
          r.solveNanos()));
    }
    SolveDataset feasible = new SolveDataset(data.stateNames(), data.inputNames(), bad);
    MpcException e = assertThrows(MpcException.class,
        () -> ReluPolicyTrainer.builder().build().train(feasible, BOX, 0.05));
    assertEquals("the dataset has 0 proven-optimal solves ({FEASIBLE=30}); a policy needs at least 2", e.getMessage());
    MpcException f = assertThrows(MpcException.class, () -> PolynomialPolicyFit.fit(feasible, 2, 0.1, BOX, 0.05));
    assertTrue(f.getMessage().startsWith("the dataset has 0 proven-optimal solves ({FEASIBLE=30}), fewer than the 45"
        + " terms"), f.getMessage());
  }

  @Test
  void closedLoopStatesComeFromTheControllersOwnLoops() {
    PolynomialPolicy p = PolynomialPolicyFit.fit(data, 1, 0.01, BOX, 0.05);
    List<double[]> starts = List.of(new double[] {0.2, 0.1, 0, 0}, new double[] {-0.3, -0.1, 0.2, 0});
    List<double[]> xs = ClosedLoopStates.visit(DistillFixtures.PLANT, p, starts, 10, PROBLEM.stateReference());
    assertEquals(20, xs.size()); // 10 states per loop (x0 … x9), all inside the operating region
    assertArrayEquals(starts.get(1), xs.get(10));
    assertEquals(xs.size(), ClosedLoopStates.visit(DistillFixtures.PLANT, p, starts, 10, PROBLEM.stateReference())
        .size());
  }
}
