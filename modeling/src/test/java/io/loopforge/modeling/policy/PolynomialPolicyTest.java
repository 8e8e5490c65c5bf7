package io.loopforge.modeling.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.loopforge.modeling.ModelingException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolynomialPolicyTest {
  private static final PolynomialPolicy P = PolynomialPolicy.of(List.of("p", "v"), List.of("f"),
      List.of("p_ref", "v_ref"), 0.05, new int[][] {{0, 0, 0, 0}, {1, 0, 0, 0}, {2, 1, 0, 0}, {0, 0, 1, 0}},
      new double[][] {{0.25, -3, 0.5, 3}}, InputBounds.of(new double[] {-2}, new double[] {2}));

  @Test
  void evaluatesTheMonomialsAndSaturates() {
    // 0.25 − 3·0.5 + 0.5·0.5²·(−1) + 3·0.1 = 0.25 − 1.5 − 0.125 + 0.3
    assertArrayEquals(new double[] {-1.075}, P.control(new double[] {0.5, -1}, new double[] {0.1, 0}), 1e-15);
    assertArrayEquals(new double[] {-2}, P.control(new double[] {5, 0}, new double[] {0, 0}), 0);
    assertEquals("f = +0.250000 1 -3.00000 p +0.500000 p^2 v +3.00000 p_ref\n", P.equations());
    assertEquals(3, P.degree());
  }

  @Test
  void readsBackAndNamesABadExponent() {
    assertEquals(P, PolicyFile.parse(PolicyFile.toJson(P), "p.json"));
    String bad = PolicyFile.toJson(P).replaceFirst("\\[ 0, 0, 0, 0 \\]", "[ 0, -1, 0, 0 ]");
    ModelingException e = assertThrows(ModelingException.class, () -> PolicyFile.parse(bad, "p.json"));
    assertEquals("model file p.json: key 'terms[0][1]' must be an integer exponent in 0 … 16, got -1", e.getMessage());
  }
}
