package io.loopforge.modeling.sindy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.io.CsvOptions;
import io.loopforge.modeling.io.TrajectoryCsv;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 14: the default path (a pendulum under the default two-level PRBS input, then the default
 * degree-2 library) has {@code torque^2} equal to 9 times the bias. PySINDy fits it (its ridge steps are
 * well-posed) and thresholds the redundant terms away; so does Loopforge, with a warning naming the term.
 * Reference: {@code fixtures/rank-deficient} (see its README: an emulation of PySINDy's STLSQ with numpy).
 */
class RankDeficientLibraryTest {
  private static Path dir() throws URISyntaxException {
    return Path.of(RankDeficientLibraryTest.class.getResource("/fixtures/rank-deficient").toURI());
  }

  private static Dataset data() throws URISyntaxException {
    return TrajectoryCsv.read(dir().resolve("data.csv"), CsvOptions.builder().inputColumns(List.of("torque")).build());
  }

  @Test
  void theDefaultFitGivesPysindysModelAndWarnsOfTheRedundantTerm() throws URISyntaxException {
    SindyModel m = Sindy.builder().build().fit(data());
    JsonNode expected = Fixtures.json(dir().resolve("expected.json"));
    List<String> names = m.featureNames();
    for (int j = 0; j < names.size(); j++) {
      assertEquals(expected.get("feature_names").get(j).asText(), names.get(j));
    }
    double[][] c = m.coefficients();
    for (int i = 0; i < c.length; i++) {
      for (int j = 0; j < c[i].length; j++) {
        double want = expected.get("coefficients").get(i).get(j).asDouble();
        assertEquals(want, c[i][j], 1e-8, "equation " + i + ", term " + names.get(j));
        assertEquals(want == 0.0, c[i][j] == 0.0, "support: equation " + i + ", term " + names.get(j));
      }
    }
    List<String> warnings = m.fitReport().orElseThrow().warnings();
    assertTrue(warnings.stream().anyMatch(w -> w.startsWith("the feature library is rank-deficient on this data:"
        + " term \"torque^2\" (column 9, relative remainder ") && w.contains("minimum-norm")), warnings.toString());
  }

  /** With α = 0 PySINDy's result depends on rounding (README); Loopforge's minimum-norm fit keeps the support. */
  @Test
  void plainLeastSquaresTakesTheMinimumNormSolution() throws URISyntaxException {
    SindyModel ridge = Sindy.builder().build().fit(data());
    SindyModel plain = Sindy.builder().optimizer(Stlsq.builder().alpha(0).build()).build().fit(data());
    double[][] a = ridge.coefficients();
    double[][] b = plain.coefficients();
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        assertEquals(a[i][j], b[i][j], 1e-9, "equation " + i + ", term " + j);
      }
    }
  }

  @Test
  void minimumNormSolveOfTwoEqualColumnsSplitsTheCoefficient() {
    // columns (1, 1, 1) and (1, 1, 1), target (2, 2, 2): w = (1, 1), not (2, 0) or anything larger
    double[] a = {1, 1, 1, 1, 1, 1};
    double[] b = {2, 2, 2};
    double[] w = new double[2];
    LsProblem.minimumNormSolve(a, 3, 2, b, 1e-12, w);
    assertEquals(1.0, w[0], 1e-12);
    assertEquals(1.0, w[1], 1e-12);
  }
}
