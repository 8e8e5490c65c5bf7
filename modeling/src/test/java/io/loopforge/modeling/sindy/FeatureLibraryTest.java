package io.loopforge.modeling.sindy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.ModelingException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FeatureLibraryTest {
  private static final List<String> X3 = List.of("x0", "x1", "x2");

  @Test
  void polynomialTermsInPysindyOrder() {
    BoundLibrary lib = FeatureLibrary.polynomial(2).bind(X3, List.of());
    assertEquals(List.of("1", "x0", "x1", "x2", "x0^2", "x0 x1", "x0 x2", "x1^2", "x1 x2", "x2^2"), lib.featureNames());
    BoundLibrary cubic = FeatureLibrary.polynomial(3, false, true, false).bind(List.of("x0", "x1"), List.of());
    assertEquals(
        List.of("x0", "x1", "x0^2", "x0 x1", "x1^2", "x0^3", "x0^2 x1", "x0 x1^2", "x1^3"), cubic.featureNames());
    double[] out = new double[cubic.size()];
    cubic.evaluate(new double[] {2, 3}, out);
    assertArrayEquals(new double[] {2, 3, 4, 6, 9, 8, 12, 18, 27}, out);
  }

  @Test
  void sindycLibrarySeesStatesThenInputs() {
    BoundLibrary lib = FeatureLibrary.polynomial(2).bind(X3, List.of("u0", "u1"));
    assertEquals(21, lib.size());
    assertEquals("u0", lib.featureNames().get(4));
    assertEquals("x0 u0", lib.featureNames().get(9));
    assertEquals("u0^2", lib.featureNames().get(18));
  }

  @Test
  void polynomialWithoutInteractionAndInteractionOnly() {
    List<String> x2 = List.of("x0", "x1");
    assertEquals(List.of("1", "x0", "x1", "x0^2", "x1^2", "x0^3", "x1^3"),
        FeatureLibrary.polynomial(3, true, false, false).bind(x2, List.of()).featureNames());
    assertEquals(List.of("x0", "x1", "x2", "x0 x1", "x0 x2", "x1 x2", "x0 x1 x2"),
        FeatureLibrary.polynomial(3, false, true, true).bind(X3, List.of()).featureNames());
    assertThrows(IllegalArgumentException.class, () -> FeatureLibrary.polynomial(2, true, false, true));
    assertThrows(IllegalArgumentException.class, () -> FeatureLibrary.polynomial(-1));
  }

  @Test
  void fourierNamesAndValues() {
    BoundLibrary lib = FeatureLibrary.fourier(2).bind(List.of("x0", "x1"), List.of());
    assertEquals(List.of("sin(1 x0)", "cos(1 x0)", "sin(1 x1)", "cos(1 x1)", "sin(2 x0)", "cos(2 x0)", "sin(2 x1)",
        "cos(2 x1)"), lib.featureNames());
    double[] out = new double[8];
    lib.evaluate(new double[] {0.3, -1.1}, out);
    assertEquals(Math.sin(2 * -1.1), out[6], 0.0);
    assertEquals(List.of("cos(1 x0)"), FeatureLibrary.fourier(1, false, true).bind(List.of("x0"), List.of()).featureNames());
  }

  @Test
  void concatAndTensorProducts() {
    FeatureLibrary poly = FeatureLibrary.polynomial(1);
    FeatureLibrary four = FeatureLibrary.fourier(1);
    BoundLibrary sum = poly.plus(four).bind(List.of("x0"), List.of());
    assertEquals(List.of("1", "x0", "sin(1 x0)", "cos(1 x0)"), sum.featureNames());
    BoundLibrary prod = poly.times(four).bind(List.of("x0"), List.of());
    assertEquals(List.of("1 sin(1 x0)", "1 cos(1 x0)", "x0 sin(1 x0)", "x0 cos(1 x0)"), prod.featureNames());
    double[] out = new double[4];
    prod.evaluate(new double[] {0.7}, out);
    assertEquals(0.7 * Math.cos(0.7), out[3], 1e-15);
  }

  @Test
  void controlAffineIsPolynomialDriftPlusPolynomialTimesInputs() {
    BoundLibrary lib = FeatureLibrary.controlAffine(1).bind(List.of("x0", "x1"), List.of("u0"));
    assertEquals(List.of("x0", "x1", "u0", "x0 u0", "x1 u0"), lib.featureNames());
    ModelingException e = assertThrows(
        ModelingException.class, () -> FeatureLibrary.controlAffine(2).bind(List.of("x0"), List.of()));
    assertTrue(e.getMessage().contains("at least one input"), e.getMessage());
  }

  @Test
  void customFunctionsOfOneAndTwoVariables() {
    FeatureLibrary lib = FeatureLibrary.custom(List.of(
        CustomFunction.of("exp({0})", Math::exp, Math::exp),
        CustomFunction.of("{0} sin({1})", (a, b) -> a * Math.sin(b), (a, b) -> Math.sin(b), (a, b) -> a * Math.cos(b))));
    BoundLibrary b = lib.bind(List.of("x", "y"), List.of());
    assertEquals(List.of("exp(x)", "exp(y)", "x sin(y)"), b.featureNames());
    double[] out = new double[3];
    b.evaluate(new double[] {0.5, 2.0}, out);
    assertEquals(0.5 * Math.sin(2.0), out[2], 0.0);
    assertThrows(ModelingException.class, lib::toSpec);
  }

  /** Analytic term gradients against central differences, for every kind of library. */
  @Test
  void jacobiansMatchFiniteDifferences() {
    List<FeatureLibrary> libs = List.of(
        FeatureLibrary.polynomial(4),
        FeatureLibrary.fourier(3),
        FeatureLibrary.polynomial(2).times(FeatureLibrary.fourier(1)),
        FeatureLibrary.concat(FeatureLibrary.identity(), FeatureLibrary.polynomial(3, false, true, true)),
        FeatureLibrary.controlAffine(2),
        FeatureLibrary.custom(List.of(CustomFunction.of("tanh({0})", Math::tanh, null))));
    SplittableRandom rnd = new SplittableRandom(11);
    for (FeatureLibrary f : libs) {
      BoundLibrary lib = f.bind(List.of("x0", "x1"), List.of("u0"));
      int p = lib.size();
      int nz = 3;
      for (int trial = 0; trial < 5; trial++) {
        double[] z = {rnd.nextDouble(-2, 2), rnd.nextDouble(-2, 2), rnd.nextDouble(-2, 2)};
        double[] val = new double[p];
        double[] jac = new double[p * nz];
        lib.evaluateWithJacobian(z, val, jac);
        double[] plain = new double[p];
        lib.evaluate(z, plain);
        assertArrayEquals(plain, val, 1e-15, f.toString());
        for (int j = 0; j < nz; j++) {
          double h = 1e-6;
          double[] zp = z.clone();
          double[] zm = z.clone();
          zp[j] += h;
          zm[j] -= h;
          double[] fp = new double[p];
          double[] fm = new double[p];
          lib.evaluate(zp, fp);
          lib.evaluate(zm, fm);
          for (int t = 0; t < p; t++) {
            double fd = (fp[t] - fm[t]) / (2 * h);
            assertEquals(fd, jac[t * nz + j], 1e-6 * Math.max(1, Math.abs(fd)),
                f + ": d " + lib.featureNames().get(t) + " / dz" + j);
          }
        }
      }
    }
  }

  @Test
  void specRoundTripAndStrictKeys() {
    FeatureLibrary lib = FeatureLibrary.tensor(FeatureLibrary.polynomial(2, false, true, false), FeatureLibrary.fourier(2));
    assertEquals(lib, FeatureLibrary.fromSpec(lib.toSpec(), "test", "library"));
    ModelingException e = assertThrows(ModelingException.class, () -> FeatureLibrary.fromSpec(
        SindySpec.MAPPER.readTree("{\"type\":\"polynomial\",\"degre\":3}"), "spec.json", "library"));
    assertTrue(e.getMessage().contains("spec.json") && e.getMessage().contains("library.degre")
        && e.getMessage().contains("degree"), e.getMessage());
    e = assertThrows(ModelingException.class, () -> FeatureLibrary.fromSpec(
        SindySpec.MAPPER.readTree("{\"type\":\"legendre\"}"), "spec.json", "library"));
    assertTrue(e.getMessage().contains("unknown library type \"legendre\""), e.getMessage());
  }

  @Test
  void duplicateVariableNamesAreRejected() {
    assertThrows(ModelingException.class, () -> FeatureLibrary.polynomial(2).bind(List.of("x", "x"), List.of()));
  }
}
