package io.loopforge.modeling.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DenseLayersTest {
  private static DenseLayers.Builder threeNeurons() {
    // 3 inputs, hidden layer of 3: relu, identity, zero; 2 outputs
    return DenseLayers.builder(3, 2, "the network has 2 states")
        .addHiddenLayer(new double[] {1, 0, 0, 0, 1, 0, 1, 1, 1}, new double[] {-1, 0, 5},
            new NeuronKind[] {NeuronKind.RELU, NeuronKind.IDENTITY, NeuronKind.ZERO});
  }

  @Test
  void evaluateAndJacobianMatchHandComputation() {
    DenseLayers layers = threeNeurons().output(new double[] {1, 1, 1, 0, 2, 0}, new double[] {0.5, 0}).build();
    // z = (3, -2, 1): y = (2, -2, 7) → a = (2, -2, 0); f = (0.5 + 2 - 2, -4)
    double[] out = new double[2];
    layers.evaluate(new double[] {3, -2, 1}, out);
    assertArrayEquals(new double[] {0.5, -4}, out, 0.0);
    double[] jac = new double[6];
    layers.jacobian(new double[] {3, -2, 1}, jac);
    assertArrayEquals(new double[] {1, 1, 0, 0, 2, 0}, jac, 0.0);
    assertArrayEquals(new int[] {3, 3, 2}, layers.widths());
    assertEquals(1, layers.count(NeuronKind.RELU));
    assertEquals(9 + 3 + 6 + 2, layers.parameterCount());
  }

  @Test
  void builderNamesTheWrongLayer() {
    assertEquals("the output layer has 1 rows, the network has 2 states",
        assertThrows(IllegalArgumentException.class,
            () -> threeNeurons().output(new double[] {1, 1, 1}, new double[] {0})).getMessage());
    assertEquals("layer 1: 2 weights, expected 2 × 3 = 6",
        assertThrows(IllegalArgumentException.class,
            () -> threeNeurons().output(new double[] {1, 1}, new double[] {0, 0})).getMessage());
    assertEquals("layer 1 holds a non-finite bias (NaN)",
        assertThrows(IllegalArgumentException.class,
            () -> threeNeurons().finiteOnly().output(new double[6], new double[] {0, Double.NaN})).getMessage());
    assertEquals("the output layer is not set",
        assertThrows(IllegalStateException.class, () -> threeNeurons().build()).getMessage());
  }
}
