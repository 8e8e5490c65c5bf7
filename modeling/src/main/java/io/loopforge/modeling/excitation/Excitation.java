package io.loopforge.modeling.excitation;

import io.loopforge.modeling.ModelingException;
import java.util.SplittableRandom;

/**
 * Excitation (input) signals for system identification: {@code steps} samples at interval {@code dt}
 * for each of {@code nu} inputs, every value within the per-input bounds {@code [lower, upper]}. Values
 * are in the units of the plant inputs they drive (the bounds' units). The same arguments and seed
 * always give the same signal; each input draws from its own stream split off a
 * {@link SplittableRandom} seeded with {@code seed}, so inputs differ from each other.
 *
 * <p>Kinds and defaults (T = steps·dt is the record length, s):
 * <ul>
 *   <li>{@link ExcitationKind#RANDOM_STEPS}: a level uniform in [lower, upper], held for a uniformly
 *       random {@value #MIN_HOLD}–{@value #MAX_HOLD} samples, then a new level.
 *   <li>{@link ExcitationKind#PRBS}: a maximum-length LFSR sequence (period 2ⁿ − 1 bits, n the smallest in
 *       5–24 covering the record) mapped to lower (bit 0) and upper (bit 1), each bit held
 *       {@value #PRBS_HOLD} samples; each input starts at a random phase of the sequence.
 *   <li>{@link ExcitationKind#CHIRP}: {@code mid + half·sin(2π(f0·t + (f1 − f0)·t²/(2T)) + φ)}, with mid and
 *       half the midpoint and half-width of the bounds, {@code f1 = 0.1/dt} Hz (a fifth of Nyquist,
 *       ten samples per period), {@code f0 = min(1/T, f1/2)} Hz and a random phase φ per input.
 *   <li>{@link ExcitationKind#MULTISINE}: {@code Σ_k cos(2π·k·f_r·t + φ_k)}, k = 1..K, Schroeder phases
 *       {@code φ_k = −π·k·(k − 1)/K} (Schroeder 1970), {@code K = clamp(⌊0.1·steps⌋, 1, 64)},
 *       {@code f_r = 0.1/(K·dt)} Hz (so the band ends at a fifth of Nyquist), a random time shift per
 *       input, then scaled by the largest magnitude reached over the record and mapped to
 *       {@code mid + half·s} (so the peak touches a bound).
 * </ul>
 */
public final class Excitation {
  /** Shortest hold of a random step, samples. */
  public static final int MIN_HOLD = 5;
  /** Longest hold of a random step, samples. */
  public static final int MAX_HOLD = 50;
  /** Samples per PRBS bit. */
  public static final int PRBS_HOLD = 5;
  /** Most sinusoids in a multisine. */
  public static final int MAX_MULTISINE_COMPONENTS = 64;

  private Excitation() {}

  /**
   * Generates an excitation signal.
   *
   * @param kind which signal
   * @param steps number of samples, ≥ 1
   * @param dt sampling interval, s, &gt; 0
   * @param lower lower bound per input (input units)
   * @param upper upper bound per input (input units), ≥ lower
   * @param seed random seed
   * @return {@code steps} rows of {@code lower.length} values, each within its bounds
   * @throws ModelingException on bad arguments
   */
  public static double[][] generate(
      ExcitationKind kind, int steps, double dt, double[] lower, double[] upper, long seed) {
    checkArguments(kind, steps, dt, lower, upper);
    int nu = lower.length;
    double[][] u = new double[steps][nu];
    SplittableRandom root = new SplittableRandom(seed);
    for (int j = 0; j < nu; j++) {
      SplittableRandom rng = root.split();
      switch (kind) {
        case RANDOM_STEPS:
          randomSteps(u, j, lower[j], upper[j], rng);
          break;
        case PRBS:
          prbs(u, j, lower[j], upper[j], rng);
          break;
        case CHIRP:
          chirp(u, j, dt, lower[j], upper[j], rng);
          break;
        case MULTISINE:
          multisine(u, j, dt, lower[j], upper[j], rng);
          break;
        default:
          throw new AssertionError(kind);
      }
      for (int i = 0; i < steps; i++) {
        // Guard against a rounding excess of one ulp in mid ± half.
        u[i][j] = Math.max(lower[j], Math.min(upper[j], u[i][j]));
      }
    }
    return u;
  }

