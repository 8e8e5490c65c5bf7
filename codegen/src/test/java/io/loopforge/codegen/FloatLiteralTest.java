package io.loopforge.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FloatLiteralTest {
  @Test
  void shortestRoundTripWithSuffix() {
    assertEquals("0.1f", FloatLiteral.of(0.1f));
    assertEquals("3.0f", FloatLiteral.of(3f));
    assertEquals("-0.0f", FloatLiteral.of(-0.0f));
    assertEquals("0.0f", FloatLiteral.of(0.0f));
    assertEquals("-2.5e-7f", FloatLiteral.of(-2.5e-7f));
    assertEquals("1.0e10f", FloatLiteral.of(1e10f));
    assertEquals("123456790.0f", FloatLiteral.of(123456789f));
    assertEquals("1.0e-45f", FloatLiteral.of(Float.MIN_VALUE)); // shortest: reads back as MIN_VALUE
    assertEquals("3.4028235e38f", FloatLiteral.of(Float.MAX_VALUE));
    assertThrows(IllegalArgumentException.class, () -> FloatLiteral.of(Float.NaN));
    assertThrows(CodegenException.class, () -> FloatLiteral.toFloat(1e39, "weight 3"));
  }

  @Test
  void everyLiteralReadsBackToTheSameBits() {
    SplittableRandom rng = new SplittableRandom(4);
    for (int i = 0; i < 200_000; i++) {
      float f = Float.intBitsToFloat(rng.nextInt());
      if (!Float.isFinite(f)) {
        continue;
      }
      String s = FloatLiteral.of(f);
      assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(Float.parseFloat(s)), s);
    }
  }
}
