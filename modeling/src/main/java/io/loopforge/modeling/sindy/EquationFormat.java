package io.loopforge.modeling.sindy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * PySINDy's {@code equations(precision)}: each term {@code f"{c: .{precision}f} {name}"} (a space in
 * place of the plus sign), terms whose {@code numpy.round(c, precision)} is zero left out, joined by
 * {@code " + "}; an equation without terms is {@code f"{0: .{precision}f}"}, i.e. {@code " 0.000"}.
 */
final class EquationFormat {
  private EquationFormat() {}

  static List<String> equations(double[][] coefficients, List<String> names, int precision) {
    List<String> out = new ArrayList<>(coefficients.length);
    for (double[] row : coefficients) {
      out.add(equation(row, names, precision));
    }
    return out;
  }

  static String equation(double[] row, List<String> names, int precision) {
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < row.length; j++) {
      double c = row[j];
      if (roundsToZero(c, precision)) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append(" + ");
      }
      sb.append(format(c, precision)).append(' ').append(names.get(j));
    }
    return sb.length() == 0 ? format(0.0, precision) : sb.toString();
  }

  /** {@code numpy.round(c, precision) == 0}: {@code rint(c · 10^precision) == 0}. */
  static boolean roundsToZero(double c, int precision) {
    return Math.rint(c * Math.pow(10, precision)) == 0.0;
  }

  /** Python's {@code f"{c: .{precision}f}"}: exact binary value rounded half-even, space for the sign of non-negatives. */
  static String format(double c, int precision) {
    if (Double.isNaN(c)) {
      return " nan";
    }
    if (Double.isInfinite(c)) {
      return c > 0 ? " inf" : "-inf";
    }
    boolean negative = c < 0 || (c == 0.0 && 1.0 / c < 0);
    String digits = new BigDecimal(Math.abs(c)).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
    return (negative ? "-" : " ") + digits;
  }
}
