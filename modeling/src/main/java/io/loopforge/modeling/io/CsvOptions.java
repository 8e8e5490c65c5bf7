package io.loopforge.modeling.io;

import io.loopforge.modeling.ModelingException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How {@link TrajectoryCsv} reads a trajectory CSV file: which columns are inputs and which column,
 * if present, tells trajectories apart. Immutable; make one with {@link #builder()} or use
 * {@link #defaults()}.
 *
 * <p>Defaults: the inputs are the columns whose name starts with {@code u}; the trajectory id column
 * is {@value #DEFAULT_TRAJECTORY_COLUMN} (a file without that column holds one trajectory).
 */
public final class CsvOptions {
  /** Name of the column that holds the trajectory id unless the caller names another one. */
  public static final String DEFAULT_TRAJECTORY_COLUMN = "trajectory";

  private static final CsvOptions DEFAULTS = new Builder().build();

  private final List<String> inputColumns; // null: the "starts with u" rule
  private final String trajectoryColumn;

  private CsvOptions(Builder b) {
    this.inputColumns = b.inputColumns;
    this.trajectoryColumn = b.trajectoryColumn;
  }

  /** The default options: inputs by the {@code u…} rule, trajectory ids in column {@code trajectory}. */
  public static CsvOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.inputColumns = inputColumns;
    b.trajectoryColumn = trajectoryColumn;
    return b;
  }

  /**
   * The columns to read as inputs, in the order the trajectory will hold them; empty when the
   * {@code u…} rule applies. A present empty list means the data has no inputs.
   */
  public Optional<List<String>> inputColumns() {
    return Optional.ofNullable(inputColumns);
  }

  /** Name of the trajectory id column. */
  public String trajectoryColumn() {
    return trajectoryColumn;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CsvOptions)) {
      return false;
    }
    CsvOptions other = (CsvOptions) o;
    return Objects.equals(inputColumns, other.inputColumns) && trajectoryColumn.equals(other.trajectoryColumn);
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputColumns, trajectoryColumn);
  }

  @Override
  public String toString() {
    return "CsvOptions[inputColumns=" + (inputColumns == null ? "u…" : inputColumns) + ", trajectoryColumn="
        + trajectoryColumn + "]";
  }

  /** Builds {@link CsvOptions}; not thread-safe, reusable. */
  public static final class Builder {
    private List<String> inputColumns;
    private String trajectoryColumn = DEFAULT_TRAJECTORY_COLUMN;

    private Builder() {}

    /**
     * The columns to read as inputs, in this order; {@code null} restores the rule "a column whose
     * name starts with {@code u} is an input"; an empty list reads every column but {@code t} and the
     * trajectory column as a state.
     */
    public Builder inputColumns(List<String> names) {
      this.inputColumns = names == null ? null : List.copyOf(names);
      return this;
    }

    /** Name of the trajectory id column, default {@value CsvOptions#DEFAULT_TRAJECTORY_COLUMN}. */
    public Builder trajectoryColumn(String name) {
      this.trajectoryColumn = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * @throws ModelingException when a name is blank, an input is listed twice, or a name clashes with
     *     the time column {@code t} or with the trajectory column (names usually come from a user)
     */
    public CsvOptions build() {
      if (trajectoryColumn.isBlank()) {
        throw new ModelingException("the trajectory column name is blank; give a column name such as trajectory");
      }
      if (trajectoryColumn.equals(TrajectoryCsv.TIME_COLUMN)) {
        throw new ModelingException(
            "the trajectory column cannot be t, which is the time column; give another column name");
      }
      if (inputColumns != null) {
        Set<String> seen = new HashSet<>();
        for (String name : inputColumns) {
          if (name.isBlank()) {
            throw new ModelingException("an input column name is blank in " + inputColumns);
          }
          if (name.equals(TrajectoryCsv.TIME_COLUMN)) {
            throw new ModelingException("t is the time column and cannot be an input; remove it from the input columns");
          }
          if (name.equals(trajectoryColumn)) {
            throw new ModelingException(
                name + " is the trajectory column and cannot be an input; remove it from the input columns");
          }
          if (!seen.add(name)) {
            throw new ModelingException("input column " + name + " is listed twice in " + inputColumns);
          }
        }
      }
      return new CsvOptions(this);
    }
  }
}
