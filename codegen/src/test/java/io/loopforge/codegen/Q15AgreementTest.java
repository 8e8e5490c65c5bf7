package io.loopforge.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.policy.NetworkPolicy;
import io.loopforge.modeling.registry.Model;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Q15 variant: C and Java twin bit-identical; the error against the double model stays within the
 * worst-case bound the generator reports, for inputs in the stated range.
 */
class Q15AgreementTest {
  static final int MODELS = 20;
  static final int INPUTS = 10_000;
  static final Pattern NOTE = Pattern.compile("worst case <= ([0-9.e+-]+) \\(bound\\), max observed ([0-9.e+-]+)");

  @TempDir
  Path dir;

  static double[] reported(GeneratedCode code) {
    for (String n : code.notes()) {
      Matcher m = NOTE.matcher(n);
      if (m.find()) {
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
      }
    }
    throw new AssertionError("no Q15 error note in " + code.notes());
  }

  @Test
  void q15CodeAgreesBitForBitAndWithinTheReportedBound() throws Throwable {
    SplittableRandom rng = new SplittableRandom(1515);
    double range = 2.0;
    List<CHarness.Entry> entries = new ArrayList<>();
    List<GeneratedCode> codes = new ArrayList<>();
    Map<String, float[][]> inputs = new LinkedHashMap<>();
    Map<String, Object> models = new LinkedHashMap<>();
    for (int i = 0; i < MODELS; i++) {
      Object model;
      Model typed;
      int a;
      int b;
      int out;
      if (i % 4 == 3) {
        NetworkPolicy p = RandomModels.networkPolicy(rng);
        model = p;
        typed = Model.of(p);
        a = p.stateDim();
        b = p.referenceDim();
        out = p.inputDim();
      } else {
        ReluNetwork n = i == 0 ? RandomModels.network(rng, 2, 2, 32, 32) : RandomModels.network(rng);
        FoldedReluNetwork folded = FoldedReluNetwork.fold(n);
        model = i % 4 == 1 ? folded : n;
        typed = i % 4 == 1 ? Model.of(folded) : Model.of(n);
        a = n.stateDim();
        b = n.inputDim();
        out = n.stateDim();
      }
      String prefix = "q" + i;
      GeneratedCode code = CodeGenerator.generate(typed, CodegenOptions.builder(prefix).javaPackage("twins")
          .precision(Precision.Q15).inputRange(range).build());
      double[] rep = reported(code);
      assertTrue(rep[1] <= rep[0], prefix + ": observed " + rep[1] + " above the bound " + rep[0]);
      codes.add(code);
      String fn = model instanceof NetworkPolicy ? "control" : "forward";
      entries.add(new CHarness.Entry(prefix, "twins.Q" + i, fn, a, b, out, code));
      inputs.put(prefix, RandomModels.inputs(rng, INPUTS, a + b, range));
      models.put(prefix, model);
    }
    Map<String, CHarness.Result> c = CHarness.runC(dir.resolve("c"), entries, inputs);
    ClassLoader loader = TwinCompiler.compile(codes, dir.resolve("java"));
    for (int k = 0; k < entries.size(); k++) {
      CHarness.Entry e = entries.get(k);
      float[][] in = inputs.get(e.prefix());
      CHarness.Result cr = c.get(e.prefix());
      CHarness.Result jr = CHarness.runJava(loader, e, in);
      double bound = reported(codes.get(k))[0];
      Object model = models.get(e.prefix());
      for (int r = 0; r < in.length; r++) {
        assertEquals(cr.codes()[r], jr.codes()[r], e.prefix() + " record " + r);
        for (int i = 0; i < e.lengthOut(); i++) {
          assertTrue(CHarness.sameBits(cr.outputs()[r][i], jr.outputs()[r][i]), e.prefix() + " record " + r + ": C "
              + cr.outputs()[r][i] + " vs Java " + jr.outputs()[r][i]);
        }
        boolean inBox = true;
        for (float v : in[r]) {
          inBox &= Math.abs(v) <= range;
        }
        if (!inBox || cr.codes()[r] != 0) {
          continue;
        }
        double[] z = new double[in[r].length];
        for (int i = 0; i < z.length; i++) {
          z[i] = in[r][i];
        }
        double[] y = new double[e.lengthOut()];
        if (model instanceof ReluNetwork) {
          ((ReluNetwork) model).evaluate(z, y);
        } else if (model instanceof FoldedReluNetwork) {
          ((FoldedReluNetwork) model).evaluate(z, y);
        } else {
          NetworkPolicy p = (NetworkPolicy) model;
          p.evaluate(z, y);
          for (int i = 0; i < y.length; i++) {
            y[i] = p.inputBounds().clamp(i, y[i]); // saturation only shrinks the error
          }
        }
        for (int i = 0; i < y.length; i++) {
          assertTrue(Math.abs(cr.outputs()[r][i] - y[i]) <= bound, e.prefix() + " record " + r + ": |" + cr.outputs()[r][i]
              + " - " + y[i] + "| above the bound " + bound);
        }
      }
    }
  }

  @Test
  void mlp4x32x32x2ErrorFigures() {
    ReluNetwork n = RandomModels.network(new SplittableRandom(42), 2, 2, 32, 32);
    GeneratedCode code = CodeGenerator.generate(Model.of(n), CodegenOptions.builder("mlp").precision(Precision.Q15).build());
    double[] rep = reported(code);
    // inputs in [-1, 1], outputs of order 1: the interval bound is loose, the observed error ~1e-4
    assertTrue(rep[0] < 0.05 && rep[1] < 1e-3, "bound " + rep[0] + ", observed " + rep[1]);
    assertTrue(code.file("mlp.h").orElseThrow().content().contains("#include <stdint.h>"));
  }
}
