package io.loopforge.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.policy.AffinePolicy;
import io.loopforge.modeling.policy.Policy;
import io.loopforge.modeling.registry.Model;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated controllers ({@code <prefix>_control}): C on the host and the Java twin agree bit for bit,
 * respect the saturation limits exactly, and agree with the double-precision policy within float
 * tolerance.
 */
class PolicyAgreementTest {
  static final int POLICIES = 40;
  static final int INPUTS = 10_000;

  @TempDir
  Path dir;

  @Test
  void controllersAgreeBitForBit() throws Throwable {
    SplittableRandom rng = new SplittableRandom(77);
    List<CHarness.Entry> entries = new ArrayList<>();
    List<GeneratedCode> codes = new ArrayList<>();
    Map<String, float[][]> inputs = new LinkedHashMap<>();
    Map<String, Policy> policies = new LinkedHashMap<>();
    for (int i = 0; i < POLICIES; i++) {
      Policy p = i % 3 == 0 ? RandomModels.affine(rng)
          : i % 3 == 1 ? RandomModels.networkPolicy(rng) : RandomModels.polynomialPolicy(rng);
      String prefix = "ctl" + i;
      GeneratedCode code = CodeGenerator.generate(Model.of(p), CodegenOptions.builder(prefix).javaPackage("twins").build());
      codes.add(code);
      entries.add(new CHarness.Entry(prefix, "twins.Ctl" + i, "control", p.stateDim(), p.referenceDim(),
          p.inputDim(), code));
      inputs.put(prefix, RandomModels.inputs(rng, INPUTS, p.stateDim() + p.referenceDim(), 2.0));
      policies.put(prefix, p);
    }
    Map<String, CHarness.Result> c = CHarness.runC(dir.resolve("c"), entries, inputs);
    ClassLoader loader = TwinCompiler.compile(codes, dir.resolve("java"));
    int saturated = 0;
    for (CHarness.Entry e : entries) {
      Policy p = policies.get(e.prefix());
      float[][] in = inputs.get(e.prefix());
      CHarness.Result cr = c.get(e.prefix());
      CHarness.Result jr = CHarness.runJava(loader, e, in);
      for (int r = 0; r < in.length; r++) {
        assertEquals(cr.codes()[r], jr.codes()[r], e.prefix() + " record " + r);
        double[] x = new double[p.stateDim()];
        double[] ref = new double[p.referenceDim()];
        for (int i = 0; i < x.length; i++) {
          x[i] = in[r][i];
        }
        for (int i = 0; i < ref.length; i++) {
          ref[i] = in[r][x.length + i];
        }
        boolean finiteInput = true;
        for (float v : in[r]) {
          finiteInput &= Float.isFinite(v);
        }
        assertEquals(finiteInput ? 0 : 2, cr.codes()[r] == 3 ? 0 : cr.codes()[r], e.prefix() + " record " + r);
        double[] u = finiteInput ? p.control(x, ref) : null;
        for (int i = 0; i < e.lengthOut(); i++) {
          float a = cr.outputs()[r][i];
          assertTrue(CHarness.sameBits(a, jr.outputs()[r][i]), e.prefix() + " record " + r + " input " + i + ": C "
              + a + " vs Java " + jr.outputs()[r][i]);
          if (cr.codes()[r] != 0) {
            continue;
          }
          assertTrue(a >= AffineKernels.lower(p.inputBounds().lower(i)) && a <= AffineKernels.upper(p.inputBounds().upper(i)),
              e.prefix() + ": " + a + " outside the limits");
          if (a == (float) p.inputBounds().lower(i) || a == (float) p.inputBounds().upper(i)) {
            saturated++;
          }
          double scale = 1 + Math.abs(u[i]) + (p instanceof AffinePolicy ? 30 : 10) * max(x, ref);
          assertTrue(Math.abs(a - u[i]) <= 1e-5 * scale, e.prefix() + " record " + r + ": f32 " + a + " vs f64 " + u[i]);
        }
      }
    }
    assertTrue(saturated > 1000, "saturation exercised " + saturated + " times");
  }

  private static double max(double[] a, double[] b) {
    double m = 0;
    for (double v : a) {
      m = Math.max(m, Math.abs(v));
    }
    for (double v : b) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }
}
