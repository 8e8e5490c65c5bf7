package io.loopforge.hil;

/**
 * The firmware's answer to one STEP frame.
 *
 * @param step step index echoed back
 * @param status the RESULT frame's status word: the controller's return code in the low 16 bits
 *     ({@link #errorCode()}) and, when that is 0, the solver status in the high 16 bits ({@link
 *     #solverStatus()}; 0 for a controller that reports none)
 * @param instructions instructions spent in the controller call, from SysTick under
 *     {@code -icount shift=0} (quantised to one tick: 40 instructions on mps2-an386)
 * @param input the controller's input {@code u}, length nu
 */
public record StepResult(int step, int status, long instructions, float[] input) {
  /** Where the solver status starts in the status word (firmware: {@code LF_STATUS_SOLVER_SHIFT}). */
  public static final int SOLVER_STATUS_SHIFT = 16;

  /** The controller's return code, 0 on success. */
  public int errorCode() {
    return status & 0xFFFF;
  }

  /** The solver status after the step (meaningful when {@link #errorCode()} is 0). */
  public int solverStatus() {
    return status >>> SOLVER_STATUS_SHIFT;
  }
}
