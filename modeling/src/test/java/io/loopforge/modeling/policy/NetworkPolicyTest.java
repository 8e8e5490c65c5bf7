package io.loopforge.modeling.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.nn.NetworkBounds;
import io.loopforge.modeling.nn.NeuronKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkPolicyTest {
  static NetworkPolicy small() {
    // input [x0, x0_ref]; hidden: relu(x0 - r), identity(x0 + 1), removed; output 2 h0 - h1 + 0.5
    return NetworkPolicy.builder(List.of("x0"), List.of("u0"), List.of("x0_ref"), 0.1)
        .addHiddenLayer(new double[] {1, -1, 1, 0, 7, 7}, new double[] {0, 1, 3},
            new NeuronKind[] {NeuronKind.RELU, NeuronKind.IDENTITY, NeuronKind.ZERO})
        .output(new double[] {2, -1, 100}, new double[] {0.5})
        .inputBounds(InputBounds.of(new double[] {-2}, new double[] {Double.POSITIVE_INFINITY}))
        .build();
  }

  @Test
  void evaluatesKindsAndSaturates() {
    NetworkPolicy p = small();
    // x = 3, r = 1: h0 = 2, h1 = 4 → u = 4 - 4 + 0.5
    assertArrayEquals(new double[] {0.5}, p.control(new double[] {3}, new double[] {1}), 0.0);
    // x = -1, r = 1: h0 = 0, h1 = 0 → 0.5
    assertArrayEquals(new double[] {0.5}, p.control(new double[] {-1}, new double[] {1}), 0.0);
    // x = -10, r = 0: h0 = 0, h1 = -9 → 9.5
    assertArrayEquals(new double[] {9.5}, p.control(new double[] {-10}, new double[] {0}), 0.0);
    // x = 10, r = -10: h0 = 20, h1 = 11 → 29.5
    assertArrayEquals(new double[] {29.5}, p.control(new double[] {10}, new double[] {-10}), 0.0);
    assertEquals(2, p.inputWidth());
  }

  @Test
  void networkBoundsOverABoxOfStateAndReference() {
    // x0 ∈ [-1, 2], x0_ref ∈ [0, 1]: h0 = x0 - r ∈ [-2, 2], h1 = x0 + 1 ∈ [0, 3], h2 removed;
    // output 2 relu(h0) - h1 + 0.5 ∈ [-2.5, 4.5] (every operation exact)
    NetworkBounds b = small().networkBounds(new double[] {-1, 0}, new double[] {2, 1});
    assertEquals(List.of("x0", "x0_ref"), b.inputNames());
    assertArrayEquals(new double[] {-2, 0, -4}, b.lower(0), 0.0);
    assertArrayEquals(new double[] {2, 3, 24}, b.upper(0), 0.0);
    assertEquals(0.0, b.activationUpper(0, 2), 0.0);
    assertArrayEquals(new double[] {-2.5}, b.outputLower(), 0.0);
    assertArrayEquals(new double[] {4.5}, b.outputUpper(), 0.0);
    assertEquals(1, b.reluCount());
    assertEquals(1, b.unstableCount());
  }

  @Test
  void networkBoundsRefuseAnUnboundedReference() {
    ModelingException e = assertThrows(ModelingException.class,
        () -> small().networkBounds(new double[] {-1, 0}, new double[] {2, Double.POSITIVE_INFINITY}));
    assertEquals("the network bounds need a finite input box: 'x0_ref' (entry 1 of the network input) has upper"
        + " bound +inf; give finite bounds, e.g. the plant's input bounds for inputs and its operating range for"
        + " states", e.getMessage());
  }

  @Test
  void lowerBoundApplies() {
    NetworkPolicy p = NetworkPolicy.builder(List.of("x0"), List.of("u0"), List.of(), 0.1)
        .output(new double[] {-1}, new double[] {0})
        .inputBounds(InputBounds.of(new double[] {-2}, new double[] {2}))
        .build();
    assertArrayEquals(new double[] {-2}, p.control(new double[] {5}, new double[0]), 0.0);
  }

  @Test
  void rejectsWrongOutputWidth() {
    NetworkPolicy.Builder b = NetworkPolicy.builder(List.of("x0"), List.of("u0"), List.of("x0_ref"), 0.1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> b.output(new double[] {1, 1, 1, 1}, new double[] {0, 0}));
    assertEquals("the output layer has 2 rows, the policy has 1 inputs", e.getMessage());
  }
}
