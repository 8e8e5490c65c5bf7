package io.loopforge.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.policy.AffinePolicy;
import io.loopforge.modeling.registry.Model;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated code on the Cortex-M4 under QEMU ({@code mps2-an386}, {@code -icount shift=0}): the
 * instruction count of one call (SysTick, 40 instructions per tick, averaged over 200 calls, minus an
 * empty call), and the results of 256 calls compared bit for bit with the Java twin, for the inline
 * assembly path and the portable C path. A small standalone harness ({@code src/test/resources/m4}), not
 * the HIL firmware. Figures are written to {@code target/codegen-m4.txt}.
 */
class M4InstructionCountTest {
  static final int K = 256;

  @TempDir
  Path dir;

  record Run(double instructions, List<String> results) {}

  /** The inputs of bench.c: {@code scale * (0.173f * ((k * 37 + i * 11) % 97) - 8.0f)}. */
  static float input(float scale, int k, int i) {
    return scale * (0.173f * (float) ((k * 37 + i * 11) % 97) - 8.0f);
  }

  private Run run(GeneratedCode code, String prefix, String function, int na, int nb, int nout, String scale,
      String... defines) throws IOException {
    Path work = Files.createDirectories(dir.resolve(prefix + defines.length));
    NativeToolchain.writeC(code, work);
    for (String f : List.of("bench.c", "link.ld")) {
      try (InputStream in = getClass().getResourceAsStream("/m4/" + f)) {
        Files.write(work.resolve(f), in.readAllBytes());
      }
    }
    List<String> cmd = new ArrayList<>(List.of(NativeToolchain.armGcc()));
    cmd.addAll(NativeToolchain.CORTEX_M4F);
    cmd.addAll(List.of("-O2", "-std=c11", "-Wall", "-Wextra", "-Werror", "-DBENCH_NA=" + na, "-DBENCH_NB=" + nb,
        "-DBENCH_NOUT=" + nout, "-DBENCH_SCALE=" + scale, "-DBENCH_CALL(a,b,o)=" + prefix + "_" + function + "(a,b,o)",
        "-include", prefix + ".h", "-nostdlib", "-Wl,--gc-sections", "-T", "link.ld", "-o", "fw.elf", "bench.c",
        prefix + ".c", "-lgcc"));
    cmd.addAll(List.of(defines));
    NativeToolchain.run(work, cmd);
    String out = NativeToolchain.run(work, List.of(NativeToolchain.require("qemu-system-arm", "run ./loopforge setup"),
        "-M", "mps2-an386", "-display", "none", "-monitor", "none", "-semihosting-config", "enable=on,target=native",
        "-icount", "shift=0", "-serial", "null", "-kernel", "fw.elf"));
    String[] lines = out.trim().split("\n");
    String[] t = lines[0].trim().split(" ");
    assertEquals("t", t[0], out);
    double perCall = (Integer.parseInt(t[1]) - Integer.parseInt(t[2])) * 40.0 / Integer.parseInt(t[3]);
    List<String> results = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      results.add(lines[i].trim());
    }
    assertEquals(K, results.size(), out);
    return new Run(perCall, results);
  }

  /** The Java twin's lines for the same inputs. */
  private static List<String> twin(ClassLoader loader, String className, String function, int na, int nb, int nout,
      float scale) throws Throwable {
    Class<?> c = loader.loadClass(className);
    Object o = c.getConstructor().newInstance();
    MethodHandle h = MethodHandles.publicLookup().findVirtual(c, function,
        MethodType.methodType(int.class, float[].class, float[].class, float[].class)).bindTo(o);
    List<String> lines = new ArrayList<>();
    for (int k = 0; k < K; k++) {
      float[] a = new float[na];
      float[] b = new float[nb];
      float[] out = new float[nout];
      for (int i = 0; i < na; i++) {
        a[i] = input(scale, k, i);
      }
      for (int i = 0; i < nb; i++) {
        b[i] = input(scale, k, na + i);
      }
      int rc = (int) h.invokeExact(a, b, out);
      StringBuilder s = new StringBuilder(String.format("%08x", rc));
      for (float f : out) {
        s.append(String.format(" %08x", Float.floatToRawIntBits(f)));
      }
      lines.add(s.toString());
    }
    return lines;
  }

  @Test
  void instructionsPerCallAndBitExactnessOnTheCortexM4() throws Throwable {
    ReluNetwork mlp = RandomModels.network(new SplittableRandom(42), 2, 2, 32, 32);
    FoldedReluNetwork folded = FoldedReluNetwork.fold(RandomModels.network(new SplittableRandom(8)));
    ReluNetwork wide = RandomModels.network(new SplittableRandom(9), 2, 2, 100, 100); // asm loop over chunks
    AffinePolicy lqr = (AffinePolicy) GoldenFilesTest.model("lqr").value();
    record Case(String prefix, Model model, Precision precision, String function, int na, int nb, int nout,
        float scale, int macs) {}
    List<Case> cases = List.of(
        new Case("mlp", Model.of(mlp), Precision.F32, "forward", 2, 2, 2, 0.25f, 4 * 32 + 32 * 32 + 32 * 2),
        new Case("mlpq", Model.of(mlp), Precision.Q15, "forward", 2, 2, 2, 0.25f, 4 * 32 + 32 * 32 + 32 * 2),
        new Case("lorenz", Model.of(SindyAgreementTest.lorenz()), Precision.F32, "step", 3, 0, 3, 1.0f, 0),
        new Case("lqr", Model.of(lqr), Precision.F32, "control", 2, 2, 1, 0.1f, 2),
        new Case("folded", Model.of(folded), Precision.F32, "step", folded.stateDim(), folded.inputDim(), folded.stateDim(),
            0.25f, 0),
        new Case("wide", Model.of(wide), Precision.F32, "forward", 2, 2, 2, 0.25f, 4 * 100 + 100 * 100 + 100 * 2));
    List<GeneratedCode> codes = new ArrayList<>();
    for (Case c : cases) {
      codes.add(CodeGenerator.generate(c.model(), CodegenOptions.builder(c.prefix()).javaPackage("m4")
          .precision(c.precision()).build()));
    }
    ClassLoader loader = TwinCompiler.compile(codes, dir.resolve("java"));
    StringBuilder report = new StringBuilder("case path instructions_per_call instructions_per_mac\n");
    double mlpAsmPerMac = 0;
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      String scale = FloatLiteral.of(c.scale());
      List<String> expected = twin(loader, "m4." + CodegenOptions.className(c.prefix()), c.function(), c.na(), c.nb(),
          c.nout(), c.scale());
      Run asm = run(codes.get(i), c.prefix(), c.function(), c.na(), c.nb(), c.nout(), scale);
      Run portable = run(codes.get(i), c.prefix(), c.function(), c.na(), c.nb(), c.nout(), scale,
          "-D" + c.prefix().toUpperCase(Locale.ROOT) + "_PORTABLE_C");
      assertEquals(expected, asm.results(), c.prefix() + ": Cortex-M4 results (default path) vs the Java twin");
      assertEquals(expected, portable.results(), c.prefix() + ": Cortex-M4 results (portable C) vs the Java twin");
      for (String path : List.of("default", "portable")) {
        double n = path.equals("default") ? asm.instructions() : portable.instructions();
        report.append(String.format(Locale.ROOT, "%s %s %.1f %s%n", c.prefix(), path, n,
            c.macs() == 0 ? "-" : String.format(Locale.ROOT, "%.2f", n / c.macs())));
      }
      if (c.prefix().equals("mlp")) {
        mlpAsmPerMac = asm.instructions() / c.macs();
      }
    }
    Files.writeString(Path.of("target/codegen-m4.txt"), report.toString());
    assertTrue(mlpAsmPerMac <= 3.0, "4-32-32-2 network: " + mlpAsmPerMac + " instructions per MAC\n" + report);
  }
}
