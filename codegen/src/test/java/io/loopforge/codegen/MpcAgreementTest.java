package io.loopforge.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.excitation.Excitation;
import io.loopforge.modeling.excitation.ExcitationKind;
import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.plant.Pendulum;
import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.plant.PlantSimulator;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.policy.MpcPolicy;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.sindy.CustomFunction;
import io.loopforge.modeling.sindy.FeatureLibrary;
import io.loopforge.modeling.sindy.Sindy;
import io.loopforge.modeling.sindy.SindyModel;
import io.loopforge.modeling.sindy.Stlsq;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated on-device MPC on a learned SINDy pendulum: the C (host gcc, strict flags) and the Java twin
 * give the same bits at every step of closed-loop episodes (the warm start carried across steps, init
 * between episodes), the inputs stay in the torque box, which is active, and the code is byte-reproducible
 * and compiles warning-free for the Cortex-M4F.
 */
class MpcAgreementTest {
  private static final int EPISODES = 4;
  private static final int STEPS = 60;

  @TempDir
  Path dir;

  /** The pendulum learned from multisine data: continuous time stepped by RK4 (0.05 s, 5 substeps), or discrete at 0.05 s. */
  static SindyModel pendulumModel(boolean discrete) {
    Plant pendulum = Pendulum.withDefaults();
    double dt = discrete ? 0.05 : 0.01;
    double[][] u = Excitation.generate(ExcitationKind.MULTISINE, discrete ? 1600 : 4000, dt, pendulum.inputLower(),
        pendulum.inputUpper(), 2);
    SindyModel m = Sindy.builder()
        .library(FeatureLibrary.concat(FeatureLibrary.polynomial(1), FeatureLibrary.fourier(1)))
        .optimizer(Stlsq.builder().threshold(discrete ? 0.002 : 0.05).alpha(0).build())
        .discreteTime(discrete)
        .build()
        .fit(PlantSimulator.withDefaults().collect(pendulum, new double[] {2.5, 0}, u, dt, 2));
    return discrete ? m : m.withStep(0.05, 5);
  }

  static MpcPolicy pendulumMpc(SindyModel model) {
    Plant plant = Pendulum.withDefaults();
    return MpcPolicy.builder(model).horizon(10).iterations(3).qpIterations(4).stateWeights(10, 1)
        .inputWeights(0.01).rateWeights(0.001).inputBounds(InputBounds.of(plant.inputLower(), plant.inputUpper()))
        .build();
  }

  @Test
  void cAndJavaTwinAgreeBitForBitInClosedLoop() throws Throwable {
    SindyModel model = pendulumModel(false);
    closedLoopAgreement(model, pendulumMpc(model), "rk4", 3f, new float[] {0.3f, 0f});
  }

  @Test
  void discreteTimeModelsAgreeToo() throws Throwable {
    SindyModel model = pendulumModel(true);
    closedLoopAgreement(model, pendulumMpc(model), "discrete", 3f, new float[] {0.3f, 0f});
  }

  /** A ReLU network of the mass-spring-damper (folded), the force limited to ±2 N against up to 3 N of spring force. */
  @Test
  void reluNetworkModelsAgreeToo() throws Throwable {
    FoldedReluNetwork model = MpcTestModels.massSpringDamper(0.1, 12, 0.002, 5);
    MpcPolicy policy = MpcPolicy.builder(model).horizon(10).iterations(3).stateWeights(10, 1).inputWeights(0.01)
        .inputBounds(InputBounds.of(new double[] {-2}, new double[] {2})).build();
    closedLoopAgreement(model, policy, "relu", 2f, new float[] {0.2f, 0f});
  }

