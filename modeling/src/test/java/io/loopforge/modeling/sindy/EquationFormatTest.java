package io.loopforge.modeling.sindy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** PySINDy's {@code equations()} format: {@code f"{c: .3f} {name}"}, joined by {@code " + "}. */
class EquationFormatTest {
  private static final List<String> NAMES = List.of("1", "x0", "x0 x1");

  @Test
  void signsBiasAndJoining() {
    assertEquals(" 1.500 1 + -9.999 x0 +  0.001 x0 x1",
        EquationFormat.equation(new double[] {1.5, -9.99949, 0.0006}, NAMES, 3));
    assertEquals(" 27.992 x0", EquationFormat.equation(new double[] {0, 27.99223047049465, 0}, NAMES, 3));
  }

  @Test
  void termsThatRoundToZeroAreLeftOut() {
    // numpy.round(0.0004, 3) == 0 and numpy.round(-0.0005, 3) == -0.0 (half to even)
    assertEquals(" 2.000 x0", EquationFormat.equation(new double[] {0.0004, 2.0, -0.0005}, NAMES, 3));
  }

  @Test
  void anEquationWithoutTermsIsZero() {
    assertEquals(" 0.000", EquationFormat.equation(new double[] {0, 0, 1e-9}, NAMES, 3));
  }

  @Test
  void roundingIsThatOfTheExactBinaryValue() {
    // 0.0625 is exact: Python rounds half to even -> 0.062; 2.675 is 2.67499999… -> 2.67
    assertEquals(" 0.062", EquationFormat.format(0.0625, 3));
    assertEquals(" 2.67", EquationFormat.format(2.675, 2));
    assertEquals("-1.000", EquationFormat.format(-0.9999999, 3));
  }
}
