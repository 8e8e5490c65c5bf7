package io.loopforge.modeling.nn;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.Trajectory;
import java.util.List;

/**
 * A dataset cut into rollout windows for training and validation, by one of two {@link Split}s: whole
 * trajectories, or the tail of each trajectory. No window crosses the cut or a trajectory boundary. A
 * window of horizon {@code H} starting at sample {@code t} holds states {@code t … t+H} and inputs
 * {@code t … t+H−1}. The cut depends only on the trajectory lengths, the split and the fraction, so two
 * instances with different horizons validate on the same samples.
 *
 * <p>Immutable; it reads the trajectories' arrays without copying them.
 */
public final class RolloutData {
  private final List<String> stateNames;
  private final List<String> inputNames;
  private final double dt;
  private final int horizon;
  private final double[][][] states;
  private final double[][][] inputs;
  private final int[] trainTrajectory;
  private final int[] trainStart;
  private final int[] validationTrajectory;
  private final int[] validationStart;
  private final int[] cuts;

  /** How the validation part is chosen. */
  public enum Split {
    /** The last {@code fraction} of every trajectory's samples validate. */
    TAIL,
    /**
     * Whole trajectories validate, spread evenly: trajectory {@code i} validates when
     * {@code ⌊(i+1)·fraction⌋ > ⌊i·fraction⌋} (every fifth for 0.2).
     */
    TRAJECTORIES,
    /** {@link #TRAJECTORIES} for five or more trajectories, else {@link #TAIL}. */
    AUTO
  }

  private RolloutData(Dataset data, int horizon, double validationFraction, Split split) {
    boolean whole = split == Split.TRAJECTORIES || (split == Split.AUTO && data.size() >= 5);
    this.stateNames = data.stateNames();
    this.inputNames = data.inputNames();
    this.horizon = horizon;
    int m = data.size();
    this.states = new double[m][][];
    this.inputs = new double[m][][];
    this.cuts = new int[m];
    double commonDt = Double.NaN;
    int trainCount = 0;
    int validationCount = 0;
    int longest = 0;
    for (int i = 0; i < m; i++) {
      Trajectory t = data.get(i);
      states[i] = t.statesUnsafe();
      inputs[i] = t.inputsUnsafe();
      int n = t.size();
      longest = Math.max(longest, n);
      checkFinite(i, t);
      double d = t.uniformDt();
      if (n >= 2) {
        if (Double.isNaN(d)) {
          throw new ModelingException("trajectory " + i + " is not uniformly sampled; a discrete-time "
              + "network needs one fixed time step (resample the data)");
        }
        if (Double.isNaN(commonDt)) {
          commonDt = d;
        } else if (Math.abs(d - commonDt) > 1e-9 * commonDt) {
          throw new ModelingException("trajectory " + i + " has time step " + d + " s, trajectory 0 has "
              + commonDt + " s; all trajectories need the same time step");
        }
      }
      if (whole) {
        boolean validates = Math.floor((i + 1) * validationFraction) > Math.floor(i * validationFraction);
        cuts[i] = validates ? 0 : n;
      } else {
        cuts[i] = (int) Math.floor(n * (1.0 - validationFraction));
      }
      trainCount += Math.max(0, cuts[i] - horizon);
      validationCount += validationFraction > 0 ? Math.max(0, n - cuts[i] - horizon) : 0;
    }
    if (Double.isNaN(commonDt)) {
      throw new ModelingException("every trajectory has fewer than 2 samples: no transitions to learn from");
    }
    this.dt = commonDt;
    if (trainCount == 0) {
      throw new ModelingException("the data are shorter than the rollout horizon: a training window needs "
          + (horizon + 1) + " consecutive samples (horizon " + horizon + "), but the longest trajectory has "
          + longest + " samples" + (whole ? "" : ", of which " + (int) Math.floor(longest * (1.0 - validationFraction))
          + " are for training") + "; use a shorter --rollout or more data");
    }
    if (validationFraction > 0 && validationCount == 0) {
      throw new ModelingException("the validation part of the data is shorter than the rollout horizon "
          + horizon + ": " + (whole ? "the validation trajectories" : "each trajectory's last "
          + Math.round(validationFraction * 100) + " %") + " must hold at least " + (horizon + 1)
          + " samples; use longer trajectories, a larger validation fraction or a shorter horizon");
    }
    this.trainTrajectory = new int[trainCount];
    this.trainStart = new int[trainCount];
    this.validationTrajectory = new int[validationCount];
    this.validationStart = new int[validationCount];
    int p = 0;
    int q = 0;
    for (int i = 0; i < m; i++) {
      for (int t = 0; t + horizon < cuts[i]; t++) {
        trainTrajectory[p] = i;
        trainStart[p++] = t;
      }
      if (validationFraction > 0) {
        for (int t = cuts[i]; t + horizon < states[i].length; t++) {
          validationTrajectory[q] = i;
          validationStart[q++] = t;
        }
      }
    }
  }