  /** A random dense network with identity and removed neurons, folded by the generator: C and twin agree. */
  @Test
  void denseNetworksAreFoldedAndAgree() throws Throwable {
    ReluNetwork net = RandomModels.network(new SplittableRandom(9), 2, 1, 8, 8);
    MpcPolicy policy = MpcPolicy.builder(net).horizon(6).iterations(2).inputWeights(0.1)
        .inputBounds(InputBounds.of(new double[] {-0.5}, new double[] {0.5})).build();
    GeneratedCode code = CodeGenerator.generate(Model.of(policy), CodegenOptions.builder("pmpc").javaPackage("twins")
        .build());
    SplittableRandom rnd = new SplittableRandom(4);
    List<float[]> records = new ArrayList<>();
    for (int k = 0; k < 200; k++) {
      records.add(new float[] {k % 50 == 0 ? 1f : 0f, (float) rnd.nextDouble(-1, 1), (float) rnd.nextDouble(-1, 1),
          (float) rnd.nextDouble(-0.5, 0.5), 0f});
    }
    compare(code, records, "dense");
  }

  private void closedLoopAgreement(DynamicsModel model, MpcPolicy policy, String sub, float limit, float[] lastRef)
      throws Throwable {
    GeneratedCode code = CodeGenerator.generate(Model.of(policy), CodegenOptions.builder("pmpc")
        .javaPackage("twins").build());
    assertTrue(code.contract().orElseThrow().stateful());

    // the Java twin closes the loop on the double model; the C replays the same states
    ClassLoader loader = TwinCompiler.compile(List.of(code), dir.resolve(sub).resolve("java"));
    Class<?> c = loader.loadClass("twins.Pmpc");
    Object twin = c.getConstructor().newInstance();
    MethodHandle control = MethodHandles.publicLookup().findVirtual(c, "control",
        MethodType.methodType(int.class, float[].class, float[].class, float[].class)).bindTo(twin);
    MethodHandle init = MethodHandles.publicLookup().findVirtual(c, "init", MethodType.methodType(int.class))
        .bindTo(twin);
    MethodHandle status = MethodHandles.publicLookup().findVirtual(c, "status", MethodType.methodType(int.class))
        .bindTo(twin);
    MethodHandle iterations = MethodHandles.publicLookup().findVirtual(c, "iterations",
        MethodType.methodType(int.class)).bindTo(twin);
    SplittableRandom rnd = new SplittableRandom(18);
    List<float[]> records = new ArrayList<>();
    List<float[]> javaOut = new ArrayList<>();
    int saturated = 0;
    int converged = 0;
    for (int ep = 0; ep < EPISODES; ep++) {
      assertEquals(0, (int) init.invokeExact());
      double[] x = {(rnd.nextBoolean() ? 1 : -1) * rnd.nextDouble(0.6, 1.5), rnd.nextDouble(-0.5, 0.5)};
      float[] ref = ep == EPISODES - 1 ? lastRef : new float[] {0f, 0f};
      for (int k = 0; k < STEPS; k++) {
        float[] xf = {(float) x[0], (float) x[1]};
        float[] u = new float[1];
        int rc = (int) control.invokeExact(xf, ref, u);
        int st = (int) status.invokeExact();
        int its = (int) iterations.invokeExact();
        records.add(new float[] {k == 0 ? 1f : 0f, xf[0], xf[1], ref[0], ref[1]});
        javaOut.add(new float[] {Float.intBitsToFloat(rc), u[0], Float.intBitsToFloat(st), Float.intBitsToFloat(its)});
        assertEquals(0, rc);
        assertTrue(u[0] >= -limit && u[0] <= limit, "episode " + ep + " step " + k + ": " + u[0]);
        saturated += Math.abs(u[0]) == limit ? 1 : 0;
        converged += st == MpcKernels.STATUS_CONVERGED ? 1 : 0;
        assertTrue(st != MpcKernels.STATUS_FAILED, "episode " + ep + " step " + k);
        x = model.step(x, new double[] {u[0]});
      }
      assertEquals(ref[0], x[0], 0.05, "episode " + ep + " ends near the reference");
    }
    assertTrue(saturated >= 10, "the torque limit should be active, was at " + saturated + " steps");
    assertTrue(converged >= EPISODES * STEPS / 2, "converged at " + converged + " steps");

    List<float[]> cOut = runC(code, records, dir.resolve(sub).resolve("c"));
    assertSame(javaOut, cOut);
  }

