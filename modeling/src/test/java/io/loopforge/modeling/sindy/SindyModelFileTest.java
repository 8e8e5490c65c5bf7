package io.loopforge.modeling.sindy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.io.TrajectoryCsv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SindyModelFileTest {
  @TempDir Path tmp;

  @Test
  void keysAreThoseOfTheFixtures() throws Exception {
    SindyModel m = SindyModelTest.controlModel();
    JsonNode json = SindySpec.MAPPER.readTree(SindyModelFile.toJsonString(m));
    assertEquals("loopforge-model/1", json.get("format").asText());
    assertEquals("sindy", json.get("type").asText());
    assertEquals(List.of("x0", "x1", "x2"), strings(json.get("state_names")));
    assertEquals(List.of("u0", "u1"), strings(json.get("input_names")));
    assertEquals(0.002, json.get("dt").asDouble(), 0.0);
    assertEquals(false, json.get("discrete_time").asBoolean());
    JsonNode expected = Fixtures.json(Fixtures.dir("lorenz_control").resolve("expected.json"));
    assertEquals(expected.get("feature_names"), json.get("feature_names"));
    assertEquals("polynomial", json.get("library").get("type").asText());
    assertEquals(21, json.get("coefficients").get(0).size());
  }

  /** A loaded model predicts, steps and differentiates bit for bit as the saved one. */
  @Test
  void roundTripIsExact() {
    SindyModel m = SindyModelTest.controlModel().withStep(0.02, 2);
    Path file = tmp.resolve("model.json");
    SindyModelFile.write(m, file);
    SindyModel back = SindyModelFile.read(file);
    assertEquals(m.featureNames(), back.featureNames());
    assertArrayEquals(m.coefficients(), back.coefficients());
    assertEquals(m.dt(), back.dt(), 0.0);
    assertEquals(m.substeps(), back.substeps());
    assertEquals(m.printLines(), back.printLines());
    assertEquals(m.differentiation(), back.differentiation());
    SplittableRandom rnd = new SplittableRandom(2);
    for (int i = 0; i < 20; i++) {
      double[] x = {rnd.nextDouble(-20, 20), rnd.nextDouble(-20, 20), rnd.nextDouble(0, 40)};
      double[] u = {rnd.nextDouble(-1, 1), rnd.nextDouble(0, 100)};
      assertArrayEquals(m.predict(x, u), back.predict(x, u), 0.0);
      assertArrayEquals(m.step(x, u), back.step(x, u), 0.0);
      double[][] a1 = new double[3][3];
      double[][] b1 = new double[3][2];
      double[][] a2 = new double[3][3];
      double[][] b2 = new double[3][2];
      m.jacobian(x, u, a1, b1);
      back.jacobian(x, u, a2, b2);
      assertArrayEquals(a1, a2);
      assertArrayEquals(b1, b2);
    }
    assertEquals(SindyModelFile.toJsonString(m), SindyModelFile.toJsonString(back));
  }

  @Test
  void discreteAndCustomModels() {
    FeatureLibrary lib = FeatureLibrary.custom(List.of(CustomFunction.of("sin({0})", Math::sin, Math::cos)), true, true);
    Dataset data = TrajectoryCsv.read(Fixtures.dir("lorenz_default").resolve("data.csv"));
    SindyModel m = Sindy.builder().discreteTime(true).library(lib).optimizer(Stlsq.builder().threshold(1e-3).build())
        .build().fit(data);
    Path file = tmp.resolve("custom.json");
    SindyModelFile.write(m, file);
    ModelingException e = assertThrows(ModelingException.class, () -> SindyModelFile.read(file));
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("\"library\"")
        && e.getMessage().contains("custom"), e.getMessage());
    SindyModel back = SindyModelFile.read(file, lib);
    assertArrayEquals(m.coefficients(), back.coefficients());
    assertTrue(back.discreteTime());
    double[] x = {1, 2, 3};
    assertArrayEquals(m.step(x, new double[0]), back.step(x, new double[0]), 0.0);
  }

  @Test
  void errorsNameTheFileAndTheKey() throws Exception {
    SindyModel m = SindyModelTest.controlModel();
    ObjectNode good = SindyModelFile.toJson(m);

    ObjectNode badNames = good.deepCopy();
    ((ArrayNode) badNames.get("feature_names")).set(1, badNames.textNode("x9"));
    assertError(badNames, "\"feature_names\"", "x9");

    ObjectNode extra = good.deepCopy();
    extra.put("coeficients", 1);
    assertError(extra, "\"coeficients\"", "unknown key");

    ObjectNode shortRow = good.deepCopy();
    ((ArrayNode) shortRow.get("coefficients").get(1)).remove(0);
    assertError(shortRow, "\"coefficients[1]\"", "21 numbers");

    ObjectNode badFormat = good.deepCopy();
    badFormat.put("format", "loopforge-model/2");
    assertError(badFormat, "\"format\"", "loopforge-model/1");

    ObjectNode badLib = good.deepCopy();
    ((ObjectNode) badLib.get("library")).put("degree", 3);
    assertError(badLib, "\"feature_names\"", "x0^3");

    ObjectNode noDt = good.deepCopy();
    noDt.remove("dt");
    assertError(noDt, "\"dt\"", "missing");
  }

  private void assertError(ObjectNode json, String key, String text) throws Exception {
    Path file = tmp.resolve("bad.json");
    Files.writeString(file, SindySpec.MAPPER.writeValueAsString(json));
    ModelingException e = assertThrows(ModelingException.class, () -> SindyModelFile.read(file));
    assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains(key)
        && e.getMessage().contains(text), e.getMessage());
  }

  private static List<String> strings(JsonNode a) {
    List<String> out = new java.util.ArrayList<>();
    a.forEach(n -> out.add(n.asText()));
    return out;
  }
}
