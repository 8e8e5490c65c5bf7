package io.loopforge.modeling.sindy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.io.TrajectoryCsv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SR3 (L0, L1, normalised) and STLSQ without unbias / with normalised columns against an independent
 * numpy transcription of PySINDy's optimizers ({@code sindy/numpy_optimizer_reference.json}: Cholesky
 * of the normal equations as PySINDy does, where we use QR), on {@code lorenz_default} with PySINDy's
 * derivative: same support, coefficients within 1e-8.
 */
class OptimizerReferenceTest {
  private static final JsonNode REF = Fixtures.json(resource("/sindy/numpy_optimizer_reference.json"));

  static Path resource(String name) {
    try {
      return Path.of(OptimizerReferenceTest.class.getResource(name).toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Stream<Integer> cases() {
    return IntStream.range(0, REF.get("cases").size()).boxed();
  }

  @ParameterizedTest(name = "case {0}")
  @MethodSource("cases")
  void matchesTheReference(int index) {
    JsonNode c = REF.get("cases").get(index);
    Path dir = Fixtures.dir("lorenz_default");
    Dataset data = TrajectoryCsv.read(dir.resolve("data.csv"));
    double[][] xdot = Fixtures.csv(dir.resolve("xdot_fd2.csv"));
    SindyModel m = SindySpec.fromJson(c.get("spec"), "case " + index).toSindy().fit(data, List.<double[][]>of(xdot));
    List<String> names = new ArrayList<>();
    c.get("feature_names").forEach(n -> names.add(n.asText()));
    assertEquals(names, m.featureNames());
    double[][] got = m.coefficients();
    for (int i = 0; i < got.length; i++) {
      for (int j = 0; j < got[i].length; j++) {
        double e = c.get("coefficients").get(i).get(j).asDouble();
        String what = c.get("spec").get("optimizer") + ": equation " + i + ", " + names.get(j);
        assertEquals(e == 0.0, got[i][j] == 0.0, what + " support: expected " + e + ", got " + got[i][j]);
        assertEquals(e, got[i][j], 1e-8, what);
      }
    }
  }
}
