package io.loopforge.modeling.nn;

/**
 * Outcome of {@link MlpTrainer#train}: the network holds the parameters of {@code bestEpoch}.
 *
 * @param epochs epochs run
 * @param bestEpoch 1-based epoch whose parameters were kept
 * @param bestValidationLoss its validation loss (training loss when there is no validation part)
 * @param seconds wall time, s
 * @param stoppedEarly true when the patience ran out before the maximum number of epochs
 */
public record TrainingResult(int epochs, int bestEpoch, double bestValidationLoss, double seconds,
    boolean stoppedEarly) {}
