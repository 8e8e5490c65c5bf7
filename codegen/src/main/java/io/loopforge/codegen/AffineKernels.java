package io.loopforge.codegen;

import io.loopforge.modeling.policy.AffinePolicy;
import io.loopforge.modeling.policy.InputBounds;
import java.util.List;

/** The kernel of an affine state-feedback policy, and the saturation code every controller shares. */
final class AffineKernels {
  private AffineKernels() {}

  static List<String> controlDoc(String law) {
    return List.of("The controller: " + law + " (NU values into input_out).",
        "Returns OK, ERR_NULL, ERR_NONFINITE_INPUT (state or reference not finite; input_out untouched)",
        "or ERR_NONFINITE_OUTPUT.");
  }

  static List<Kernel.Param> controlParams() {
    return List.of(new Kernel.Param(Kernel.ParamType.IN_FLOATS, "state"),
        new Kernel.Param(Kernel.ParamType.IN_FLOATS, "reference"),
        new Kernel.Param(Kernel.ParamType.OUT_FLOATS, "input_out"));
  }

  /** The lower limit as a float not below it, the upper as a float not above it. */
  static float lower(double lo) {
    float f = (float) lo;
    return f < lo ? Math.nextUp(f) : f;
  }

  static float upper(double hi) {
    float f = (float) hi;
    return f > hi ? Math.nextDown(f) : f;
  }

  static String describeBounds(InputBounds b, List<String> names) {
    if (b.isUnbounded()) {
      return "none";
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < b.size(); i++) {
      s.append(i == 0 ? "" : ", ").append(names.get(i)).append(" in [").append(b.lower(i)).append(", ")
          .append(b.upper(i)).append(']');
    }
    return s.toString();
  }

  /** Straight-line saturation of {@code out[i]} to the finite limits (NaN passes through). */
  static void saturate(CodeText t, InputBounds b, String out) {
    for (int i = 0; i < b.size(); i++) {
      if (Double.isFinite(b.lower(i))) {
        String lo = FloatLiteral.of(lower(b.lower(i)));
        t.open("if (" + out + "[" + i + "] < " + lo + ") {");
        t.line(out + "[" + i + "] = " + lo + ";");
        t.close();
      }
      if (Double.isFinite(b.upper(i))) {
        String hi = FloatLiteral.of(upper(b.upper(i)));
        t.open("if (" + out + "[" + i + "] > " + hi + ") {");
        t.line(out + "[" + i + "] = " + hi + ";");
        t.close();
      }
    }
  }

  static Kernel affinePolicy(AffinePolicy p, CodegenOptions o) {
    int nx = p.stateDim();
    int nu = p.inputDim();
    boolean stateOnly = p.referenceLayout() == AffinePolicy.ReferenceLayout.STATE;
    Kernel k = new Kernel("affine state feedback policy");
    k.describe("u = sat(u_ref - K (x - x_ref)), K " + nu + " x " + nx + ", reference = "
        + (stateOnly ? "x_ref (u_ref constant)" : "[x_ref; u_ref]") + ", dt = " + p.dt() + " s");
    k.describe("saturation: " + describeBounds(p.inputBounds(), p.inputNames()));
    k.define("NX", nx, "state dimension");
    k.define("NU", nu, "input dimension");
    k.define("NR", p.referenceDim(), "reference length");
    k.defineInterface(ControllerContract.forPolicy(o.prefix(), p));
    k.addFiniteHelper();
    double[][] gain = p.gain();
    float[] kf = new float[nu * nx];
    for (int i = 0; i < nu; i++) {
      for (int j = 0; j < nx; j++) {
        kf[i * nx + j] = FloatLiteral.toFloat(gain[i][j], "gain entry (" + i + ", " + j + ")");
      }
    }
    k.floats("K", kf, "feedback gain, row-major " + nu + " x " + nx);
    if (stateOnly) {
      k.floats("UREF", NetworkKernels.toFloats(p.inputReference(), "input reference"), "constant input reference u_ref");
    }
    InputBounds bounds = p.inputBounds();
    k.controller(new Kernel.Function("control", "int", true, controlDoc("u = sat(u_ref - K (state - x_ref))"),
        controlParams(), List.of(new Kernel.Scratch("e", nx)), (d, t) -> {
          Kernel.checks(d, t, new String[][] {{"state", "NX"}, {"reference", "NR"}, {"input_out", "NU", "out"}});
          t.open("for (int j = 0; j < " + d.d("NX") + "; j++) {");
          t.line("e[j] = state[j] - reference[j];");
          t.close();
          t.open("for (int i = 0; i < " + d.d("NU") + "; i++) {");
          t.line("int o = i * " + d.d("NX") + ";");
          t.line("float s = 0.0f;");
          t.open("for (int j = 0; j < " + d.d("NX") + "; j++) {");
          t.line("s = s + " + d.k("K") + "[o + j] * e[j];");
          t.close();
          t.line("input_out[i] = " + (stateOnly ? d.k("UREF") + "[i]" : "reference[" + d.d("NX") + " + i]") + " - s;");
          t.close();
          saturate(t, bounds, "input_out");
          Kernel.returnChecked(d, t, "input_out", "NU");
        }));
    return k;
  }
}
