package io.loopforge.cli;

import static io.loopforge.cli.LoopforgeTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loopforge.cli.LoopforgeTest.Run;
import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.NeuronKind;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.policy.AffinePolicy;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.mpc.CbcRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code import onnx}, {@code export onnx} and {@code optimize} from the command line. */
@ExtendWith(NoLeftovers.class)
class OnnxCommandsTest {
  private static final Path FIXTURES = Path.of("..", "modeling", "src", "test", "resources", "onnx");

  @TempDir Path dir;

  @BeforeEach
  void files() throws IOException {
    Files.copy(FIXTURES.resolve("pytorch-gemm.onnx"), dir.resolve("net.onnx"));
    ModelFiles.write(Model.of(network(new int[] {8, 8}, 3)), dir.resolve("small.json"));
    ModelFiles.write(Model.of(AffinePolicy.builder(List.of("x"), List.of("u"), 0.1).gain(new double[][] {{1}})
        .build()), dir.resolve("policy.json"));
    Files.writeString(dir.resolve("junk.onnx"), "not an onnx file");
    Files.createDirectories(dir.resolve("folder"));
  }

  private Run runIn(String line) {
    List<String> args = new ArrayList<>();
    for (String a : line.split(" ")) {
      args.add(a.startsWith("@") ? dir.resolve(a.substring(1)).toString() : a);
    }
    return run(args.toArray(new String[0]));
  }

  private static void noTrace(String line, Run r) {
    assertFalse(r.err().contains("\tat ") || r.err().contains("Exception") || r.err().contains("internal error"),
        line + ": " + r.err());
  }

  @Test
  void importExportImportGivesTheSameModel() throws IOException {
    Run a = runIn("import onnx @net.onnx --states x,v --inputs u --dt 0.02 --out @m.json");
    assertEquals(0, a.code(), a.err());
    assertTrue(a.out().contains("3 inputs [x, v, u] → hidden [16, 16] → 2 outputs [x, v]"), a.out());
    assertTrue(a.out().contains("(pytorch 2.1.0, opset 17, 7 nodes, input 'input' → output 'output')"), a.out());
    Model m = ModelFiles.read(dir.resolve("m.json")).model();
    assertEquals(32, ((ReluNetwork) m.value()).reluCount());

    Run b = runIn("export onnx --model @m.json --precision f64 --out @again.onnx");
    assertEquals(0, b.code(), b.err());
    Run c = runIn("import onnx @again.onnx --out @m2.json");
    assertEquals(0, c.code(), c.err());
    assertEquals(m.value(), ModelFiles.read(dir.resolve("m2.json")).model().value());
    // float32 export of float32 weights is exact too
    Run d = runIn("export onnx --model @m.json --out @f32.onnx");
    assertEquals(0, d.code(), d.err());
    assertEquals(0, runIn("import onnx @f32.onnx --out @m3.json").code());
    assertEquals(m.value(), ModelFiles.read(dir.resolve("m3.json")).model().value());
  }

  @Test
  void aResidualImportIsResidual() {
    Run r = runIn("import onnx @net.onnx --states x,v --inputs u --dt 0.02 --residual --out @m.json");
    assertEquals(0, r.code(), r.err());
    assertTrue(((ReluNetwork) ModelFiles.read(dir.resolve("m.json")).model().value()).residual());
  }

