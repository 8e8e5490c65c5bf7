package io.loopforge.modeling.io;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.Trajectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes trajectories as CSV text (UTF-8).
 *
 * <p>Format: a header row, then one row per sample. The header names the time column {@code t}
 * (seconds), the state columns and the input columns, in any order ({@code t} first by convention).
 * Inputs are the columns named by {@link CsvOptions#inputColumns()}, or else the columns whose name
 * starts with {@code u}; every other column is a state, in file order. An optional trajectory column
 * ({@link CsvOptions#trajectoryColumn()}, default {@code trajectory}) holds an id (integer or text):
 * rows with equal ids (compared as text) form one trajectory, trajectories come in the order their id
 * first appears, and their rows need not be contiguous. Within a trajectory, times must strictly
 * increase and there must be at least 3 rows.
 *
 * <p>Cells are plain numbers as {@link Double#parseDouble} reads them ({@code 1e-3}, {@code -0.5}); no
 * quoting, no NaN or infinity. Tolerated: CRLF line ends, a UTF-8 byte order mark, blanks around
 * cells, blank lines at the end, double quotes around header names.
 *
 * <p>Every failure caused by the file is a {@link ModelingException} whose message names the file,
 * the line (1-based, the header is line 1) and, where there is one, the column (1-based, with its
 * name).
 */
public final class TrajectoryCsv {
  /** Name of the time column. */
  public static final String TIME_COLUMN = "t";

  private TrajectoryCsv() {}

  /**
   * The column names of a file's header row, read as {@link #read} reads them (quotes removed, a byte order
   * mark skipped); an empty list when the file cannot be read or has no header (reading it reports why).
   */
  public static List<String> columnNames(Path file) {
    return TrajectoryCsvReader.columnNames(file);
  }

  /** Reads one file with {@link CsvOptions#defaults()}. */
  public static Dataset read(Path file) {
    return read(file, CsvOptions.defaults());
  }

  /**
   * Reads one file holding one trajectory, or several told apart by the trajectory column.
   *
   * @throws ModelingException when the file cannot be read or is not a valid trajectory CSV file
   */
  public static Dataset read(Path file, CsvOptions options) {
    return new Dataset(TrajectoryCsvReader.read(file, options).trajectories);
  }

  /**
   * Reads several files, each holding one or more trajectories, into one dataset in the order given.
   * All files must have the same state and input columns.
   *
   * @throws ModelingException when {@code files} is empty, a file is invalid, or two files differ in
   *     their columns (the message names both)
   */
  public static Dataset readAll(List<Path> files, CsvOptions options) {
    if (files.isEmpty()) {
      throw new ModelingException("no CSV files to read; give at least one file");
    }
    List<Trajectory> all = new ArrayList<>();
    TrajectoryCsvReader.Result first = null;
    for (Path file : files) {
      TrajectoryCsvReader.Result r = TrajectoryCsvReader.read(file, options);
      if (first == null) {
        first = r;
      } else if (!r.stateNames.equals(first.stateNames) || !r.inputNames.equals(first.inputNames)) {
        throw new ModelingException(
            file + ", line 1: the columns differ from those of " + first.file + ": states " + r.stateNames
                + " and inputs " + r.inputNames + " here, states " + first.stateNames + " and inputs "
                + first.inputNames + " in " + first.file
                + "; all files must have the same state and input columns");
      }
      all.addAll(r.trajectories);
    }
    return new Dataset(all);
  }

  /**
   * Writes one trajectory: header {@code t,<states>,<inputs>}, numbers in a form that reads back to
   * the same doubles. Reading the file back with {@link CsvOptions#defaults()} gives an equal
   * trajectory when the input names, and only they, start with {@code u}; otherwise read it back
   * with {@code CsvOptions.builder().inputColumns(trajectory.inputNames())}.
   *
   * @throws ModelingException when a name cannot be written to CSV (empty, blanks at either end, a
   *     comma, quote or line break, a duplicate, or {@code t} or {@code trajectory}), when a value is
   *     NaN or infinite, or when the file cannot be written
   */
  public static void write(Trajectory trajectory, Path file) {
    TrajectoryCsvWriter.write(List.of(trajectory), file);
  }

  /**
   * Writes a dataset to one file, as {@link #write(Trajectory, Path)} does, with a last column
   * {@code trajectory} holding ids 0, 1, … when the dataset has more than one trajectory.
   *
   * @throws ModelingException as {@link #write(Trajectory, Path)}
   */
  public static void write(Dataset dataset, Path file) {
    TrajectoryCsvWriter.write(dataset.trajectories(), file);
  }
}
