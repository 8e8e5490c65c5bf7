/**
 * Sparsification of learned dynamics: neuron gating (ReLU / identity / zero) under a ReLU budget, exact structural folding, pruning baselines and ensemble inclusion probabilities for SINDy. Not built yet (issue: ReLU network dynamics and their sparsification).
 */
package io.loopforge.sparsify;
