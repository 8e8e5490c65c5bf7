package io.loopforge.cli;

import static io.loopforge.cli.LoopforgeTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loopforge.cli.LoopforgeTest.Run;
import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.io.CsvOptions;
import io.loopforge.modeling.io.TrajectoryCsv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code simulate --model} and {@code design lqr --model}: commands on a learned model file. */
@org.junit.jupiter.api.extension.ExtendWith(NoLeftovers.class)
class ModelCommandsTest {
  @TempDir static Path dir;
  static Path train;
  static Path test;
  static Path sindy;

  /** Pendulum data (training and held out, other seed) and a SINDy model fitted on the first. */
  @BeforeAll
  static void pendulumModel() {
    train = dir.resolve("train.csv");
    test = dir.resolve("test.csv");
    sindy = dir.resolve("sindy.json");
    assertEquals(0, run("simulate", "--plant", "pendulum", "--excitation", "multisine", "--steps", "2000", "--dt",
        "0.02", "--x0", "2.5,0", "--out", train.toString()).code());
    assertEquals(0, run("simulate", "--plant", "pendulum", "--excitation", "random-steps", "--steps", "300", "--dt",
        "0.02", "--x0", "1,0", "--seed", "5", "--out", test.toString()).code());
    Run fit = run("identify", "sindy", "--data", train.toString(), "--spec", spec().toString(), "--out",
        sindy.toString());
    assertEquals(0, fit.code(), fit.err());
  }

