package io.loopforge.modeling.loop;

import io.loopforge.modeling.plant.ControlTask;
import io.loopforge.modeling.plant.Plant;

/**
 * What one step of a closed loop costs, summed over the run by {@link ClosedLoop}. The loop calls it
 * once per step with the true state (not the noisy measurement), the input the actuator applied (after
 * saturation, before the disturbance) and that step's reference. Implementations must not keep or modify
 * the arrays and should not allocate (the loop calls them in its inner loop).
 *
 * <p>The default of a loop over a {@link Plant} is {@link #taskCost(Plant)}, the cost the HIL session has
 * always reported.
 */
@FunctionalInterface
public interface StageCost {
  /**
   * The cost of step {@code k}.
   *
   * @param state true state {@code x_k}, system state units (read only)
   * @param input applied input {@code u_k}, system input units (read only)
   * @param reference reference {@code r_k} given to the controller (read only)
   * @param dt sampling interval, s
   * @return the step's cost, in the cost's own unit (for {@link #quadratic}: squared state and input units
   *     times seconds)
   */
  double cost(double[] state, double[] input, double[] reference, double dt);

  /** One line saying what the cost is, for result files; custom costs should override it. */
  default String description() {
    return "custom stage cost " + getClass().getName();
  }

  /**
   * {@code (‖x_k − r_k‖² + ‖u_k − u_ref‖²)·dt}, where {@code r_k} is the first {@code nx} entries of the
   * reference (the state reference) and {@code u_ref} is fixed.
   *
   * @param inputReference {@code u_ref}, one value per input, input units
   */
  static StageCost quadratic(double[] inputReference) {
    return new QuadraticCost(inputReference);
  }

  /**
   * The plant's task cost: {@link #quadratic} with {@code u_ref} the equilibrium input of the plant's
   * {@link Plant#defaultTask() default task} (zeros when the task has none).
   */
  static StageCost taskCost(Plant plant) {
    ControlTask task = plant.defaultTask();
    return quadratic(task.hasReferenceInput() ? task.referenceInput() : new double[plant.inputDim()]);
  }
}
