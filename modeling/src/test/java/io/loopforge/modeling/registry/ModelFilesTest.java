package io.loopforge.modeling.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.NeuronKind;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.policy.AffinePolicy;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.policy.MpcPolicy;
import io.loopforge.modeling.policy.NetworkPolicy;
import io.loopforge.modeling.sindy.FeatureLibrary;
import io.loopforge.modeling.sindy.Sindy;
import io.loopforge.modeling.sindy.SindyModel;
import io.loopforge.modeling.sindy.Stlsq;
import io.loopforge.modeling.Trajectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFilesTest {
  @TempDir
  Path dir;

  static ReluNetwork network() {
    return ReluNetwork.builder(List.of("p", "v"), List.of("f"), 0.05).residual(true)
        .addHiddenLayer(new double[] {0.5, -1, 0.25, 1, 1, 0, 0.1, 0.2, 0.3}, new double[] {0.1, -0.2, 0.3},
            new NeuronKind[] {NeuronKind.RELU, NeuronKind.IDENTITY, NeuronKind.ZERO})
        .output(new double[] {1, 0.5, 9, -1, 0.25, 0}, new double[] {0.01, -0.02})
        .build();
  }

  static SindyModel sindy() {
    double dt = 0.01;
    int n = 200;
    double[] t = new double[n];
    double[][] x = new double[n][1];
    double[][] u = new double[n][1];
    for (int i = 0; i < n; i++) {
      t[i] = i * dt;
      u[i][0] = Math.sin(3 * t[i]);
      x[i][0] = Math.exp(-t[i]);
    }
    return Sindy.builder().library(FeatureLibrary.polynomial(1))
        .optimizer(Stlsq.builder().threshold(0.01).alpha(0).build()).build()
        .fit(Dataset.of(new Trajectory(t, x, u, List.of("x"), List.of("u"))));
  }

  static List<Model> oneOfEachKind() {
    AffinePolicy affine = AffinePolicy.builder(List.of("p", "v"), List.of("f"), 0.05)
        .gain(new double[][] {{2, 0.5}})
        .inputBounds(InputBounds.of(new double[] {-1}, new double[] {1})).build();
    NetworkPolicy net = NetworkPolicy.builder(List.of("x0"), List.of("u0"), List.of("x0_ref"), 0.1)
        .addHiddenLayer(new double[] {1, -1, 1, 0}, new double[] {0, 1},
            new NeuronKind[] {NeuronKind.RELU, NeuronKind.IDENTITY})
        .output(new double[] {2, -1}, new double[] {0.5}).build();
    MpcPolicy mpc = MpcPolicy.builder(sindy()).horizon(7).iterations(2).qpIterations(3).tolerance(1e-3)
        .stateWeights(10).terminalWeights(20).inputWeights(0.1).rateWeights(0.01).referenceState(0.5)
        .referenceInput(0.25).inputBounds(InputBounds.of(new double[] {-3}, new double[] {Double.POSITIVE_INFINITY}))
        .build();
    io.loopforge.modeling.policy.PolynomialPolicy poly = io.loopforge.modeling.policy.PolynomialPolicy.of(
        List.of("p", "v"), List.of("f"), List.of("p_ref", "v_ref"), 0.05,
        new int[][] {{0, 0, 0, 0}, {1, 0, 0, 0}, {2, 1, 0, 0}, {0, 0, 1, 0}}, new double[][] {{0.25, -3, 0.125, 3}},
        InputBounds.of(new double[] {-2}, new double[] {2}));
    return List.of(Model.of(sindy()), Model.of(network()), Model.of(FoldedReluNetwork.fold(network())),
        Model.of(affine), Model.of(net), Model.of(mpc), Model.of(poly));
  }

  @Test
  void everyKindIsWrittenAndReadBackTypedWithTheHashOfItsBytes() throws Exception {
    Set<ModelKind> seen = EnumSet.noneOf(ModelKind.class);
    for (Model m : oneOfEachKind()) {
      Path file = dir.resolve(m.kind().name().toLowerCase() + ".json");
      ModelFiles.write(m, file);
      ModelFile back = ModelFiles.read(file);
      assertEquals(m.kind(), back.kind());
      assertEquals(file.getFileName().toString(), back.name());
      assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))),
          back.sha256());
      // the loaded model writes the same text: nothing was lost on the way
      assertEquals(Files.readString(file), ModelFiles.toJson(back.model()));
      assertEquals(m.stateNames(), back.model().stateNames());
      assertEquals(m.inputNames(), back.model().inputNames());
      assertEquals(m.dt(), back.model().dt());
      assertEquals(m.kind().isDynamics(), back.model().asDynamics().isPresent());
      assertEquals(m.kind().isController(), back.model().asController().isPresent());
      assertEquals(m.kind().fileType(), new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile())
          .get("type").asText());
      seen.add(back.kind());
    }
    assertEquals(EnumSet.allOf(ModelKind.class), seen);
  }

  @Test
  void aVisitorSeesTheTypedModel() {
    ReluNetwork net = network();
    String what = Model.of(net).accept(new Model.Visitor<String>() {
      @Override
      public String sindy(SindyModel model) {
        return "sindy";
      }

      @Override
      public String network(ReluNetwork network) {
        assertSame(net, network);
        return "network";
      }

      @Override
      public String foldedNetwork(FoldedReluNetwork network) {
        return "folded";
      }

      @Override
      public String affinePolicy(AffinePolicy policy) {
        return "affine";
      }

      @Override
      public String networkPolicy(NetworkPolicy policy) {
        return "network policy";
      }

      @Override
      public String mpcPolicy(MpcPolicy policy) {
        return "mpc";
      }

      @Override
      public String polynomialPolicy(io.loopforge.modeling.policy.PolynomialPolicy policy) {
        return "polynomial policy";
      }
    });
    assertEquals("network", what);
  }

  @Test
  void describeHashesTheCanonicalText() {
    Model m = Model.of(network());
    ModelFile f = ModelFiles.describe(m, "net.json");
    assertEquals(ModelFiles.sha256(ModelFiles.toJson(m).getBytes(StandardCharsets.UTF_8)), f.sha256());
    assertEquals("net.json", f.name());
    assertNotEquals(f.sha256(), ModelFiles.describe(Model.of(FoldedReluNetwork.fold(network())), "net.json").sha256());
  }

  @Test
  void onlyNetworksOfTheDynamicsHaveAFoldedNetworkAndItComputesTheSame() {
    int folded = 0;
    for (Model m : oneOfEachKind()) {
      boolean isNetwork = m.kind() == ModelKind.RELU_NETWORK || m.kind() == ModelKind.FOLDED_RELU_NETWORK;
      assertEquals(isNetwork, m.asFoldedNetwork().isPresent(), m.kind().toString());
      folded += isNetwork ? 1 : 0;
    }
    assertEquals(2, folded);
    FoldedReluNetwork f = Model.of(network()).asFoldedNetwork().orElseThrow();
    double[] x = {0.3, -0.7};
    double[] u = {0.4};
    double[] a = new double[2];
    double[] b = new double[2];
    network().step(x, u, a);
    f.step(x, u, b);
    assertArrayEquals(a, b, 1e-12);
  }

  @Test
  void aModelOfTheWrongRoleIsRefusedByName() {
    ModelingException e = assertThrows(ModelingException.class, () -> Model.of(network()).controller("loop"));
    assertEquals("loop needs a controller (a policy model file, e.g. from 'design lqr'), but this is a ReLU network"
        + " (\"type\": \"relu-network\")", e.getMessage());
    Model policy = oneOfEachKind().get(3);
    e = assertThrows(ModelingException.class, () -> policy.dynamics("simulate --model"));
    assertEquals("simulate --model needs a model of the dynamics (a sindy or relu-network model file), but this is an"
        + " affine policy (\"type\": \"policy\")", e.getMessage());
  }

  @Test
  void badFilesAreReportedWithFileAndKey() throws IOException {
    assertEquals("model file m.json: key 'type' is 'mystery', expected \"sindy\", \"relu-network\", \"policy\" or \"mpc\"",
        message("{\"type\": \"mystery\"}"));
    assertEquals("model file m.json: missing key 'type' (\"sindy\", \"relu-network\", \"policy\" or \"mpc\")",
        message("{\"format\": \"loopforge-model/1\"}"));
    assertEquals("model file m.json: key 'type' must be a string (\"sindy\", \"relu-network\", \"policy\" or \"mpc\")",
        message("{\"type\": 3}"));
    assertEquals("model file m.json: the top level must be a JSON object", message("[1, 2]"));
    assertTrue(message("{\"type\": ").startsWith("model file m.json is not valid JSON: "), message("{\"type\": "));
    assertEquals("model file m.json: key 'layers' must be a non-empty array", message("{\"format\":"
        + " \"loopforge-model/1\", \"type\": \"relu-network\", \"state_names\": [\"x\"], \"input_names\": [],"
        + " \"dt\": 0.1, \"residual\": false, \"layout\": \"mlp\", \"layers\": []}"));
    Path missing = dir.resolve("nope.json");
    ModelingException e = assertThrows(ModelingException.class, () -> ModelFiles.read(missing));
    assertEquals("cannot read model file " + missing + ": no such file; check the path", e.getMessage());
  }

  private static String message(String text) {
    return assertThrows(ModelingException.class, () -> ModelFiles.parse(text, "m.json", "m.json")).getMessage();
  }

  @Test
  void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
    Path file = dir.resolve("net.json");
    ModelFiles.write(Model.of(network()), file);
    String before = Files.readString(file);
    // a network with a non-finite weight cannot be written: the error comes before anything is replaced
    ReluNetwork bad = ReluNetwork.builder(List.of("p"), List.of(), 0.1)
        .addHiddenLayer(new double[] {Double.NaN}, new double[] {0}, new NeuronKind[] {NeuronKind.RELU})
        .output(new double[] {1}, new double[] {0}).build();
    assertThrows(ModelingException.class, () -> ModelFiles.write(Model.of(bad), file));
    assertEquals(before, Files.readString(file));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
    assertFalse(Files.exists(dir.resolve("net.json.tmp")));
  }
}
