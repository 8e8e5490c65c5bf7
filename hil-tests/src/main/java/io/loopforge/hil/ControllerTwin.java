package io.loopforge.hil;

/**
 * The Java twin of a firmware controller: the same computation in Java float arithmetic, so that every
 * input the firmware returns can be compared bit for bit ({@code -std=c11} builds use no fused
 * multiply-add, matching Java's {@code s + w * x}). The code generator emits one per generated
 * controller.
 */
@FunctionalInterface
public interface ControllerTwin {
  /**
   * The input for state {@code x} and reference {@code r}, in the plant's units.
   *
   * @param x state, length nx (read only)
   * @param r reference, length nr (read only)
   * @return input, length nu
   */
  float[] control(float[] x, float[] r);
}
