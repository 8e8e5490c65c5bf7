/**
 * ReLU network dynamics: {@link io.loopforge.modeling.nn.ReluNetwork} (an MLP whose hidden neurons are
 * ReLU, identity or removed), its exact {@link io.loopforge.modeling.nn.FoldedReluNetwork} form (only
 * ReLU units, each layer reading the network input and all earlier units), the model file
 * ({@link io.loopforge.modeling.nn.ReluNetworkFile}), sound interval bounds of every pre-activation over
 * an input box ({@link io.loopforge.modeling.nn.NetworkBounds}), and training with a multi-step rollout
 * loss ({@link io.loopforge.modeling.nn.MlpTrainer}).
 */
package io.loopforge.modeling.nn;
