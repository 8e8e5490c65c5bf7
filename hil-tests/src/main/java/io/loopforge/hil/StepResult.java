package io.loopforge.hil;

/**
 * The firmware's answer to one STEP frame.
 *
 * @param step step index echoed back
 * @param status the controller's return code (0 = success)
 * @param instructions instructions spent in the controller call, from SysTick under
 *     {@code -icount shift=0} (quantised to one tick: 40 instructions on mps2-an386)
 * @param input the controller's input {@code u}, length nu
 */
public record StepResult(int step, int status, long instructions, float[] input) {}
