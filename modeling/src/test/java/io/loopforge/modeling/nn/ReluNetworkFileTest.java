package io.loopforge.modeling.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.ModelingException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReluNetworkFileTest {
  @TempDir
  Path dir;

  @Test
  void mlpRoundTripsExactly() {
    ReluNetwork net = SyntheticData.randomNetwork(new int[] {5, 4}, 3, 2, true, true, 21);
    Path file = dir.resolve("net.json");
    ReluNetworkFile.write(net, file);
    ReluNetwork back = ReluNetworkFile.readMlp(file);
    assertEquals(net, back);
    assertEquals(net, ReluNetworkFile.read(file));
  }

  @Test
  void foldedRoundTripsExactly() {
    ReluNetwork net = SyntheticData.randomNetwork(new int[] {5, 4}, 3, 2, false, true, 22);
    FoldedReluNetwork folded = FoldedReluNetwork.fold(net);
    Path file = dir.resolve("folded.json");
    ReluNetworkFile.write(folded, file);
    FoldedReluNetwork back = ReluNetworkFile.readFolded(file);
    assertEquals(folded.reluLayerCount(), back.reluLayerCount());
    for (int k = 0; k < folded.reluLayerCount(); k++) {
      assertArrayEquals(folded.weights(k), back.weights(k), 0.0);
      assertArrayEquals(folded.biases(k), back.biases(k), 0.0);
    }
    assertArrayEquals(folded.outputWeights(), back.outputWeights(), 0.0);
    assertArrayEquals(folded.outputBiases(), back.outputBiases(), 0.0);
    assertEquals(folded.residual(), back.residual());
    // an mlp file read as folded is folded on the way in
    Path mlp = dir.resolve("mlp.json");
    ReluNetworkFile.write(net, mlp);
    assertArrayEquals(folded.outputWeights(), ReluNetworkFile.readFolded(mlp).outputWeights(), 0.0);
  }

  @Test
  void fileHasTheCommonKeys() {
    ReluNetwork net = SyntheticData.randomNetwork(new int[] {2}, 1, 1, true, false, 1);
    String json = ReluNetworkFile.toJson(net);
    assertTrue(json.contains("\"format\" : \"loopforge-model/1\""), json);
    assertTrue(json.contains("\"type\" : \"relu-network\""), json);
    assertTrue(json.contains("\"discrete_time\" : true"), json);
    assertTrue(json.contains("\"residual\" : true"), json);
    assertTrue(json.contains("\"kinds\" : [ \"relu\", \"relu\" ]"), json);
  }

  @Test
  void errorsNameTheFileAndKey() throws Exception {
    ReluNetwork net = SyntheticData.randomNetwork(new int[] {3}, 2, 1, true, false, 2);
    String json = ReluNetworkFile.toJson(net);
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, json.replace("\"kinds\" : [ \"relu\", \"relu\", \"relu\" ]",
        "\"kinds\" : [ \"relu\", \"tanh\", \"relu\" ]"));
    ModelingException e = assertThrows(ModelingException.class, () -> ReluNetworkFile.readMlp(bad));
    assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("layers[0].kinds[1]"),
        e.getMessage());

    Path noDt = dir.resolve("nodt.json");
    Files.writeString(noDt, json.replaceFirst("\"dt\" : [0-9.eE-]+,", ""));
    e = assertThrows(ModelingException.class, () -> ReluNetworkFile.read(noDt));
    assertTrue(e.getMessage().contains("nodt.json") && e.getMessage().contains("'dt'"), e.getMessage());

    Path sindy = dir.resolve("sindy.json");
    Files.writeString(sindy, json.replace("\"relu-network\"", "\"sindy\""));
    e = assertThrows(ModelingException.class, () -> ReluNetworkFile.read(sindy));
    assertTrue(e.getMessage().contains("'type' is 'sindy'"), e.getMessage());

    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{ \"format\": ");
    e = assertThrows(ModelingException.class, () -> ReluNetworkFile.read(broken));
    assertTrue(e.getMessage().contains("broken.json") && e.getMessage().contains("not valid JSON"), e.getMessage());

    Path shortWeights = dir.resolve("short.json");
    String firstWeights = json.substring(json.indexOf("\"weights\" : [ ") + 14);
    String firstValue = firstWeights.substring(0, firstWeights.indexOf(','));
    Files.writeString(shortWeights, json.replaceFirst("\"weights\" : \\[ " + java.util.regex.Pattern.quote(firstValue) + ", ",
        "\"weights\" : [ "));
    e = assertThrows(ModelingException.class, () -> ReluNetworkFile.read(shortWeights));
    assertTrue(e.getMessage().contains("'layers[0].weights' has 8 values, expected 9"), e.getMessage());

    Path folded = dir.resolve("folded.json");
    ReluNetworkFile.write(FoldedReluNetwork.fold(net), folded);
    e = assertThrows(ModelingException.class, () -> ReluNetworkFile.readMlp(folded));
    assertTrue(e.getMessage().contains("'layout' is 'folded'"), e.getMessage());
    DynamicsModel m = ReluNetworkFile.read(folded);
    assertTrue(m instanceof FoldedReluNetwork);
  }
}
