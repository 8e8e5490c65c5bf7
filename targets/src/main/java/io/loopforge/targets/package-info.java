/**
 * Cortex-M4 targets: board support, linker scripts and firmware builds with arm-none-eabi-gcc, with flash/RAM size reports. Not built yet (issue: Cortex-M4 targets and HIL tests).
 */
package io.loopforge.targets;