  @Test
  void optimizeProvesTheOptimumWhichCbcAndSamplingConfirm() throws IOException {
    Run r = runIn("optimize --model @small.json --box -1:1 --minimize x --time-limit 20 --mps @p.mps --out @r.json");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("proven optimum: "), r.out());
    assertTrue(r.out().contains("optimal input: x = "), r.out());
    assertTrue(r.out().contains("validated: "), r.out());
    JsonNode j = new ObjectMapper().readTree(dir.resolve("r.json").toFile());
    assertEquals("optimal", j.get("status").asText());
    assertTrue(j.get("validated").asBoolean());
    double optimum = j.get("optimum").asDouble();
    double x = j.get("input").get("x").asDouble();
    double[] f = new double[1];
    FoldedReluNetwork net = FoldedReluNetwork.fold((ReluNetwork) ModelFiles.read(dir.resolve("small.json")).model()
        .value());
    net.evaluate(new double[] {x}, f);
    assertEquals(f[0], optimum, 0.0, "the optimum is the network at the optimal input");
    double best = Double.POSITIVE_INFINITY;
    for (int i = 0; i <= 100_000; i++) {
      net.evaluate(new double[] {-1 + 2.0 * i / 100_000}, f);
      best = Math.min(best, f[0]);
    }
    assertTrue(best >= optimum - 1e-9 && best - optimum < 1e-3, best + " vs " + optimum);
    CbcRunner cbc = CbcRunner.builder().timeLimit(Duration.ofSeconds(20)).build();
    assumeTrue(cbc.available(), "cbc is not installed (Debian package coinor-cbc)");
    CbcRunner.Result c = cbc.solve(dir.resolve("p.mps"), dir);
    assertEquals(CbcRunner.Status.OPTIMAL, c.status(), c.statusLine());
    assertEquals(j.get("milp_objective").asDouble(), c.objective(), 1e-6 * Math.max(1, Math.abs(optimum)));
  }

  @Test
  void optimizeMaximisesToo() throws IOException {
    Run r = runIn("optimize --model @small.json --box=-0.5:2 --maximize x --out @r.json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = new ObjectMapper().readTree(dir.resolve("r.json").toFile());
    assertEquals("maximize", j.get("sense").asText());
    assertEquals("relu-phases", j.get("search").asText());
    double x = j.get("input").get("x").asDouble();
    assertTrue(x >= -0.5 && x <= 2, "inside the box: " + x);
    Run o = runIn("optimize --model @small.json --box=-0.5:2 --maximize x --search ojalgo --out @o.json");
    assertEquals(0, o.code(), o.err());
    JsonNode k = new ObjectMapper().readTree(dir.resolve("o.json").toFile());
    assertEquals(j.get("optimum").asDouble(), k.get("optimum").asDouble(), 1e-7, "both searches agree");
  }

  /** Usage errors: exit 2, a message naming the option. */
  @ParameterizedTest
  @ValueSource(strings = {
      "import onnx @net.onnx --states x,v --inputs u --dt 0.02|Missing required option: '--out=MODEL.json'",
      "import onnx @net.onnx --inputs u --dt 0.02 --out @m.json|--inputs needs --states",
      "import onnx @net.onnx --states x,v --inputs u --dt 0 --out @m.json|--dt must be a positive number of seconds",
      "import onnx @net.onnx --states x,v --inputs u --dt 0.1 --out @net.onnx|is the same file as",
      "import onnx --states x,v --dt 0.1 --out @m.json|Missing required parameter: 'NET.onnx'",
      "export onnx --model @small.json --precision f16 --out @n.onnx|--precision is 'f16'; give f32 or f64",
      "export onnx --model @small.json --out @small.json|is the same file as",
      "optimize --model @small.json --box -1:1,0:1 --minimize x --out @r.json|--box has 2 intervals, the network has 1"
          + " inputs [x]",
      "optimize --model @small.json --box a:b --minimize x --out @r.json|is not two numbers LO:HI",
      "optimize --model @small.json --box 1:-1 --minimize x --out @r.json|must be finite with LO ≤ HI",
      "optimize --model @small.json --box 0:1 --minimize y --out @r.json|the network has no output of that name;"
          + " its outputs are [x]",
      "optimize --model @small.json --box 0:1 --minimize x --maximize x --out @r.json|mutually exclusive",
      "optimize --model @small.json --box 0:1 --out @r.json|Missing required argument",
      "optimize --model @small.json --box 0:1 --minimize x --time-limit 0 --out @r.json|--time-limit must be a"
          + " positive number of seconds",
      "optimize --model @small.json --box 0:1 --minimize x --search gurobi --out @r.json|--search is 'gurobi'; give"
          + " relu-phases or ojalgo",
      "optimize --model @small.json --box 0:Infinity --minimize x --out @r.json|must be finite with LO ≤ HI",
      "optimize --model @small.json --box 0:1 --minimize x --out @folder|--out " + "@folder is a folder",
      "import onnx @net.onnx --states x,v --inputs u --dt 0.1 --out @folder|--out @folder is a folder"})
  void usageErrorsExitWithTwo(String lineAndMessage) {
    String[] parts = lineAndMessage.replace("@folder", dir.resolve("folder").toString()).split("\\|");
    Run r = runIn(parts[0]);
    assertEquals(2, r.code(), parts[0] + ": " + r.err());
    assertTrue(r.err().contains(parts[1]), parts[0] + ": " + r.err());
    noTrace(parts[0], r);
  }

  /** Failures: exit 1, the reason, no stack trace. */
  @ParameterizedTest
  @ValueSource(strings = {
      "import onnx @junk.onnx --states x,v --inputs u --dt 0.1 --out @m.json|is not an ONNX model",
      "import onnx @none.onnx --states x,v --inputs u --dt 0.1 --out @m.json|none.onnx: no such file",
      "import onnx @net.onnx --states x --inputs u --dt 0.1 --out @m.json|the network maps 3 inputs to 2 outputs",
      "import onnx @net.onnx --out @m.json|does not say which of its inputs are states",
      "export onnx --model @policy.json --out @n.onnx|ONNX export needs a ReLU network of the dynamics",
      "export onnx --model @none.json --out @n.onnx|no such file",
      "optimize --model @policy.json --box 0:1,0:1 --minimize x --out @r.json|optimize needs a relu-network model file",
      "import onnx @net.onnx --states x,x --inputs u --dt 0.1 --out @m.json|state name 'x' is given twice",
      "import onnx @net.onnx --states x,v --inputs x --dt 0.1 --out @m.json|state or input name 'x' is given twice"})
  void failuresExitWithOne(String lineAndMessage) {
    String[] parts = lineAndMessage.split("\\|");
    Run r = runIn(parts[0]);
    assertEquals(1, r.code(), parts[0] + ": " + r.err());
    assertTrue(r.err().contains(parts[1]), parts[0] + ": " + r.err());
    noTrace(parts[0], r);
  }

  @Test
  void anUnsupportedOperatorIsNamed() throws IOException {
    // the tf2onnx fixture with its first Relu turned into a Sigmoid (the op type is a string in the file)
    byte[] bytes = Files.readAllBytes(FIXTURES.resolve("tf2onnx-matmul.onnx"));
    String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    int at = text.indexOf("\"\u0004Relu") + 2; // NodeProto.op_type: field 4, length 4
    assertTrue(at > 2);
    byte[] changed = bytes.clone();
    // "Relu" → "Tanh": same length, so the protobuf framing stays valid
    System.arraycopy("Tanh".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, changed, at, 4);
    Files.write(dir.resolve("tanh.onnx"), changed);
    Run r = runIn("import onnx @tanh.onnx --states x,v --inputs u --dt 0.1 --out @m.json");
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("node 'sequential/dense/Relu' (op type Tanh) is not supported: only ReLU activations"),
        r.err());
    assertFalse(Files.exists(dir.resolve("m.json")), "nothing is written");
  }

  private static ReluNetwork network(int[] hidden, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    ReluNetwork.Builder b = ReluNetwork.builder(List.of("x"), List.of(), 1.0);
    int cols = 1;
    for (int h : hidden) {
      NeuronKind[] kinds = new NeuronKind[h];
      Arrays.fill(kinds, NeuronKind.RELU);
      b.addHiddenLayer(gaussian(rng, h * cols, Math.sqrt(2.0 / cols)), gaussian(rng, h, 0.3), kinds);
      cols = h;
    }
    return b.output(gaussian(rng, cols, Math.sqrt(1.0 / cols)), gaussian(rng, 1, 0.3)).build();
  }

  private static double[] gaussian(SplittableRandom rng, int n, double std) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = std * Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }
    return v;
  }
}