  private static void assertSame(List<float[]> javaOut, List<float[]> cOut) {
    assertEquals(javaOut.size(), cOut.size());
    for (int r = 0; r < javaOut.size(); r++) {
      float[] j = javaOut.get(r);
      float[] cc = cOut.get(r);
      for (int i = 0; i < j.length; i++) {
        assertEquals(Float.floatToRawIntBits(j[i]), Float.floatToRawIntBits(cc[i]), "record " + r + " value " + i
            + ": Java " + j[i] + " vs C " + cc[i]);
      }
    }
  }

  @Test
  void generatedCodeIsByteReproducibleAndCompilesForTheCortexM4() throws Exception {
    MpcPolicy policy = pendulumMpc(pendulumModel(false));
    GeneratedCode a = CodeGenerator.generate(Model.of(policy), CodegenOptions.builder("pmpc").build());
    GeneratedCode b = CodeGenerator.generate(Model.of(policy), CodegenOptions.builder("pmpc").build());
    assertEquals(a.files().size(), b.files().size());
    for (int i = 0; i < a.files().size(); i++) {
      assertEquals(a.files().get(i).content(), b.files().get(i).content(), a.files().get(i).relativePath());
    }
    Path d = dir.resolve("arm");
    Files.createDirectories(d);
    NativeToolchain.writeC(a, d);
    List<String> flags = new ArrayList<>(NativeToolchain.STRICT);
    flags.addAll(NativeToolchain.CORTEX_M4F);
    flags.add("-O2");
    NativeToolchain.run(d, NativeToolchain.command(NativeToolchain.armGcc(), flags, "-c", "pmpc.c"));
    assertTrue(Files.size(d.resolve("pmpc.o")) > 0);
  }

  @Test
  void modelsThatCannotBeDifferentiatedAreRefused() {
    CustomFunction tanh = CustomFunction.of("tanh({0})", Math::tanh, v -> 1 - Math.tanh(v) * Math.tanh(v));
    Plant pendulum = Pendulum.withDefaults();
    double[][] u = Excitation.generate(ExcitationKind.MULTISINE, 500, 0.01, pendulum.inputLower(),
        pendulum.inputUpper(), 2);
    SindyModel m = Sindy.builder()
        .library(FeatureLibrary.concat(FeatureLibrary.polynomial(1), FeatureLibrary.custom(List.of(tanh))))
        .optimizer(Stlsq.builder().threshold(0.0).alpha(0).build())
        .build()
        .fit(PlantSimulator.withDefaults().collect(pendulum, new double[] {1, 0}, u, 0.01, 2));
    MpcPolicy policy = MpcPolicy.builder(m).inputBounds(InputBounds.of(new double[] {-3}, new double[] {3})).build();
    CodegenException e = assertThrows(CodegenException.class,
        () -> CodeGenerator.generate(Model.of(policy), CodegenOptions.builder("bad").build()));
    assertEquals("cannot differentiate the SINDy term 'tanh(theta)': it holds the custom function tanh({0}), which"
        + " has no C form (the generated MPC needs exact derivatives of every term); refit with polynomial, fourier,"
        + " identity, concat, tensor or control_affine libraries", e.getMessage());
  }

  @Test
  void unboundedInputsAreRefused() {
    MpcPolicy policy = MpcPolicy.builder(pendulumModel(false)).build();
    CodegenException e = assertThrows(CodegenException.class,
        () -> CodeGenerator.generate(Model.of(policy), CodegenOptions.builder("bad").build()));
    assertEquals("the generated MPC needs finite input bounds; input torque has [-Infinity, Infinity] (design it"
        + " with a plant or give the bounds)", e.getMessage());
  }

