package io.loopforge.modeling.sindy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.Trajectory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad input: each gives a clear message (or, for an over-large threshold, a warning and a zero model). */
class SindyErrorTest {
  /** A duplicate term is a warning (PySINDy fits such a library); the two copies share the coefficient. */
  @Test
  void rankDeficientLibraryIsAWarningThatNamesTheDependentTerm() {
    FeatureLibrary dup = FeatureLibrary.concat(FeatureLibrary.polynomial(2), FeatureLibrary.identity());
    SindyModel m = Sindy.builder().dt(0.002).library(dup).build().fit(SindyTest.lorenz());
    List<String> w = m.fitReport().orElseThrow().warnings();
    assertTrue(w.stream().anyMatch(s -> s.contains("rank-deficient") && s.contains("\"x0\" (column 10")), w.toString());
    SindyModel single = Sindy.builder().dt(0.002).build().fit(SindyTest.lorenz());
    // x0' = -10 x0 + 10 x1: the minimum-norm fit gives each copy of x0 half
    assertEquals(single.coefficients()[0][1], m.coefficients()[0][1] + m.coefficients()[0][10], 1e-8);
    assertEquals(m.coefficients()[0][1], m.coefficients()[0][10], 1e-8);
  }

  @Test
  void zeroColumnIsAWarningAndGetsNoCoefficient() {
    int n = 50;
    double[] t = new double[n];
    double[][] x = new double[n][1];
    double[][] u = new double[n][1];
    for (int i = 0; i < n; i++) {
      t[i] = i * 0.1;
      x[i][0] = Math.exp(-t[i]);
    }
    Dataset data = Dataset.of(new Trajectory(t, x, u, List.of("x0"), List.of("u0")));
    SindyModel m = Sindy.builder().build().fit(data);
    List<String> w = m.fitReport().orElseThrow().warnings();
    assertTrue(w.stream().anyMatch(s -> s.contains("\"u0\" (column 2)") && s.contains("zero at every sample")),
        w.toString());
    assertEquals(0.0, m.coefficients()[0][2], 0.0);
  }

  @Test
  void everyTermThresholdedAwayWarnsAndGivesAZeroModel() {
    SindyModel m = Sindy.builder().dt(0.002).optimizer(Stlsq.builder().threshold(1000).build()).build()
        .fit(SindyTest.lorenz());
    assertEquals(0, m.complexity());
    assertEquals(List.of(" 0.000", " 0.000", " 0.000"), m.equations());
    List<String> w = m.fitReport().orElseThrow().warnings();
    assertTrue(w.stream().anyMatch(s -> s.contains("threshold 1000.0 eliminated every term")), w.toString());
    assertEquals(0.0, m.predict(new double[] {1, 2, 3}, new double[0])[1], 0.0);
  }

  @Test
  void nanInTheDataNamesTheSample() {
    int n = 20;
    double[] t = new double[n];
    double[][] x = new double[n][2];
    for (int i = 0; i < n; i++) {
      t[i] = i;
      x[i][0] = i;
      x[i][1] = i * i;
    }
    x[7][1] = Double.NaN;
    Dataset data = Dataset.of(new Trajectory(t, x, new double[n][0], List.of("p", "v"), List.of()));
    ModelingException e = assertThrows(ModelingException.class, () -> Sindy.builder().build().fit(data));
    assertTrue(e.getMessage().contains("state v at row 7 (t = 7.0 s) is NaN"), e.getMessage());
  }

  @Test
  void fewerSamplesThanTheStencilNeeds() {
    double[] t = {0, 1, 2, 3};
    double[][] x = {{0}, {1}, {4}, {9}};
    Dataset data = Dataset.of(new Trajectory(t, x, new double[4][0], List.of("x0"), List.of()));
    ModelingException e = assertThrows(ModelingException.class,
        () -> Sindy.builder().differentiation(Differentiation.finiteDifference(4)).build().fit(data));
    assertTrue(e.getMessage().contains("4 samples") && e.getMessage().contains("at least 5"), e.getMessage());
  }

  @Test
  void fewerSamplesThanTerms() {
    double[] t = {0, 1, 2, 3, 4, 5};
    double[][] x = new double[6][3];
    for (int i = 0; i < 6; i++) {
      x[i] = new double[] {i, i * i, Math.sin(i)};
    }
    Dataset data = Dataset.of(new Trajectory(t, x, new double[6][0], List.of("a", "b", "c"), List.of()));
    ModelingException e = assertThrows(ModelingException.class, () -> Sindy.builder().build().fit(data));
    assertTrue(e.getMessage().contains("6 samples but the library has 10 terms"), e.getMessage());
  }

  @Test
  void mismatchedDerivativeColumns() {
    Dataset data = SindyTest.lorenz();
    double[][] xdot = new double[5000][2];
    ModelingException e = assertThrows(ModelingException.class, () -> Sindy.builder().build().fit(data, List.<double[][]>of(xdot)));
    assertTrue(e.getMessage().contains("2 values but there are 3 states"), e.getMessage());
  }

  @Test
  void unknownSpecKey() {
    ModelingException e = assertThrows(ModelingException.class,
        () -> SindySpec.parse("{\"dt\": 0.01, \"optimiser\": {\"type\": \"stlsq\"}}", "spec.json"));
    assertTrue(e.getMessage().startsWith("spec.json") && e.getMessage().contains("unknown key \"optimiser\"")
        && e.getMessage().contains("optimizer"), e.getMessage());
    e = assertThrows(ModelingException.class,
        () -> SindySpec.parse("{\"optimizer\": {\"type\": \"stlsq\", \"treshold\": 0.2}}", "spec.json"));
    assertTrue(e.getMessage().contains("\"optimizer.treshold\"") && e.getMessage().contains("threshold"),
        e.getMessage());
  }
}
