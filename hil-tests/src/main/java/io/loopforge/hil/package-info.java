/**
 * Hardware-in-the-loop under QEMU.
 *
 * <p>{@link io.loopforge.hil.QemuRunner} starts QEMU on a firmware built by {@code
 * io.loopforge.targets.FirmwareBuilder} and speaks the lock-step frame protocol ({@link
 * io.loopforge.hil.Frame}) with it over semihosting or the UART ({@link io.loopforge.hil.Transport}),
 * with a per-step watchdog; {@link io.loopforge.hil.HilSession} closes the loop with a Java plant
 * simulation and compares every firmware input with a Java twin ({@link
 * io.loopforge.hil.ControllerTwin}); {@link io.loopforge.hil.HilResult} is the outcome (metrics JSON). Failures are
 * {@link io.loopforge.hil.HilException}s (with a {@link io.loopforge.hil.FaultReport} for a HardFault).
 */
package io.loopforge.hil;
