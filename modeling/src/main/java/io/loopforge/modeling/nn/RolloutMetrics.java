package io.loopforge.modeling.nn;

import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.ModelingException;
import java.util.Arrays;

/**
 * Open-loop prediction error of any {@link DynamicsModel} on rollout windows: from each window's first
 * measured state the model is stepped with the measured inputs, and the squared error of each state,
 * divided by a per-state scale, is averaged over the states and windows.
 */
public final class RolloutMetrics {
  private RolloutMetrics() {}

  /**
   * Mean squared scaled error of the {@code k}-step prediction at index {@code k − 1}, for
   * {@code k = 1 … data.horizon()}.
   *
   * @param validation true: the validation windows; false: the training windows
   * @param scale per-state divisor, e.g. {@link RolloutData#stateStd()}; length nx
   */
  public static double[] mseByStep(DynamicsModel model, RolloutData data, boolean validation, double[] scale) {
    double[][] e = windowErrors(model, data, validation, scale);
    if (e.length == 0) {
      double[] none = new double[data.horizon()];
      Arrays.fill(none, Double.NaN);
      return none;
    }
    return meanByStep(e);
  }

  /** Column means of {@link #windowErrors} (at least one window): the MSE of each step. */
  public static double[] meanByStep(double[][] windowErrors) {
    if (windowErrors.length == 0) {
      throw new ModelingException("no rollout windows to average");
    }
    int h = windowErrors[0].length;
    double[] mse = new double[h];
    for (double[] w : windowErrors) {
      for (int k = 0; k < h; k++) {
        mse[k] += w[k];
      }
    }
    for (int k = 0; k < h; k++) {
      mse[k] /= windowErrors.length;
    }
    return mse;
  }

  /**
   * Mean squared scaled error of the {@code horizon}-step prediction over the windows that remain when the
   * {@code worstFraction} (in [0, 1)) of windows with the largest such error are left out: how a model does
   * on the bulk of the data when a few hard windows dominate the plain mean.
   */
  public static double trimmedMse(DynamicsModel model, RolloutData data, boolean validation, double[] scale,
      double worstFraction) {
    return trimmedLastStep(windowErrors(model, data, validation, scale), worstFraction);
  }

  /** {@link #trimmedMse} from errors already computed by {@link #windowErrors}. */
  public static double trimmedLastStep(double[][] windowErrors, double worstFraction) {
    if (!(worstFraction >= 0 && worstFraction < 1)) {
      throw new ModelingException("the fraction of windows left out must be in [0, 1), got " + worstFraction);
    }
    int n = windowErrors.length;
    double[] last = new double[n];
    for (int w = 0; w < n; w++) {
      last[w] = windowErrors[w][windowErrors[w].length - 1];
    }
    Arrays.sort(last);
    int keep = n - (int) Math.floor(worstFraction * n);
    double sum = 0.0;
    for (int w = 0; w < keep; w++) {
      sum += last[w];
    }
    return keep > 0 ? sum / keep : Double.NaN;
  }

  /**
   * The scaled squared error of every window and step: {@code [w][k − 1]} is the error of the
   * {@code k}-step prediction of window {@code w}, averaged over the states.
   */
  public static double[][] windowErrors(DynamicsModel model, RolloutData data, boolean validation,
      double[] scale) {
    if (!model.stateNames().equals(data.stateNames()) || !model.inputNames().equals(data.inputNames())) {
      throw new ModelingException("the model has states " + model.stateNames() + " and inputs "
          + model.inputNames() + ", the data have states " + data.stateNames() + " and inputs "
          + data.inputNames());
    }
    int nx = data.stateDim();
    int h = data.horizon();
    int n = validation ? data.validationWindows() : data.trainingWindows();
    double[][] err = new double[n][h];
    double[] x = new double[nx];
    double[] next = new double[nx];
    for (int w = 0; w < n; w++) {
      int traj = validation ? data.validationTrajectory(w) : data.trainTrajectory(w);
      int start = validation ? data.validationStart(w) : data.trainStart(w);
      double[][] s = data.states(traj);
      double[][] u = data.inputs(traj);
      System.arraycopy(s[start], 0, x, 0, nx);
      for (int k = 0; k < h; k++) {
        model.step(x, u[start + k], next);
        double[] target = s[start + k + 1];
        double sum = 0.0;
        for (int i = 0; i < nx; i++) {
          double e = (next[i] - target[i]) / scale[i];
          sum += e * e;
        }
        err[w][k] = sum / nx;
        System.arraycopy(next, 0, x, 0, nx);
      }
    }
    return err;
  }
}
