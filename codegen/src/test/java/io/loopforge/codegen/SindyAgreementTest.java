package io.loopforge.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.modeling.sindy.CustomFunction;
import io.loopforge.modeling.sindy.FeatureLibrary;
import io.loopforge.modeling.sindy.SindyModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated SINDy models: C (host gcc) and the Java twin agree bit for bit on random libraries
 * (polynomial, Fourier, concatenated, tensor, control-affine; continuous and discrete time) and the
 * Lorenz fixture; both agree with {@link SindyModel#step} (double) within {@link #TOLERANCE}.
 */
class SindyAgreementTest {
  static final int MODELS = 50;
  static final int INPUTS = 10_000;
  /**
   * |x⁺_f32 − x⁺_f64| ≤ TOLERANCE · M with M = |x| + |x⁺| + dt · (S(x) + S(x⁺)) for continuous models, where
   * S(x) = Σ_t |Ξ_t Θ_t(x, u)| bounds the terms of the RK4 stages between x and x⁺; M = S(x) for discrete
   * models and for the right-hand side; plus FLT_MIN (2⁻¹²⁶) for results in float's subnormal range.
   */
  static final double TOLERANCE = 2e-6;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir
  Path dir;

  static SindyModel lorenz() {
    try (InputStream in = SindyAgreementTest.class.getResourceAsStream("/models/lorenz.json")) {
      return (SindyModel) ModelFiles.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "lorenz.json",
          "lorenz.json").model().value();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String lorenzText() {
    try (InputStream in = SindyAgreementTest.class.getResourceAsStream("/models/lorenz.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Model> sampleSindyModels() {
    SplittableRandom rng = new SplittableRandom(3);
    List<Model> models = new ArrayList<>(List.of(Model.of(lorenz())));
    while (models.size() < 4) {
      SindyModel m = randomModel(rng);
      if (m.featureNames().stream().anyMatch(f -> f.contains("sin")) || models.size() == 3) {
        models.add(Model.of(m));
      }
    }
    return models;
  }

  static FeatureLibrary randomLibrary(SplittableRandom rng, int nu) {
    switch (rng.nextInt(nu > 0 ? 7 : 6)) {
      case 0:
        return FeatureLibrary.polynomial(1 + rng.nextInt(3));
      case 1:
        return FeatureLibrary.polynomial(2 + rng.nextInt(2), rng.nextBoolean(), rng.nextBoolean(), false);
      case 2:
        return FeatureLibrary.fourier(1 + rng.nextInt(2));
      case 3:
        return FeatureLibrary.concat(FeatureLibrary.polynomial(2), FeatureLibrary.fourier(1));
      case 4:
        return FeatureLibrary.tensor(FeatureLibrary.polynomial(1, false, true, false), FeatureLibrary.fourier(1));
      case 5:
        return FeatureLibrary.concat(FeatureLibrary.identity(),
            FeatureLibrary.tensor(FeatureLibrary.fourier(1, true, false), FeatureLibrary.fourier(1, false, true)));
      default:
        return FeatureLibrary.controlAffine(1 + rng.nextInt(2));
    }
  }

  /** A random sparse SINDy model, via its model file (the public way to make one). */
  static SindyModel randomModel(SplittableRandom rng) {
    int nx = 1 + rng.nextInt(4);
    int nu = rng.nextInt(3);
    FeatureLibrary lib = randomLibrary(rng, nu);
    List<String> xs = RandomModels.names("x", nx);
    List<String> us = RandomModels.names("u", nu);
    List<String> features = lib.bind(xs, us).featureNames();
    boolean discrete = rng.nextInt(3) == 0;
    ObjectNode o = MAPPER.createObjectNode();
    o.put("format", "loopforge-model/1");
    o.put("type", "sindy");
    xs.forEach(o.putArray("state_names")::add);
    us.forEach(o.putArray("input_names")::add);
    o.put("dt", discrete ? 0.1 : 0.005 + 0.02 * rng.nextDouble());
    o.put("discrete_time", discrete);
    features.forEach(o.putArray("feature_names")::add);
    ArrayNode co = o.putArray("coefficients");
    for (int i = 0; i < nx; i++) {
      ArrayNode row = co.addArray();
      for (int t = 0; t < features.size(); t++) {
        row.add(rng.nextInt(3) == 0 ? 2 * rng.nextDouble() - 1 : 0.0);
      }
    }
    o.set("library", lib.toSpec());
    if (!discrete) {
      o.putObject("integrator").put("method", "rk4").put("substeps", 1 + rng.nextInt(4));
    }
    return (SindyModel) ModelFiles.parse(o.toString(), "random", "random.json").model().value();
  }

  @Test
  void cAndJavaAgreeBitForBitOnRandomSindyModels() throws Throwable {
    SplittableRandom rng = new SplittableRandom(0x5171D7L);
    List<CHarness.Entry> entries = new ArrayList<>();
    List<GeneratedCode> codes = new ArrayList<>();
    Map<String, float[][]> inputs = new LinkedHashMap<>();
    Map<String, SindyModel> models = new LinkedHashMap<>();
    for (int i = 0; i < MODELS; i++) {
      SindyModel m = i == 0 ? lorenz() : randomModel(rng);
      String prefix = "s" + i;
      GeneratedCode code = CodeGenerator.generate(Model.of(m), CodegenOptions.builder(prefix).javaPackage("twins").build());
      codes.add(code);
      String fn = i % 7 == 3 ? "rhs" : "step";
      entries.add(new CHarness.Entry(prefix, "twins.S" + i, fn, m.stateDim(), m.inputDim(), m.stateDim(), code));
      float[][] in = RandomModels.inputs(rng, INPUTS, m.stateDim() + m.inputDim(), 2.0);
      if (i == 0) {
        for (float[] r : in) { // Lorenz: the attractor's range
          r[0] *= 10;
          r[1] *= 12;
          r[2] = 25 + 12 * r[2];
        }
      }
      inputs.put(prefix, in);
      models.put(prefix, m);
    }
    Map<String, CHarness.Result> c = CHarness.runC(dir.resolve("c"), entries, inputs);
    ClassLoader loader = TwinCompiler.compile(codes, dir.resolve("java"));
    double worst = 0;
    String where = "";
    int checked = 0;
    for (CHarness.Entry e : entries) {
      SindyModel m = models.get(e.prefix());
      float[][] in = inputs.get(e.prefix());
      CHarness.Result cr = c.get(e.prefix());
      CHarness.Result jr = CHarness.runJava(loader, e, in);
      int nx = m.stateDim();
      double[][] xi = m.coefficients();
      var lib = m.library().bind(m.stateNames(), m.inputNames());
      double[] theta = new double[lib.size()];
      for (int r = 0; r < in.length; r++) {
        assertEquals(cr.codes()[r], jr.codes()[r], e.prefix() + " record " + r + ": return codes");
        for (int i = 0; i < nx; i++) {
          assertTrue(CHarness.sameBits(cr.outputs()[r][i], jr.outputs()[r][i]), e.prefix() + " record " + r + " output "
              + i + ": C " + cr.outputs()[r][i] + " vs Java " + jr.outputs()[r][i]);
        }
        if (cr.codes()[r] != 0) {
          continue;
        }
        double[] x = new double[nx];
        double[] u = new double[m.inputDim()];
        double[] z = new double[nx + u.length];
        for (int i = 0; i < z.length; i++) {
          z[i] = in[r][i];
        }
        System.arraycopy(z, 0, x, 0, nx);
        System.arraycopy(z, nx, u, 0, u.length);
        double[] y = e.function().equals("step") ? m.step(x, u) : m.predict(x, u);
        boolean increment = !m.discreteTime() && e.function().equals("step");
        double[] s = absoluteTerms(lib, xi, z, theta);
        if (increment) { // the RK4 stages lie between x and x⁺
          double[] zn = z.clone();
          System.arraycopy(y, 0, zn, 0, nx);
          double[] sn = absoluteTerms(lib, xi, zn, theta);
          for (int i = 0; i < nx; i++) {
            s[i] = Math.abs(x[i]) + Math.abs(y[i]) + m.dt() * (s[i] + sn[i]);
          }
        }
        for (int i = 0; i < nx; i++) {
          double scale = s[i];
          if (scale > 1e30 || !Double.isFinite(y[i])) {
            continue;
          }
          double err = Math.abs(cr.outputs()[r][i] - y[i]) / (scale + Float.MIN_NORMAL);
          if (err > worst) {
            worst = err;
            where = e.prefix() + " " + e.function() + " record " + r + " state " + i + ": f32 " + cr.outputs()[r][i]
                + " f64 " + y[i] + " scale " + scale + "\n" + m;
          }
          checked++;
        }
      }
    }
    assertTrue(checked > MODELS * INPUTS / 2, "checked " + checked);
    assertTrue(worst <= TOLERANCE, "worst |f32 - f64| / M = " + worst + " at " + where);
  }

  /** Σ_t |Ξ_it Θ_t(z)| per equation. */
  private static double[] absoluteTerms(io.loopforge.modeling.sindy.BoundLibrary lib, double[][] xi, double[] z,
      double[] theta) {
    lib.evaluate(z, theta);
    double[] s = new double[xi.length];
    for (int i = 0; i < xi.length; i++) {
      for (int t = 0; t < theta.length; t++) {
        s[i] += Math.abs(xi[i][t] * theta[t]);
      }
    }
    return s;
  }

  @Test
  void lorenzTermsAreSharedAndTrajectoryTracksTheDoubleModel() throws Throwable {
    SindyModel m = lorenz();
    GeneratedCode code = CodeGenerator.generate(ModelFiles.parse(lorenzText(), "lorenz.json", "lorenz.json"),
        CodegenOptions.builder("lorenz").javaPackage("twins").build());
    String c = code.file("lorenz.c").orElseThrow().content();
    // x0 x1 and x0 x2 are each formed once; the unused library terms (1, x0^2, …) not at all
    assertEquals(1, c.split("z0 \\* z1", -1).length - 1, c);
    assertEquals(1, c.split("z0 \\* z2", -1).length - 1, c);
    assertTrue(!c.contains("z0 * z0") && !c.contains("z2 * z2"), c);
    assertTrue(c.contains("#define LORENZ_SUBSTEPS 4") || code.file("lorenz.h").orElseThrow().content()
        .contains("#define LORENZ_SUBSTEPS 4"));
    ClassLoader loader = TwinCompiler.compile(List.of(code), dir);
    Object twin = loader.loadClass("twins.Lorenz").getConstructor().newInstance();
    var step = twin.getClass().getMethod("step", float[].class, float[].class, float[].class);
    float[] xf = {-8, 8, 27};
    double[] xd = {-8, 8, 27};
    double worst = 0;
    for (int k = 0; k < 500; k++) { // one second: divergence stays small before chaos amplifies it
      assertEquals(0, step.invoke(twin, xf, new float[0], xf));
      xd = m.step(xd, new double[0]);
      for (int i = 0; i < 3; i++) {
        worst = Math.max(worst, Math.abs(xf[i] - xd[i]));
      }
    }
    assertTrue(worst < 1e-3, "float trajectory drifted " + worst + " from the double one within 1 s");
  }

  @Test
  void customLibraryTermIsRejectedByName() {
    FeatureLibrary lib = FeatureLibrary.custom(List.of(CustomFunction.of("exp({0})", Math::exp, Math::exp)));
    ObjectNode o = MAPPER.createObjectNode();
    o.put("format", "loopforge-model/1");
    o.put("type", "sindy");
    o.putArray("state_names").add("x0");
    o.putArray("input_names");
    o.put("dt", 0.1);
    o.put("discrete_time", true);
    o.putArray("feature_names").add("exp(x0)");
    o.putArray("coefficients").addArray().add(0.5);
    o.putObject("library").put("type", "custom");
    SindyModel m = (SindyModel) ModelFiles.parse(o.toString(), "custom.json", "custom.json", lib).model().value();
    CodegenException e = assertThrows(CodegenException.class,
        () -> CodeGenerator.generate(Model.of(m), CodegenOptions.builder("c").build()));
    assertTrue(e.getMessage().startsWith("the SINDy term 'exp(x0)' is not a product of powers, sines and cosines"),
        e.getMessage());
  }
}
