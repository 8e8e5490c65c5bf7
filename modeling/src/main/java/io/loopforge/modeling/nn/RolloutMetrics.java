package io.loopforge.modeling.nn;

import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.ModelingException;

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
    if (!model.stateNames().equals(data.stateNames()) || !model.inputNames().equals(data.inputNames())) {
      throw new ModelingException("the model has states " + model.stateNames() + " and inputs "
          + model.inputNames() + ", the data have states " + data.stateNames() + " and inputs "
          + data.inputNames());
    }
    int nx = data.stateDim();
    int h = data.horizon();
    int n = validation ? data.validationWindows() : data.trainingWindows();
    double[] mse = new double[h];
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
        mse[k] += sum / nx;
        System.arraycopy(next, 0, x, 0, nx);
      }
    }
    for (int k = 0; k < h; k++) {
      mse[k] = n > 0 ? mse[k] / n : Double.NaN;
    }
    return mse;
  }
}