  private static void randomSteps(double[][] u, int j, double lo, double hi, SplittableRandom rng) {
    int i = 0;
    while (i < u.length) {
      double level = lo + (hi - lo) * rng.nextDouble();
      int hold = rng.nextInt(MIN_HOLD, MAX_HOLD + 1);
      for (int end = Math.min(u.length, i + hold); i < end; i++) {
        u[i][j] = level;
      }
    }
  }

  private static void prbs(double[][] u, int j, double lo, double hi, SplittableRandom rng) {
    long bits = (u.length + PRBS_HOLD - 1) / PRBS_HOLD;
    int order = MaximumLengthSequence.orderFor(bits);
    int period = (int) ((1L << order) - 1);
    MaximumLengthSequence lfsr = new MaximumLengthSequence(order, 1 + rng.nextInt(period));
    int bit = 0;
    for (int i = 0; i < u.length; i++) {
      if (i % PRBS_HOLD == 0) {
        bit = lfsr.nextBit();
      }
      u[i][j] = bit == 1 ? hi : lo;
    }
  }

  private static void chirp(double[][] u, int j, double dt, double lo, double hi, SplittableRandom rng) {
    double mid = 0.5 * (lo + hi);
    double half = 0.5 * (hi - lo);
    double duration = u.length * dt;
    double f1 = 0.1 / dt;
    double f0 = Math.min(1.0 / duration, 0.5 * f1);
    double phase = 2.0 * Math.PI * rng.nextDouble();
    for (int i = 0; i < u.length; i++) {
      double t = i * dt;
      u[i][j] = mid + half * Math.sin(2.0 * Math.PI * (f0 * t + (f1 - f0) * t * t / (2.0 * duration)) + phase);
    }
  }

  private static void multisine(double[][] u, int j, double dt, double lo, double hi, SplittableRandom rng) {
    int steps = u.length;
    int k = Math.max(1, Math.min(MAX_MULTISINE_COMPONENTS, (int) Math.floor(0.1 * steps)));
    double fr = 0.1 / (k * dt);
    int shift = rng.nextInt(steps);
    double peak = 0.0;
    for (int i = 0; i < steps; i++) {
      double t = (i + shift) * dt;
      double s = 0.0;
      for (int c = 1; c <= k; c++) {
        double phi = -Math.PI * c * (c - 1) / k;
        s += Math.cos(2.0 * Math.PI * c * fr * t + phi);
      }
      u[i][j] = s;
      peak = Math.max(peak, Math.abs(s));
    }
    double mid = 0.5 * (lo + hi);
    double half = 0.5 * (hi - lo);
    double scale = peak > 0 ? half / peak : 0.0;
    for (int i = 0; i < steps; i++) {
      u[i][j] = mid + scale * u[i][j];
    }
  }

  private static void checkArguments(ExcitationKind kind, int steps, double dt, double[] lower, double[] upper) {
    if (kind == null) {
      throw new ModelingException("excitation kind must not be null; known: " + String.join(", ", ExcitationKind.cliNames()));
    }
    if (steps < 1) {
      throw new ModelingException("excitation: steps must be at least 1, got " + steps);
    }
    if (!(dt > 0) || !Double.isFinite(dt)) {
      throw new ModelingException("excitation: dt must be finite and > 0 s, got " + dt);
    }
    if (lower.length != upper.length) {
      throw new ModelingException("excitation: lower has " + lower.length + " bounds but upper has " + upper.length);
    }
    for (int j = 0; j < lower.length; j++) {
      if (!Double.isFinite(lower[j]) || !Double.isFinite(upper[j]) || lower[j] > upper[j]) {
        throw new ModelingException("excitation: bounds of input " + j + " must be finite with lower <= upper, got ["
            + lower[j] + ", " + upper[j] + "]");
      }
    }
  }
}
