package io.loopforge.codegen;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Float literals that read back to exactly the same float in C and in Java: the shortest decimal (at most
 * 9 significant digits) that rounds to the value, with an {@code f} suffix, e.g. {@code 0.1f},
 * {@code -2.5e-7f}, {@code 3.0f}.
 */
final class FloatLiteral {
  private FloatLiteral() {}

  static String of(float f) {
    if (!Float.isFinite(f)) {
      throw new IllegalArgumentException("non-finite float " + f);
    }
    if (f == 0.0f) {
      return Float.floatToRawIntBits(f) == 0 ? "0.0f" : "-0.0f";
    }
    BigDecimal exact = new BigDecimal(f);
    BigDecimal d = null;
    for (int p = 1; p <= 9; p++) {
      BigDecimal c = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (Float.parseFloat(c.toString()) == f) {
        d = c;
        break;
      }
    }
    if (d == null) {
      throw new IllegalStateException("no 9-digit decimal for " + f);
    }
    return format(d.stripTrailingZeros()) + "f";
  }

  /** Plain notation for exponents −4 … 8, else {@code d.ddde±x}. */
  private static String format(BigDecimal d) {
    String digits = d.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - d.scale();
    String sign = d.signum() < 0 ? "-" : "";
    if (exponent >= -4 && exponent <= 8) {
      String plain = d.abs().toPlainString();
      return sign + (plain.contains(".") ? plain : plain + ".0");
    }
    String mantissa = digits.length() == 1 ? digits + ".0" : digits.charAt(0) + "." + digits.substring(1);
    return sign + mantissa + "e" + exponent;
  }

  /**
   * {@code v} rounded to float; {@code what} names the value in the error when it does not fit.
   *
   * @throws CodegenException when {@code v} is not finite or overflows float
   */
  static float toFloat(double v, String what) {
    float f = (float) v;
    if (!Float.isFinite(f)) {
      throw new CodegenException(what + " is " + v + ", which has no finite float32 value (|v| ≤ 3.4e38)");
    }
    return f;
  }
}
