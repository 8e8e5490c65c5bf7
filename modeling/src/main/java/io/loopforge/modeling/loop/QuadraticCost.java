package io.loopforge.modeling.loop;

import io.loopforge.modeling.ModelingException;
import java.util.Arrays;

/**
 * {@code (‖x − r‖² + ‖u − u_ref‖²)·dt}, summed in index order, state part first: the order the HIL
 * session has always used, so that its cost figures stay bit for bit the same.
 */
final class QuadraticCost implements StageCost {
  private final double[] inputReference;

  QuadraticCost(double[] inputReference) {
    for (double v : inputReference) {
      if (!Double.isFinite(v)) {
        throw new ModelingException("stage cost: the input reference " + Arrays.toString(inputReference)
            + " holds a non-finite value");
      }
    }
    this.inputReference = inputReference.clone();
  }

  int inputDim() {
    return inputReference.length;
  }

  @Override
  public double cost(double[] state, double[] input, double[] reference, double dt) {
    double sx = 0;
    for (int i = 0; i < state.length; i++) {
      double d = state[i] - reference[i];
      sx += d * d;
    }
    double su = 0;
    for (int i = 0; i < input.length; i++) {
      double d = input[i] - inputReference[i];
      su += d * d;
    }
    return (sx + su) * dt;
  }

  @Override
  public String description() {
    return "sum_k (|x_k - r_k|^2 + |u_k - u_ref|^2) * dt, u_ref = " + Arrays.toString(inputReference);
  }
}
