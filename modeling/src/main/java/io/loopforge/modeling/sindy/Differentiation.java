package io.loopforge.modeling.sindy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loopforge.modeling.ModelingException;
import java.util.Set;

/**
 * How SINDy estimates the time derivative {@code ẋ} of sampled states, with PySINDy's semantics:
 *
 * <ul>
 *   <li>{@link #finiteDifference}: centred differences of order 1–4 in the interior and one-sided
 *       stencils of {@code order + 1} points at the ends (PySINDy's {@code FiniteDifference});
 *   <li>{@link #smoothedFiniteDifference}: Savitzky–Golay smoothing (scipy's {@code savgol_filter},
 *       mode {@code interp}) and then finite differences; the library is then built from the smoothed
 *       states, as PySINDy does;
 *   <li>{@link #spectral}: the FFT derivative {@code ifft(2πi f · fft(x))}, for periodic, uniformly
 *       sampled data.
 * </ul>
 *
 * Derivatives are in state units per second when times are in seconds. Immutable.
 */
public abstract class Differentiation {
  Differentiation() {}

  /** PySINDy's {@code FiniteDifference(order)}, first derivative. */
  public static Differentiation finiteDifference(int order) {
    return new FiniteDifference(order);
  }

  /**
   * PySINDy's {@code SmoothedFiniteDifference}: {@code savgol_filter(x, window, polyorder)} then
   * finite differences of the given order.
   */
  public static Differentiation smoothedFiniteDifference(int window, int polyorder, int order) {
    return new SmoothedFiniteDifference(window, polyorder, order);
  }

  /** PySINDy's {@code SpectralDerivative}: assumes periodic data on a uniform grid. */
  public static Differentiation spectral() {
    return new SpectralDerivative();
  }

  /** Fewest samples a trajectory needs. */
  public abstract int minSamples();

  /** The spec object ({@code differentiation} key) of this method, every parameter written out. */
  public abstract ObjectNode toSpec();

  /**
   * Differentiates each column of {@code x} sampled every {@code dt} seconds.
   *
   * @param x one row per sample
   * @return the derivative, one row per sample
   * @throws ModelingException when there are fewer samples than {@link #minSamples()}
   */
  public double[][] differentiate(double[][] x, double dt) {
    return differentiate(x, dt, null);
  }

  /** As {@link #differentiate(double[][], double)} at strictly increasing sample times {@code t} (s). */
  public double[][] differentiate(double[][] x, double[] t) {
    if (t.length != x.length) {
      throw new ModelingException(
          "differentiation: " + t.length + " sample times for " + x.length + " samples; give one time per sample");
    }
    return differentiate(x, Double.NaN, t);
  }

  private double[][] differentiate(double[][] x, double dt, double[] t) {
    int n = x.length;
    int nx = n == 0 ? 0 : x[0].length;
    double[][] cols = new double[nx][n];
    for (int i = 0; i < n; i++) {
      if (x[i].length != nx) {
        throw new ModelingException("differentiation: row " + i + " has " + x[i].length + " values, row 0 has " + nx);
      }
      for (int j = 0; j < nx; j++) {
        cols[j][i] = x[i][j];
      }
    }
    double[][] dx = new double[nx][n];
    apply(cols, n, dt, t, dx, null, "data");
    double[][] out = new double[n][nx];
    for (int j = 0; j < nx; j++) {
      for (int i = 0; i < n; i++) {
        out[i][j] = dx[j][i];
      }
    }
    return out;
  }

  /**
   * Differentiates the columns {@code x[j][0 … n-1]} into {@code dx[j]}; when {@code smoothed} is
   * not null, {@code smoothed[j]} receives the states the library should be built from (only written
   * when the method smooths; otherwise the raw states are meant). Uniform step {@code dt} when
   * {@code t} is null, else times {@code t}.
   *
   * @param where names the trajectory for messages
   */
  abstract void apply(double[][] x, int n, double dt, double[] t, double[][] dx, double[][] smoothed, String where);

  /** Whether the states the library sees differ from the raw ones. */
  boolean smooths() {
    return false;
  }

  void checkSamples(int n, String where) {
    if (n < minSamples()) {
      throw new ModelingException(
          where + ": " + n + " samples, but " + describe() + " needs at least " + minSamples()
              + " per trajectory; give longer trajectories or a lower order");
    }
  }

  abstract String describe();

  @Override
  public String toString() {
    return toSpec().toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Differentiation && toSpec().equals(((Differentiation) o).toSpec());
  }

  @Override
  public int hashCode() {
    return toSpec().hashCode();
  }

  /** Reads a {@code differentiation} object of a SINDy spec; unknown keys and types are errors. */
  public static Differentiation fromSpec(JsonNode node, String source, String path) {
    return fromSpec(new SpecReader(node, source, path));
  }

  static Differentiation fromSpec(SpecReader r) {
    String type = r.requireString("type");
    try {
      switch (type) {
        case "finite_difference":
          r.allowOnly(Set.of("type", "order", "d"));
          checkFirstDerivative(r);
          return finiteDifference(r.integer("order", 2));
        case "smoothed_finite_difference":
          r.allowOnly(Set.of("type", "savgol_window", "savgol_polyorder", "order", "d"));
          checkFirstDerivative(r);
          return smoothedFiniteDifference(
              r.integer("savgol_window", 11), r.integer("savgol_polyorder", 3), r.integer("order", 2));
        case "spectral":
          r.allowOnly(Set.of("type", "d"));
          checkFirstDerivative(r);
          return spectral();
        default:
          throw r.error(
              r.child("type"),
              "unknown differentiation type \"" + type
                  + "\"; known: finite_difference, smoothed_finite_difference, spectral");
      }
    } catch (IllegalArgumentException e) {
      throw r.error(e.getMessage());
    }
  }

  private static void checkFirstDerivative(SpecReader r) {
    int d = r.integer("d", 1);
    if (d != 1) {
      throw r.error(r.child("d"), "only first derivatives (d = 1) are supported, got " + d);
    }
  }

  static ObjectNode object(String type) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("type", type);
    return o;
  }
}
