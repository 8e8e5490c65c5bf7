package io.loopforge.modeling.io;

import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.Trajectory;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses one trajectory CSV file (format in {@link TrajectoryCsv}). One instance per file; not
 * thread-safe.
 */
final class TrajectoryCsvReader {
  /** Fewest rows per trajectory: estimating a derivative at every sample takes three of them. */
  static final int MIN_ROWS = 3;

  private static final String HEADER_EXAMPLE = "t,x0,x1,u0";

  private static final int TIME = 0;
  private static final int ID = 1;
  private static final int STATE = 2;
  private static final int INPUT = 3;

  /** What one file holds. */
  static final class Result {
    final Path file;
    final List<String> stateNames;
    final List<String> inputNames;
    final List<Trajectory> trajectories;

    Result(Path file, List<String> stateNames, List<String> inputNames, List<Trajectory> trajectories) {
      this.file = file;
      this.stateNames = stateNames;
      this.inputNames = inputNames;
      this.trajectories = trajectories;
    }
  }

  /** The rows of one trajectory id, growing as they are read. */
  private static final class Group {
    final String id;
    final int firstLine;
    int lastLine;
    double[] times = new double[256];
    final List<double[]> states = new ArrayList<>();
    final List<double[]> inputs = new ArrayList<>();
    int size;
    double lastTime;
    String lastTimeText; // as written, so the message shows what the user sees in the file

    Group(String id, int firstLine) {
      this.id = id;
      this.firstLine = firstLine;
    }

    void add(double t, String tText, double[] x, double[] u, int line) {
      if (size == times.length) {
        times = Arrays.copyOf(times, size * 2);
      }
      times[size++] = t;
      states.add(x);
      inputs.add(u);
      lastTime = t;
      lastTimeText = tText;
      lastLine = line;
    }
  }

  private final Path file;
  private final CsvOptions options;
  private int lineNo;
  private String[] names; // header names, once known

  private TrajectoryCsvReader(Path file, CsvOptions options) {
    this.file = file;
    this.options = options;
  }

