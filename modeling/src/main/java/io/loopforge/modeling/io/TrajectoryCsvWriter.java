package io.loopforge.modeling.io;

import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.Trajectory;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Writes trajectories in the format {@link TrajectoryCsvReader} reads (see {@link TrajectoryCsv}). */
final class TrajectoryCsvWriter {
  private TrajectoryCsvWriter() {}

  /** Writes {@code trajectories} (all with the same names) to {@code file}, with an id column when more than one. */
  static void write(List<Trajectory> trajectories, Path file) {
    Trajectory first = trajectories.get(0);
    // Check everything before the file is opened so that a refusal leaves no half-written file.
    checkNames(first, file);
    for (int k = 0; k < trajectories.size(); k++) {
      checkFinite(trajectories.get(k), k, trajectories.size() > 1, file);
    }
    boolean withId = trajectories.size() > 1;
    // '\n' rather than the platform line separator: the same data gives the same bytes everywhere.
    try {
      AtomicFile.write(file, out -> writeRows(trajectories, withId, out));
    } catch (IOException e) {
      throw new ModelingException("cannot write " + file + ": " + FileErrors.reason(e), e);
    }
  }

  private static void writeRows(List<Trajectory> trajectories, boolean withId, OutputStream out) throws IOException {
    Trajectory first = trajectories.get(0);
    BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    w.write(TrajectoryCsv.TIME_COLUMN);
    for (String name : first.stateNames()) {
      w.write(',');
      w.write(name);
    }
    for (String name : first.inputNames()) {
      w.write(',');
      w.write(name);
    }
    if (withId) {
      w.write(',');
      w.write(CsvOptions.DEFAULT_TRAJECTORY_COLUMN);
    }
    w.write('\n');
    for (int k = 0; k < trajectories.size(); k++) {
      Trajectory tr = trajectories.get(k);
      double[] times = tr.timesUnsafe();
      double[][] states = tr.statesUnsafe();
      double[][] inputs = tr.inputsUnsafe();
      String id = Integer.toString(k);
      for (int i = 0; i < times.length; i++) {
        // Double.toString prints enough digits to identify the double: parseDouble gives it back exactly.
        w.write(Double.toString(times[i]));
        for (double v : states[i]) {
          w.write(',');
          w.write(Double.toString(v));
        }
        for (double v : inputs[i]) {
          w.write(',');
          w.write(Double.toString(v));
        }
        if (withId) {
          w.write(',');
          w.write(id);
        }
        w.write('\n');
      }
    }
    w.flush();
  }

  private static void checkNames(Trajectory t, Path file) {
    List<String> all = new ArrayList<>(t.stateNames());
    all.addAll(t.inputNames());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < all.size(); i++) {
      String name = all.get(i);
      String what = (i < t.stateDim() ? "state" : "input") + " name \"" + name + "\"";
      String problem = null;
      if (name.isEmpty()) {
        problem = "is empty";
      } else if (name.charAt(0) <= ' ' || name.charAt(name.length() - 1) <= ' ' || name.charAt(0) == '\uFEFF') {
        problem = "has blanks at an end, which the reader strips";
      } else if (name.indexOf(',') >= 0 || name.indexOf('"') >= 0 || name.indexOf('\n') >= 0
          || name.indexOf('\r') >= 0) {
        problem = "has a comma, quote or line break, which a CSV column name cannot hold";
      } else if (name.equals(TrajectoryCsv.TIME_COLUMN) || name.equals(CsvOptions.DEFAULT_TRAJECTORY_COLUMN)) {
        problem = "is reserved for the " + (name.equals(TrajectoryCsv.TIME_COLUMN) ? "time" : "trajectory id")
            + " column";
      } else if (!seen.add(name)) {
        problem = "is used twice";
      }
      if (problem != null) {
        throw new ModelingException("cannot write " + file + ": " + what + " " + problem + "; rename it");
      }
    }
  }

  private static void checkFinite(Trajectory t, int k, boolean several, Path file) {
    double[] times = t.timesUnsafe();
    double[][] states = t.statesUnsafe();
    double[][] inputs = t.inputsUnsafe();
    for (int i = 0; i < times.length; i++) {
      String bad = null;
      double v = 0;
      if (!Double.isFinite(times[i])) {
        bad = TrajectoryCsv.TIME_COLUMN;
        v = times[i];
      }
      for (int j = 0; bad == null && j < states[i].length; j++) {
        if (!Double.isFinite(states[i][j])) {
          bad = t.stateNames().get(j);
          v = states[i][j];
        }
      }
      for (int j = 0; bad == null && j < inputs[i].length; j++) {
        if (!Double.isFinite(inputs[i][j])) {
          bad = t.inputNames().get(j);
          v = inputs[i][j];
        }
      }
      if (bad != null) {
        throw new ModelingException("cannot write " + file + ": " + (several ? "trajectory " + k + ", " : "")
            + "sample " + i + " (t = " + times[i] + "): " + bad + " is " + v
            + "; the reader rejects values that are not finite, so fix or drop the sample");
      }
    }
  }
}
