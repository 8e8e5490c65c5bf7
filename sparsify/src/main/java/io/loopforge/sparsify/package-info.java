/**
 * Sparsification of ReLU network dynamics to a small ReLU budget, after Liu et al., "Model-Based
 * Control with Sparse Neural Dynamics" (NeurIPS 2023): {@link io.loopforge.sparsify.GatedSparsifier}
 * learns per neuron a choice of ReLU, identity or removal (straight-through Gumbel-softmax) under a
 * decreasing budget schedule; {@link io.loopforge.sparsify.MagnitudePruning} is the neuron-norm
 * baseline; results come as {@link io.loopforge.modeling.nn.ReluNetwork} with neuron kinds and in the
 * exact folded form {@link io.loopforge.modeling.nn.FoldedReluNetwork} (only ReLU units, skip paths for
 * the identities), which the MIP encoder and the C generator read.
 * The comparison with the baselines and small dense networks is a study, not part of this library:
 * {@code io.loopforge.studies.SparsifyBenchmark} in module {@code studies}.
 */
package io.loopforge.sparsify;
