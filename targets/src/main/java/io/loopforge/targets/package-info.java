/**
 * Cortex-M4 targets and firmware builds.
 *
 * <p>A {@link io.loopforge.targets.Target} describes a board (memory map and budget, SysTick clock,
 * QEMU machine if emulated); its board support (vector table, FPU-enabling reset stub, {@code .data}/
 * {@code .bss} initialisation, linker script, polled UART driver, SysTick instruction counter, fault
 * handler) ships as C resources under {@code io/loopforge/targets/bsp/}. {@link
 * io.loopforge.targets.FirmwareBuilder} compiles the board support, a generated controller ({@link
 * io.loopforge.targets.ControllerSource}, bound through a glue header generated from its {@link
 * io.loopforge.codegen.ControllerContract}) and the HIL application ({@code io/loopforge/targets/hil/})
 * with arm-none-eabi-gcc and reports flash/RAM use against the target's budget ({@link
 * io.loopforge.targets.SizeReport}). Failures are {@link io.loopforge.targets.TargetException}s.
 */
package io.loopforge.targets;