  private static Path spec() {
    Path s = dir.resolve("spec.json");
    try {
      Files.writeString(s, "{\"library\": {\"type\": \"concat\", \"parts\": [{\"type\": \"polynomial\", \"degree\": 1},"
          + " {\"type\": \"fourier\"}]}, \"optimizer\": {\"type\": \"stlsq\", \"threshold\": 0.05, \"alpha\": 0}}");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return s;
  }

  @Test
  void simulateModelReplaysTheRecordingAndPrintsTheFit() throws IOException {
    Path pred = dir.resolve("pred.csv");
    Path png = dir.resolve("pred.png");
    Run r = run("simulate", "--model", sindy.toString(), "--data", test.toString(), "--out", pred.toString(), "--plot",
        png.toString());
    assertEquals(0, r.code(), r.err());
    // the model is the pendulum's own equations: the prediction follows the held-out recording closely
    Matcher m = Pattern.compile("mean\\s+([0-9.]+)").matcher(r.out());
    assertTrue(m.find(), r.out());
    assertTrue(Double.parseDouble(m.group(1)) > 0.99, r.out());
    assertTrue(r.out().contains("theta"), r.out());
    assertTrue(r.out().contains("299 predicted rows"), r.out());
    CsvOptions pendulum = CsvOptions.builder().inputColumns(java.util.List.of("torque")).build();
    Dataset recorded = TrajectoryCsv.read(test, pendulum);
    Dataset predicted = TrajectoryCsv.read(pred, pendulum);
    assertEquals(recorded.sampleCount(), predicted.sampleCount());
    assertEquals(recorded.get(0).state(0)[0], predicted.get(0).state(0)[0], 0.0, "starts from the recorded state");
    assertEquals(recorded.get(0).input(17)[0], predicted.get(0).input(17)[0], 0.0, "driven by the recorded inputs");
    assertTrue(Files.size(png) > 1000);
  }

  @Test
  void simulateModelRefusesDataOfAnotherSystemAPolicyAndOverwritingTheData() throws IOException {
    Path cart = dir.resolve("cart.csv");
    assertEquals(0, run("simulate", "--plant", "cartpole", "--steps", "50", "--dt", "0.02", "--out", cart.toString())
        .code());
    Run r = run("simulate", "--model", sindy.toString(), "--data", cart.toString(), "--out",
        dir.resolve("x.csv").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().startsWith("error: the data has states [cart_position, pole_angle, cart_velocity,"
        + " pole_angular_velocity] and inputs [force] but the model has states [theta, omega] and inputs [torque]"), r.err());

    Path lqr = dir.resolve("plant-lqr.json");
    assertEquals(0, run("design", "lqr", "--plant", "pendulum", "--dt", "0.02", "--out", lqr.toString()).code());
    r = run("simulate", "--model", lqr.toString(), "--data", test.toString(), "--out", dir.resolve("y.csv").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("simulate --model needs a model of the dynamics (a sindy or relu-network model file),"
        + " but this is an affine policy"), r.err());

    String before = Files.readString(test);
    r = run("simulate", "--model", sindy.toString(), "--data", test.toString(), "--out", test.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("is the same file as " + test), r.err());
    assertEquals(before, Files.readString(test));

    Path coarse = dir.resolve("coarse.csv");
    assertEquals(0, run("simulate", "--plant", "pendulum", "--steps", "50", "--dt", "0.05", "--out", coarse.toString())
        .code());
    r = run("simulate", "--model", sindy.toString(), "--data", coarse.toString(), "--out", dir.resolve("z.csv")
        .toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("the data is sampled every 0.05 s but the model steps by dt = 0.02 s"), r.err());
    assertFalse(Files.exists(dir.resolve("z.csv")));

    r = run("simulate", "--model", sindy.toString(), "--out", dir.resolve("w.csv").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--model needs --data"), r.err());
  }

  @Test
  void designLqrOnTheLearnedModelMatchesThePlantDesign() throws IOException {
    Path onModel = dir.resolve("model-lqr.json");
    Run r = run("design", "lqr", "--model", sindy.toString(), "--plant", "pendulum", "--q", "10,1", "--out",
        onModel.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("model drift at the reference"), r.out());
    Path onPlant = dir.resolve("plant-lqr10.json");
    assertEquals(0, run("design", "lqr", "--plant", "pendulum", "--dt", "0.02", "--q", "10,1", "--out",
        onPlant.toString()).code());
    JsonNode a = new ObjectMapper().readTree(onModel.toFile());
    JsonNode b = new ObjectMapper().readTree(onPlant.toFile());
    assertEquals(b.get("input_bounds"), a.get("input_bounds"));
    for (int j = 0; j < 2; j++) {
      double ka = a.get("gain").get(0).get(j).asDouble();
      double kb = b.get("gain").get(0).get(j).asDouble();
      // the learned coefficients are within about 1 % of the plant's: the gains within a few per cent
      assertEquals(kb, ka, 0.05 * Math.abs(kb), "gain " + j + " on the model vs on the plant");
    }

    // a model alone: the reference and the bounds come from the command line
    Path alone = dir.resolve("alone.json");
    r = run("design", "lqr", "--model", sindy.toString(), "--x-ref", "3.141592653589793,0", "--u-min", "-2",
        "--u-max", "2", "--out", alone.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode c = new ObjectMapper().readTree(alone.toFile());
    assertEquals(-2.0, c.get("input_bounds").get("lower").get(0).asDouble(), 0.0);
    assertEquals(0.02, c.get("dt").asDouble(), 0.0);
  }

  @Test
  void designLqrRefusesAMismatchedPlantAPolicyAndAForeignDt() {
    Run r = run("design", "lqr", "--model", sindy.toString(), "--plant", "cartpole", "--out",
        dir.resolve("a.json").toString());
    assertEquals(1, r.code());
    assertEquals("error: the model's states [theta, omega] and inputs [torque] are not the plant's [cart_position, pole_angle,"
        + " cart_velocity, pole_angular_velocity] and [force]", r.err().trim());
    Path lqr = dir.resolve("p.json");
    assertEquals(0, run("design", "lqr", "--plant", "pendulum", "--dt", "0.02", "--out", lqr.toString()).code());
    r = run("design", "lqr", "--model", lqr.toString(), "--out", dir.resolve("b.json").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("design lqr --model needs a model of the dynamics"), r.err());
    r = run("design", "lqr", "--model", sindy.toString(), "--dt", "0.01", "--out", dir.resolve("c.json").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--dt 0.01 does not apply with --model"), r.err());
    r = run("design", "lqr", "--out", dir.resolve("d.json").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("say what to design on"), r.err());
    r = run("design", "lqr", "--model", sindy.toString(), "--x-ref", "1", "--out", dir.resolve("e.json").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("reference state has 1 values but the model needs 2"), r.err());
  }
}
