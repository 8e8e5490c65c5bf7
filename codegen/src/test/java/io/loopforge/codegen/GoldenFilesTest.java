package io.loopforge.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.NeuronKind;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.policy.AffinePolicy;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.policy.MpcPolicy;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.modeling.sindy.SindyModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Generated files compared with checked-in expected files ({@code src/test/resources/golden/<case>/}; the
 * common header {@code lf_common.h}, the same for every case, in {@code golden/}).
 * After an intended change of the generated code, regenerate them with
 * {@code -Dloopforge.updateGolden=true} and review the diff.
 */
class GoldenFilesTest {
  static Model model(String name) {
    switch (name) {
      case "lqr":
        return Model.of(AffinePolicy.builder(List.of("theta", "omega"), List.of("torque"), 0.01)
            .gain(new double[][] {{12.5, 2.25}})
            .inputReference(new double[] {0.0})
            .inputBounds(InputBounds.of(new double[] {-2.0}, new double[] {2.0}))
            .build());
      case "tiny_net":
        return Model.of(tinyNetwork());
      case "tiny_folded":
        return Model.of(FoldedReluNetwork.fold(tinyNetwork()));
      case "lorenz":
        return Model.of(SindyAgreementTest.lorenz());
      case "pendulum_mpc":
        return Model.of(MpcPolicy.builder(pendulum()).horizon(3).iterations(2).qpIterations(2).stateWeights(10, 1)
            .terminalWeights(20, 2).inputWeights(0.01).rateWeights(0.001).referenceInput(0.5)
            .inputBounds(InputBounds.of(new double[] {-3}, new double[] {3})).build());
      case "tiny_mpc":
        return Model.of(MpcPolicy.builder(tinyNetwork()).horizon(3).iterations(2).qpIterations(2)
            .stateWeights(10, 1).inputWeights(0.01).inputBounds(InputBounds.of(new double[] {-1}, new double[] {1}))
            .build());
      default:
        throw new IllegalArgumentException(name);
    }
  }

  /** The learned pendulum of BENCHMARKS.md's on-device MPC commands (SINDy, polynomial 1 + Fourier 1, RK4 × 4). */
  static SindyModel pendulum() {
    try (InputStream in = GoldenFilesTest.class.getResourceAsStream("/models/pendulum.json")) {
      return (SindyModel) ModelFiles.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "pendulum.json",
          "pendulum.json").model().value();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** 2 states, 1 input, 5 hidden neurons (3 ReLU, 1 identity, 1 removed), residual. */
  static ReluNetwork tinyNetwork() {
    return ReluNetwork.builder(List.of("p", "v"), List.of("f"), 0.05).residual(true)
        .addHiddenLayer(new double[] {0.5, -1, 0.25, 1, 1, 0, 0.1, 0.2, 0.3, -0.5, 0.5, 2, 1.5, 0, -0.75},
            new double[] {0.1, -0.2, 0.3, 0, 0.05},
            new NeuronKind[] {NeuronKind.RELU, NeuronKind.IDENTITY, NeuronKind.ZERO, NeuronKind.RELU, NeuronKind.RELU})
        .output(new double[] {1, 0.5, 9, -1, 0.25, 0, -0.5, 9, 2, 1}, new double[] {0.01, -0.02})
        .build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"lqr", "tiny_net", "tiny_folded", "lorenz", "pendulum_mpc", "tiny_mpc"})
  void generatedFilesMatchTheExpectedOnes(String name) throws IOException {
    GeneratedCode code = CodeGenerator.generate(ModelFiles.describe(model(name), name + ".json"),
        CodegenOptions.builder(name).javaPackage("golden").build());
    boolean update = Boolean.getBoolean("loopforge.updateGolden");
    for (GeneratedFile f : code.files()) {
      String file = f.relativePath().substring(f.relativePath().lastIndexOf('/') + 1);
      // the common header is the same for every case: one expected file
      String resource = file.equals(CommonHeader.FILE_NAME) ? "/golden/" + file : "/golden/" + name + "/" + file;
      if (update) {
        Path p = Path.of("src/test/resources" + resource);
        Files.createDirectories(p.getParent());
        Files.writeString(p, f.content(), StandardCharsets.UTF_8);
        continue;
      }
      try (InputStream in = GoldenFilesTest.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new AssertionError("missing " + resource + ": run with -Dloopforge.updateGolden=true once");
        }
        assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), f.content(), resource);
      }
    }
  }
}
