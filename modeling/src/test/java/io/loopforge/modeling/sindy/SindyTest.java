package io.loopforge.modeling.sindy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.Trajectory;
import io.loopforge.modeling.io.TrajectoryCsv;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SindyTest {
  static Dataset lorenz() {
    return TrajectoryCsv.read(Fixtures.dir("lorenz_default").resolve("data.csv"));
  }

  static Trajectory slice(Trajectory t, int from, int to, double offset) {
    int n = to - from;
    double[][] x = new double[n][];
    for (int i = 0; i < n; i++) {
      x[i] = t.state(from + i);
      for (int j = 0; j < x[i].length; j++) {
        x[i][j] += offset;
      }
    }
    return new Trajectory(Arrays.copyOfRange(t.times(), from, to), x, new double[n][0], t.stateNames(), List.of());
  }

  /** Each trajectory is differentiated on its own: nothing leaks across the seam between two of them. */
  @Test
  void trajectoriesAreDifferentiatedSeparately() {
    Trajectory all = lorenz().get(0);
    Trajectory a = slice(all, 0, 2500, 0.0);
    Trajectory b = slice(all, 2500, 5000, 1e6);
    Dataset two = Dataset.of(a, b);
    Sindy sindy = Sindy.builder().dt(0.002).library(FeatureLibrary.polynomial(1)).build();
    SindyModel m = sindy.fit(two);
    List<double[][]> xdot = new ArrayList<>();
    xdot.add(Differentiation.finiteDifference(2).differentiate(a.states(), 0.002));
    xdot.add(Differentiation.finiteDifference(2).differentiate(b.states(), 0.002));
    SindyModel given = sindy.fit(two, xdot);
    assertArrayEquals(given.coefficients(), m.coefficients());
    assertEquals(5000, m.fitReport().orElseThrow().samples());
  }

  @Test
  void userSuppliedDerivatives() {
    Dataset data = lorenz();
    double[][] xdot = Fixtures.csv(Fixtures.dir("lorenz_default").resolve("xdot_fd2.csv"));
    SindyModel m = Sindy.builder().build().fit(data, List.<double[][]>of(xdot));
    SindyModel ref = Sindy.builder().dt(0.002).build().fit(data);
    double[][] a = m.coefficients();
    double[][] b = ref.coefficients();
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(b[i], a[i], 1e-9);
    }
  }

  @Test
  void timeColumnAndDtGiveTheSameModel() {
    Dataset data = lorenz();
    double[][] a = Sindy.builder().build().fit(data).coefficients();
    double[][] b = Sindy.builder().dt(0.002).build().fit(data).coefficients();
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(b[i], a[i], 1e-8);
    }
  }

  @Test
  void sr3WithoutRegularisationIsLeastSquares() {
    Dataset data = lorenz();
    SindyModel sr3 = Sindy.builder().dt(0.002)
        .optimizer(Sr3.builder().lambda(0.0).tol(1e-12).maxIter(10_000).build()).build().fit(data);
    SindyModel ls = Sindy.builder().dt(0.002).optimizer(Stlsq.builder().threshold(0).alpha(0).build()).build().fit(data);
    double[][] a = sr3.coefficients();
    double[][] b = ls.coefficients();
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(b[i], a[i], 1e-7);
    }
  }

  @Test
  void sr3FindsTheLorenzTerms() {
    Dataset data = lorenz();
    for (Sr3.Regularizer r : Sr3.Regularizer.values()) {
      // L1 shrinks what it keeps: unbias refits the support by least squares
      Sr3 opt = Sr3.builder().regularizer(r).lambda(r == Sr3.Regularizer.L0 ? 0.05 : 0.1).maxIter(200)
          .unbias(r == Sr3.Regularizer.L1).build();
      SindyModel m = Sindy.builder().dt(0.002).optimizer(opt).build().fit(data);
      assertEquals(7, m.complexity(), r + ": " + m);
      double[][] c = m.coefficients();
      assertEquals(-10, c[0][1], 0.2);
      assertEquals(1, c[2][5], 0.05);
    }
  }

  @Test
  void normalizedColumnsThresholdTheNormalisedCoefficients() {
    // y = 0.001 * big: the raw coefficient is below the threshold, the normalised one is not
    int n = 200;
    double[] t = new double[n];
    double[][] x = new double[n][2];
    double[][] dx = new double[n][2];
    for (int i = 0; i < n; i++) {
      t[i] = i * 0.01;
      x[i][0] = 1000 * Math.sin(t[i]);
      x[i][1] = Math.cos(3 * t[i]);
      dx[i][0] = 0.001 * x[i][0];
      dx[i][1] = x[i][1];
    }
    Dataset data = Dataset.of(new Trajectory(t, x, new double[n][0], List.of("x0", "x1"), List.of()));
    FeatureLibrary lib = FeatureLibrary.polynomial(1, false, true, false);
    double[][] raw = Sindy.builder().library(lib).optimizer(Stlsq.builder().threshold(0.1).build()).build()
        .fit(data, List.<double[][]>of(dx)).coefficients();
    double[][] normed = Sindy.builder().library(lib)
        .optimizer(Stlsq.builder().threshold(0.1).normalizeColumns(true).build()).build()
        .fit(data, List.<double[][]>of(dx)).coefficients();
    assertEquals(0.0, raw[0][0], 0.0);
    assertEquals(0.001, normed[0][0], 1e-12);
    assertEquals(1.0, normed[1][1], 1e-12);
  }

  @Test
  void ensembleBaggingIsSeededAndReportsInclusion() {
    Dataset data = lorenz();
    EnsembleOptimizer opt = EnsembleOptimizer.builder(Stlsq.defaults()).nModels(10).seed(42).build();
    Sindy sindy = Sindy.builder().dt(0.002).optimizer(opt).build();
    SindyModel a = sindy.fit(data);
    SindyModel b = sindy.fit(data);
    assertArrayEquals(a.coefficients(), b.coefficients());
    assertEquals(7, a.complexity(), a.toString());
    double[][] incl = a.fitReport().orElseThrow().inclusionProbabilities().orElseThrow();
    assertEquals(1.0, incl[1][6], 0.0); // x0 x2 in (x1)'
    assertEquals(0.0, incl[0][9], 0.0); // x2^2 in (x0)'
    assertEquals(10, a.fitReport().orElseThrow().memberCoefficients().size());
    double[][] c = a.coefficients();
    assertEquals(-10, c[0][1], 0.01);
    SindyModel other = Sindy.builder().dt(0.002)
        .optimizer(EnsembleOptimizer.builder(Stlsq.defaults()).nModels(10).seed(43).build()).build().fit(data);
    assertNotEquals(c[0][1], other.coefficients()[0][1]);
  }

  @Test
  void libraryEnsembleDropsTerms() {
    Dataset data = lorenz();
    EnsembleOptimizer opt = EnsembleOptimizer.builder(Stlsq.defaults())
        .bagging(false).libraryEnsemble(true).nModels(30).nCandidatesToDrop(2)
        .aggregation(EnsembleOptimizer.Aggregation.MEAN).seed(1).build();
    SindyModel m = Sindy.builder().dt(0.002).optimizer(opt).build().fit(data);
    double[][] incl = m.fitReport().orElseThrow().inclusionProbabilities().orElseThrow();
    // x0 in (x0)' is dropped in some members: included in fewer than all of them
    assertTrue(incl[0][1] < 1.0 && incl[0][1] > 0.5, "inclusion " + incl[0][1]);
  }

  @Test
  void smoothedAndSpectralDifferentiationFit() {
    Dataset data = lorenz();
    SindyModel sfd = Sindy.builder().dt(0.002).differentiation(Differentiation.smoothedFiniteDifference(11, 3, 2))
        .build().fit(data);
    assertEquals(7, sfd.complexity(), sfd.toString());
    // a harmonic oscillator sampled over whole periods: spectral derivatives are exact
    int n = 256;
    double h = 2 * Math.PI / n;
    double[] t = new double[n];
    double[][] x = new double[n][2];
    for (int i = 0; i < n; i++) {
      t[i] = i * h;
      x[i][0] = Math.cos(t[i]);
      x[i][1] = -Math.sin(t[i]);
    }
    Dataset osc = Dataset.of(new Trajectory(t, x, new double[n][0], List.of("x", "v"), List.of()));
    // (degree 1: on the circle x² + v² = 1 the quadratic terms are linearly dependent)
    SindyModel m = Sindy.builder().library(FeatureLibrary.polynomial(1)).differentiation(Differentiation.spectral())
        .build().fit(osc);
    assertEquals(List.of("(x)' =  1.000 v", "(v)' = -1.000 x"), m.printLines());
  }

  @Test
  void controlAffineLibraryFindsTheInputTerms() {
    Dataset data = TrajectoryCsv.read(Fixtures.dir("lorenz_control").resolve("data.csv"));
    SindyModel m = Sindy.builder().dt(0.002).library(FeatureLibrary.controlAffine(2)).build().fit(data);
    List<String> f = m.featureNames();
    double[][] c = m.coefficients();
    assertEquals(0.999, c[0][f.indexOf("u0")], 0.01);
    assertEquals(-1.0, c[2][f.indexOf("u1")], 0.01);
    assertEquals(9, m.complexity(), m.toString());
  }
}
