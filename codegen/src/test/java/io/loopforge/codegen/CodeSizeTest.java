package io.loopforge.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.registry.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Code size on the Cortex-M4F ({@code arm-none-eabi-gcc -O2}, {@code arm-none-eabi-size} of the object):
 * weights and code in flash (text), nothing in data or bss: no global mutable state. The figures are in
 * docs/benchmarks-codegen.md and written to {@code target/codegen-sizes.txt}.
 */
class CodeSizeTest {
  @TempDir
  Path dir;

  record Size(int text, int data, int bss) {}

  private Size size(GeneratedCode code, String prefix, String opt) {
    NativeToolchain.writeC(code, dir);
    List<String> cmd = new ArrayList<>(List.of(NativeToolchain.armGcc()));
    cmd.addAll(NativeToolchain.CORTEX_M4F);
    cmd.addAll(NativeToolchain.STRICT);
    cmd.addAll(List.of(opt, "-c", "-o", prefix + opt + ".o", prefix + ".c"));
    NativeToolchain.run(dir, cmd);
    String out = NativeToolchain.run(dir, List.of(NativeToolchain.armSize(), prefix + opt + ".o"));
    String[] f = out.trim().split("\n")[1].trim().split("\\s+");
    return new Size(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]));
  }

  @Test
  void networkAndLorenzSizes() throws Exception {
    ReluNetwork net = RandomModels.network(new SplittableRandom(42), 2, 2, 32, 32);
    GeneratedCode netCode = CodeGenerator.generate(Model.of(net), CodegenOptions.builder("mlp").languages(Language.C).build());
    GeneratedCode lorenz = CodeGenerator.generate(Model.of(SindyAgreementTest.lorenz()),
        CodegenOptions.builder("lorenz").languages(Language.C).build());
    GeneratedCode q15 = CodeGenerator.generate(Model.of(net), CodegenOptions.builder("mlpq").languages(Language.C)
        .precision(Precision.Q15).build());
    StringBuilder report = new StringBuilder("model opt text data bss\n");
    for (String opt : List.of("-O2", "-Os")) {
      Size q = size(q15, "mlpq", opt);
      report.append("mlp-4-32-32-2-q15 ").append(opt).append(' ').append(q.text()).append(' ').append(q.data())
          .append(' ').append(q.bss()).append('\n');
      assertEquals(0, q.data() + q.bss(), "no RAM for the Q15 network");
      assertTrue(q.text() < 5128, "int16 weights take half the flash: " + q.text());
      Size n = size(netCode, "mlp", opt);
      Size l = size(lorenz, "lorenz", opt);
      report.append("mlp-4-32-32-2 ").append(opt).append(' ').append(n.text()).append(' ').append(n.data()).append(' ')
          .append(n.bss()).append('\n');
      report.append("lorenz-sindy ").append(opt).append(' ').append(l.text()).append(' ').append(l.data()).append(' ')
          .append(l.bss()).append('\n');
      // 1282 weights and biases = 5128 bytes of flash; the code around them is small
      assertTrue(n.text() >= 5128 && n.text() <= 5128 + 1200, "network text " + n.text());
      assertTrue(l.text() <= 1200, "Lorenz text " + l.text());
      assertEquals(0, n.data() + n.bss(), "no RAM for the network");
      assertEquals(0, l.data() + l.bss(), "no RAM for the SINDy model");
    }
    report.append(String.join("\n", q15.notes())).append('\n');
    Files.writeString(Path.of("target/codegen-sizes.txt"), report.toString());
  }
}
