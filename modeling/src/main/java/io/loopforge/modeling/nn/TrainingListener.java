package io.loopforge.modeling.nn;

/**
 * Receives training progress once per epoch; the CLI prints it, libraries may log it. Called on the
 * training thread; keep it quick.
 */
@FunctionalInterface
public interface TrainingListener {
  /** A listener that ignores everything. */
  TrainingListener NONE = report -> {};

  void onEpoch(EpochReport report);

  /**
   * One finished epoch.
   *
   * @param epoch 1-based epoch number
   * @param maxEpochs the configured maximum
   * @param trainingLoss mean rollout loss over the epoch's minibatches (normalised units)
   * @param validationLoss rollout loss on the validation windows, NaN when there are none
   * @param learningRate the learning rate used in this epoch
   * @param elapsedSeconds wall time since training started, s
   * @param improved true when this epoch gave the best validation loss so far
   */
  record EpochReport(int epoch, int maxEpochs, double trainingLoss, double validationLoss, double learningRate,
      double elapsedSeconds, boolean improved) {}
}
