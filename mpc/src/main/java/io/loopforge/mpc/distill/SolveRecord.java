package io.loopforge.mpc.distill;

import io.loopforge.mpc.MpcException;
import io.loopforge.mpc.PlanStatus;
import java.util.Arrays;

/**
 * The result of one MPC solve of a distillation dataset: the task's state and reference, the first input
 * of the plan (NaN when the plan is not usable), the plan's status, its objective J (NaN when none), and
 * the wall time of the planner call, ns. Everything but the solve time is a pure function of (problem,
 * planner settings, state, reference, seed) whenever the planner is deterministic: for the MIP planner,
 * whenever the status is {@link PlanStatus#OPTIMAL} (only a time limit makes it depend on the machine).
 */
public record SolveRecord(int index, double[] state, double[] reference, double[] input, PlanStatus status,
    double cost, long solveNanos) {
  public SolveRecord {
    state = state.clone();
    reference = reference.clone();
    input = input.clone();
  }

  @Override
  public double[] state() {
    return state.clone();
  }

  @Override
  public double[] reference() {
    return reference.clone();
  }

  @Override
  public double[] input() {
    return input.clone();
  }

  /** Whether the record may train a policy: only proven-optimal solves do. */
  public boolean trainable() {
    return status == PlanStatus.OPTIMAL;
  }

  /** Equal in everything but the solve time. */
  public boolean sameSolution(SolveRecord o) {
    return index == o.index && Arrays.equals(state, o.state) && Arrays.equals(reference, o.reference)
        && Arrays.equals(input, o.input) && status == o.status && Double.compare(cost, o.cost) == 0;
  }

  /** Header of the CSV form for a problem with these state and input counts. */
  static String csvHeader(java.util.List<String> stateNames, java.util.List<String> inputNames) {
    StringBuilder s = new StringBuilder("index");
    for (String n : stateNames) {
      s.append(',').append(n);
    }
    for (String n : stateNames) {
      s.append(',').append(n).append("_ref");
    }
    for (String n : inputNames) {
      s.append(',').append(n);
    }
    return s.append(",status,cost,solve_ns").toString();
  }

  /** One CSV line; doubles are printed so that they read back exactly. */
  String toCsv() {
    StringBuilder s = new StringBuilder().append(index);
    for (double v : state) {
      s.append(',').append(v);
    }
    for (double v : reference) {
      s.append(',').append(v);
    }
    for (double v : input) {
      s.append(',').append(v);
    }
    return s.append(',').append(status.name()).append(',').append(cost).append(',').append(solveNanos).toString();
  }

  /** Parses a line of {@link #toCsv()}; {@code where} names the file and line for the message. */
  static SolveRecord fromCsv(String line, int nx, int nu, String where) {
    String[] f = line.split(",", -1);
    if (f.length != 1 + 2 * nx + nu + 3) {
      throw new MpcException(where + ": " + f.length + " fields, expected " + (1 + 2 * nx + nu + 3)
          + " (index, " + nx + " states, " + nx + " references, " + nu + " inputs, status, cost, solve_ns);"
          + " delete the file to have it solved again");
    }
    try {
      int k = 0;
      int index = Integer.parseInt(f[k++]);
      double[] x = new double[nx];
      double[] r = new double[nx];
      double[] u = new double[nu];
      for (int i = 0; i < nx; i++) {
        x[i] = Double.parseDouble(f[k++]);
      }
      for (int i = 0; i < nx; i++) {
        r[i] = Double.parseDouble(f[k++]);
      }
      for (int i = 0; i < nu; i++) {
        u[i] = Double.parseDouble(f[k++]);
      }
      PlanStatus status = PlanStatus.valueOf(f[k++]);
      double cost = Double.parseDouble(f[k++]);
      long nanos = Long.parseLong(f[k]);
      return new SolveRecord(index, x, r, u, status, cost, nanos);
    } catch (IllegalArgumentException e) {
      throw new MpcException(where + ": " + e.getMessage() + "; delete the file to have it solved again");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SolveRecord r && sameSolution(r) && r.solveNanos == solveNanos;
  }

  @Override
  public int hashCode() {
    return 31 * index + Arrays.hashCode(input);
  }

  @Override
  public String toString() {
    return "SolveRecord[" + index + ", x " + Arrays.toString(state) + ", u " + Arrays.toString(input) + ", "
        + status + ", J " + cost + "]";
  }
}
