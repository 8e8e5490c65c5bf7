package io.loopforge.studies;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.Trajectory;
import io.loopforge.modeling.loop.ClosedLoop;
import io.loopforge.modeling.loop.ClosedLoopResult;
import io.loopforge.modeling.plant.LorenzControl;
import io.loopforge.modeling.plant.PlantSimulator;
import io.loopforge.modeling.policy.Controller;
import io.loopforge.modeling.sindy.FeatureLibrary;
import io.loopforge.modeling.sindy.Sindy;
import io.loopforge.modeling.sindy.SindyModel;
import io.loopforge.modeling.sindy.Stlsq;
import io.loopforge.mpc.MpcProblem;
import io.loopforge.mpc.MppiPlanner;
import io.loopforge.mpc.Plan;
import io.loopforge.mpc.PlanRequest;
import io.loopforge.mpc.PlanStatus;
import io.loopforge.mpc.Planner;
import io.loopforge.mpc.RecedingHorizonController;
import io.loopforge.mpc.SindyMpcPlanner;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Figure 4 of the MPC issue: SINDy-MPC on {@code lorenz-control} in the setting of Kaiser, Kutz and Brunton
 * (2018), beside other planners on the same SINDy model.
 *
 * <p>The recipe, after Kaiser et al.'s code ({@code EX_LORENZ}: getTrainingData, getMPCparams, runMPC):
 * <ol>
 *   <li>Data: the plant simulated from (−8, 8, 27) for {@link Options#dataSeconds} at dt =
 *       {@link Options#dataDt} = 0.001 s (zero-order hold at that rate) under their training input, a
 *       Schroeder-phased harmonic sum u(t) = A Σ_{i=1}^{K} √(2/K) cos(2π i t / P + 2π/K · i(i+1)/2) with
 *       A = 10, P = 0.5 s, K = 8 (|u| ≤ 18).
 *   <li>Model: SINDYc, polynomial library of degree 2 on (x, y, z, u), STLSQ with threshold
 *       {@link Options#threshold} (α = 0.05, PySINDy's default), finite differences of order 2; continuous
 *       in time, then discretised for planning by {@link SindyModel#withStep}(Ts, substeps) — RK4 substeps
 *       of the fitted right-hand side, which is exactly how a continuous model changes its step (the
 *       coefficients are rates and do not depend on the data's dt).
 *   <li>MPC: H = 10 steps of Ts = 0.01 s, quadratic cost with Q = I on every predicted state (the last one
 *       too), R = 0.001 on u and R_Δ = 0.001 on u_t − u_{t−1} (Kaiser's getMPCparams), |u| ≤ 50, u_ref = 0,
 *       the target the plant task's fixed point C⁻ = (−√72, −√72, 27).
 *   <li>Closed loop: the true plant (Dormand–Prince between samples, {@link ClosedLoop}) for
 *       {@link Options#steps} steps (Kaiser: 3 time units) from initial states on the attractor: seeded
 *       random perturbations of (−8, 8, 27), then 5–10 s of uncontrolled flow.
 * </ol>
 * Per planner and episode it reports the closed-loop cost J_cl = Σ_k ‖x_k − x*‖² + R u_k² + R_Δ (u_k −
 * u_{k−1})² (Kaiser's evalObjectiveFCN, u_{−1} = 0), the final distance to x*, the time after which the
 * state stays within {@link Options#settleRadius} of x*, and the planner's own wall time per step, measured
 * after a discarded warm-up episode of {@value #WARM_UP_STEPS} steps (a warm JVM). A run without control
 * gives the scale.
 *
 * <p>The planners are given as factories of {@link Planner}s on the study's {@link MpcProblem}; the
 * defaults are SINDy-MPC and MPPI ({@link MppiPlanner} with its defaults). Timings are wall-clock on whatever machine runs it.
 */
public final class SindyMpcStudy {
  /** A planner to compare, made for the study's problem. */
  public record PlannerEntry(String name, Function<MpcProblem, Planner> factory) {}

  /**
   * Study settings.
   *
   * @param initialStates episodes (initial states on the attractor)
   * @param steps closed-loop steps per episode
   * @param horizon H, steps
   * @param ts control interval Ts, s
   * @param substeps RK4 substeps of the SINDy model per Ts
   * @param inputLimit |u| bound (dimensionless)
   * @param inputWeight R on u
   * @param rateWeight R_Δ on u_t − u_{t−1}
   * @param dataDt sample interval of the training data, s
   * @param dataSeconds length of the training data, s
   * @param threshold STLSQ threshold
   * @param settleRadius distance to x* that counts as "at the equilibrium" (state units, Euclidean)
   * @param seed seed of the initial states (and of sampling planners)
   * @param planners the planners compared
   */
  public record Options(int initialStates, int steps, int horizon, double ts, int substeps, double inputLimit,
      double inputWeight, double rateWeight, double dataDt, double dataSeconds, double threshold,
      double settleRadius, long seed, List<PlannerEntry> planners) {
    public Options {
      planners = List.copyOf(planners);
    }

    /** Kaiser's setting, 10 initial states, 3 s each; SINDy-MPC with its defaults and the stand-in MPPI. */
    public static Options standard() {
      return new Options(10, 300, 10, 0.01, 1, 50, 0.001, 0.001, 0.001, 10, 0.1, 0.1, 1, defaultPlanners(1));
    }

    /** A smoke test: 2 initial states, 2.5 s each. */
    public static Options quick() {
      return new Options(2, 250, 10, 0.01, 1, 50, 0.001, 0.001, 0.001, 10, 0.1, 0.1, 1, defaultPlanners(1));
    }

    /** These options with other planners. */
    public Options withPlanners(List<PlannerEntry> newPlanners) {
      return new Options(initialStates, steps, horizon, ts, substeps, inputLimit, inputWeight, rateWeight, dataDt,
          dataSeconds, threshold, settleRadius, seed, newPlanners);
    }

    /** These options with another number of initial states and steps per episode. */
    public Options withEpisodes(int states, int stepsPerEpisode) {
      return new Options(states, stepsPerEpisode, horizon, ts, substeps, inputLimit, inputWeight, rateWeight, dataDt,
          dataSeconds, threshold, settleRadius, seed, planners);
    }
  }

  /** SINDy-MPC and MPPI on the same SINDy model, each with its defaults (MPPI seeded). */
  public static List<PlannerEntry> defaultPlanners(long seed) {
    return List.of(new PlannerEntry(SindyMpcPlanner.NAME, p -> SindyMpcPlanner.builder(p).build()),
        new PlannerEntry("mppi", p -> MppiPlanner.builder(p).seed(seed).build()));
  }

  /**
   * One closed-loop run.
   *
   * @param cost J_cl (see the class doc)
   * @param finalError ‖x_N − x*‖ after the last step
   * @param settleSeconds time after which ‖x − x*‖ stays within the settle radius, s; NaN when it never does
   * @param solveMillis the planner's wall time per step, ms (one entry per step)
   * @param cpuMillis the planner thread's CPU time per step, ms (one entry per step): on a shared machine
   *     the wall time includes waiting for a core, this does not
   * @param iterations subproblems (or samples) per step, mean
   * @param fallbacks steps where the controller applied a fallback
   * @param statuses count of each status applied
   */
  public record Episode(String planner, int index, double[] initialState, double cost, double finalError,
      double settleSeconds, double[] solveMillis, double[] cpuMillis, double iterations, int fallbacks, Map<PlanStatus, Integer> statuses,
      ClosedLoopResult.StopReason stop) {}

  /** The study's result: the fitted model, and every episode of every planner (and of no control). */
  public record Report(SindyModel model, double fitSeconds, int dataSamples, double maxCoefficientError,
      double[] target, List<double[]> initialStates, List<Episode> episodes, double seconds) {

    /** The episodes of one planner, in initial-state order. */
    public List<Episode> of(String planner) {
      List<Episode> out = new ArrayList<>();
      for (Episode e : episodes) {
        if (e.planner().equals(planner)) {
          out.add(e);
        }
      }
      return out;
    }
  }

  /** Steps of the discarded warm-up episode run before each planner's episodes. */
  static final int WARM_UP_STEPS = 50;

  /** Name of the row without control. */
  public static final String NO_CONTROL = "no control (u = 0)";

  private SindyMpcStudy() {}

  /**
   * Runs the study and writes its Markdown report to {@code out}.
   *
   * @return the results the report was written from
   */
  public static Report run(Options o, PrintWriter out) {
    long t0 = System.nanoTime();
    LorenzControl plant = LorenzControl.builder().inputLimit(o.inputLimit()).build();
    Trajectory data = trainingData(plant, o);
    long f0 = System.nanoTime();
    SindyModel fitted = Sindy.builder().library(FeatureLibrary.polynomial(2))
        .optimizer(Stlsq.builder().threshold(o.threshold()).build()).build().fit(Dataset.of(data));
    double fitSeconds = (System.nanoTime() - f0) * 1e-9;
    SindyModel model = fitted.withStep(o.ts(), o.substeps());
    double[] target = plant.defaultTask().referenceState();
    MpcProblem problem = MpcProblem.builder(model, o.horizon()).norm(MpcProblem.Norm.QUADRATIC)
        .stateReference(target).stateWeights(1, 1, 1).inputWeights(o.inputWeight()).inputRateWeights(o.rateWeight())
        .inputBounds(plant.inputLower(), plant.inputUpper()).build();

    List<double[]> starts = initialStates(plant, o);
    List<Episode> episodes = new ArrayList<>();
    for (int e = 0; e < starts.size(); e++) {
      episodes.add(episode(plant, o, null, NO_CONTROL, e, starts.get(e), target));
    }
    for (PlannerEntry entry : o.planners()) {
      Planner planner = entry.factory().apply(problem);
      // a discarded episode first: the times reported are those of a warm JVM (classes loaded, code compiled)
      episode(plant, o.withEpisodes(1, Math.min(WARM_UP_STEPS, o.steps())), planner, entry.name(), -1, starts.get(0),
          target);
      for (int e = 0; e < starts.size(); e++) {
        episodes.add(episode(plant, o, planner, entry.name(), e, starts.get(e), target));
      }
    }
    Report report = new Report(model, fitSeconds, data.size(), coefficientError(fitted, plant), target, starts,
        episodes, (System.nanoTime() - t0) * 1e-9);
    out.print(markdown(report, o));
    out.flush();
    return report;
  }

  /** Kaiser's training input (see the class doc), sampled every dataDt and held. */
  static double[][] trainingInput(Options o) {
    int n = (int) Math.round(o.dataSeconds() / o.dataDt()) + 1;
    double[][] u = new double[n][1];
    int k = 8;
    double period = 0.5;
    double amplitude = 10;
    for (int s = 0; s < n; s++) {
      double t = s * o.dataDt();
      double v = 0;
      for (int i = 1; i <= k; i++) {
        double phase = 2 * Math.PI / k * (i * (i + 1) / 2.0);
        v += Math.sqrt(2.0 / k) * Math.cos(2 * Math.PI * i * t / period + phase);
      }
      u[s][0] = amplitude * v;
    }
    return u;
  }

  private static Trajectory trainingData(LorenzControl plant, Options o) {
    return PlantSimulator.withDefaults().simulate(plant, plant.defaultInitialState(), trainingInput(o), o.dataDt());
  }

  /** Seeded points on the attractor: (−8, 8, 27) perturbed by up to ±5 per state, then 5–10 s of free flow. */
  static List<double[]> initialStates(LorenzControl plant, Options o) {
    SplittableRandom rng = new SplittableRandom(o.seed());
    PlantSimulator sim = PlantSimulator.withDefaults();
    List<double[]> out = new ArrayList<>();
    for (int e = 0; e < o.initialStates(); e++) {
      double[] x = plant.defaultInitialState();
      for (int i = 0; i < x.length; i++) {
        x[i] += 5 * (2 * rng.nextDouble() - 1);
      }
      int samples = (int) Math.round((5 + 5 * rng.nextDouble()) / 0.01) + 1;
      Trajectory free = sim.simulate(plant, x, new double[samples][1], 0.01);
      out.add(free.state(samples - 1));
    }
    return out;
  }

  private static Episode episode(LorenzControl plant, Options o, Planner planner, String name, int index, double[] x0,
      double[] target) {
    List<RecedingHorizonController.Step> steps = new ArrayList<>();
    CpuTimed timed = planner == null ? null : new CpuTimed(planner);
    Controller controller = planner == null ? new ZeroInput(plant, o.ts())
        : RecedingHorizonController.builder(timed).listener(steps::add).build();
    ClosedLoopResult r = ClosedLoop.builder(plant, controller).steps(o.steps()).dt(o.ts()).initialState(x0)
        .reference(target).build().run();
    Trajectory tr = r.trajectory();
    double cost = 0;
    double previous = 0;
    for (int k = 0; k < tr.size(); k++) {
      double[] x = tr.state(k);
      double u = tr.input(k)[0];
      cost += squaredDistance(x, target) + o.inputWeight() * u * u + o.rateWeight() * (u - previous) * (u - previous);
      previous = u;
    }
    double[] end = r.finalState();
    double finalError = Math.sqrt(squaredDistance(end, target));
    double settle = Double.NaN;
    if (finalError <= o.settleRadius()) {
      int k = tr.size();
      while (k > 0 && Math.sqrt(squaredDistance(tr.state(k - 1), target)) <= o.settleRadius()) {
        k--;
      }
      settle = k * o.ts();
    }
    double[] millis = new double[steps.size()];
    double iterations = 0;
    int fallbacks = 0;
    Map<PlanStatus, Integer> statuses = new EnumMap<>(PlanStatus.class);
    for (int k = 0; k < steps.size(); k++) {
      RecedingHorizonController.Step s = steps.get(k);
      millis[k] = s.applied().stats().millis();
      iterations += Math.max(s.applied().stats().nodes(), s.applied().stats().samples());
      fallbacks += s.fallback() ? 1 : 0;
      statuses.merge(s.applied().status(), 1, Integer::sum);
    }
    double[] cpu = timed == null ? new double[0] : timed.millis.stream().mapToDouble(Double::doubleValue).toArray();
    return new Episode(name, index, x0.clone(), cost, finalError, settle, millis, cpu,
        steps.isEmpty() ? 0 : iterations / steps.size(), fallbacks, statuses, r.stopReason());
  }

  private static double squaredDistance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return s;
  }

  /** Largest |Ξ_fit − Ξ_true| over the 15 terms of the library (1, x, y, z, u, then degree 2). */
  private static double coefficientError(SindyModel m, LorenzControl plant) {
    List<String> names = m.featureNames();
    double[][] truth = new double[3][names.size()];
    truth[0][names.indexOf("x")] = -plant.sigma();
    truth[0][names.indexOf("y")] = plant.sigma();
    truth[0][names.indexOf("u")] = 1;
    truth[1][names.indexOf("x")] = plant.rho();
    truth[1][names.indexOf("y")] = -1;
    truth[1][names.indexOf("x z")] = -1;
    truth[2][names.indexOf("z")] = -plant.beta();
    truth[2][names.indexOf("x y")] = 1;
    double[][] c = m.coefficients();
    double worst = 0;
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < names.size(); j++) {
        worst = Math.max(worst, Math.abs(c[i][j] - truth[i][j]));
      }
    }
    return worst;
  }

  /** The Markdown report: the model, a summary table per planner and the cost of every episode. */
  public static String markdown(Report r, Options o) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "#### SINDy-MPC on lorenz-control (Kaiser et al. 2018 setting)%n%n"
        + "Model: SINDYc, polynomial degree 2, STLSQ threshold %s, fitted in %.2f s on %d samples at dt = %s s "
        + "(%s s of Kaiser's Schroeder-phased training input); largest coefficient error against the true Lorenz"
        + " system %.2g; planned on with RK4 (%d substep%s) at Ts = %s s:%n%n", num(o.threshold()), r.fitSeconds(),
        r.dataSamples(), num(o.dataDt()), num(o.dataSeconds()), r.maxCoefficientError(), o.substeps(),
        o.substeps() == 1 ? "" : "s", num(o.ts())));
    for (String line : r.model().printLines()) {
      sb.append("    ").append(line).append('\n');
    }
    sb.append(String.format(Locale.ROOT, "%nMPC: H = %d, quadratic cost, Q = I, R = %s, R_Δ = %s, |u| ≤ %s; target"
        + " x* = %s; %d initial states on the attractor (seed %d), %d steps (%s s) each against the true plant.%n%n",
        o.horizon(), num(o.inputWeight()), num(o.rateWeight()), num(o.inputLimit()), vector(r.target()),
        r.initialStates().size(), o.seed(), o.steps(), num(o.steps() * o.ts())));
    sb.append("| planner | at x* (‖x_N − x*‖ ≤ ").append(num(o.settleRadius())).append(") | J_cl mean | J_cl median"
        + " | final ‖x − x*‖ median | settled after, median (s) | solve ms/step median | p95 | max |"
        + " CPU ms/step median | p95 | subproblems or samples/step | fallbacks | statuses |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    List<String> names = new ArrayList<>();
    names.add(NO_CONTROL);
    for (PlannerEntry p : o.planners()) {
      names.add(p.name());
    }
    for (String name : names) {
      List<Episode> eps = r.of(name);
      int reached = 0;
      double[] costs = new double[eps.size()];
      double[] errors = new double[eps.size()];
      List<Double> settle = new ArrayList<>();
      List<Double> millis = new ArrayList<>();
      List<Double> cpuMillis = new ArrayList<>();
      double iterations = 0;
      int fallbacks = 0;
      Map<PlanStatus, Integer> statuses = new EnumMap<>(PlanStatus.class);
      for (int i = 0; i < eps.size(); i++) {
        Episode e = eps.get(i);
        costs[i] = e.cost();
        errors[i] = e.finalError();
        if (!Double.isNaN(e.settleSeconds())) {
          reached++;
          settle.add(e.settleSeconds());
        }
        for (double m : e.solveMillis()) {
          millis.add(m);
        }
        for (double m : e.cpuMillis()) {
          cpuMillis.add(m);
        }
        iterations += e.iterations() / eps.size();
        fallbacks += e.fallbacks();
        e.statuses().forEach((k, v) -> statuses.merge(k, v, Integer::sum));
      }
      boolean control = !name.equals(NO_CONTROL);
      double[] ms = millis.stream().mapToDouble(Double::doubleValue).toArray();
      double[] cpu = cpuMillis.stream().mapToDouble(Double::doubleValue).toArray();
      sb.append(String.format(Locale.ROOT, "| %s | %d / %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
          name, reached, eps.size(), num(mean(costs)), num(median(costs)), num(median(errors)),
          settle.isEmpty() ? "–" : num(median(settle.stream().mapToDouble(Double::doubleValue).toArray())),
          control ? num(median(ms)) : "–", control ? num(percentile(ms, 0.95)) : "–",
          control ? num(Arrays.stream(ms).max().orElse(Double.NaN)) : "–", control ? num(median(cpu)) : "–",
          control ? num(percentile(cpu, 0.95)) : "–", control ? num(iterations) : "–",
          control ? Integer.toString(fallbacks) : "–", control ? statuses.toString() : "–"));
    }
    sb.append("\nJ_cl per initial state:\n\n| x₀ |");
    for (String name : names) {
      sb.append(' ').append(name).append(" |");
    }
    sb.append("\n|---|");
    sb.append("---|".repeat(names.size())).append('\n');
    for (int e = 0; e < r.initialStates().size(); e++) {
      sb.append("| ").append(vector(r.initialStates().get(e))).append(" |");
      for (String name : names) {
        Episode ep = r.of(name).get(e);
        sb.append(' ').append(num(ep.cost()));
        if (ep.stop() != ClosedLoopResult.StopReason.COMPLETED) {
          sb.append(" (").append(ep.stop().fileName()).append(')');
        }
        sb.append(" |");
      }
      sb.append('\n');
    }
    sb.append(String.format(Locale.ROOT, "%nJ_cl = Σ_k ‖x_k − x*‖² + R u_k² + R_Δ (u_k − u_{k−1})² over the run; solve"
        + " time is the planner's wall time per control step on this machine, CPU time that of its thread (the"
        + " wall time less any wait for a core), both after a warm-up episode of %d steps."
        + " Total wall time %.0f s.%n", WARM_UP_STEPS, r.seconds()));
    return sb.toString();
  }

  private static double mean(double[] v) {
    return Arrays.stream(v).average().orElse(Double.NaN);
  }

  static double median(double[] v) {
    return percentile(v, 0.5);
  }

  /** Nearest-rank percentile; the median of an even count is the mean of the two middle values. */
  static double percentile(double[] v, double p) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    if (p == 0.5) {
      int n = s.length;
      return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }
    int rank = (int) Math.ceil(p * s.length);
    return s[Math.max(0, rank - 1)];
  }

  private static String vector(double[] x) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < x.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", x[i]));
    }
    return sb.append(')').toString();
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.3g", v);
  }

  /** A planner whose calls are timed in CPU time of the calling thread. */
  private static final class CpuTimed implements Planner {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final Planner planner;
    final List<Double> millis = new ArrayList<>();

    CpuTimed(Planner planner) {
      this.planner = planner;
    }

    @Override
    public MpcProblem problem() {
      return planner.problem();
    }

    @Override
    public String name() {
      return planner.name();
    }

    @Override
    public void reset() {
      planner.reset();
    }

    @Override
    public Plan plan(PlanRequest request) {
      long t0 = THREADS.getCurrentThreadCpuTime();
      Plan p = planner.plan(request);
      millis.add((THREADS.getCurrentThreadCpuTime() - t0) / 1e6);
      return p;
    }
  }

  /** u = 0 at every step: the free Lorenz flow, the scale of the costs. */
  private record ZeroInput(LorenzControl plant, double dt) implements Controller {
    @Override
    public List<String> stateNames() {
      return plant.stateNames();
    }

    @Override
    public List<String> inputNames() {
      return plant.inputNames();
    }

    @Override
    public List<String> referenceNames() {
      return List.of("x_ref", "y_ref", "z_ref");
    }

    @Override
    public void control(double[] x, double[] reference, double[] u) {
      u[0] = 0;
    }
  }
}
