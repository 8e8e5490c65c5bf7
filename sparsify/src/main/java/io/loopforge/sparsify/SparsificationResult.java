package io.loopforge.sparsify;

import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.ReluNetwork;
import java.util.List;

/**
 * The networks a sparsification produced, one per ReLU budget of its schedule, in schedule order.
 *
 * @param method "gated" or "magnitude"
 * @param stages one per budget
 */
public record SparsificationResult(String method, List<Stage> stages) {
  public SparsificationResult {
    stages = List.copyOf(stages);
  }

  /** The last stage: the network at the target budget. */
  public Stage last() {
    return stages.get(stages.size() - 1);
  }

  /**
   * The network after one stage.
   *
   * @param budget the stage's ReLU budget
   * @param network the trained network with its neuron kinds (at most {@code budget} ReLUs)
   * @param folded the same function in folded form, its only nonlinear units the kept ReLUs
   * @param validationLoss the normalised rollout loss on the validation windows
   * @param seconds wall time from the start of the sparsification to the end of this stage, s
   */
  public record Stage(int budget, ReluNetwork network, FoldedReluNetwork folded, double validationLoss,
      double seconds) {}
}
