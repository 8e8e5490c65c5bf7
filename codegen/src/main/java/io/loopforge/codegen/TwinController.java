package io.loopforge.codegen;

import io.loopforge.modeling.policy.Controller;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Objects;

/**
 * The generated Java twin of a controller as a {@link Controller}: host-side closed loops run the exact
 * float32 computation of the firmware (states and references rounded to float, inputs widened back to
 * double). A stateful twin (an on-device MPC) keeps its workspace across calls; {@link #reset()} calls its
 * {@code init()}, as the firmware does at boot. Not thread-safe.
 *
 * <pre>
 * Controller c = TwinController.of(CodeGenerator.generate(Model.of(policy), CodegenOptions.builder("mpc").build()));
 * </pre>
 */
public final class TwinController implements Controller {
  private final ControllerContract contract;
  private final MethodHandle control;
  private final MethodHandle init;
  private final float[] x;
  private final float[] r;
  private final float[] u;

  private TwinController(ControllerContract contract, Object twin) {
    this.contract = contract;
    try {
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      this.control = lookup.findVirtual(twin.getClass(), "control", MethodType.methodType(int.class, float[].class,
          float[].class, float[].class)).bindTo(twin);
      this.init = contract.stateful()
          ? lookup.findVirtual(twin.getClass(), "init", MethodType.methodType(int.class)).bindTo(twin) : null;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the generated twin lacks the contract's methods (a bug in its generator)", e);
    }
    this.x = new float[contract.stateDim()];
    this.r = new float[contract.referenceDim()];
    this.u = new float[contract.inputDim()];
  }

  /**
   * Compiles the Java twin of {@code code} (which must hold one and be a controller) and wraps it.
   *
   * @throws CodegenException when the code is not a controller's or has no Java twin
   */
  public static TwinController of(GeneratedCode code) {
    ControllerContract c = Objects.requireNonNull(code, "code").contract().orElseThrow(() -> new CodegenException(
        "the generated code is a model's, not a controller's: there is no control function to call"));
    return new TwinController(c, JavaTwinCompiler.instantiate(code));
  }

  /** The controller's C interface. */
  public ControllerContract contract() {
    return contract;
  }

  @Override
  public List<String> stateNames() {
    return contract.stateNames();
  }

  @Override
  public List<String> inputNames() {
    return contract.inputNames();
  }

  @Override
  public List<String> referenceNames() {
    return contract.referenceNames();
  }

  @Override
  public double dt() {
    return contract.dt();
  }

  @Override
  public void reset() {
    if (init != null) {
      int rc = invoke(init, null, null);
      if (rc != 0) {
        throw new IllegalStateException("the twin's init returned " + rc);
      }
    }
  }

  /**
   * The twin's input for the state and reference rounded to float.
   *
   * @throws IllegalArgumentException when the twin returns an error code (e.g. a non-finite state)
   */
  @Override
  public void control(double[] state, double[] reference, double[] input) {
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) state[i];
    }
    for (int i = 0; i < r.length; i++) {
      r[i] = (float) reference[i];
    }
    int rc = invoke(control, x, r);
    if (rc != 0) {
      throw new IllegalArgumentException("the twin of " + contract.prefix() + " returned error code " + rc);
    }
    for (int i = 0; i < u.length; i++) {
      input[i] = u[i];
    }
  }

  private int invoke(MethodHandle h, float[] a, float[] b) {
    try {
      return a == null ? (int) h.invokeExact() : (int) h.invokeExact(a, b, u);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }
}