  static Result read(Path file, CsvOptions options) {
    TrajectoryCsvReader reader = new TrajectoryCsvReader(file, options);
    // Files.newBufferedReader decodes strictly: bytes that are not UTF-8 fail instead of turning into
    // replacement characters that would surface later as a puzzling "not a number".
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return reader.parse(in);
    } catch (NoSuchFileException e) {
      throw new ModelingException(file + ": no such file; check the path", e);
    } catch (CharacterCodingException e) {
      // The reader decodes ahead of the line it returns, so the bad bytes are at or after this line.
      throw new ModelingException(
          file + ", line " + (reader.lineNo + 1) + " or later: the file is not UTF-8 text; save it as UTF-8", e);
    } catch (IOException e) {
      throw new ModelingException(file + ": cannot read the file: " + FileErrors.reason(e), e);
    }
  }

  /** The header's names as {@link #parse} reads them; empty when unreadable or invalid. */
  static List<String> columnNames(Path file) {
    TrajectoryCsvReader reader = new TrajectoryCsvReader(file, CsvOptions.defaults());
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null || header.isBlank()) {
        return List.of();
      }
      if (header.charAt(0) == '\uFEFF') {
        header = header.substring(1);
      }
      String[] cells = new String[count(header, ',') + 1];
      split(header, cells);
      return List.of(reader.headerNames(cells));
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  private Result parse(BufferedReader in) throws IOException {
    String header = in.readLine();
    lineNo = 1;
    if (header != null && !header.isEmpty() && header.charAt(0) == '\uFEFF') {
      header = header.substring(1); // byte order mark, as some spreadsheet programs write
    }
    if (header == null || header.isBlank()) {
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.isBlank()) {
          throw error(1, -1, "the line is blank; the first line must be a header row like " + HEADER_EXAMPLE);
        }
      }
      throw error(1, -1, "the file is empty; it needs a header row like " + HEADER_EXAMPLE + " and data rows");
    }

    String[] header1 = new String[count(header, ',') + 1];
    split(header, header1);
    names = headerNames(header1);
    int ncols = names.length;

    Map<String, Integer> index = new HashMap<>();
    for (int c = 0; c < ncols; c++) {
      Integer before = index.putIfAbsent(names[c], c);
      if (before != null) {
        throw error(1, c, "duplicate column name " + names[c] + ", also column " + (before + 1)
            + "; give each column a distinct name");
      }
    }
    Integer timeCol = index.get(TrajectoryCsv.TIME_COLUMN);
    if (timeCol == null) {
      throw error(1, -1, "no time column t; the columns are " + String.join(", ", names)
          + "; name the time column t (in seconds)");
    }
    Integer idColBoxed = index.get(options.trajectoryColumn());
    int idCol = idColBoxed == null ? -1 : idColBoxed;

    int[] kind = new int[ncols];
    int[] slot = new int[ncols];
    Arrays.fill(kind, STATE);
    kind[timeCol] = TIME;
    if (idCol >= 0) {
      kind[idCol] = ID;
    }
    List<String> inputNames = new ArrayList<>();
    if (options.inputColumns().isPresent()) {
      for (String name : options.inputColumns().get()) {
        Integer c = index.get(name);
        if (c == null) {
          throw error(1, -1, "input column " + name + " is not in the header; the columns are "
              + String.join(", ", names) + "; correct the input column names");
        }
        if (kind[c] == ID) {
          // Only reachable through a name equal to the trajectory column, which CsvOptions rejects;
          // kept so that the roles stay disjoint whatever the options.
          throw error(1, c, "the trajectory column cannot also be an input");
        }
        kind[c] = INPUT;
        slot[c] = inputNames.size();
        inputNames.add(name);
      }
    } else {
      for (int c = 0; c < ncols; c++) {
        if (kind[c] == STATE && names[c].startsWith("u")) {
          kind[c] = INPUT;
          slot[c] = inputNames.size();
          inputNames.add(names[c]);
        }
      }
    }
    List<String> stateNames = new ArrayList<>();
    for (int c = 0; c < ncols; c++) {
      if (kind[c] == STATE) {
        slot[c] = stateNames.size();
        stateNames.add(names[c]);
      }
    }
    if (stateNames.isEmpty()) {
      throw error(1, -1, "no state columns among " + String.join(", ", names)
          + "; every column but t, " + options.trajectoryColumn() + " and the inputs is a state, so add one");
    }

    int nx = stateNames.size();
    int nu = inputNames.size();
    Map<String, Group> groups = new LinkedHashMap<>();
    Group single = null;
    Group last = null; // rows of one id usually come together: skip the map lookup then
    String[] cells = new String[ncols];
    int blankLine = 0;
    String line;
    while ((line = in.readLine()) != null) {
      lineNo++;
      if (line.isBlank()) {
        if (blankLine == 0) {
          blankLine = lineNo;
        }
        continue;
      }
      if (blankLine != 0) {
        throw error(blankLine, -1, "blank line inside the data (rows follow on line " + lineNo
            + "); remove it, or split the file if it holds several runs");
      }
      int n = split(line, cells);
      if (n < ncols) {
        throw error(lineNo, n, "the row has " + n + " cells but the header has " + ncols
            + "; every row needs one cell per header column");
      }
      if (n > ncols) {
        throw error(lineNo, ncols, "the row has " + n + " cells but the header has " + ncols
            + "; remove the extra cells or name their column in the header");
      }

      Group g;
      if (idCol >= 0) {
        String id = cells[idCol];
        if (id.isEmpty()) {
          throw error(lineNo, idCol, "empty trajectory id; give every row the id of its trajectory");
        }
        if (id.indexOf('"') >= 0) {
          throw error(lineNo, idCol, "quoted cell " + id + "; write the id without quotes");
        }
        if (last != null && last.id.equals(id)) {
          g = last;
        } else {
          g = groups.get(id);
          if (g == null) {
            g = new Group(id, lineNo);
            groups.put(id, g);
          }
        }
      } else {
        if (single == null) {
          single = new Group(null, lineNo);
          groups.put("", single);
        }
        g = single;
      }
      last = g;

      double t = 0;
      double[] x = new double[nx];
      double[] u = new double[nu];
      for (int c = 0; c < ncols; c++) {
        switch (kind[c]) {
          case TIME:
            t = number(cells[c], c);
            break;
          case STATE:
            x[slot[c]] = number(cells[c], c);
            break;
          case INPUT:
            u[slot[c]] = number(cells[c], c);
            break;
          default:
            break;
        }
      }
      if (g.size > 0 && !(t > g.lastTime)) {
        throw error(lineNo, timeCol, "time " + cells[timeCol] + " is not after the previous time "
            + g.lastTimeText + " on line " + g.lastLine + (g.id == null ? "" : " of trajectory " + g.id)
            + "; times must strictly increase within a trajectory: sort the rows by time and drop duplicate samples"
            + (idCol < 0 ? ", or add a " + options.trajectoryColumn() + " column if the file holds several runs" : ""));
      }
      g.add(t, cells[timeCol], x, u, lineNo);
    }

    if (groups.isEmpty()) {
      throw error(1, -1, "the header is not followed by any data rows; at least " + MIN_ROWS + " are needed");
    }
    List<Trajectory> trajectories = new ArrayList<>(groups.size());
    for (Group g : groups.values()) {
      if (g.size < MIN_ROWS) {
        String where = g.size == 1 ? "line " + g.firstLine : "lines " + g.firstLine + " to " + g.lastLine;
        throw error(g.firstLine, -1, (g.id == null ? "only " + g.size + " data row" : "trajectory " + g.id
            + " has only " + g.size + " row") + (g.size == 1 ? "" : "s") + " (" + where + "); at least "
            + MIN_ROWS + " are needed per trajectory to estimate derivatives: add samples"
            + (g.id == null ? "" : " or drop that trajectory"));
      }
      trajectories.add(new Trajectory(
          Arrays.copyOf(g.times, g.size),
          g.states.toArray(new double[0][]),
          g.inputs.toArray(new double[0][]),
          stateNames,
          inputNames));
    }
    return new Result(file, List.copyOf(stateNames), List.copyOf(inputNames), trajectories);
  }

  /** Header cells to column names: strips simple double quotes, rejects empty and odd names. */
  private String[] headerNames(String[] cells) {
    if (!cells[0].isEmpty() && isNumber(cells[0])) {
      throw error(1, 0, "found the number " + cells[0] + " where the header should be; the first line must be "
          + "a header row like " + HEADER_EXAMPLE + ", so add one");
    }
    String[] result = new String[cells.length];
    for (int c = 0; c < cells.length; c++) {
      String name = cells[c];
      if (name.length() >= 2 && name.charAt(0) == '"' && name.charAt(name.length() - 1) == '"') {
        name = name.substring(1, name.length() - 1).strip();
      }
      if (name.indexOf('"') >= 0) {
        throw error(1, c, "column name " + cells[c] + " has a stray quote; write names without quotes");
      }
      if (name.isEmpty()) {
        throw error(1, c, "empty column name; give every column a name (check for a trailing comma)");
      }
      result[c] = name;
    }
    return result;
  }

  /** Parses a data cell; {@code col} is 0-based. */
  private double number(String cell, int col) {
    if (cell.isEmpty()) {
      throw error(lineNo, col, "empty cell; every cell needs a number: fill in or drop the sample");
    }
    double v;
    try {
      if (!decimalCharacters(cell)) {
        // Java's parser also takes 0x1p-3 (hexadecimal), 0.5d and 2f (type suffixes): not numbers in CSV
        throw new NumberFormatException(cell);
      }
      v = Double.parseDouble(cell);
    } catch (NumberFormatException e) {
      if (isNonFiniteWord(cell)) {
        v = Double.NaN; // reported below, with the non-finite values parseDouble does accept
      } else if (cell.indexOf('"') >= 0 || cell.indexOf('\'') >= 0) {
        throw error(lineNo, col, "quoted cell " + cell + "; write numbers without quotes");
      } else {
        throw error(lineNo, col, cell + " is not a number; write numbers like 1.5, -0.5 or 1e-3");
      }
    }
    if (!Double.isFinite(v)) {
      throw error(lineNo, col, cell + " is not a finite number; NaN and infinite values are not allowed: "
          + "fill in or drop missing samples before loading");
    }
    return v;
  }

  /** Only what a decimal number in CSV is written with: digits, sign, point, exponent. */
  private static boolean decimalCharacters(String s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (!(ch >= '0' && ch <= '9' || ch == '.' || ch == '-' || ch == '+' || ch == 'e' || ch == 'E')) {
        return isNonFiniteWord(s);
      }
    }
    return true;
  }

  private static boolean isNumber(String s) {
    try {
      Double.parseDouble(s);
      return true;
    } catch (NumberFormatException e) {
      return isNonFiniteWord(s);
    }
  }

  /** Spellings of NaN and infinity that other tools write (numpy, pandas, R) and parseDouble rejects. */
  private static boolean isNonFiniteWord(String s) {
    String w = s.startsWith("+") || s.startsWith("-") ? s.substring(1) : s;
    return w.equalsIgnoreCase("nan") || w.equalsIgnoreCase("inf") || w.equalsIgnoreCase("infinity");
  }

  /**
   * Splits a line at commas into {@code cells}, blanks around each cell removed, and returns the
   * number of cells in the line, which may exceed {@code cells.length} (the extra ones are not stored).
   * Hand-written because a regex or String.split per line costs more than the number parsing.
   */
  static int split(String line, String[] cells) {
    int n = 0;
    int start = 0;
    int len = line.length();
    while (true) {
      int comma = line.indexOf(',', start);
      int end = comma < 0 ? len : comma;
      if (n < cells.length) {
        int a = start;
        int b = end;
        while (a < b && line.charAt(a) <= ' ') {
          a++;
        }
        while (b > a && line.charAt(b - 1) <= ' ') {
          b--;
        }
        cells[n] = line.substring(a, b);
      }
      n++;
      if (comma < 0) {
        return n;
      }
      start = comma + 1;
    }
  }

  private static int count(String s, char c) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == c) {
        n++;
      }
    }
    return n;
  }

  /** An error at a line and, when {@code col >= 0}, at a 0-based column (named when the header has it). */
  private ModelingException error(int line, int col, String what) {
    StringBuilder sb = new StringBuilder().append(file).append(", line ").append(line);
    if (col >= 0) {
      sb.append(", column ").append(col + 1);
      if (names != null && col < names.length) {
        sb.append(" (").append(names[col]).append(')');
      }
    }
    return new ModelingException(sb.append(": ").append(what).toString());
  }
}
