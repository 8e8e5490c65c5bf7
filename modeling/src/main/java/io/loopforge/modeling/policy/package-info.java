/**
 * Controllers {@code u = control(x, reference)} and the policies a model file can hold
 * ({@code "type": "policy"}): an affine state feedback with input saturation ({@link
 * io.loopforge.modeling.policy.AffinePolicy}) and a ReLU network from state and reference to input
 * ({@link io.loopforge.modeling.policy.NetworkPolicy}). {@link io.loopforge.modeling.policy.PolicyFile}
 * reads and writes them; the code generator turns them into C and a Java twin.
 */
package io.loopforge.modeling.policy;
