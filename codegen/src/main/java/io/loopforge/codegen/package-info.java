/**
 * Code generation: C99 for Cortex-M4 microcontrollers and a bit-identical Java twin (JavaPoet) of models and controllers. Not built yet (issue: C and Java code generation).
 */
package io.loopforge.codegen;
