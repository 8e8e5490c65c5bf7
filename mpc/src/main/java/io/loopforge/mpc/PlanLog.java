package io.loopforge.mpc;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The steps of a {@link RecedingHorizonController}, recorded as they happen (give the log to the
 * controller's builder as its listener): per step the planner's own status and detail, what was applied
 * (the plan, or a fallback), the objective, the planner's wall time and, for the mixed-integer planner,
 * the binaries before and after bound tightening. {@link #toJson()} writes them for a run file; the
 * summaries (fallbacks, statuses, solve-time percentiles) are what a report prints. Not thread-safe.
 */
public final class PlanLog implements Consumer<RecedingHorizonController.Step> {
  private final List<RecedingHorizonController.Step> steps = new ArrayList<>();

  @Override
  public void accept(RecedingHorizonController.Step step) {
    steps.add(step);
  }

  /** Forgets the recorded steps (a new episode). */
  public void clear() {
    steps.clear();
  }

  public List<RecedingHorizonController.Step> steps() {
    return List.copyOf(steps);
  }

  public int size() {
    return steps.size();
  }

  /** Steps at which a fallback replaced the planner's result. */
  public int fallbacks() {
    int n = 0;
    for (RecedingHorizonController.Step s : steps) {
      if (s.fallback()) {
        n++;
      }
    }
    return n;
  }

  /** How often the planner itself returned each status. */
  public Map<PlanStatus, Integer> plannerStatuses() {
    Map<PlanStatus, Integer> m = new EnumMap<>(PlanStatus.class);
    for (RecedingHorizonController.Step s : steps) {
      m.merge(s.plannerStatus(), 1, Integer::sum);
    }
    return m;
  }

  /** The planner's wall time per step, ms. */
  public double[] solveMillis() {
    double[] t = new double[steps.size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = steps.get(i).applied().stats().millis();
    }
    return t;
  }

  /** The {@code q}-quantile (0 ≤ q ≤ 1, nearest rank) of the solve times, ms; NaN without steps. */
  public double solveMillisQuantile(double q) {
    return quantile(solveMillis(), q);
  }

  /** Nearest-rank quantile of {@code v} (NaN when empty). */
  public static double quantile(double[] v, double q) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    int k = (int) Math.ceil(q * s.length) - 1;
    return s[Math.max(0, Math.min(s.length - 1, k))];
  }

  /**
   * The steps as a JSON object: {@code "steps"} (one object per step: {@code step}, {@code status} (what was
   * applied), {@code planner_status}, {@code fallback}, {@code objective}, {@code solve_ms},
   * {@code binaries_before}, {@code binaries_after}, {@code nodes}, {@code samples}, {@code detail} when
   * there is one) and {@code "summary"} (steps, fallbacks, planner statuses, solve time median, p95 and max
   * in ms).
   */
  public ObjectNode toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    ObjectNode summary = root.putObject("summary");
    summary.put("steps", steps.size());
    summary.put("fallbacks", fallbacks());
    ObjectNode statuses = summary.putObject("planner_statuses");
    plannerStatuses().forEach((k, v) -> statuses.put(k.name(), v));
    summary.put("solve_ms_median", solveMillisQuantile(0.5));
    summary.put("solve_ms_p95", solveMillisQuantile(0.95));
    summary.put("solve_ms_max", solveMillisQuantile(1.0));
    ArrayNode a = root.putArray("steps");
    for (RecedingHorizonController.Step s : steps) {
      ObjectNode o = a.addObject();
      Plan p = s.applied();
      SolveStats st = p.stats();
      o.put("step", s.index());
      o.put("status", p.status().name());
      o.put("planner_status", s.plannerStatus().name());
      o.put("fallback", s.fallback());
      if (Double.isFinite(p.objective())) {
        o.put("objective", p.objective());
      } else {
        o.putNull("objective");
      }
      o.put("solve_ms", st.millis());
      o.put("binaries_before", st.binariesBefore());
      o.put("binaries_after", st.binariesAfter());
      o.put("nodes", st.nodes());
      o.put("samples", st.samples());
      String detail = s.fallback() ? p.detail() : s.plannerDetail();
      if (!detail.isEmpty()) {
        o.put("detail", detail);
      }
    }
    return root;
  }
}
