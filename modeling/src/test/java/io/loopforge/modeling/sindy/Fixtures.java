package io.loopforge.modeling.sindy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Access to the PySINDy reference cases under {@code src/test/resources/fixtures/pysindy}. */
final class Fixtures {
  private Fixtures() {}

  static Path root() {
    URL url = Fixtures.class.getResource("/fixtures/pysindy");
    if (url == null) {
      throw new IllegalStateException("fixtures/pysindy is not on the test class path");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every case folder that has an expected.json, sorted by name. */
  static List<Path> cases() {
    try (Stream<Path> s = Files.list(root())) {
      List<Path> out = new ArrayList<>();
      s.filter(p -> Files.isRegularFile(p.resolve("expected.json"))).sorted().forEach(out::add);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path dir(String name) {
    return root().resolve(name);
  }

  static JsonNode json(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A headered CSV of numbers as rows (header dropped). */
  static double[][] csv(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      List<double[]> rows = new ArrayList<>();
      for (int i = 1; i < lines.size(); i++) {
        String line = lines.get(i).trim();
        if (line.isEmpty()) {
          continue;
        }
        String[] cells = line.split(",");
        double[] r = new double[cells.length];
        for (int j = 0; j < cells.length; j++) {
          r[j] = Double.parseDouble(cells[j].trim());
        }
        rows.add(r);
      }
      return rows.toArray(new double[0][]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
