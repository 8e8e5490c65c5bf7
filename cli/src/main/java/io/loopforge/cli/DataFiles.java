package io.loopforge.cli;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.io.CsvOptions;
import io.loopforge.modeling.io.TrajectoryCsv;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantCatalog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which columns of a data file are inputs, for the commands that read trajectories: the caller's
 * {@code --inputs}; else the columns named {@code u…}; else, when the columns are exactly a built-in
 * plant's states and inputs (a file written by {@code loopforge simulate}), that plant's inputs, said
 * out loud. The header is read as the CSV reader reads it (quoted names included), and {@link #read}
 * always says which columns became states and which inputs.
 */
final class DataFiles {
  private DataFiles() {}

  static CsvOptions options(List<Path> files, List<String> inputs, PrintWriter out) {
    if (inputs != null) {
      return CsvOptions.builder().inputColumns(inputs).build();
    }
    List<String> columns = TrajectoryCsv.columnNames(files.get(0));
    if (columns.stream().anyMatch(c -> c.startsWith("u"))) {
      return CsvOptions.defaults();
    }
    List<String> data = new ArrayList<>(columns);
    data.remove(TrajectoryCsv.TIME_COLUMN);
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

  /**
   * Reads the files with the inputs chosen as {@link #options} does, prints which columns are states and
   * which are inputs, and warns on {@code err} when there is no input column.
   */
  static Dataset read(List<Path> files, List<String> inputs, PrintWriter out, PrintWriter err) {
    Dataset data = TrajectoryCsv.readAll(files, options(files, inputs, out));
    out.printf("columns of %s: states %s; inputs %s%n", files.size() == 1 ? files.get(0) : files.size() + " files",
        String.join(", ", data.stateNames()),
        data.inputNames().isEmpty() ? "none" : String.join(", ", data.inputNames()));
    if (data.inputNames().isEmpty()) {
      err.println("warning: no input column in " + files.get(0) + ": every column but t is taken as a state, so the"
          + " model will have no inputs; name input columns u… (e.g. u_torque) or say which they are with --inputs"
          + " NAME[,NAME…]");
      err.flush();
    }
    out.flush();
    return data;
  }
}
