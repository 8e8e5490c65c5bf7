package io.loopforge.modeling.ode;

/**
 * A first-order ordinary differential equation {@code dx/dt = f(t, x)}. Units are those of the
 * system: {@code t} in seconds, {@code dxOut} in state units per second.
 *
 * <p>Implementations must not keep {@code x} or {@code dxOut}, must write every element of
 * {@code dxOut}, and should not allocate (integrators call this in their inner loop).
 */
@FunctionalInterface
public interface OdeSystem {
  /**
   * Writes {@code f(t, x)} into {@code dxOut}.
   *
   * @param t time, s
   * @param x state (read only)
   * @param dxOut output, same length as {@code x}; never aliases {@code x}
   */
  void derivative(double t, double[] x, double[] dxOut);
}
