package io.loopforge.modeling.nn;

import java.util.SplittableRandom;

/**
 * A hook that lets {@link MlpTrainer} train a choice of activation per hidden neuron jointly with the
 * weights (used by the sparsify module). During gated training hidden neuron {@code i} of layer
 * {@code l} outputs {@code cR[l][i]·max(0, y) + cI[l][i]·y}; the gates write the coefficients and receive
 * the gradients of the mean minibatch loss with respect to them. The neuron kinds of the
 * {@link TrainableMlp} are ignored while gates are present.
 */
public interface NeuronGates {
  /** Before each minibatch: sampled (possibly relaxed) coefficients for every hidden neuron. */
  void sample(double[][] reluCoefficients, double[][] identityCoefficients, SplittableRandom random);

  /** Deterministic coefficients of the current hard choice, for validation. */
  void harden(double[][] reluCoefficients, double[][] identityCoefficients);

  /**
   * After each minibatch: gradients of the mean minibatch loss with respect to the coefficients
   * passed out by the last {@link #sample}; the gates update their own parameters.
   *
   * @param learningRate the weights' current learning rate
   */
  void update(double[][] reluGradient, double[][] identityGradient, double learningRate);

  /** The current state gave the best validation loss so far: remember it. */
  default void markBest() {}

  /** Go back to the state remembered by {@link #markBest()}. */
  default void restoreBest() {}
}
