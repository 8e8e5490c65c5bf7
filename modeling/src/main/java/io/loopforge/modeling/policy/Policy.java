package io.loopforge.modeling.policy;

/**
 * A controller that a model file ({@code "type": "policy"}, see {@link PolicyFile}) can hold: a fixed
 * function of state and reference followed by input saturation. Implementations are immutable.
 */
public sealed interface Policy extends Controller permits AffinePolicy, NetworkPolicy, PolynomialPolicy {
  /** The box the input is saturated to after the feedback law. */
  InputBounds inputBounds();
}
