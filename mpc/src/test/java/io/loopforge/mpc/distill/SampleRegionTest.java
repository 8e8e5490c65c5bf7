package io.loopforge.mpc.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.mpc.MpcException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleRegionTest {
  @Test
  void latinHypercubePutsOneSampleInEveryStratumOfEveryCoordinate() {
    SampleRegion r = DistillFixtures.region();
    int n = 50;
    List<double[]> xs = r.sample(SampleRegion.Design.LATIN_HYPERCUBE, n, 7);
    double[] lo = r.lower();
    double[] hi = r.upper();
    for (int i = 0; i < r.dimension(); i++) {
      boolean[] hit = new boolean[n];
      for (double[] x : xs) {
        int s = (int) Math.floor((x[i] - lo[i]) / (hi[i] - lo[i]) * n);
        assertTrue(s >= 0 && s < n, "inside the box");
        assertTrue(!hit[s], "stratum " + s + " of coordinate " + i + " hit twice");
        hit[s] = true;
      }
    }
  }

  @Test
  void designsArePureFunctionsOfTheSeed() {
    SampleRegion r = DistillFixtures.region();
    for (SampleRegion.Design d : SampleRegion.Design.values()) {
      List<double[]> a = r.sample(d, 20, 3);
      List<double[]> b = r.sample(d, 20, 3);
      List<double[]> c = r.sample(d, 20, 4);
      for (int k = 0; k < 20; k++) {
        assertArrayEquals(a.get(k), b.get(k));
      }
      assertTrue(a.get(0)[0] != c.get(0)[0]);
    }
  }

  @Test
  void uniformSamplesStayInTheBox() {
    SampleRegion r = DistillFixtures.region();
    for (double[] x : r.sample(SampleRegion.Design.UNIFORM, 500, 1)) {
      for (int i = 0; i < x.length; i++) {
        assertTrue(x[i] >= r.lower()[i] && x[i] <= r.upper()[i]);
      }
    }
  }

  @Test
  void aRegionOutsideThePlantsOperatingRegionIsRefusedByName() {
    SampleRegion wide = SampleRegion.of(new double[] {-0.4, -0.9, -0.5, -0.5}, new double[] {0.4, 0.25, 0.5, 0.5});
    MpcException e = assertThrows(MpcException.class, () -> wide.requireInside(DistillFixtures.PLANT));
    assertEquals("the sample region's range of pole_angle, [-0.9, 0.25], leaves plant cartpole-walls's operating region"
        + " [-0.6, 0.6]; sample inside it (the MPC and its model are posed there)", e.getMessage());
    DistillFixtures.region().requireInside(DistillFixtures.PLANT);
  }

  @Test
  void theScaledOperatingRegionIsCentred() {
    SampleRegion half = SampleRegion.ofPlant(DistillFixtures.PLANT, 0.5);
    assertArrayEquals(new double[] {-0.5, -0.3, -2, -3}, half.lower(), 0);
    assertArrayEquals(new double[] {0.5, 0.3, 2, 3}, half.upper(), 0);
  }
}
