package io.loopforge.studies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.mpc.MpcProblem;
import io.loopforge.studies.MipStudy.Times;
import java.util.List;
import org.junit.jupiter.api.Test;

class MipStudyTest {
  @Test
  void percentilesAreNearestRank() {
    Times t = Times.of(List.of(5.0, 1.0, 3.0, 2.0, 4.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0,
        17.0, 18.0, 19.0, 20.0));
    assertEquals(20, t.n());
    assertEquals(10.5, t.median(), 0.0);
    assertEquals(19.0, t.p95(), 0.0);
    assertEquals(20.0, t.max(), 0.0);
    assertTrue(Double.isNaN(Times.of(List.of()).median()));
  }

  @Test
  void theOmltNetworkHasItsShapeAndSixtyUnits() {
    FoldedReluNetwork net = MipStudy.omltNetwork(1);
    assertEquals(2, net.reluLayerCount());
    assertEquals(30, net.units(0));
    assertEquals(30, net.units(1));
    assertEquals(1, net.offset(0));
    // no skip path: layer 1 reads the first layer only, the output the second only
    double[] w1 = net.weights(1);
    for (int r = 0; r < 30; r++) {
      assertEquals(0.0, w1[r * 31], 0.0);
    }
  }

  @Test
  void theOneStepMpcPosingOfTheOmltProblemCostsTheNetworkPlusTheOffset() {
    FoldedReluNetwork net = MipStudy.omltNetwork(1);
    MpcProblem p = MipStudy.omltAsMpc(net);
    double[] f = new double[1];
    for (double x : new double[] {-1, -0.3, 0, 0.7, 1}) {
      net.evaluate(new double[] {x}, f);
      double j = p.evaluate(new double[] {5}, p.constantWindow(new double[] {-MipStudy.OMLT_OFFSET}), new double[] {0},
          new double[][] {{x}}, null);
      assertEquals(f[0] + MipStudy.OMLT_OFFSET, j, 1e-9);
    }
  }

  @Test
  void theProblemsUseThePlantsBoxesAndTasks() {
    FoldedReluNetwork net = MipStudy.omltNetwork(1);
    FoldedReluNetwork cart = new FoldedReluNetwork(List.of("x", "th", "v", "w"), List.of("f"), 0.05, true,
        List.of(new double[5]), List.of(new double[1]), new double[4 * 6], new double[4]);
    MpcProblem p = MipStudy.problem("cartpole-walls", cart, 5);
    assertEquals(20.0, p.inputUpper()[0], 0.0);
    assertEquals(0.6, p.stateUpper()[1], 0.0);
    assertEquals(MpcProblem.Norm.L1, p.norm());
    assertEquals(1, net.stateDim());
  }
}
