package io.loopforge.modeling.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loopforge.modeling.ModelingException;
import org.junit.jupiter.api.Test;

class DenseLayersReaderTest {
  private static JsonNode json(String text) throws Exception {
    return new ObjectMapper().readTree(text);
  }

  private static DenseLayers.Builder builder() {
    return DenseLayers.builder(2, 1, "the network has 1 states");
  }

  @Test
  void readsHiddenAndOutputLayers() throws Exception {
    JsonNode layers = json("[{\"inputs\": 2, \"outputs\": 1, \"weights\": [1, -1], \"biases\": [0.5],"
        + " \"kinds\": [\"relu\"]}, {\"inputs\": 1, \"outputs\": 1, \"weights\": [2], \"biases\": [0]}]");
    DenseLayers.Builder b = builder();
    new DenseLayersReader("m.json", "the states and inputs", "state", false).read(layers, b);
    DenseLayers d = b.build();
    assertArrayEquals(new int[] {2, 1, 1}, d.widths());
    assertArrayEquals(new NeuronKind[] {NeuronKind.RELU}, d.kinds(0));
    assertArrayEquals(new double[] {1, -1}, d.weights(0), 0.0);
  }

  @Test
  void strictReaderRejectsKindsOnTheOutputLayer() throws Exception {
    JsonNode layers = json("[{\"inputs\": 2, \"outputs\": 1, \"weights\": [1, -1], \"biases\": [0.5],"
        + " \"kinds\": [\"relu\"]}]");
    new DenseLayersReader("m.json", "the states and inputs", "state", false).read(layers, builder());
    assertEquals("model file m.json: key 'layers[0].kinds': the output layer is linear and has no neuron kinds",
        assertThrows(ModelingException.class,
            () -> new DenseLayersReader("m.json", "x", "state", true).read(layers, builder())).getMessage());
  }

  @Test
  void firstLayerMessageNamesTheInputs() throws Exception {
    JsonNode layers = json("[{\"inputs\": 3, \"outputs\": 1, \"weights\": [1, -1, 0], \"biases\": [0.5]}]");
    assertEquals("model file m.json: key 'layers[0].inputs' is 3, but the previous layer has 2 outputs"
            + " (the states and inputs)",
        assertThrows(ModelingException.class,
            () -> new DenseLayersReader("m.json", "the states and inputs", "state", false).read(layers, builder()))
            .getMessage());
  }
}
