package io.loopforge.modeling.plant;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.Trajectory;
import io.loopforge.modeling.ode.DormandPrince54;
import io.loopforge.modeling.ode.OdeSystem;
import io.loopforge.modeling.ode.Rk4;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Simulates a {@link Plant} under a sampled input sequence held constant between samples (zero-order
 * hold), producing a {@link Trajectory}.
 *
 * <p>Default integrator: {@link Integrator#DORMAND_PRINCE_54} with rtol = atol = 1e-9, restarted at
 * every sample (the input, hence the derivative, jumps there). Alternative: {@link Integrator#RK4} with
 * a fixed number of substeps per sample (default 10). Immutable and thread-safe.
 */
public final class PlantSimulator {
  /** The fewest samples an episode of {@link #collect} has (what differentiation needs). */
  public static final int MIN_EPISODE_ROWS = 3;

  /** How each sampling interval is integrated. */
  public enum Integrator {
    /** Adaptive Dormand–Prince 5(4) with the simulator's rtol/atol. */
    DORMAND_PRINCE_54,
    /** Classic RK4 with {@link Builder#rk4Substeps} equal substeps per sampling interval. */
    RK4
  }

  private final Integrator integrator;
  private final double rtol;
  private final double atol;
  private final int rk4Substeps;
  private final DormandPrince54 dopri;

  private PlantSimulator(Builder b) {
    if (b.integrator == null) {
      throw new ModelingException("PlantSimulator: integrator must not be null");
    }
    if (b.rk4Substeps < 1) {
      throw new ModelingException("PlantSimulator: rk4Substeps must be at least 1, got " + b.rk4Substeps);
    }
    this.integrator = b.integrator;
    this.rtol = b.rtol;
    this.atol = b.atol;
    this.rk4Substeps = b.rk4Substeps;
    this.dopri = DormandPrince54.builder().rtol(b.rtol).atol(b.atol).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Dormand–Prince with rtol = atol = 1e-9. */
  public static PlantSimulator withDefaults() {
    return builder().build();
  }

  public Integrator integrator() {
    return integrator;
  }

  public double rtol() {
    return rtol;
  }

  public double atol() {
    return atol;
  }

  public int rk4Substeps() {
    return rk4Substeps;
  }

  /**
   * Simulates from {@code x0}. Row i of the result is {@code (t_i = i·dt, x(t_i), inputs[i])}; input i
   * is held over {@code [t_i, t_{i+1})}, so the last input is recorded but has no effect on the states.
   * Inputs are not clipped to the plant's bounds.
   *
   * @param x0 initial state, plant state units
   * @param inputs one row of {@link Plant#inputDim()} values per sample, plant input units; at least one row
   * @param dt sampling interval, s
   * @return a trajectory with exactly {@code inputs.length} rows and the plant's state and input names
   * @throws ModelingException on wrong dimensions, non-finite values, or when the state blows up (the
   *     message names the step and time)
   */
  public Trajectory simulate(Plant plant, double[] x0, double[][] inputs, double dt) {
    int nx = plant.stateDim();
    int nu = plant.inputDim();
    checkArguments(plant, x0, inputs, dt, nx, nu);
    int n = inputs.length;
    double[] times = new double[n];
    double[][] states = new double[n][];
    states[0] = x0.clone();
    Interval interval = new Interval(plant);
    for (int i = 0; i + 1 < n; i++) {
      times[i + 1] = (i + 1) * dt;
      states[i + 1] = new double[nx];
      interval.advance(i, i * dt, dt, states[i], inputs[i], states[i + 1]);
    }
    return new Trajectory(times, states, inputs, plant.stateNames(), plant.inputNames());
  }

  /**
   * Collects data in episodes, as one does from a plant that is unstable in open loop: simulates from
   * {@code x0} under {@code inputs} and, whenever the state leaves the plant's operating region
   * ({@link Plant#stateLower()}, {@link Plant#stateUpper()}) after at least {@value #MIN_EPISODE_ROWS}
   * samples, ends the episode there and starts the next one from a random state drawn uniformly from
   * the central half of that region (components without bounds restart from {@code x0}). Every
   * episode's time starts at 0. Plants without an operating region give one episode, as
   * {@link #simulate}.
   *
   * @param x0 initial state of the first episode, plant state units
   * @param inputs one row per sample, consumed in order across episodes; at least {@value #MIN_EPISODE_ROWS}
   * @param dt sampling interval, s
   * @param seed seed of the restart states
   * @return the episodes; their rows add up to {@code inputs.length}
   */
  public Dataset collect(Plant plant, double[] x0, double[][] inputs, double dt, long seed) {
    int nx = plant.stateDim();
    checkArguments(plant, x0, inputs, dt, nx, plant.inputDim());
    if (inputs.length < MIN_EPISODE_ROWS) {
      throw new ModelingException("PlantSimulator: at least " + MIN_EPISODE_ROWS + " input rows are needed, got "
          + inputs.length);
    }
    double[] lower = plant.stateLower();
    double[] upper = plant.stateUpper();
    SplittableRandom random = new SplittableRandom(seed);
    Interval interval = new Interval(plant);
    List<Trajectory> episodes = new ArrayList<>();
    int start = 0;
    double[] first = x0.clone();
    while (start < inputs.length) {
      List<double[]> states = new ArrayList<>();
      states.add(first);
      int k = start;
      while (k + 1 < inputs.length) {
        double[] next = new double[nx];
        interval.advance(k, (k - start) * dt, dt, states.get(states.size() - 1), inputs[k], next);
        boolean outside = !inside(next, lower, upper);
        boolean roomForNext = inputs.length - (k + 1) >= MIN_EPISODE_ROWS;
        if (outside && states.size() >= MIN_EPISODE_ROWS && roomForNext) {
          break;
        }
        states.add(next);
        k++;
      }
      int rows = states.size();
      double[] times = new double[rows];
      double[][] u = new double[rows][];
      for (int i = 0; i < rows; i++) {
        times[i] = i * dt;
        u[i] = inputs[start + i];
      }
      episodes.add(new Trajectory(times, states.toArray(new double[0][]), u, plant.stateNames(), plant.inputNames()));
      start += rows;
      first = restartState(x0, lower, upper, random);
    }
    return new Dataset(episodes);
  }

  private static boolean inside(double[] x, double[] lower, double[] upper) {
    for (int j = 0; j < x.length; j++) {
      if (!(x[j] >= lower[j] && x[j] <= upper[j])) {
        return false;
      }
    }
    return true;
  }

  private static double[] restartState(double[] x0, double[] lower, double[] upper, SplittableRandom random) {
    double[] x = x0.clone();
    for (int j = 0; j < x.length; j++) {
      if (Double.isFinite(lower[j]) && Double.isFinite(upper[j])) {
        double mid = 0.5 * (lower[j] + upper[j]);
        double quarter = 0.25 * (upper[j] - lower[j]);
        x[j] = mid + quarter * (2 * random.nextDouble() - 1);
      }
    }
    return x;
  }

  /**
   * A stepper that advances {@code plant} over one sampling interval at a time with this simulator's
   * integrator, exactly as {@link #simulate} and {@link #collect} do: the closed loop uses it so that open
   * and closed loop integrate alike.
   */
  public Interval interval(Plant plant) {
    return new Interval(java.util.Objects.requireNonNull(plant, "plant"));
  }

  /**
   * Advances one plant over one sampling interval with the input held (zero-order hold), with its
   * simulator's integrator. Reuses its scratch arrays: no allocation per interval. Mutable and not
   * thread-safe: one per run.
   */
  public final class Interval {
    private final Plant plant;
    private final double[] u;
    private final OdeSystem f;
    private final Rk4 rk4;
    private final DormandPrince54.Workspace ws;
    private final double[] span = new double[2];
    private final double[][] out;

    private Interval(Plant plant) {
      int nx = plant.stateDim();
      this.plant = plant;
      this.u = new double[plant.inputDim()];
      this.f = (t, x, dx) -> plant.derivative(x, u, dx);
      this.rk4 = integrator == Integrator.RK4 ? new Rk4(nx) : null;
      this.ws = integrator == Integrator.DORMAND_PRINCE_54 ? dopri.workspace(nx) : null;
      this.out = new double[2][nx];
    }

    /**
     * Writes the state at {@code t0 + dt} into {@code next}; {@code step} only names the step in errors.
     *
     * @param step index of the interval, for messages only
     * @param t0 start of the interval, s
     * @param dt length of the interval, s
     * @param x state at {@code t0}, plant state units (read only)
     * @param input input held over the interval, plant input units (not clipped here)
     * @param next output, the state at {@code t0 + dt}; must not alias {@code x}
     * @throws ModelingException when the state blows up (a non-finite value or a step size that vanishes);
     *     the message names the step, the times and the input
     */
    public void advance(int step, double t0, double dt, double[] x, double[] input, double[] next) {
      int nx = x.length;
      System.arraycopy(input, 0, u, 0, u.length);
      double t1 = t0 + dt;
      try {
        if (rk4 != null) {
          System.arraycopy(x, 0, next, 0, nx);
          double h = dt / rk4Substeps;
          for (int s = 0; s < rk4Substeps; s++) {
            rk4.step(f, t0 + s * h, next, h, next);
          }
        } else {
          span[0] = t0;
          span[1] = t1;
          dopri.integrate(f, span, x, out, ws);
          System.arraycopy(out[1], 0, next, 0, nx);
        }
      } catch (ModelingException e) {
        throw new ModelingException("PlantSimulator: " + plant.name() + " blows up in step " + step + " (t = " + t0
            + " s to " + t1 + " s, input " + Arrays.toString(u) + "): " + e.getMessage(), e);
      }
      for (int j = 0; j < nx; j++) {
        if (!Double.isFinite(next[j])) {
          throw new ModelingException("PlantSimulator: " + plant.name() + " blows up in step " + step + " (t = " + t0
              + " s to " + t1 + " s): state " + plant.stateNames().get(j) + " became " + next[j] + " (from "
              + Arrays.toString(x) + " with input " + Arrays.toString(u)
              + "); check x0, the inputs and dt, or use the adaptive integrator");
        }
      }
    }
  }

  private static void checkArguments(Plant plant, double[] x0, double[][] inputs, double dt, int nx, int nu) {
    if (!(dt > 0) || !Double.isFinite(dt)) {
      throw new ModelingException("PlantSimulator: dt must be finite and > 0 s, got " + dt);
    }
    if (x0.length != nx) {
      throw new ModelingException("PlantSimulator: x0 has " + x0.length + " values but " + plant.name() + " has "
          + nx + " states " + plant.stateNames());
    }
    for (int j = 0; j < nx; j++) {
      if (!Double.isFinite(x0[j])) {
        throw new ModelingException(
            "PlantSimulator: x0 value " + plant.stateNames().get(j) + " is not finite: " + x0[j]);
      }
    }
    if (inputs.length == 0) {
      throw new ModelingException("PlantSimulator: at least one input row is needed (one per sample)");
    }
    for (int i = 0; i < inputs.length; i++) {
      if (inputs[i].length != nu) {
        throw new ModelingException("PlantSimulator: input row " + i + " has " + inputs[i].length + " values but "
            + plant.name() + " has " + nu + " inputs " + plant.inputNames());
      }
      for (int j = 0; j < nu; j++) {
        if (!Double.isFinite(inputs[i][j])) {
          throw new ModelingException("PlantSimulator: input row " + i + ", " + plant.inputNames().get(j)
              + " is not finite: " + inputs[i][j]);
        }
      }
    }
  }

  @Override
  public String toString() {
    return "PlantSimulator[" + integrator + (integrator == Integrator.RK4
        ? ", substeps=" + rk4Substeps
        : ", rtol=" + rtol + ", atol=" + atol) + "]";
  }

  /** Settings; defaults: Dormand–Prince, rtol = atol = 1e-9, 10 RK4 substeps (used with RK4 only). */
  public static final class Builder {
    private Integrator integrator = Integrator.DORMAND_PRINCE_54;
    private double rtol = 1e-9;
    private double atol = 1e-9;
    private int rk4Substeps = 10;

    private Builder() {}

    public Builder integrator(Integrator integrator) {
      this.integrator = integrator;
      return this;
    }

    /** Relative tolerance for Dormand–Prince, dimensionless. */
    public Builder rtol(double rtol) {
      this.rtol = rtol;
      return this;
    }

    /** Absolute tolerance for Dormand–Prince, state units. */
    public Builder atol(double atol) {
      this.atol = atol;
      return this;
    }

    /** Equal RK4 substeps per sampling interval, ≥ 1. */
    public Builder rk4Substeps(int rk4Substeps) {
      this.rk4Substeps = rk4Substeps;
      return this;
    }

    public PlantSimulator build() {
      return new PlantSimulator(this);
    }
  }
}
