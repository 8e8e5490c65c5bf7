package io.loopforge.mpc;

import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.policy.Controller;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A {@link Planner} in receding horizon: at every control step it plans from the measured state and
 * applies the plan's first input. The reference it is given each step is the set-point (one value per
 * state, names {@code <state>_ref}); a reference trajectory given to the builder replaces it (row k at
 * step k, the last row held after the end).
 *
 * <p>Warm start: the previous plan shifted by one step (its last input repeated). Safety: a plan is
 * applied only when its status is {@link PlanStatus#usable() usable} and its inputs pass the problem's
 * box and rate limits again here; otherwise the controller falls back to the previous plan shifted by one
 * step ({@link PlanStatus#FALLBACK_SHIFTED}, when it had one that still fits the rate limits), else to
 * the problem's safe input ({@link PlanStatus#FALLBACK_SAFE}). Every step is reported to the listener
 * with the planner's own verdict, so that fallbacks are counted, never silent. Before the first step the
 * previous input u_{−1} is the problem's input reference.
 *
 * <p>Stateful; not thread-safe; {@link #reset()} starts a new episode.
 */
public final class RecedingHorizonController implements Controller {
  /** One control step: the plan applied, and what the planner itself returned. */
  public record Step(int index, Plan applied, PlanStatus plannerStatus, String plannerDetail) {
    /** Whether a fallback replaced the planner's result at this step. */
    public boolean fallback() {
      return applied.status().isFallback();
    }
  }

  private final Planner planner;
  private final MpcProblem problem;
  private final double[][] trajectory;
  private final Consumer<Step> listener;
  private final List<String> referenceNames;
  private Plan previous;
  private double[] previousInput;
  private int step;

  private RecedingHorizonController(Builder b) {
    this.planner = b.planner;
    this.problem = b.planner.problem();
    this.trajectory = b.trajectory == null ? null : Plan.deepCopy(b.trajectory);
    this.listener = b.listener;
    List<String> refs = new ArrayList<>();
    for (String s : problem.model().stateNames()) {
      refs.add(s + "_ref");
    }
    this.referenceNames = List.copyOf(refs);
    reset();
  }

  public static Builder builder(Planner planner) {
    return new Builder(planner);
  }

  public Planner planner() {
    return planner;
  }

  @Override
  public List<String> stateNames() {
    return problem.model().stateNames();
  }

  @Override
  public List<String> inputNames() {
    return problem.model().inputNames();
  }

  @Override
  public List<String> referenceNames() {
    return referenceNames;
  }

  /** The model's sample interval, s. */
  @Override
  public double dt() {
    return problem.model().dt();
  }

  /** Forgets the previous plan and input; the planner resets too. */
  @Override
  public void reset() {
    previous = null;
    previousInput = problem.inputReference();
    problem.clip(previousInput, null);
    step = 0;
    planner.reset();
  }

  @Override
  public void control(double[] x, double[] reference, double[] u) {
    double[][] window = window(reference);
    double[][] warm = previous == null ? null : shifted(previous.inputs());
    Plan plan = planner.plan(new PlanRequest(x, window, previousInput, warm));
    PlanStatus plannerStatus = plan.status();
    String plannerDetail = plan.detail();
    if (plannerStatus.usable() && !problem.admissible(plan.inputs(), previousInput, 1e-9)) {
      plannerStatus = PlanStatus.INVALID;
      plannerDetail = "the plan's inputs leave the input box or the rate limits: " + Arrays.toString(plan.inputs()[0]);
    }
    Plan applied = plannerStatus.usable() && plannerStatus == plan.status() ? plan
        : fallback(x, window, plan, plannerStatus, plannerDetail);
    double[] first = applied.firstInput();
    System.arraycopy(first, 0, u, 0, first.length);
    if (listener != null) {
      listener.accept(new Step(step, applied, plannerStatus, plannerDetail));
    }
    previous = applied;
    previousInput = first;
    step++;
  }

  private Plan fallback(double[] x, double[][] window, Plan failed, PlanStatus why, String detail) {
    String said = planner.name() + " returned " + why + (detail.isEmpty() ? "" : " (" + detail + ")");
    if (previous != null) {
      double[][] shifted = shifted(previous.inputs());
      if (problem.admissible(shifted, previousInput, 1e-9)) {
        double[][] states = new double[problem.horizon() + 1][problem.stateDim()];
        double j = problem.evaluate(x, window, previousInput, shifted, states);
        if (Double.isFinite(j)) {
          return new Plan(shifted, states, PlanStatus.FALLBACK_SHIFTED, j, failed.stats(),
              said + "; applied the previous plan shifted by one step");
        }
      }
    }
    double[] safe = problem.safeInput(previousInput);
    double[][] inputs = new double[problem.horizon()][];
    for (int t = 0; t < inputs.length; t++) {
      inputs[t] = safe.clone();
    }
    double[][] states = new double[problem.horizon() + 1][problem.stateDim()];
    double j = problem.evaluate(x, window, previousInput, inputs, states);
    return new Plan(inputs, states, PlanStatus.FALLBACK_SAFE, j, failed.stats(),
        said + "; applied the safe input " + Arrays.toString(safe));
  }

  private double[][] window(double[] reference) {
    int h = problem.horizon();
    if (trajectory == null) {
      return problem.constantWindow(reference);
    }
    double[][] w = new double[h + 1][];
    for (int t = 0; t <= h; t++) {
      w[t] = trajectory[Math.min(step + t, trajectory.length - 1)].clone();
    }
    return w;
  }

  private static double[][] shifted(double[][] inputs) {
    double[][] s = new double[inputs.length][];
    for (int t = 0; t < inputs.length; t++) {
      s[t] = inputs[Math.min(t + 1, inputs.length - 1)].clone();
    }
    return s;
  }

  /** Options of a {@link RecedingHorizonController}. */
  public static final class Builder {
    private final Planner planner;
    private double[][] trajectory;
    private Consumer<Step> listener;

    private Builder(Planner planner) {
      this.planner = Objects.requireNonNull(planner, "planner");
    }

    /**
     * A reference trajectory (one row of nx per control step, from the episode's start) that replaces the
     * set-point given to {@link #control}.
     */
    public Builder referenceTrajectory(double[][] rows) {
      DynamicsModel m = planner.problem().model();
      if (rows.length == 0) {
        throw new MpcException("the reference trajectory has no rows");
      }
      for (double[] r : rows) {
        if (r.length != m.stateDim()) {
          throw new MpcException("a reference row has " + r.length + " values but the model has states "
              + m.stateNames());
        }
      }
      this.trajectory = Plan.deepCopy(rows);
      return this;
    }

    /** Called after every control step with what was applied and what the planner said. */
    public Builder listener(Consumer<Step> listener) {
      this.listener = listener;
      return this;
    }

    public RecedingHorizonController build() {
      return new RecedingHorizonController(this);
    }
  }
}
