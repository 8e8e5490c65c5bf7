package io.loopforge.studies;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.loop.ClosedLoopResult;
import io.loopforge.modeling.plant.LorenzControl;
import io.loopforge.modeling.plant.PlantSimulator;
import io.loopforge.modeling.sindy.FeatureLibrary;
import io.loopforge.modeling.sindy.Sindy;
import io.loopforge.modeling.sindy.SindyModel;
import io.loopforge.mpc.MpcProblem;
import io.loopforge.mpc.Plan;
import io.loopforge.mpc.PlanRequest;
import io.loopforge.mpc.PlanStatus;
import io.loopforge.mpc.SindyMpcPlanner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class SindyMpcStudyTest {
  @Test
  void theQuickStudyDrivesLorenzToTheFixedPointAndTabulatesIt() {
    StringWriter text = new StringWriter();
    // the stand-in MPPI has its own test; SINDy-MPC alone from one state keeps the run short
    SindyMpcStudy.Options o = SindyMpcStudy.Options.quick().withEpisodes(1, 250)
        .withPlanners(List.of(SindyMpcStudy.defaultPlanners(1).get(0)));
    SindyMpcStudy.Report r = SindyMpcStudy.run(o, new PrintWriter(text));
    assertTrue(r.maxCoefficientError() < 0.01, "Kaiser's input identifies the Lorenz system: " + r.model());
    List<SindyMpcStudy.Episode> mpc = r.of(SindyMpcPlanner.NAME);
    assertEquals(1, mpc.size());
    for (int e = 0; e < mpc.size(); e++) {
      SindyMpcStudy.Episode ep = mpc.get(e);
      assertEquals(ClosedLoopResult.StopReason.COMPLETED, ep.stop());
      assertTrue(ep.finalError() <= o.settleRadius(), "episode " + e + " ends " + ep.finalError() + " from x*");
      assertEquals(0, ep.fallbacks());
      assertEquals(o.steps(), (int) ep.statuses().get(PlanStatus.OPTIMAL), "every step converged: " + ep.statuses());
      assertEquals(o.steps(), ep.solveMillis().length);
      assertTrue(ep.cost() < 0.2 * r.of(SindyMpcStudy.NO_CONTROL).get(e).cost(), "far below the free flow");
    }
    String md = text.toString();
    assertTrue(md.startsWith("#### SINDy-MPC on lorenz-control (Kaiser et al. 2018 setting)\n"), md);
    assertTrue(md.contains("    (x)' = -9.996 x +  9.997 y +  0.999 u\n"), md);
    assertTrue(md.contains("\n| sindy-mpc | 1 / 1 | "), md);
    assertTrue(md.contains("\n| no control (u = 0) | 0 / 1 | "), md);
  }

  @Test
  void theDataAndTheInitialStatesFollowTheRecipe() {
    SindyMpcStudy.Options o = SindyMpcStudy.Options.standard();
    double[][] u = SindyMpcStudy.trainingInput(o);
    assertEquals(10_001, u.length);
    double peak = 0;
    for (double[] row : u) {
      peak = Math.max(peak, Math.abs(row[0]));
    }
    assertTrue(peak > 15 && peak < 20, "Kaiser's input peaks near 18, got " + peak);
    // the period P = 0.5 s: 500 samples
    assertEquals(u[0][0], u[500][0], 1e-9);
    List<double[]> a = SindyMpcStudy.initialStates(LorenzControl.withDefaults(), o);
    List<double[]> b = SindyMpcStudy.initialStates(LorenzControl.withDefaults(), o);
    assertEquals(10, a.size());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i), 0.0, "seeded");
      assertTrue(Math.abs(a.get(i)[0]) < 25 && a.get(i)[2] > 0 && a.get(i)[2] < 50, "on the attractor");
    }
  }

  @Test
  void percentilesAreNearestRankAndTheMedianAveragesTheMiddle() {
    double[] v = {5, 1, 4, 2, 3, 6};
    assertEquals(3.5, SindyMpcStudy.median(v), 0.0);
    assertEquals(6, SindyMpcStudy.percentile(v, 0.95), 0.0);
    assertEquals(3, SindyMpcStudy.median(new double[] {3, 1, 9}), 0.0);
  }
}
