package io.loopforge.hil;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The Java twin of a firmware controller: the same computation in Java float arithmetic, so that every
 * input the firmware returns can be compared bit for bit ({@code -std=c11} builds use no fused
 * multiply-add, matching Java's {@code s + w * x}). The code generator emits one per generated
 * controller; {@link #of(Object)} wraps it.
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

  /**
   * How the twin's solver ended its last {@link #control} call (e.g. an on-device MPC's {@code status()}),
   * compared with the firmware's status each step; empty for a twin that reports none (the default).
   */
  default OptionalInt solverStatus() {
    return OptionalInt.empty();
  }

  /**
   * A generated Java twin (an instance of the class the code generator emits, e.g. from {@code
   * JavaTwinCompiler.instantiate}): its {@code float[] control(float[] state, float[] reference)} and, when
   * it has one, its {@code int status()}.
   *
   * @throws IllegalArgumentException when {@code generated} has no such {@code control} method
   */
  static ControllerTwin of(Object generated) {
    Objects.requireNonNull(generated, "generated");
    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
    MethodHandle control;
    try {
      control = lookup.findVirtual(generated.getClass(), "control",
          MethodType.methodType(float[].class, float[].class, float[].class)).bindTo(generated);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(generated.getClass().getName() + " is not a controller's twin: it has no"
          + " float[] control(float[] state, float[] reference)", e);
    }
    MethodHandle status;
    try {
      status = lookup.findVirtual(generated.getClass(), "status", MethodType.methodType(int.class)).bindTo(generated);
    } catch (ReflectiveOperationException e) {
      status = null; // a controller without a solver status
    }
    MethodHandle statusCall = status;
    return new ControllerTwin() {
      @Override
      public float[] control(float[] x, float[] r) {
        try {
          return (float[]) control.invokeExact(x, r);
        } catch (RuntimeException | Error e) {
          throw e;
        } catch (Throwable e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public OptionalInt solverStatus() {
        if (statusCall == null) {
          return OptionalInt.empty();
        }
        try {
          return OptionalInt.of((int) statusCall.invokeExact());
        } catch (RuntimeException | Error e) {
          throw e;
        } catch (Throwable e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public String toString() {
        return "Java twin " + generated.getClass().getName();
      }
    };
  }
}
