package io.loopforge.cli;

import io.loopforge.modeling.io.CsvOptions;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantCatalog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which columns of a data file are inputs, for the commands that read trajectories: the caller's
 * {@code --inputs}; else the columns named {@code u…}; else, when the columns are exactly a built-in
 * plant's states and inputs (a file written by {@code loopforge simulate}), that plant's inputs, said
 * out loud.
 */
final class DataFiles {
  private DataFiles() {}

  static CsvOptions options(List<Path> files, List<String> inputs, PrintWriter out) {
    if (inputs != null) {
      return CsvOptions.builder().inputColumns(inputs).build();
    }
    List<String> columns = header(files.get(0));
    if (columns.stream().anyMatch(c -> c.startsWith("u"))) {
      return CsvOptions.defaults();
    }
    List<String> data = new ArrayList<>(columns);
    data.remove("t");
    data.remove(CsvOptions.DEFAULT_TRAJECTORY_COLUMN);
    for (Plant plant : PlantCatalog.all()) {
      List<String> plantColumns = new ArrayList<>(plant.stateNames());
      plantColumns.addAll(plant.inputNames());
      if (plantColumns.equals(data)) {
        out.printf("inputs: %s (the columns of the built-in plant %s; pass --inputs to choose others)%n",
            String.join(", ", plant.inputNames()), plant.name());
        return CsvOptions.builder().inputColumns(plant.inputNames()).build();
      }
    }
    return CsvOptions.defaults();
  }

  /** The header's column names, or an empty list when the file cannot be read (the reader reports that). */
  private static List<String> header(Path file) {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line = r.readLine();
      if (line == null) {
        return List.of();
      }
      List<String> names = new ArrayList<>();
      for (String s : line.replace("\uFEFF", "").split(",", -1)) {
        names.add(s.trim());
      }
      return names;
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
