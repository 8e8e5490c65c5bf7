package io.loopforge.hil;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.codegen.CodeGenerator;
import io.loopforge.codegen.CodegenOptions;
import io.loopforge.codegen.GeneratedCode;
import io.loopforge.codegen.JavaTwinCompiler;
import io.loopforge.codegen.Language;
import io.loopforge.modeling.nn.NeuronKind;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.policy.NetworkPolicy;
import io.loopforge.modeling.registry.Model;
import io.loopforge.targets.ControllerSource;
import io.loopforge.targets.FirmwareBuilder;
import io.loopforge.targets.Target;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a dense 4→32→32→2 ReLU network controller (state 2 + reference 2 in, 2 inputs out; 1216
 * multiply-accumulates) costs per control step in the HIL firmware, counted by the firmware's SysTick
 * under {@code -icount shift=0}; every output is compared bit for bit with the Java twin. The figures are
 * written to {@code target/hil-network-cost-<target>.txt} for BENCHMARKS.md, not asserted beyond sanity.
 */
class NetworkControllerCostTest {
  private static final int MACS = 4 * 32 + 32 * 32 + 32 * 2;

  @TempDir Path tmp;

  @AfterEach
  void noQemuLeftBehind() {
    assertEquals(0, QemuRunner.liveProcesses(), "QEMU processes left running");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mps2-an386", "netduinoplus2"})
  void denseNetworkControllerCostPerStep(String targetName) throws Exception {
    NetworkPolicy policy = randomPolicy(new SplittableRandom(42));
    GeneratedCode code = CodeGenerator.generate(Model.of(policy),
        CodegenOptions.builder("net").languages(Language.C, Language.JAVA).build());
    Path cDir = tmp.resolve("c");
    code.writeTo(cDir, null);
    Object twin = JavaTwinCompiler.instantiate(code, tmp.resolve("twin"));
    Method control = twin.getClass().getMethod("control", float[].class, float[].class);
    Target target = Target.forName(targetName);
    Path elf = FirmwareBuilder.forTarget(target).controller(ControllerSource.of(cDir))
        .output(tmp.resolve("net.elf")).build().elf();

    SplittableRandom random = new SplittableRandom(7);
    int steps = 500;
    long sum = 0;
    long max = 0;
    long min = Long.MAX_VALUE;
    try (QemuRunner qemu = QemuRunner.builder(target, elf).start()) {
      qemu.hello();
      for (int k = 0; k < steps; k++) {
        float[] x = {(float) random.nextDouble(-1, 1), (float) random.nextDouble(-1, 1)};
        float[] r = {(float) random.nextDouble(-1, 1), (float) random.nextDouble(-1, 1)};
        StepResult s = qemu.step(k, x, r);
        assertEquals(0, s.status());
        assertArrayEquals((float[]) control.invoke(twin, x, r), s.input(), "step " + k);
        sum += s.instructions();
        max = Math.max(max, s.instructions());
        min = Math.min(min, s.instructions());
      }
      qemu.stop();
    }
    double mean = (double) sum / steps;
    // At least one instruction per multiply-accumulate: a count below that is a broken counter.
    assertTrue(mean > MACS && mean < 20 * MACS, "instructions per step " + mean);
    String report = String.format(Locale.ROOT,
        "%s: dense 4->32->32->2 network controller, %d MACs: %.1f instructions per control step (min %d, max %d),"
            + " %.2f per MAC, over %d steps; outputs bit-exact with the Java twin%n",
        targetName, MACS, mean, min, max, mean / MACS, steps);
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "hil-network-cost-" + targetName + ".txt"), report);
  }

  private static NetworkPolicy randomPolicy(SplittableRandom random) {
    NetworkPolicy.Builder b = NetworkPolicy.builder(List.of("x0", "x1"), List.of("u0", "u1"), List.of("r0", "r1"), 0.01);
    int in = 4;
    for (int width : new int[] {32, 32}) {
      NeuronKind[] kinds = new NeuronKind[width];
      Arrays.fill(kinds, NeuronKind.RELU);
      b.addHiddenLayer(weights(random, width * in, in), weights(random, width, 1), kinds);
      in = width;
    }
    b.output(weights(random, 2 * in, in), weights(random, 2, 1));
    return b.inputBounds(InputBounds.of(new double[] {-5, -5}, new double[] {5, 5})).build();
  }

  private static double[] weights(SplittableRandom random, int n, int fanIn) {
    double[] w = new double[n];
    double scale = 1 / Math.sqrt(fanIn);
    for (int i = 0; i < n; i++) {
      w[i] = random.nextDouble(-scale, scale);
    }
    return w;
  }
}
