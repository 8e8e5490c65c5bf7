package io.loopforge.modeling.sindy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.io.TrajectoryCsv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every PySINDy reference case (each folder under {@code fixtures/pysindy} with an
 * {@code expected.json}), fitted from its {@code spec} alone: same feature names, same support, every
 * coefficient within 1e-8, the equations printed identically.
 */
class PysindyFixtureTest {
  static Stream<Path> cases() {
    return Fixtures.cases().stream();
  }

  @Test
  void theReferenceCasesArePresent() {
    List<String> names = new ArrayList<>();
    for (Path p : Fixtures.cases()) {
      names.add(p.getFileName().toString());
    }
    assertTrue(names.contains("lorenz_default") && names.contains("lorenz_control"), names.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesPysindy(Path dir) {
    JsonNode expected = Fixtures.json(dir.resolve("expected.json"));
    SindySpec spec = SindySpec.fromJson(expected.get("spec"), dir.resolve("expected.json") + " spec");
    Dataset data = TrajectoryCsv.read(dir.resolve("data.csv"));
    SindyModel model = spec.toSindy().fit(data);

    List<String> names = new ArrayList<>();
    expected.get("feature_names").forEach(n -> names.add(n.asText()));
    assertEquals(names, model.featureNames(), "feature names");

    double[][] coef = model.coefficients();
    JsonNode rows = expected.get("coefficients");
    assertEquals(rows.size(), coef.length, "equations");
    double maxErr = 0;
    for (int i = 0; i < coef.length; i++) {
      JsonNode row = rows.get(i);
      assertEquals(row.size(), coef[i].length, "terms of equation " + i);
      for (int j = 0; j < coef[i].length; j++) {
        double e = row.get(j).asDouble();
        assertEquals(e == 0.0, coef[i][j] == 0.0,
            "support of equation " + i + ", term " + names.get(j) + ": expected " + e + ", got " + coef[i][j]);
        maxErr = Math.max(maxErr, Math.abs(e - coef[i][j]));
        assertEquals(e, coef[i][j], 1e-8, "coefficient of " + names.get(j) + " in equation " + i);
      }
    }
    System.out.printf("%s: max |coefficient error| = %.3g%n", dir.getFileName(), maxErr);

    List<String> eqs = new ArrayList<>();
    expected.get("equations").forEach(n -> eqs.add(n.asText()));
    assertEquals(eqs, model.equations(), "equations");
  }
}
