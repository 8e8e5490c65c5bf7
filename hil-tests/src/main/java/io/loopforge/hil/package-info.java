/**
 * Hardware-in-the-loop under QEMU: the QEMU runner, the lock-step frame protocol and closed-loop HIL sessions. Not built yet (issue: Cortex-M4 targets and HIL tests).
 */
package io.loopforge.hil;
