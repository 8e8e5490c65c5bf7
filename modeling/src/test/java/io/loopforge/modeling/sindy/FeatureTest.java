package io.loopforge.modeling.sindy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The typed term view against the library's own evaluation, values and gradients. */
class FeatureTest {
  private static final List<String> STATES = List.of("x", "v", "w");
  private static final List<String> INPUTS = List.of("u");

  static List<FeatureLibrary> libraries() {
    return List.of(
        FeatureLibrary.polynomial(3),
        FeatureLibrary.polynomial(2, false, true, true),
        FeatureLibrary.polynomial(3, true, false, false),
        FeatureLibrary.identity(),
        FeatureLibrary.fourier(3),
        FeatureLibrary.fourier(2, false, true),
        FeatureLibrary.controlAffine(2),
        FeatureLibrary.concat(FeatureLibrary.polynomial(2), FeatureLibrary.fourier(1)),
        FeatureLibrary.tensor(FeatureLibrary.polynomial(1), FeatureLibrary.fourier(2)),
        FeatureLibrary.tensor(FeatureLibrary.polynomial(2), FeatureLibrary.polynomial(1), FeatureLibrary.fourier(1)),
        FeatureLibrary.custom(List.of(
            CustomFunction.of("exp({0})", Math::exp, Math::exp),
            CustomFunction.of("{0} sin({1})", (a, b) -> a * Math.sin(b), (a, b) -> Math.sin(b),
                (a, b) -> a * Math.cos(b))), false, true),
        FeatureLibrary.tensor(FeatureLibrary.custom(List.of(CustomFunction.of("tanh({0})", Math::tanh,
            t -> 1 - Math.tanh(t) * Math.tanh(t)))), FeatureLibrary.polynomial(1)));
  }

  @Test
  void featuresEvaluateToTheLibrarysTermsAndGradients() {
    SplittableRandom rng = new SplittableRandom(7);
    for (FeatureLibrary lib : libraries()) {
      BoundLibrary bound = lib.bind(STATES, INPUTS);
      List<Feature> features = bound.features();
      assertEquals(bound.featureNames().size(), features.size(), lib.toString());
      int nz = bound.sampleDim();
      double[] z = new double[nz];
      double[] theta = new double[bound.size()];
      double[] jac = new double[bound.size() * nz];
      double[] g = new double[nz];
      for (int trial = 0; trial < 50; trial++) {
        for (int j = 0; j < nz; j++) {
          z[j] = 4 * rng.nextDouble() - 2;
        }
        bound.evaluateWithJacobian(z, theta, jac);
        for (int t = 0; t < features.size(); t++) {
          Feature f = features.get(t);
          assertEquals(bound.featureNames().get(t), f.name());
          assertEquals(theta[t], f.value(z), 1e-12 * (1 + Math.abs(theta[t])), lib + " term " + f);
          f.gradient(z, g);
          for (int j = 0; j < nz; j++) {
            // custom functions with analytic gradients are exact; the library's gradient is the reference
            assertEquals(jac[t * nz + j], g[j], 1e-9 * (1 + Math.abs(jac[t * nz + j])), lib + " d" + f + "/dz" + j);
            assertEquals(f.dependsOn(j), !f.derivative(j).isEmpty());
          }
        }
      }
    }
  }

  @Test
  void equalProductsHaveEqualFactorsWhateverTheLibrary() {
    List<Feature> poly = FeatureLibrary.polynomial(2).bind(List.of("x"), List.of()).features();
    List<Feature> tensor = FeatureLibrary.tensor(FeatureLibrary.identity(), FeatureLibrary.identity())
        .bind(List.of("x"), List.of()).features();
    assertEquals("x^2", poly.get(2).name());
    assertEquals("x x", tensor.get(0).name());
    assertEquals(poly.get(2).factors(), tensor.get(0).factors());
    assertEquals(List.of(new Feature.Power(0, 2)), tensor.get(0).factors());
    assertTrue(poly.get(0).isConstant());
  }

  @Test
  void canonicalOrderIsPowersThenSinesAndCosinesByVariable() {
    Feature f = Feature.of("t", List.of(new Feature.Cos(0, 2), new Feature.Power(1, 1), new Feature.Sin(1, 1),
        new Feature.Sin(0, 3), new Feature.Power(0, 2), new Feature.Power(1, 2)));
    assertEquals(List.of(new Feature.Power(0, 2), new Feature.Power(1, 3), new Feature.Sin(0, 3), new Feature.Cos(0, 2),
        new Feature.Sin(1, 1)), f.factors());
    assertEquals(5, f.degree());
    assertEquals(3, f.exponent(1));
    assertEquals(0, f.exponent(2));
  }

  @Test
  void derivativeIsTheProductRuleSymbolically() {
    // d/dz0 [z0^3 sin(2 z0) z1] = 3 z0^2 sin(2 z0) z1 + 2 z0^3 cos(2 z0) z1
    Feature f = Feature.of("x^3 sin(2 x) v", List.of(new Feature.Power(0, 3), new Feature.Sin(0, 2),
        new Feature.Power(1, 1)));
    List<Feature.Scaled> d = f.derivative(0);
    assertEquals(2, d.size());
    assertEquals(3.0, d.get(0).coefficient());
    assertEquals(List.of(new Feature.Power(0, 2), new Feature.Power(1, 1), new Feature.Sin(0, 2)),
        d.get(0).feature().factors());
    assertEquals(2.0, d.get(1).coefficient());
    assertEquals(List.of(new Feature.Power(0, 3), new Feature.Power(1, 1), new Feature.Cos(0, 2)),
        d.get(1).feature().factors());
    assertEquals("z0^2 z1 sin(2 z0)", d.get(0).feature().name());
    // d cos = -k sin; a first power disappears
    List<Feature.Scaled> dv = Feature.of("cos(1 v) v", List.of(new Feature.Cos(1, 1), new Feature.Power(1, 1)))
        .derivative(1);
    assertEquals(List.of(new Feature.Cos(1, 1)), dv.get(0).feature().factors());
    assertEquals(-1.0, dv.get(1).coefficient());
    assertEquals(List.of(new Feature.Power(1, 1), new Feature.Sin(1, 1)), dv.get(1).feature().factors());
    assertTrue(f.derivative(2).isEmpty());
    assertFalse(f.dependsOn(2));
  }

  @Test
  void modelFeaturesFollowTheCoefficientColumns() {
    SindyModel m = new SindyModel(List.of("x"), List.of("u"), FeatureLibrary.polynomial(2),
        List.of("1", "x", "u", "x^2", "x u", "u^2"), new double[][] {{0, 1, 2, 0, 3, 0}}, 0.1, true, null, null, 1,
        null);
    assertEquals(m.featureNames().size(), m.features().size());
    assertEquals(List.of(new Feature.Power(0, 1), new Feature.Power(1, 1)), m.features().get(4).factors());
  }
}
