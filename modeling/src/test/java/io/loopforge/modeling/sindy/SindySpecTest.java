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

  @Test
  void builderSettingsOverrideTheSpecFileAndAreRecorded() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("spec");
    java.nio.file.Path file = dir.resolve("spec.json");
    java.nio.file.Files.writeString(file, "{\"dt\": 0.5, \"library\": {\"type\": \"polynomial\", \"degree\": 3},"
        + " \"optimizer\": {\"type\": \"sr3\", \"reg_weight_lam\": 0.2}}");
    SindySpec spec = SindySpec.builder(file).dt(0.01).polynomialDegree(1).includeBias(false).sr3Nu(2.0).maxIter(7)
        .finiteDifferenceOrder(4).build();
    Sindy s = spec.toSindy();
    assertEquals(0.01, s.dt(), 0.0);
    assertEquals(FeatureLibrary.polynomial(1, false, true, false), s.library());
    assertEquals(Differentiation.finiteDifference(4), s.differentiation());
    Sr3 sr3 = (Sr3) s.optimizer();
    assertEquals(0.2, sr3.lambda(), 0.0);
    assertEquals(2.0, spec.json().get("optimizer").get("relax_coeff_nu").asDouble(), 0.0);
    assertEquals(7, spec.json().get("optimizer").get("max_iter").asInt());
    // the file itself is untouched
    assertEquals(0.5, SindySpec.read(file).json().get("dt").asDouble(), 0.0);
    // a new optimizer type drops the old one's parameters; the same type keeps them
    assertEquals(Stlsq.builder().threshold(0.3).build(), SindySpec.builder(file).optimizer("stlsq").threshold(0.3).build()
        .toSindy().optimizer());
    assertEquals(0.2, ((Sr3) SindySpec.builder(file).optimizer("sr3").build().toSindy().optimizer()).lambda(), 0.0);
    assertEquals(Stlsq.builder().threshold(0.05).alpha(0).build(),
        SindySpec.builder().threshold(0.05).alpha(0).build().toSindy().optimizer());
  }

  @Test
  void builderSettingsThatDoNotFitTheSpecAreRefused() {
    ModelingException e = assertThrows(ModelingException.class,
        () -> SindySpec.builder().source("the command line").optimizer("sr3").threshold(0.1));
    assertEquals("the command line: the threshold applies to the stlsq optimizer, but the optimizer is sr3; choose the"
        + " stlsq optimizer or edit the spec", e.getMessage());
    e = assertThrows(ModelingException.class, () -> SindySpec.builder().optimizer("stlsq").sr3Lambda(0.1));
    assertTrue(e.getMessage().contains("applies to the sr3 optimizer"), e.getMessage());
    e = assertThrows(ModelingException.class,
        () -> SindySpec.builder().differentiation("spectral").finiteDifferenceOrder(2));
    assertEquals("the spec: a finite-difference order applies to finite differences, not to the spectral derivative",
        e.getMessage());
    // values are checked by the schema when the spec is built
    e = assertThrows(ModelingException.class, () -> SindySpec.builder().polynomialDegree(-1).build());
    assertTrue(e.getMessage().contains("polynomial degree must be at least 0"), e.getMessage());
    e = assertThrows(ModelingException.class, () -> SindySpec.builder(java.nio.file.Path.of("no-such-spec.json")));
    assertEquals("no-such-spec.json: no such SINDy spec file", e.getMessage());
  }

  @Test
  void aDegreeForAFourierLibraryIsRefused() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("spec", ".json");
    java.nio.file.Files.writeString(file, "{\"library\": {\"type\": \"fourier\"}}");
    ModelingException e = assertThrows(ModelingException.class, () -> SindySpec.builder(file).polynomialDegree(2));
    assertEquals(file + ": the polynomial degree applies to a polynomial library, but the spec's library is fourier;"
        + " edit the spec instead", e.getMessage());
    java.nio.file.Files.delete(file);
  }
}