  /** Runs the records through the twin (init where flagged) and the C, and asserts the same bits. */
  private void compare(GeneratedCode code, List<float[]> records, String sub) throws Throwable {
    ClassLoader loader = TwinCompiler.compile(List.of(code), dir.resolve(sub).resolve("java"));
    Class<?> c = loader.loadClass("twins.Pmpc");
    Object twin = c.getConstructor().newInstance();
    MethodHandle control = MethodHandles.publicLookup().findVirtual(c, "control",
        MethodType.methodType(int.class, float[].class, float[].class, float[].class)).bindTo(twin);
    MethodHandle init = MethodHandles.publicLookup().findVirtual(c, "init", MethodType.methodType(int.class))
        .bindTo(twin);
    MethodHandle status = MethodHandles.publicLookup().findVirtual(c, "status", MethodType.methodType(int.class))
        .bindTo(twin);
    MethodHandle iterations = MethodHandles.publicLookup().findVirtual(c, "iterations",
        MethodType.methodType(int.class)).bindTo(twin);
    List<float[]> javaOut = new ArrayList<>();
    for (float[] r : records) {
      if (r[0] == 1f) {
        assertEquals(0, (int) init.invokeExact());
      }
      float[] u = new float[1];
      int rc = (int) control.invokeExact(new float[] {r[1], r[2]}, new float[] {r[3], r[4]}, u);
      int st = (int) status.invokeExact();
      int its = (int) iterations.invokeExact();
      javaOut.add(new float[] {Float.intBitsToFloat(rc), u[0], Float.intBitsToFloat(st), Float.intBitsToFloat(its)});
    }
    assertSame(javaOut, runC(code, records, dir.resolve(sub).resolve("c")));
  }

  /** Compiles the C with a replay harness: per record, init when flagged, then control; rc, u, status, iterations. */
  private static List<float[]> runC(GeneratedCode code, List<float[]> records, Path d) throws Exception {
    Files.createDirectories(d);
    List<String> sources = new ArrayList<>(NativeToolchain.writeC(code, d));
    String harness = "#include <stdint.h>\n#include <stdio.h>\n#include \"pmpc.h\"\n\n"
        + "int main(int argc, char **argv)\n{\n"
        + "  static pmpc_workspace ws;\n"
        + "  float rec[1 + PMPC_NX + PMPC_NR];\n"
        + "  float u[PMPC_NU];\n"
        + "  if (argc != 3) {\n    return 2;\n  }\n"
        + "  FILE *in = fopen(argv[1], \"rb\");\n  FILE *out = fopen(argv[2], \"wb\");\n"
        + "  if (in == NULL || out == NULL) {\n    return 3;\n  }\n"
        + "  while (fread(rec, sizeof rec, 1, in) == 1) {\n"
        + "    if (rec[0] == 1.0f && pmpc_init(&ws) != PMPC_OK) {\n      return 4;\n    }\n"
        + "    int32_t rc = pmpc_control(&ws, rec + 1, rec + 1 + PMPC_NX, u);\n"
        + "    int32_t st = pmpc_status(&ws);\n    int32_t its = pmpc_iterations(&ws);\n"
        + "    fwrite(&rc, 4, 1, out);\n    fwrite(u, sizeof u, 1, out);\n    fwrite(&st, 4, 1, out);\n"
        + "    fwrite(&its, 4, 1, out);\n"
        + "  }\n  fclose(in);\n  return fclose(out) == 0 ? 0 : 5;\n}\n";
    Files.writeString(d.resolve("harness.c"), harness);
    sources.add("harness.c");
    List<String> flags = new ArrayList<>(NativeToolchain.STRICT);
    flags.add("-O2");
    List<String> cmd = new ArrayList<>(NativeToolchain.command(NativeToolchain.hostGcc(), flags, "-o", "harness"));
    cmd.addAll(sources.stream().filter(s -> s.endsWith(".c")).toList());
    NativeToolchain.run(d, cmd);
    ByteBuffer b = ByteBuffer.allocate(4 * 5 * records.size()).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] r : records) {
      for (float v : r) {
        b.putFloat(v);
      }
    }
    Files.write(d.resolve("in.bin"), b.array());
    NativeToolchain.run(d, List.of(d.resolve("harness").toString(), "in.bin", "out.bin"));
    ByteBuffer o = ByteBuffer.wrap(Files.readAllBytes(d.resolve("out.bin"))).order(ByteOrder.LITTLE_ENDIAN);
    List<float[]> out = new ArrayList<>();
    while (o.remaining() >= 16) {
      out.add(new float[] {o.getFloat(), o.getFloat(), o.getFloat(), o.getFloat()});
    }
    assertArrayEquals(new int[] {0}, new int[] {o.remaining()});
    return out;
  }
}
