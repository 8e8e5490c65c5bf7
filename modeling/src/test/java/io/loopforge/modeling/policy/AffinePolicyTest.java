package io.loopforge.modeling.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class AffinePolicyTest {
  private static AffinePolicy lqr(AffinePolicy.ReferenceLayout layout) {
    return AffinePolicy.builder(List.of("p", "v"), List.of("f"), 0.01)
        .gain(new double[][] {{2.0, 0.5}})
        .referenceLayout(layout)
        .inputBounds(InputBounds.of(new double[] {-1.0}, new double[] {1.5}))
        .build();
  }

  @Test
  void feedbackAroundTheStateReference() {
    AffinePolicy p = AffinePolicy.builder(List.of("p", "v"), List.of("f"), 0.01)
        .gain(new double[][] {{2.0, 0.5}})
        .inputReference(new double[] {0.25})
        .build();
    // u = 0.25 - (2 (0.3 - 0.1) + 0.5 (-0.2 - 0))
    assertEquals(0.25 - (2.0 * (0.3 - 0.1) + 0.5 * (-0.2)), p.control(new double[] {0.3, -0.2}, new double[] {0.1, 0.0})[0], 0.0);
    assertEquals(List.of("p_ref", "v_ref"), p.referenceNames());
  }

  @Test
  void saturatesBothSides() {
    AffinePolicy p = lqr(AffinePolicy.ReferenceLayout.STATE);
    assertArrayEquals(new double[] {-1.0}, p.control(new double[] {10.0, 0.0}, new double[] {0.0, 0.0}), 0.0);
    assertArrayEquals(new double[] {1.5}, p.control(new double[] {-10.0, 0.0}, new double[] {0.0, 0.0}), 0.0);
    assertArrayEquals(new double[] {-0.2}, p.control(new double[] {0.1, 0.0}, new double[] {0.0, 0.0}), 0.0);
  }

  @Test
  void stateAndInputReferenceCarriesTheFeedForward() {
    AffinePolicy p = lqr(AffinePolicy.ReferenceLayout.STATE_AND_INPUT);
    assertEquals(3, p.referenceDim());
    assertEquals(List.of("p_ref", "v_ref", "f_ref"), p.referenceNames());
    assertArrayEquals(new double[] {0.5 - 2.0 * 0.1}, p.control(new double[] {0.1, 0.0}, new double[] {0.0, 0.0, 0.5}),
        1e-15);
  }

  @Test
  void rejectsShapeErrors() {
    AffinePolicy.Builder b = AffinePolicy.builder(List.of("p", "v"), List.of("f"), 0.01);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> b.gain(new double[][] {{1.0}}).build());
    assertEquals("gain row 0 has 1 entries, expected one per state (2)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> b.gain(new double[][] {{1.0, Double.NaN}}).build());
  }
}
