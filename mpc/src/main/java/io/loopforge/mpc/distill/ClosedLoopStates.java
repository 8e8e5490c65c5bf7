package io.loopforge.mpc.distill;

import io.loopforge.modeling.loop.ClosedLoop;
import io.loopforge.modeling.loop.ClosedLoopResult;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.policy.Controller;
import java.util.ArrayList;
import java.util.List;

/**
 * States visited by closed loops of a controller on the plant, DAgger-style (Ross et al. 2011): run the
 * current controller (the MPC itself, or the policy distilled so far) from seeded starts and solve the MPC
 * where it went, so that the policy is trained where it will be used. A pure function of its arguments
 * when the controller is deterministic.
 */
public final class ClosedLoopStates {
  private ClosedLoopStates() {}

  /**
   * The states of closed loops from {@code starts}, {@code steps} steps each, at the controller's dt,
   * tracking {@code reference}; states outside the plant's operating region (where the loop went astray;
   * infinite sides keep everything) are dropped.
   */
  public static List<double[]> visit(Plant plant, Controller controller, List<double[]> starts, int steps,
      double[] reference) {
    List<double[]> out = new ArrayList<>();
    double[] lo = plant.stateLower();
    double[] hi = plant.stateUpper();
    for (double[] x0 : starts) {
      ClosedLoopResult r = ClosedLoop.builder(plant, controller).steps(steps).initialState(x0).reference(reference)
          .stopOutsideRegion(false).build().run();
      double[][] xs = r.trajectory().states();
      for (double[] x : xs) {
        boolean inside = true;
        for (int i = 0; i < x.length; i++) {
          inside &= x[i] >= lo[i] && x[i] <= hi[i];
        }
        if (inside) {
          out.add(x);
        }
      }
    }
    return out;
  }
}
