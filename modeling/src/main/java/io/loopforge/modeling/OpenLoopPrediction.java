package io.loopforge.modeling;

import java.util.ArrayList;
import java.util.List;

/**
 * A model's open-loop prediction of recorded data: each trajectory is replayed from its recorded
 * initial state under its recorded inputs, {@code x̂[0] = x[0]}, {@code x̂[k+1] = step(x̂[k], u[k])}, and
 * compared with the recorded states. Per state: the mean squared error (state units²) and R² (1 −
 * SS_res / SS_tot, as scikit-learn's {@code r2_score}) over every predicted row (k ≥ 1). A prediction
 * that leaves the finite numbers stops its trajectory there (the rows after it are not predicted, and
 * {@link #divergedAt()} says where). Immutable.
 */
public final class OpenLoopPrediction {
  private final Dataset predicted;
  private final double[] mse;
  private final double[] r2;
  private final int rows;
  private final List<String> diverged;

  private OpenLoopPrediction(Dataset predicted, double[] mse, double[] r2, int rows, List<String> diverged) {
    this.predicted = predicted;
    this.mse = mse;
    this.r2 = r2;
    this.rows = rows;
    this.diverged = List.copyOf(diverged);
  }

  /**
   * Replays every trajectory of {@code data} through {@code model}.
   *
   * @throws ModelingException when the data's states or inputs are not the model's (names and order), or
   *     when a trajectory is not sampled at the model's {@code dt} (relative tolerance 1e-6)
   */
  public static OpenLoopPrediction of(DynamicsModel model, Dataset data) {
    if (!data.stateNames().equals(model.stateNames()) || !data.inputNames().equals(model.inputNames())) {
      throw new ModelingException("the data has states " + data.stateNames() + " and inputs " + data.inputNames()
          + " but the model has states " + model.stateNames() + " and inputs " + model.inputNames()
          + "; give data recorded with the model's columns (names and order)");
    }
    int nx = model.stateDim();
    List<Trajectory> out = new ArrayList<>();
    List<String> diverged = new ArrayList<>();
    double[] sum = new double[nx];
    double[] sumSq = new double[nx];
    double[] res = new double[nx];
    int rows = 0;
    for (int k = 0; k < data.size(); k++) {
      Trajectory tr = data.get(k);
      String where = data.size() == 1 ? "the data" : "trajectory " + k;
      double dt = tr.uniformDt();
      if (tr.size() > 1 && !(Math.abs(dt - model.dt()) <= 1e-6 * model.dt())) {
        throw new ModelingException(where + " is sampled every " + (Double.isNaN(dt) ? "(non-uniform)" : dt + " s")
            + " but the model steps by dt = " + model.dt() + " s; resample the data or use a model fitted at this dt");
      }
      double[][] x = tr.statesUnsafe();
      double[][] u = tr.inputsUnsafe();
      int n = tr.size();
      double[][] xs = new double[n][];
      xs[0] = x[0].clone();
      int last = n;
      for (int i = 1; i < n; i++) {
        xs[i] = model.step(xs[i - 1], u[i - 1]);
        if (!finite(xs[i])) {
          diverged.add(where + " at t = " + tr.time(i) + " s");
          last = i;
          break;
        }
        for (int j = 0; j < nx; j++) {
          double e = xs[i][j] - x[i][j];
          res[j] += e * e;
          sum[j] += x[i][j];
          sumSq[j] += x[i][j] * x[i][j];
        }
        rows++;
      }
      double[] t = java.util.Arrays.copyOf(tr.timesUnsafe(), last);
      double[][] us = new double[last][];
      for (int i = 0; i < last; i++) {
        us[i] = u[i].clone();
      }
      out.add(new Trajectory(t, java.util.Arrays.copyOf(xs, last), us, model.stateNames(), model.inputNames()));
    }
    double[] mse = new double[nx];
    double[] r2 = new double[nx];
    for (int j = 0; j < nx; j++) {
      mse[j] = rows == 0 ? Double.NaN : res[j] / rows;
      double ssTot = rows == 0 ? Double.NaN : sumSq[j] - sum[j] * sum[j] / rows;
      r2[j] = ssTot > 0 ? 1.0 - res[j] / ssTot : (res[j] == 0.0 ? 1.0 : 0.0);
    }
    return new OpenLoopPrediction(new Dataset(out), mse, r2, rows, diverged);
  }

  private static boolean finite(double[] v) {
    for (double d : v) {
      if (!Double.isFinite(d)) {
        return false;
      }
    }
    return true;
  }

  /** The predicted trajectories: recorded times and inputs, predicted states. */
  public Dataset predicted() {
    return predicted;
  }

  /** Mean squared error per state over the predicted rows, state units². */
  public double[] mse() {
    return mse.clone();
  }

  /** R² per state over the predicted rows. */
  public double[] r2() {
    return r2.clone();
  }

  /** Mean of {@link #r2()} over the states. */
  public double meanR2() {
    double s = 0;
    for (double v : r2) {
      s += v;
    }
    return s / r2.length;
  }

  /** Number of predicted rows (k ≥ 1 of each trajectory, up to a divergence). */
  public int rows() {
    return rows;
  }

  /** Where predictions left the finite numbers ("trajectory 2 at t = 1.5 s"); empty when none did. */
  public List<String> divergedAt() {
    return diverged;
  }
}
