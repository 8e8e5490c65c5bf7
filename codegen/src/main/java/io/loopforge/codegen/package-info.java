/**
 * Code generation for models and controllers: C11 for Cortex-M4 microcontrollers ({@code <prefix>.h} +
 * {@code <prefix>.c}, weights {@code static const float} in flash, no malloc, no global mutable state,
 * error codes returned) and a Java twin (JavaPoet) that performs the same float32 operations in the same
 * order, so the two agree bit for bit.
 *
 * <p>Entry points: {@link io.loopforge.modeling.registry.ModelFiles#read} (the model registry, in
 * {@code modeling}) loads any model file ({@code sindy}, {@code relu-network}, {@code policy}, {@code mpc}); {@link io.loopforge.codegen.CodeGenerator#generate} turns it into
 * {@link io.loopforge.codegen.GeneratedCode} under {@link io.loopforge.codegen.CodegenOptions}. Every unit
 * includes the common header {@code lf_common.h} (error codes, the finite check), the same bytes for all, so
 * units with different prefixes link into one program. {@link io.loopforge.codegen.ControllerContract}
 * describes a controller's C interface once (stateless, or stateful with a workspace and an init call): the
 * emitters print from it, firmware builds ({@code targets}) bind to it, and it travels with the C as
 * {@code <prefix>.contract.json}. The on-device MPC ({@code "type": "mpc"}) is the one stateful generated
 * controller; {@link io.loopforge.codegen.TwinController} runs any generated twin as a {@code Controller}.
 *
 * <p>Float semantics of the generated code: IEEE-754 binary32, round to nearest, no contraction of
 * {@code a + b * c} into a fused multiply-add (the C file turns contraction off for GCC and Clang and
 * refuses {@code -ffast-math}), every sum evaluated left to right in the order the twin uses.
 */
package io.loopforge.codegen;
