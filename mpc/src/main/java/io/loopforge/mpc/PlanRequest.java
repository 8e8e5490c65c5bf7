package io.loopforge.mpc;

/**
 * What a planner is asked: plan from {@code state}, track {@code reference} (H + 1 rows of nx, row t is
 * r_t), with {@code previousInput} the input applied before (u_{−1}, for the rate terms and limits), and
 * {@code warmStart} an input sequence to start from (H rows, e.g. the previous plan shifted by one step)
 * or null.
 */
public record PlanRequest(double[] state, double[][] reference, double[] previousInput, double[][] warmStart) {
  public PlanRequest {
    state = state.clone();
    reference = Plan.deepCopy(reference);
    previousInput = previousInput.clone();
    warmStart = warmStart == null ? null : Plan.deepCopy(warmStart);
  }

  /**
   * Checks the request's dimensions against {@code problem}.
   *
   * @throws MpcException naming what does not fit
   */
  public void check(MpcProblem problem) {
    int nx = problem.stateDim();
    int nu = problem.inputDim();
    int h = problem.horizon();
    if (state.length != nx) {
      throw new MpcException("the state has " + state.length + " values but the model has " + nx + " states "
          + problem.model().stateNames());
    }
    for (double v : state) {
      if (!Double.isFinite(v)) {
        throw new MpcException("the state to plan from is not finite: " + java.util.Arrays.toString(state));
      }
    }
    if (reference.length != h + 1) {
      throw new MpcException("the reference window has " + reference.length + " rows, expected H + 1 = " + (h + 1));
    }
    for (double[] r : reference) {
      if (r.length != nx) {
        throw new MpcException("a reference row has " + r.length + " values but the model has " + nx + " states");
      }
    }
    if (previousInput.length != nu) {
      throw new MpcException("the previous input has " + previousInput.length + " values but the model has " + nu
          + " inputs " + problem.model().inputNames());
    }
    if (warmStart != null) {
      if (warmStart.length != h) {
        throw new MpcException("the warm start has " + warmStart.length + " rows, expected H = " + h + " rows of "
            + nu + " inputs");
      }
      for (int t = 0; t < h; t++) {
        if (warmStart[t].length != nu) {
          throw new MpcException("row " + t + " of the warm start has " + warmStart[t].length + " values, expected "
              + nu + " inputs " + problem.model().inputNames());
        }
        for (double v : warmStart[t]) {
          if (!Double.isFinite(v)) {
            throw new MpcException("row " + t + " of the warm start is not finite: "
                + java.util.Arrays.toString(warmStart[t]));
          }
        }
      }
    }
  }
}
