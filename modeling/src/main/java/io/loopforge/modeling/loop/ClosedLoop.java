package io.loopforge.modeling.loop;

import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantSimulator;
import io.loopforge.modeling.policy.Controller;
import io.loopforge.modeling.policy.InputBounds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A closed loop of a system and a {@link Controller}, sampled every {@code dt} seconds: the one simulator
 * that the HIL session, the planner studies, the demo and {@code loopforge loop} run on.
 *
 * <p>The system is a continuous-time {@link Plant}, integrated over each sampling interval by a
 * {@link PlantSimulator} (Dormand–Prince by default, or RK4 with substeps), or a discrete-time {@link
 * DynamicsModel}, advanced by its {@link DynamicsModel#step}. Step {@code k} (time {@code t_k = k·dt}):
 *
 * <ol>
 *   <li>the controller sees {@code y_k = x_k + n_k}, with {@code n_k} Gaussian measurement noise (per-state
 *       standard deviations, state units; none by default), and the reference {@code r_k} (a set-point, or
 *       row {@code k} of a reference trajectory);
 *   <li>it returns {@code c_k = control(y_k, r_k)} (its time is measured with {@link System#nanoTime});
 *   <li>the actuator saturates it to the input bounds (the plant's by default): {@code u_k = sat(c_k)};
 *   <li>the stage cost of {@code (x_k, u_k, r_k)} is added (default: the plant task's quadratic cost,
 *       {@link StageCost#taskCost});
 *   <li>the system moves under {@code u_k + d_k} held over the interval (zero-order hold), with {@code d_k}
 *       Gaussian input disturbance (per-input standard deviations, input units; none by default);
 *   <li>the run stops early when {@code x_{k+1}} leaves the operating region (the plant's {@link
 *       Plant#stateLower()}/{@link Plant#stateUpper()}; a model has none unless given).
 * </ol>
 *
 * A run also stops when the controller returns a non-finite input or the system blows up; the {@link
 * ClosedLoopResult} says why. Noise and disturbance come from two {@link SplittableRandom} streams split
 * from the seed, so the same seed gives the same run, and turning the disturbance on does not change the
 * noise. The controller's {@link Controller#reset()} is called at the start of every {@link #run()}.
 *
 * <pre>{@code
 * ClosedLoopResult r = ClosedLoop.builder(PlantCatalog.create("pendulum"),
 *     ModelFiles.read(path).model().controller("the loop"))
 *     .steps(500).initialState(2.8, 0).measurementNoise(1e-3, 1e-3).seed(7).build().run();
 * r.writeJson(Path.of("run.json"));
 * }</pre>
 *
 * <p>Immutable; {@link #run()} allocates the result's arrays up front and nothing per step (beyond what the
 * controller and the system do). Runs may not overlap when the controller is stateful.
 */
public final class ClosedLoop {
  private final Plant plant;
  private final DynamicsModel model;
  private final Controller controller;
  private final PlantSimulator simulator;
  private final String systemName;
  private final String systemLabel;
  private final String controllerName;
  private final String controllerLabel;
  private final List<String> stateNames;
  private final List<String> inputNames;
  private final double dt;
  private final int steps;
  private final double[] initialState;
  private final double[] setPoint;
  private final double[][] referenceTrajectory;
  private final double[] noiseStd;
  private final double[] disturbanceStd;
  private final long seed;
  private final InputBounds inputBounds;
  private final double[] regionLower;
  private final double[] regionUpper;
  private final boolean stopOutsideRegion;
  private final StageCost stageCost;

  private ClosedLoop(Builder b) {
    this.plant = b.plant;
    this.model = b.model;
    this.controller = b.controller;
    this.systemName = b.systemName();
    this.systemLabel = (plant != null ? "plant " : "model ") + systemName;
    this.controllerName = b.controllerName;
    this.controllerLabel = controllerName == null ? "the controller" : "controller " + controllerName;
    this.stateNames = b.systemStateNames();
    this.inputNames = b.systemInputNames();
    int nx = stateNames.size();
    int nu = inputNames.size();
    checkNames(b.controller);
    this.simulator = plant != null ? (b.simulator != null ? b.simulator : PlantSimulator.withDefaults()) : null;
    if (model != null && b.simulator != null) {
      throw fail("a model is advanced by its own step(); simulator(...) applies to plants only");
    }
    this.dt = checkDt(b);
    if (b.steps < 1) {
      throw fail("steps must be at least 1, got " + b.steps + (b.steps == 0 ? " (set it with steps(n))" : ""));
    }
    this.steps = b.steps;
    this.initialState = checkInitialState(b.initialState, nx);
    int nr = controller.referenceDim();
    if (b.referenceTrajectory != null) {
      if (b.referenceTrajectory.length != steps) {
        throw fail("the reference trajectory has " + b.referenceTrajectory.length + " rows, expected one per step ("
            + steps + ")");
      }
      this.referenceTrajectory = new double[steps][];
      for (int k = 0; k < steps; k++) {
        referenceTrajectory[k] = checkReference(b.referenceTrajectory[k], "row " + k + " of the reference trajectory");
      }
      this.setPoint = null;
    } else {
      this.referenceTrajectory = null;
      this.setPoint = checkReference(b.setPoint != null ? b.setPoint : defaultReference(nx, nu, nr), "the reference");
    }
    this.noiseStd = checkStd(b.noiseStd, stateNames, "measurement noise", "state");
    this.disturbanceStd = checkStd(b.disturbanceStd, inputNames, "input disturbance", "input");
    this.seed = b.seed;
    this.inputBounds = b.inputBounds != null ? b.inputBounds
        : plant != null ? InputBounds.of(plant.inputLower(), plant.inputUpper()) : InputBounds.unbounded(nu);
    if (inputBounds.size() != nu) {
      throw fail("input bounds for " + inputBounds.size() + " inputs, " + systemName + " has " + nu + " inputs "
          + inputNames);
    }
    double[] lower = b.regionLower != null ? b.regionLower : plant != null ? plant.stateLower() : fill(nx, -1);
    double[] upper = b.regionUpper != null ? b.regionUpper : plant != null ? plant.stateUpper() : fill(nx, 1);
    checkRegion(lower, upper);
    this.regionLower = lower.clone();
    this.regionUpper = upper.clone();
    this.stopOutsideRegion = b.stopOutsideRegion;
    if (stopOutsideRegion) {
      String where = outside(initialState);
      if (where != null) {
        throw fail("the initial state " + Arrays.toString(initialState) + " is outside the operating region ("
            + where + "); start inside it, or give stopOutsideRegion(false)");
      }
    }
    this.stageCost = b.stageCost != null ? b.stageCost : plant != null ? StageCost.taskCost(plant)
        : StageCost.quadratic(new double[nu]);
    if (stageCost instanceof QuadraticCost) {
      QuadraticCost q = (QuadraticCost) stageCost;
      if (q.inputDim() != nu) {
        throw fail("the quadratic stage cost has an input reference of " + q.inputDim() + " values, " + systemName
            + " has " + nu + " inputs " + inputNames);
      }
      if (nr < nx) {
        throw fail("the quadratic stage cost compares the state with the first " + nx + " reference values, but "
            + possessive(controllerLabel) + " reference has " + nr + " " + controller.referenceNames()
            + "; give a stageCost(...)");
      }
    }
  }

  /** A closed loop of a plant (integrated between samples) and a controller. */
  public static Builder builder(Plant plant, Controller controller) {
    return new Builder(Objects.requireNonNull(plant, "plant"), null, controller);
  }

  /** A closed loop of a discrete-time model (advanced by {@link DynamicsModel#step}) and a controller. */
  public static Builder builder(DynamicsModel model, Controller controller) {
    return new Builder(null, Objects.requireNonNull(model, "model"), controller);
  }

  /** Number of steps a run takes unless it stops early. */
  public int steps() {
    return steps;
  }

  /** Sampling interval, s. */
  public double dt() {
    return dt;
  }

  /**
   * Runs the loop from the initial state (the controller is {@link Controller#reset() reset} first).
   *
   * @return the trajectory, costs, timings and violations, and why the run stopped
   * @throws RuntimeException whatever the controller or the stage cost throws (the run is abandoned)
   */
  public ClosedLoopResult run() {
    int nx = stateNames.size();
    int nu = inputNames.size();
    int n = steps;
    double[] times = new double[n];
    double[][] states = new double[n][nx];
    double[][] applied = new double[n][nu];
    double[][] raw = new double[n][nu];
    double[][] references = new double[n][];
    double[] costs = new double[n];
    long[] nanos = new long[n];
    double[][] measured = noiseStd != null ? new double[n][nx] : null;
    double[][] disturbances = disturbanceStd != null ? new double[n][nu] : null;

    double[] x = initialState.clone();
    double[] next = new double[nx];
    double[] y = new double[nx];
    double[] c = new double[nu];
    double[] u = new double[nu];
    double[] d = new double[nu];
    double[] uPlant = disturbanceStd != null ? new double[nu] : u;
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom noise = root.split();
    SplittableRandom disturbance = root.split();
    PlantSimulator.Interval interval = plant != null ? simulator.interval(plant) : null;

    ClosedLoopResult.StopReason reason = ClosedLoopResult.StopReason.COMPLETED;
    String detail = "ran all " + n + " steps";
    int saturations = 0;
    double saturationAmount = 0;
    int stateViolations = 0;
    double maxStateViolation = 0;
    double total = 0;
    int m = 0;
    controller.reset();
    for (int k = 0; k < n; k++) {
      double[] r = referenceTrajectory != null ? referenceTrajectory[k] : setPoint;
      double[] seen = x;
      if (noiseStd != null) {
        for (int j = 0; j < nx; j++) {
          y[j] = x[j] + noiseStd[j] * noise.nextGaussian();
        }
        seen = y;
      }
      long t0 = System.nanoTime();
      controller.control(seen, r, c);
      long spent = System.nanoTime() - t0;
      int bad = firstNonFinite(c);
      if (bad >= 0) {
        reason = ClosedLoopResult.StopReason.NON_FINITE_INPUT;
        detail = String.format(Locale.ROOT, "at step %d (t = %s s) the controller returned %s = %s for the state %s",
            k, k * dt, inputNames.get(bad), c[bad], Arrays.toString(seen));
        break;
      }
      for (int i = 0; i < nu; i++) {
        u[i] = inputBounds.clamp(i, c[i]);
        if (c[i] <= inputBounds.lower(i) || c[i] >= inputBounds.upper(i)) {
          saturations++;
          saturationAmount += Math.abs(c[i] - u[i]);
        }
      }
      if (disturbanceStd != null) {
        for (int i = 0; i < nu; i++) {
          d[i] = disturbanceStd[i] * disturbance.nextGaussian();
          uPlant[i] = u[i] + d[i];
        }
      }
      double cost = stageCost.cost(x, u, r, dt);
      String diverged = advance(interval, k, x, uPlant, next);
      if (diverged != null) {
        reason = ClosedLoopResult.StopReason.DIVERGED;
        detail = diverged;
        break;
      }
      times[k] = k * dt;
      System.arraycopy(x, 0, states[k], 0, nx);
      System.arraycopy(u, 0, applied[k], 0, nu);
      System.arraycopy(c, 0, raw[k], 0, nu);
      references[k] = r;
      costs[k] = cost;
      nanos[k] = spent;
      if (measured != null) {
        System.arraycopy(y, 0, measured[k], 0, nx);
      }
      if (disturbances != null) {
        System.arraycopy(d, 0, disturbances[k], 0, nu);
      }
      total += cost;
      double excess = excess(x);
      if (excess > 0) {
        stateViolations++;
        maxStateViolation = Math.max(maxStateViolation, excess);
      }
      m = k + 1;
      double[] swap = x;
      x = next;
      next = swap;
      if (stopOutsideRegion && excess(x) > 0) {
        reason = ClosedLoopResult.StopReason.LEFT_REGION;
        detail = String.format(Locale.ROOT, "after step %d (t = %s s) the state left the operating region: %s", k,
            m * dt, outside(x));
        break;
      }
    }
    double finalExcess = excess(x);
    if (finalExcess > 0) {
      stateViolations++;
      maxStateViolation = Math.max(maxStateViolation, finalExcess);
    }
    return new ClosedLoopResult(this, initialState, m, reason, detail, times, states, applied, raw, references,
        costs, total, nanos, measured, disturbances, x,
        new ClosedLoopResult.Violations(saturations, saturationAmount, stateViolations, maxStateViolation));
  }

  /** Moves the system over step {@code k}; null when the next state is finite, else why not. */
  private String advance(PlantSimulator.Interval interval, int k, double[] x, double[] input, double[] next) {
    if (interval != null) {
      try {
        interval.advance(k, k * dt, dt, x, input, next);
        return null;
      } catch (ModelingException e) {
        return e.getMessage();
      }
    }
    model.step(x, input, next);
    int bad = firstNonFinite(next);
    return bad < 0 ? null : String.format(Locale.ROOT,
        "at step %d (t = %s s) the model's next %s is %s (from the state %s with the input %s)", k, k * dt,
        stateNames.get(bad), next[bad], Arrays.toString(x), Arrays.toString(input));
  }

  private static int firstNonFinite(double[] v) {
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        return i;
      }
    }
    return -1;
  }

  /** How far {@code x} lies outside the operating region (largest component excess), 0 inside; +∞ for NaN. */
  private double excess(double[] x) {
    double e = 0;
    for (int j = 0; j < x.length; j++) {
      if (Double.isNaN(x[j])) {
        return Double.POSITIVE_INFINITY;
      }
      e = Math.max(e, Math.max(regionLower[j] - x[j], x[j] - regionUpper[j]));
    }
    return e;
  }

  /** The first state component outside the operating region, described; null when inside. */
  private String outside(double[] x) {
    for (int j = 0; j < x.length; j++) {
      if (!(x[j] >= regionLower[j])) {
        return stateNames.get(j) + " = " + x[j] + " is below " + regionLower[j];
      }
      if (!(x[j] <= regionUpper[j])) {
        return stateNames.get(j) + " = " + x[j] + " is above " + regionUpper[j];
      }
    }
    return null;
  }

  private ModelingException fail(String message) {
    return new ModelingException("closed loop of " + systemLabel + ": " + message);
  }

  private void checkNames(Controller c) {
    int nx = stateNames.size();
    int nu = inputNames.size();
    if (c.stateDim() != nx || c.inputDim() != nu) {
      throw fail(String.format(Locale.ROOT,
          "%s has %d state%s %s and %d input%s %s, %s has %d state%s %s and %d input%s %s; use a"
              + " controller made for %s", controllerLabel, c.stateDim(), plural(c.stateDim()), c.stateNames(),
          c.inputDim(), plural(c.inputDim()), c.inputNames(), systemName, nx, plural(nx), stateNames, nu, plural(nu),
          inputNames, systemName));
    }
    List<String> wrong = new ArrayList<>();
    if (!c.stateNames().equals(stateNames)) {
      wrong.add("state names " + c.stateNames() + " differ from " + systemName + "'s " + stateNames);
    }
    if (!c.inputNames().equals(inputNames)) {
      wrong.add("input names " + c.inputNames() + " differ from " + systemName + "'s " + inputNames);
    }
    if (!wrong.isEmpty()) {
      throw fail(possessive(controllerLabel) + " " + String.join(" and its ", wrong) + "; it was made for another"
          + " system (or names its variables differently): use a controller made for " + systemName);
    }
  }

  private static String possessive(String label) {
    return label + "'s";
  }

  private static String plural(int n) {
    return n == 1 ? "" : "s";
  }

  private double checkDt(Builder b) {
    if (model != null) {
      double md = model.dt();
      if (b.dt != null && Double.compare(b.dt, md) != 0) {
        throw fail("dt " + b.dt + " s differs from the model's step " + md + " s; a model is stepped at its own dt");
      }
      if (Double.compare(controller.dt(), md) != 0) {
        throw fail(controllerLabel + " runs every " + controller.dt() + " s, the model steps " + md + " s");
      }
      return md;
    }
    double d = b.dt != null ? b.dt : controller.dt();
    if (!(d > 0) || Double.isInfinite(d)) {
      throw fail("dt must be a positive, finite number of seconds, got " + d);
    }
    return d;
  }

  private double[] checkInitialState(double[] x0, int nx) {
    if (x0 == null) {
      if (plant == null) {
        throw fail("a model has no default initial state: give initialState(...) with " + nx + " values "
            + stateNames);
      }
      x0 = plant.defaultInitialState();
    }
    if (x0.length != nx) {
      throw fail("the initial state has " + x0.length + " values, expected " + nx + " " + stateNames);
    }
    for (int j = 0; j < nx; j++) {
      if (!Double.isFinite(x0[j])) {
        throw fail("the initial state's " + stateNames.get(j) + " is not finite: " + x0[j]);
      }
    }
    return x0.clone();
  }

  private double[] defaultReference(int nx, int nu, int nr) {
    if (plant == null) {
      throw fail("a model has no task: give reference(...) with " + nr + " values " + controller.referenceNames());
    }
    double[] xRef = plant.defaultTask().referenceState();
    if (nr == nx) {
      return xRef;
    }
    double[] uRef = plant.defaultTask().referenceInput();
    if (nr == nx + nu && uRef != null) {
      double[] r = Arrays.copyOf(xRef, nr);
      System.arraycopy(uRef, 0, r, nx, nu);
      return r;
    }
    throw fail(possessive(controllerLabel) + " reference " + controller.referenceNames() + " is not the task's state"
        + " (or state and input) reference: give reference(...) with " + nr + " values");
  }

  private double[] checkReference(double[] r, String what) {
    int nr = controller.referenceDim();
    if (r.length != nr) {
      throw fail(what + " has " + r.length + " values, " + controllerLabel + " expects " + nr + " "
          + controller.referenceNames());
    }
    for (int i = 0; i < nr; i++) {
      if (!Double.isFinite(r[i])) {
        throw fail(what + " holds a non-finite value at " + controller.referenceNames().get(i) + ": " + r[i]);
      }
    }
    return r.clone();
  }

  private double[] checkStd(double[] std, List<String> names, String what, String kind) {
    if (std == null) {
      return null;
    }
    if (std.length != names.size()) {
      throw fail("the " + what + " has " + std.length + " standard deviations, expected one per " + kind + " "
          + names);
    }
    for (int i = 0; i < std.length; i++) {
      if (!(std[i] >= 0) || Double.isInfinite(std[i])) {
        throw fail("the " + what + " standard deviation of " + names.get(i) + " must be finite and >= 0, got "
            + std[i]);
      }
    }
    return std.clone();
  }

  private void checkRegion(double[] lower, double[] upper) {
    int nx = stateNames.size();
    if (lower.length != nx || upper.length != nx) {
      throw fail("the operating region has " + lower.length + " lower and " + upper.length
          + " upper limits, expected " + nx + " each " + stateNames);
    }
    for (int j = 0; j < nx; j++) {
      if (Double.isNaN(lower[j]) || Double.isNaN(upper[j]) || lower[j] > upper[j]) {
        throw fail("the operating region of " + stateNames.get(j) + " is [" + lower[j] + ", " + upper[j]
            + "]: it needs lower <= upper");
      }
    }
  }

  private static double[] fill(int n, int sign) {
    double[] d = new double[n];
    Arrays.fill(d, sign * Double.POSITIVE_INFINITY);
    return d;
  }

  // Package-private views for ClosedLoopResult.
  String systemName() {
    return systemName;
  }

  String systemKind() {
    return plant != null ? "plant" : "model";
  }

  List<String> stateNames() {
    return stateNames;
  }

  List<String> inputNames() {
    return inputNames;
  }

  Controller controller() {
    return controller;
  }

  /** What results call the controller: its given name, else its {@code toString()}. */
  String controllerName() {
    return controllerName != null ? controllerName : String.valueOf(controller);
  }

  String integrator() {
    return simulator == null ? null : simulator.toString();
  }

  double[] noiseStd() {
    return noiseStd;
  }

  double[] disturbanceStd() {
    return disturbanceStd;
  }

  long seed() {
    return seed;
  }

  InputBounds inputBounds() {
    return inputBounds;
  }

  double[] regionLower() {
    return regionLower;
  }

  double[] regionUpper() {
    return regionUpper;
  }

  boolean stopOutsideRegion() {
    return stopOutsideRegion;
  }

  StageCost stageCost() {
    return stageCost;
  }

  /**
   * Settings of a {@link ClosedLoop}. Required: {@link #steps}. Defaults: dt the controller's (a model's
   * own), the plant's default initial state, the plant task's reference, no noise, no disturbance, seed 0,
   * the plant's input bounds and operating region (a model: none), stop outside the region, the task cost,
   * {@link PlantSimulator#withDefaults()}. Arrays are copied; {@link #build()} checks everything and says
   * what is wrong with a {@link ModelingException}.
   */
  public static final class Builder {
    private final Plant plant;
    private final DynamicsModel model;
    private final Controller controller;
    private PlantSimulator simulator;
    private String name;
    private String controllerName;
    private Double dt;
    private int steps;
    private double[] initialState;
    private double[] setPoint;
    private double[][] referenceTrajectory;
    private double[] noiseStd;
    private double[] disturbanceStd;
    private long seed;
    private InputBounds inputBounds;
    private double[] regionLower;
    private double[] regionUpper;
    private boolean stopOutsideRegion = true;
    private StageCost stageCost;

    private Builder(Plant plant, DynamicsModel model, Controller controller) {
      this.plant = plant;
      this.model = model;
      this.controller = Objects.requireNonNull(controller, "controller");
    }

    /** Control steps to run (at least 1); the run may stop earlier. */
    public Builder steps(int steps) {
      this.steps = steps;
      return this;
    }

    /** Sampling interval, s (default: the controller's; a model's own dt, which must agree). */
    public Builder dt(double seconds) {
      this.dt = seconds;
      return this;
    }

    /** Start state, system state units (default: the plant's default initial state; required for a model). */
    public Builder initialState(double... x0) {
      this.initialState = x0.clone();
      return this;
    }

    /**
     * A constant reference, one value per controller reference entry (default: the plant task's reference
     * state, or state and input for a controller whose reference holds both). Replaces a trajectory.
     */
    public Builder reference(double... setPoint) {
      this.setPoint = setPoint.clone();
      this.referenceTrajectory = null;
      return this;
    }

    /** A reference per step: exactly {@link #steps} rows of the controller's reference length. Replaces a set-point. */
    public Builder referenceTrajectory(double[][] rows) {
      double[][] copy = new double[rows.length][];
      for (int k = 0; k < rows.length; k++) {
        copy[k] = rows[k].clone();
      }
      this.referenceTrajectory = copy;
      this.setPoint = null;
      return this;
    }

    /** Gaussian measurement noise on what the controller sees: one standard deviation per state, state units. */
    public Builder measurementNoise(double... stdDev) {
      this.noiseStd = stdDev.clone();
      return this;
    }

    /** Gaussian disturbance added to the applied input: one standard deviation per input, input units. */
    public Builder inputDisturbance(double... stdDev) {
      this.disturbanceStd = stdDev.clone();
      return this;
    }

    /** Seed of the noise and disturbance (default 0). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** How a plant is integrated between samples (default: {@link PlantSimulator#withDefaults()}). Plants only. */
    public Builder simulator(PlantSimulator simulator) {
      this.simulator = Objects.requireNonNull(simulator, "simulator");
      return this;
    }

    /** Actuator limits (default: the plant's input bounds; a model: unbounded). */
    public Builder inputBounds(InputBounds bounds) {
      this.inputBounds = Objects.requireNonNull(bounds, "bounds");
      return this;
    }

    /**
     * The box of states the system should stay in, state units, {@code ±∞} where unbounded (default: the
     * plant's operating region; a model: none). States outside it are counted as violations.
     */
    public Builder operatingRegion(double[] lower, double[] upper) {
      this.regionLower = lower.clone();
      this.regionUpper = upper.clone();
      return this;
    }

    /** Whether a run stops when the state leaves the operating region (default true). */
    public Builder stopOutsideRegion(boolean stop) {
      this.stopOutsideRegion = stop;
      return this;
    }

    /** The cost of a step (default: {@link StageCost#taskCost} of a plant; a model: {@code quadratic(0)}). */
    public Builder stageCost(StageCost cost) {
      this.stageCost = Objects.requireNonNull(cost, "cost");
      return this;
    }

    /** What the results call the system (default: the plant's catalog name, a model's class name). */
    public Builder systemName(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * What messages and results call the controller, e.g. its file (default: "the controller" in messages,
     * its {@code toString()} in results).
     */
    public Builder controllerName(String name) {
      this.controllerName = Objects.requireNonNull(name, "name");
      return this;
    }

    /** @throws ModelingException naming what is wrong: dimensions, names, lengths, non-finite values */
    public ClosedLoop build() {
      return new ClosedLoop(this);
    }

    private String systemName() {
      if (name != null) {
        return name;
      }
      return plant != null ? plant.name() : model.getClass().getSimpleName();
    }

    private List<String> systemStateNames() {
      return List.copyOf(plant != null ? plant.stateNames() : model.stateNames());
    }

    private List<String> systemInputNames() {
      return List.copyOf(plant != null ? plant.inputNames() : model.inputNames());
    }
  }
}
