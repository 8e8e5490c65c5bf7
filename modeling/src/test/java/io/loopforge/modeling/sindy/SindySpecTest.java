package io.loopforge.modeling.sindy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.ModelingException;
import org.junit.jupiter.api.Test;

class SindySpecTest {
  @Test
  void defaultsArePysindys() {
    Sindy s = SindySpec.parse("{}", "spec").toSindy();
    assertEquals(FeatureLibrary.polynomial(2), s.library());
    assertEquals(Differentiation.finiteDifference(2), s.differentiation());
    assertEquals(Stlsq.defaults(), s.optimizer());
    assertTrue(Double.isNaN(s.dt()));
    Stlsq st = Stlsq.defaults();
    assertEquals(0.1, st.threshold(), 0.0);
    assertEquals(0.05, st.alpha(), 0.0);
    assertEquals(20, st.maxIter());
    Sr3 sr3 = (Sr3) SindySpec.parse("{\"optimizer\":{\"type\":\"sr3\"}}", "spec").toSindy().optimizer();
    assertEquals(Sr3.defaults(), sr3);
    assertEquals(0.005, sr3.lambda(), 0.0);
  }

  @Test
  void everyPartOfTheSchema() {
    String json = "{\"system\":\"x\",\"dt\":0.01,\"discrete_time\":false,"
        + "\"library\":{\"type\":\"concat\",\"parts\":[{\"type\":\"polynomial\",\"degree\":3,\"include_bias\":false},"
        + "{\"type\":\"tensor\",\"parts\":[{\"type\":\"fourier\",\"n_frequencies\":2,\"include_cos\":false},"
        + "{\"type\":\"identity\"}]}]},"
        + "\"differentiation\":{\"type\":\"smoothed_finite_difference\",\"savgol_window\":9,\"savgol_polyorder\":2,"
        + "\"order\":4},"
        + "\"optimizer\":{\"type\":\"ensemble\",\"optimizer\":{\"type\":\"sr3\",\"regularizer\":\"L1\","
        + "\"reg_weight_lam\":0.1},\"n_models\":5,\"seed\":7}}";
    SindySpec spec = SindySpec.parse(json, "spec");
    Sindy s = spec.toSindy();
    assertEquals(0.01, s.dt(), 0.0);
    assertEquals(Differentiation.smoothedFiniteDifference(9, 2, 4), s.differentiation());
    EnsembleOptimizer e = (EnsembleOptimizer) s.optimizer();
    assertEquals(5, e.nModels());
    assertEquals(Sr3.Regularizer.L1, ((Sr3) e.base()).regularizer());
    // written out in full, the spec reads back to the same fitter
    Sindy again = SindySpec.fromJson(s.toSpec(), "again").toSindy();
    assertEquals(s.toSpec(), again.toSpec());
    assertEquals(java.util.List.of("x0", "x0^2", "x0^3", "sin(1 x0) x0", "sin(2 x0) x0"),
        s.library().bind(java.util.List.of("x0"), java.util.List.of()).featureNames());
  }

  @Test
  void typeErrorsNameTheKey() {
    ModelingException e = assertThrows(ModelingException.class,
        () -> SindySpec.parse("{\"library\":{\"type\":\"polynomial\",\"degree\":\"2\"}}", "s.json"));
    assertTrue(e.getMessage().contains("\"library.degree\": expected an integer"), e.getMessage());
    e = assertThrows(ModelingException.class, () -> SindySpec.parse("{\"library\":{\"degree\":2}}", "s.json"));
    assertTrue(e.getMessage().contains("missing required key \"type\""), e.getMessage());
    e = assertThrows(ModelingException.class,
        () -> SindySpec.parse("{\"optimizer\":{\"type\":\"stlsq\",\"threshold\":-1}}", "s.json"));
    assertTrue(e.getMessage().contains("threshold must be"), e.getMessage());
    e = assertThrows(ModelingException.class, () -> SindySpec.parse("{\"dt\": 0}", "s.json"));
    assertTrue(e.getMessage().contains("\"dt\""), e.getMessage());
    e = assertThrows(ModelingException.class, () -> SindySpec.parse("{\"dt\": 0.1,}", "s.json"));
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
  }
}
