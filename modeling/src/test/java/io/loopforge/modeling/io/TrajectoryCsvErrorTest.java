package io.loopforge.modeling.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.Trajectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way {@link TrajectoryCsv} rejects a file, with the exact message: file, line, column, remedy. */
class TrajectoryCsvErrorTest {
  @TempDir Path dir;

  private Path file(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  private String readError(Path f, CsvOptions options) {
    return assertThrows(ModelingException.class, () -> TrajectoryCsv.read(f, options)).getMessage();
  }

  private String readError(String content) throws IOException {
    Path f = file("data.csv", content);
    return readError(f, CsvOptions.defaults());
  }

  private String at(String rest) {
    return dir.resolve("data.csv") + ", " + rest;
  }

  @Test
  void emptyFile() throws IOException {
    String expected = at("line 1: the file is empty; it needs a header row like t,x0,x1,u0 and data rows");
    assertEquals(expected, readError(""));
    assertEquals(expected, readError("\n  \r\n\n"));
  }

  @Test
  void firstLineIsData() throws IOException {
    assertEquals(
        at("line 1, column 1: found the number 0 where the header should be; the first line must be a header "
            + "row like t,x0,x1,u0, so add one"),
        readError("0,1,2\n0.1,1,2\n0.2,1,2\n"));
  }

  @Test
  void firstLineBlank() throws IOException {
    assertEquals(
        at("line 1: the line is blank; the first line must be a header row like t,x0,x1,u0"),
        readError("\nt,x0\n0,1\n1,1\n2,1\n"));
  }

  @Test
  void noTimeColumn() throws IOException {
    assertEquals(
        at("line 1: no time column t; the columns are time, x0, u0; name the time column t (in seconds)"),
        readError("time,x0,u0\n0,1,2\n1,1,2\n2,1,2\n"));
  }

  @Test
  void emptyColumnName() throws IOException {
    assertEquals(
        at("line 1, column 3: empty column name; give every column a name (check for a trailing comma)"),
        readError("t,x0,\n0,1,2\n"));
  }

  @Test
  void strayQuoteInColumnName() throws IOException {
    assertEquals(
        at("line 1, column 2: column name \"x0 has a stray quote; write names without quotes"),
        readError("t,\"x0,x1\"\n0,1,2\n"));
  }

  @Test
  void duplicateColumnName() throws IOException {
    assertEquals(
        at("line 1, column 4 (x0): duplicate column name x0, also column 2; give each column a distinct name"),
        readError("t,x0,x1,x0\n0,1,2,3\n"));
  }

  @Test
  void noStateColumn() throws IOException {
    assertEquals(
        at("line 1: no state columns among t, u0; every column but t, trajectory and the inputs is a state, "
            + "so add one"),
        readError("t,u0\n0,1\n1,1\n2,1\n"));
  }

  @Test
  void unknownInputColumn() throws IOException {
    Path f = file("data.csv", "t,x0,x1,v\n0,1,2,3\n1,1,2,3\n2,1,2,3\n");
    CsvOptions options = CsvOptions.builder().inputColumns(List.of("v", "w")).build();
    assertEquals(
        at("line 1: input column w is not in the header; the columns are t, x0, x1, v; correct the input "
            + "column names"),
        readError(f, options));
  }

  @Test
  void rowWithTooFewCells() throws IOException {
    assertEquals(
        at("line 3, column 4 (u0): the row has 3 cells but the header has 4; every row needs one cell per "
            + "header column"),
        readError("t,x0,x1,u0\n0,1,2,3\n1,1,2\n2,1,2,3\n"));
  }

  @Test
  void rowWithTooManyCells() throws IOException {
    assertEquals(
        at("line 4, column 5: the row has 5 cells but the header has 4; remove the extra cells or name their "
            + "column in the header"),
        readError("t,x0,x1,u0\n0,1,2,3\n1,1,2,3\n2,1,2,3,\n"));
  }

  @Test
  void nonNumericCell() throws IOException {
    assertEquals(
        at("line 3, column 3 (x1): abc is not a number; write numbers like 1.5, -0.5 or 1e-3"),
        readError("t,x0,x1,u0\n0,1,2,3\n1,1,abc,3\n2,1,2,3\n"));
  }

  @Test
  void emptyCell() throws IOException {
    assertEquals(
        at("line 2, column 2 (x0): empty cell; every cell needs a number: fill in or drop the sample"),
        readError("t,x0,x1\n0, ,2\n1,1,2\n2,1,2\n"));
  }

  @Test
  void quotedCell() throws IOException {
    assertEquals(
        at("line 2, column 2 (x0): quoted cell \"1.5\"; write numbers without quotes"),
        readError("t,x0\n0,\"1.5\"\n1,1\n2,1\n"));
  }

  @Test
  void nanCell() throws IOException {
    assertEquals(
        at("line 3, column 2 (x0): nan is not a finite number; NaN and infinite values are not allowed: "
            + "fill in or drop missing samples before loading"),
        readError("t,x0\n0,1\n1,nan\n2,1\n"));
    assertEquals(
        at("line 2, column 2 (x0): NaN is not a finite number; NaN and infinite values are not allowed: "
            + "fill in or drop missing samples before loading"),
        readError("t,x0\n0,NaN\n1,1\n2,1\n"));
  }

  @Test
  void infiniteCell() throws IOException {
    assertEquals(
        at("line 4, column 1 (t): -Infinity is not a finite number; NaN and infinite values are not allowed: "
            + "fill in or drop missing samples before loading"),
        readError("t,x0\n0,1\n1,1\n-Infinity,1\n"));
    assertEquals(
        at("line 2, column 2 (x0): inf is not a finite number; NaN and infinite values are not allowed: "
            + "fill in or drop missing samples before loading"),
        readError("t,x0\n0,inf\n1,1\n2,1\n"));
    // Overflows to infinity in parseDouble.
    assertEquals(
        at("line 2, column 2 (x0): 1e400 is not a finite number; NaN and infinite values are not allowed: "
            + "fill in or drop missing samples before loading"),
        readError("t,x0\n0,1e400\n1,1\n2,1\n"));
  }

  @Test
  void timeNotStrictlyIncreasing() throws IOException {
    assertEquals(
        at("line 4, column 1 (t): time 0.002 is not after the previous time 0.002 on line 3; times must "
            + "strictly increase within a trajectory: sort the rows by time and drop duplicate samples, or add "
            + "a trajectory column if the file holds several runs"),
        readError("t,x0\n0,1\n0.002,1\n0.002,1\n0.004,1\n"));
  }

  @Test
  void timeGoingBackWithinTrajectory() throws IOException {
    assertEquals(
        at("line 6, column 2 (t): time 0.5 is not after the previous time 1 on line 4 of trajectory b; times "
            + "must strictly increase within a trajectory: sort the rows by time and drop duplicate samples"),
        readError("trajectory,t,x0\na,0,1\nb,0,1\nb,1,1\na,1,1\nb,0.5,1\n"));
  }

  @Test
  void fewerThanThreeRows() throws IOException {
    assertEquals(
        at("line 2: only 2 data rows (lines 2 to 3); at least 3 are needed per trajectory to estimate "
            + "derivatives: add samples"),
        readError("t,x0\n0,1\n1,1\n"));
    assertEquals(
        at("line 1: the header is not followed by any data rows; at least 3 are needed"),
        readError("t,x0\r\n\r\n"));
  }

  @Test
  void fewerThanThreeRowsInOneTrajectory() throws IOException {
    assertEquals(
        at("line 3: trajectory 7 has only 1 row (line 3); at least 3 are needed per trajectory to estimate "
            + "derivatives: add samples or drop that trajectory"),
        readError("t,x0,trajectory\n0,1,1\n0,1,7\n1,1,1\n2,1,1\n"));
    assertEquals(
        at("line 3: trajectory 7 has only 2 rows (lines 3 to 5); at least 3 are needed per trajectory to "
            + "estimate derivatives: add samples or drop that trajectory"),
        readError("t,x0,trajectory\n0,1,1\n0,1,7\n1,1,1\n1,1,7\n2,1,1\n"));
  }

  @Test
  void emptyTrajectoryId() throws IOException {
    assertEquals(
        at("line 3, column 3 (trajectory): empty trajectory id; give every row the id of its trajectory"),
        readError("t,x0,trajectory\n0,1,1\n1,1,\n2,1,1\n"));
  }

  @Test
  void blankLineInsideData() throws IOException {
    assertEquals(
        at("line 3: blank line inside the data (rows follow on line 5); remove it, or split the file if it "
            + "holds several runs"),
        readError("t,x0\n0,1\n\n \n1,1\n2,1\n"));
  }

  @Test
  void missingFile() {
    Path f = dir.resolve("nope.csv");
    assertEquals(f + ": no such file; check the path", readError(f, CsvOptions.defaults()));
  }

  @Test
  void notUtf8() throws IOException {
    Path f = dir.resolve("data.csv");
    Files.write(f, new byte[] {'t', ',', 'x', (byte) 0xE9, '\n', '0', ',', '1', '\n'});
    assertEquals(
        at("line 1 or later: the file is not UTF-8 text; save it as UTF-8"), readError(f, CsvOptions.defaults()));
  }

  @Test
  void readAllWithDifferentColumns() throws IOException {
    Path a = file("a.csv", "t,x0,x1,u0\n0,1,2,3\n1,1,2,3\n2,1,2,3\n");
    Path b = file("b.csv", "t,x0,u0\n0,1,3\n1,1,3\n2,1,3\n");
    String message = assertThrows(
        ModelingException.class, () -> TrajectoryCsv.readAll(List.of(a, b), CsvOptions.defaults())).getMessage();
    assertEquals(
        b + ", line 1: the columns differ from those of " + a + ": states [x0] and inputs [u0] here, states "
            + "[x0, x1] and inputs [u0] in " + a + "; all files must have the same state and input columns",
        message);
  }

  @Test
  void readAllOfNoFiles() {
    assertEquals(
        "no CSV files to read; give at least one file",
        assertThrows(ModelingException.class, () -> TrajectoryCsv.readAll(List.of(), CsvOptions.defaults()))
            .getMessage());
  }

  @Test
  void writeRejectsNamesCsvCannotHold() {
    Path f = dir.resolve("out.csv");
    double[][] rows = {{1}, {2}, {3}};
    double[][] none = {{}, {}, {}};
    Trajectory comma = new Trajectory(new double[] {0, 1, 2}, rows, none, List.of("a,b"), List.of());
    assertEquals(
        "cannot write " + f + ": state name \"a,b\" has a comma, quote or line break, which a CSV column name "
            + "cannot hold; rename it",
        assertThrows(ModelingException.class, () -> TrajectoryCsv.write(comma, f)).getMessage());
    Trajectory reserved = new Trajectory(new double[] {0, 1, 2}, none, rows, List.of(), List.of("trajectory"));
    assertEquals(
        "cannot write " + f + ": input name \"trajectory\" is reserved for the trajectory id column; rename it",
        assertThrows(ModelingException.class, () -> TrajectoryCsv.write(reserved, f)).getMessage());
    assertFalse(Files.exists(f));
  }

  @Test
  void writeRejectsNonFiniteValues() {
    Path f = dir.resolve("out.csv");
    Trajectory ok = new Trajectory(
        new double[] {0, 1, 2}, new double[][] {{1}, {2}, {3}}, new double[][] {{0}, {0}, {0}}, List.of("x"),
        List.of("u"));
    Trajectory bad = new Trajectory(
        new double[] {0, 0.5, 1}, new double[][] {{1}, {2}, {3}}, new double[][] {{0}, {Double.NaN}, {0}},
        List.of("x"), List.of("u"));
    assertEquals(
        "cannot write " + f + ": trajectory 1, sample 1 (t = 0.5): u is NaN; the reader rejects values that are "
            + "not finite, so fix or drop the sample",
        assertThrows(ModelingException.class, () -> TrajectoryCsv.write(Dataset.of(ok, bad), f)).getMessage());
    assertFalse(Files.exists(f));
  }

  /** Java's parser takes type suffixes and hexadecimal floats; CSV numbers have neither. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"0.5d", "0x1p-3", "2f", "1.0D", "0x10"})
  void javaOnlyNumberSpellingsAreRefused(String cell) throws IOException {
    assertEquals(at("line 3, column 2 (x): " + cell + " is not a number; write numbers like 1.5, -0.5 or 1e-3"),
        readError("t,x\n0,1\n0.1," + cell + "\n0.2,3\n"));
  }

  @Test
  void columnNamesAreReadAsTheReaderReadsThem() throws IOException {
    Path f = file("q.csv", "\uFEFF\"t\",\"theta\", \"torque\"\n0,1,2\n");
    assertEquals(List.of("t", "theta", "torque"), TrajectoryCsv.columnNames(f));
    assertEquals(List.of(), TrajectoryCsv.columnNames(dir.resolve("missing.csv")));
  }
}
