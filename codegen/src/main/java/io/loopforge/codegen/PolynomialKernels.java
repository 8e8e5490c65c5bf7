package io.loopforge.codegen;

import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.policy.PolynomialPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel of a sparse polynomial policy: straight-line code, one block per term (the monomial as a
 * product of its factors from 1.0f, variables ascending, each repeated by its exponent), added to every
 * input's sum with its coefficient, in term order, then saturated. The C and the Java twin run the same
 * float32 operations in the same order.
 */
final class PolynomialKernels {
  private PolynomialKernels() {}

  static Kernel polynomialPolicy(PolynomialPolicy p, CodegenOptions o) {
    int nx = p.stateDim();
    int nr = p.referenceDim();
    int nu = p.inputDim();
    int terms = p.termCount();
    Kernel k = new Kernel("sparse polynomial policy");
    k.describe("u = sat(C m(z)), z = [x; reference], " + terms + " monomials of degree <= " + p.degree() + ", "
        + p.nonZeros() + " non-zero coefficients, dt = " + p.dt() + " s");
    k.describe("saturation: " + AffineKernels.describeBounds(p.inputBounds(), p.inputNames()));
    k.define("NX", nx, "state dimension");
    k.define("NU", nu, "input dimension");
    k.define("NR", nr, "reference length");
    k.define("NTERMS", terms, "monomials");
    k.defineInterface(ControllerContract.forPolicy(o.prefix(), p));
    k.addFiniteHelper();
    float[] c = new float[Math.max(1, nu * terms)];
    for (int i = 0; i < nu; i++) {
      double[] row = p.coefficients(i);
      for (int t = 0; t < terms; t++) {
        c[i * terms + t] = FloatLiteral.toFloat(row[t], "coefficient (" + i + ", " + t + ")");
      }
    }
    k.floats("COEFFICIENTS", c, "coefficients, row-major " + nu + " x " + terms + " (input, term)");
    List<String> names = new ArrayList<>(p.stateNames());
    names.addAll(p.referenceNames());
    InputBounds bounds = p.inputBounds();
    k.controller(new Kernel.Function("control", "int", true, AffineKernels.controlDoc("u = sat(C m([state; reference]))"),
        AffineKernels.controlParams(), List.of(), (d, t) -> {
          if (nr == 0) {
            d.unused(t, "reference");
          }
          Kernel.checks(d, t, new String[][] {{"state", "NX"}, {"reference", nr == 0 ? null : "NR"},
              {"input_out", "NU", "out"}});
          t.open("for (int i = 0; i < " + d.d("NU") + "; i++) {");
          t.line("input_out[i] = 0.0f;");
          t.close();
          t.line("float m;");
          for (int term = 0; term < terms; term++) {
            int[] e = p.exponents(term);
            t.line("m = 1.0f; /* " + p.termName(term) + " */");
            for (int j = 0; j < e.length; j++) {
              String v = j < nx ? "state[" + j + "]" : "reference[" + (j - nx) + "]";
              for (int r = 0; r < e[j]; r++) {
                t.line("m = m * " + v + ";");
              }
            }
            for (int i = 0; i < nu; i++) {
              if (p.coefficients(i)[term] != 0) {
                t.line("input_out[" + i + "] = input_out[" + i + "] + " + d.k("COEFFICIENTS") + "[" + (i * terms + term)
                    + "] * m;");
              }
            }
          }
          AffineKernels.saturate(t, bounds, "input_out");
          Kernel.returnChecked(d, t, "input_out", "NU");
        }));
    return k;
  }
}