  /** {@link #of(Dataset, int, double, Split)} with {@link Split#AUTO}. */
  public static RolloutData of(Dataset data, int horizon, double validationFraction) {
    return of(data, horizon, validationFraction, Split.AUTO);
  }

  /**
   * Windows of {@code horizon} steps over {@code data}, validating on a {@code validationFraction}
   * (in [0, 0.9]) of it chosen by {@code split}.
   *
   * @throws ModelingException when the data are too short for the horizon, not uniformly sampled, or
   *     contain NaN or infinite values
   */
  public static RolloutData of(Dataset data, int horizon, double validationFraction, Split split) {
    if (horizon < 1) {
      throw new ModelingException("the rollout horizon must be at least 1 step, got " + horizon);
    }
    if (!(validationFraction >= 0 && validationFraction <= 0.9)) {
      throw new ModelingException("the validation fraction must be in [0, 0.9], got " + validationFraction);
    }
    return new RolloutData(data, horizon, validationFraction, split);
  }

  private static void checkFinite(int index, Trajectory t) {
    double[][] s = t.statesUnsafe();
    double[][] u = t.inputsUnsafe();
    for (int r = 0; r < s.length; r++) {
      for (int c = 0; c < s[r].length; c++) {
        if (!Double.isFinite(s[r][c])) {
          throw new ModelingException("trajectory " + index + ", sample " + r + ": state " + t.stateNames().get(c)
              + " is " + s[r][c]);
        }
      }
      for (int c = 0; c < u[r].length; c++) {
        if (!Double.isFinite(u[r][c])) {
          throw new ModelingException("trajectory " + index + ", sample " + r + ": input " + t.inputNames().get(c)
              + " is " + u[r][c]);
        }
      }
    }
  }

  public List<String> stateNames() {
    return stateNames;
  }

  public List<String> inputNames() {
    return inputNames;
  }

  public int stateDim() {
    return stateNames.size();
  }

  public int inputDim() {
    return inputNames.size();
  }

  /** Sampling interval of the data, s. */
  public double dt() {
    return dt;
  }

  /** Steps per window. */
  public int horizon() {
    return horizon;
  }

  public int trainingWindows() {
    return trainStart.length;
  }

  public int validationWindows() {
    return validationStart.length;
  }

  int trajectoryCount() {
    return states.length;
  }

  /** Index of the first validation sample of trajectory {@code i}. */
  int cut(int i) {
    return cuts[i];
  }

  double[][] states(int trajectory) {
    return states[trajectory];
  }

  double[][] inputs(int trajectory) {
    return inputs[trajectory];
  }

  int trainTrajectory(int w) {
    return trainTrajectory[w];
  }

  int trainStart(int w) {
    return trainStart[w];
  }

  int validationTrajectory(int w) {
    return validationTrajectory[w];
  }

  int validationStart(int w) {
    return validationStart[w];
  }

  /** Standard deviation of each state over the training samples (1 for a constant state). */
  public double[] stateStd() {
    int nx = stateDim();
    double[] mean = new double[nx];
    double[] sq = new double[nx];
    long n = 0;
    for (int i = 0; i < states.length; i++) {
      for (int t = 0; t < cuts[i]; t++) {
        n++;
        for (int c = 0; c < nx; c++) {
          double d = states[i][t][c] - mean[c];
          mean[c] += d / n;
          sq[c] += d * (states[i][t][c] - mean[c]);
        }
      }
    }
    double[] std = new double[nx];
    for (int c = 0; c < nx; c++) {
      std[c] = Normalization.safeScale(Math.sqrt(sq[c] / Math.max(1, n)), Math.abs(mean[c]));
    }
    return std;
  }
}
