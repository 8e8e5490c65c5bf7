package io.loopforge.modeling.nn;

import java.util.Arrays;

/**
 * Affine scaling of a network's input {@code z = [x; u]} and output during training:
 * {@code zₙ = (z − inputMean) / inputScale} and {@code f = outputMean + outputScale · fₙ}. The output is
 * the state increment {@code x⁺ − x} for residual networks and {@code x⁺} otherwise. Learned from the
 * training part of the data; exported networks carry it folded into their first and last layer.
 */
public final class Normalization {
  private final double[] inputMean;
  private final double[] inputScale;
  private final double[] outputMean;
  private final double[] outputScale;

  public Normalization(double[] inputMean, double[] inputScale, double[] outputMean, double[] outputScale) {
    if (inputMean.length != inputScale.length || outputMean.length != outputScale.length) {
      throw new IllegalArgumentException("mean and scale lengths differ");
    }
    for (double s : inputScale) {
      checkScale(s);
    }
    for (double s : outputScale) {
      checkScale(s);
    }
    this.inputMean = inputMean.clone();
    this.inputScale = inputScale.clone();
    this.outputMean = outputMean.clone();
    this.outputScale = outputScale.clone();
  }

  private static void checkScale(double s) {
    if (!(s > 0) || Double.isInfinite(s)) {
      throw new IllegalArgumentException("scales must be positive and finite, got " + s);
    }
  }

  /** No scaling: means 0, scales 1. */
  public static Normalization identity(int inputWidth, int outputWidth) {
    double[] one = new double[inputWidth];
    Arrays.fill(one, 1.0);
    double[] oneOut = new double[outputWidth];
    Arrays.fill(oneOut, 1.0);
    return new Normalization(new double[inputWidth], one, new double[outputWidth], oneOut);
  }

  /** Means and standard deviations over the training windows' samples of {@code data}. */
  public static Normalization fromData(RolloutData data, boolean residual) {
    int nx = data.stateDim();
    int nu = data.inputDim();
    int n0 = nx + nu;
    double[] inMean = new double[n0];
    double[] inSq = new double[n0];
    double[] outMean = new double[nx];
    double[] outSq = new double[nx];
    long n = 0;
    for (int i = 0; i < data.trajectoryCount(); i++) {
      double[][] s = data.states(i);
      double[][] u = data.inputs(i);
      for (int t = 0; t + 1 < data.cut(i); t++) {
        n++;
        for (int c = 0; c < n0; c++) {
          double v = c < nx ? s[t][c] : u[t][c - nx];
          double d = v - inMean[c];
          inMean[c] += d / n;
          inSq[c] += d * (v - inMean[c]);
        }
        for (int c = 0; c < nx; c++) {
          double v = residual ? s[t + 1][c] - s[t][c] : s[t + 1][c];
          double d = v - outMean[c];
          outMean[c] += d / n;
          outSq[c] += d * (v - outMean[c]);
        }
      }
    }
    double[] inScale = new double[n0];
    double[] outScale = new double[nx];
    for (int c = 0; c < n0; c++) {
      inScale[c] = safeScale(Math.sqrt(inSq[c] / Math.max(1, n)), Math.abs(inMean[c]));
      checkDataScale(inScale[c], inMean[c], c < nx ? "state " + data.stateNames().get(c)
          : "input " + data.inputNames().get(c - nx));
    }
    for (int c = 0; c < nx; c++) {
      outScale[c] = safeScale(Math.sqrt(outSq[c] / Math.max(1, n)), Math.abs(outMean[c]));
      checkDataScale(outScale[c], outMean[c], (residual ? "the step of state " : "the next state ")
          + data.stateNames().get(c));
    }
    return new Normalization(inMean, inScale, outMean, outScale);
  }

  /** A mean or spread that overflowed: values too large for double arithmetic (e.g. a 1e308 cell). */
  private static void checkDataScale(double scale, double mean, String what) {
    if (!Double.isFinite(scale) || !Double.isFinite(mean)) {
      throw new io.loopforge.modeling.ModelingException("the data's " + what + " has values too large to normalise"
          + " (mean " + mean + ", standard deviation " + scale + ": its squares overflow a double); rescale the"
          + " column (other units) or remove the outlying rows");
    }
  }

  /** A standard deviation usable as a divisor: a (nearly) constant channel gets scale 1. */
  static double safeScale(double std, double magnitude) {
    return std > 1e-12 * Math.max(1.0, magnitude) ? std : 1.0;
  }

  public int inputWidth() {
    return inputMean.length;
  }

  public int outputWidth() {
    return outputMean.length;
  }

  public double[] inputMean() {
    return inputMean.clone();
  }

  public double[] inputScale() {
    return inputScale.clone();
  }

  public double[] outputMean() {
    return outputMean.clone();
  }

  public double[] outputScale() {
    return outputScale.clone();
  }

  double inputMean(int i) {
    return inputMean[i];
  }

  double inputScale(int i) {
    return inputScale[i];
  }

  double outputMean(int i) {
    return outputMean[i];
  }

  double outputScale(int i) {
    return outputScale[i];
  }
}
