package io.loopforge.mpc.distill;

import io.loopforge.mpc.PlanStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The records of a solve job in task order, with what training may use: only {@link PlanStatus#OPTIMAL}
 * solves train a policy; the others are kept (for the counts) and left out. Immutable.
 */
public final class SolveDataset {
  private final List<String> stateNames;
  private final List<String> inputNames;
  private final List<SolveRecord> records;

  public SolveDataset(List<String> stateNames, List<String> inputNames, List<SolveRecord> records) {
    this.stateNames = List.copyOf(stateNames);
    this.inputNames = List.copyOf(inputNames);
    this.records = List.copyOf(records);
  }

  public List<String> stateNames() {
    return stateNames;
  }

  public List<String> inputNames() {
    return inputNames;
  }

  /** Every record, in task order. */
  public List<SolveRecord> records() {
    return records;
  }

  public int size() {
    return records.size();
  }

  /** The records that may train a policy (status OPTIMAL). */
  public List<SolveRecord> training() {
    List<SolveRecord> t = new ArrayList<>();
    for (SolveRecord r : records) {
      if (r.trainable()) {
        t.add(r);
      }
    }
    return Collections.unmodifiableList(t);
  }

  /** Records per status (statuses with none left out). */
  public Map<PlanStatus, Integer> statusCounts() {
    Map<PlanStatus, Integer> m = new EnumMap<>(PlanStatus.class);
    for (SolveRecord r : records) {
      m.merge(r.status(), 1, Integer::sum);
    }
    return m;
  }

  /** How many records are left out of training (status not OPTIMAL). */
  public int excluded() {
    return records.size() - training().size();
  }

  /** This dataset followed by {@code more} (e.g. a DAgger round's solves). */
  public SolveDataset plus(SolveDataset more) {
    List<SolveRecord> all = new ArrayList<>(records);
    all.addAll(more.records);
    return new SolveDataset(stateNames, inputNames, all);
  }

  /** Median solve time of the records, ms (NaN when empty). */
  public double medianSolveMillis() {
    if (records.isEmpty()) {
      return Double.NaN;
    }
    long[] t = records.stream().mapToLong(SolveRecord::solveNanos).sorted().toArray();
    return t[t.length / 2] / 1e6;
  }

  @Override
  public String toString() {
    return "SolveDataset[" + records.size() + " solves, " + statusCounts() + "]";
  }
}
