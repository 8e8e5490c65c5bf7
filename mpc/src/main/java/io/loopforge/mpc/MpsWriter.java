package io.loopforge.mpc;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Variable;
import org.ojalgo.structure.Structure1D;

/**
 * Writes a {@link MilpInstance} in free MPS, the format CBC, HiGHS, SCIP, Gurobi and CPLEX read (ojAlgo
 * reads MPS but writes only its own format). A minimisation:
 *
 * <ul>
 *   <li>NAME: the instance's name and the word {@code FREE}, which tells CBC's reader the format;
 *   <li>ROWS: the objective {@code N obj}, then every constraint expression of the model, by name:
 *       {@code E} (lower = upper), {@code G} (a lower limit; with an upper limit too, a {@code RANGES}
 *       entry of {@code upper − lower}), {@code L} (an upper limit only);
 *   <li>COLUMNS: per variable its objective coefficient and its row coefficients; integer variables
 *       between {@code MARKER 'INTORG'} and {@code 'INTEND'} lines; a variable in no row and not in the
 *       objective gets an explicit 0 objective entry, so that it exists;
 *   <li>RHS: the limits, and {@code −c} on the objective row for an objective constant c (the MPS
 *       convention CBC follows: the objective row's right-hand side is subtracted);
 *   <li>BOUNDS: {@code FX} (fixed), {@code FR} (free), {@code MI} and {@code UP} (no lower limit), {@code LO}
 *       and {@code UP} otherwise; MPS's default lower bound is 0, so {@code LO} is written unless it is 0;
 *       a binary gets {@code UP BND x 1}; an integer variable without upper limit gets {@code PL} (some
 *       readers otherwise take integer columns as binary).
 * </ul>
 *
 * Numbers are written in Java's shortest round-trip form ({@link Double#toString}), so the file holds
 * exactly the doubles of the model. Names must not contain whitespace and must be unique.
 */
public final class MpsWriter {
  private MpsWriter() {}

  /**
   * Writes {@code instance} to {@code out} (not closed).
   *
   * @throws IllegalArgumentException when the model has quadratic terms or a name that MPS cannot hold
   */
  public static void write(MilpInstance instance, Writer out) throws IOException {
    ExpressionsBasedModel model = instance.model();
    List<Variable> vars = model.getVariables();
    int n = vars.size();
    Set<String> names = new HashSet<>();
    for (Variable v : vars) {
      if (!names.add(checkName(v.getName(), "variable name"))) {
        throw new IllegalArgumentException("two variables are named '" + v.getName() + "'; MPS needs unique names");
      }
    }
    List<Expression> rows = new ArrayList<>();
    Set<String> rowNames = new HashSet<>();
    model.constraints().forEach(rows::add);
    // ojAlgo keeps expressions in a hash map: sorted by name, the file does not depend on its order
    rows.sort((a, b) -> a.getName().compareTo(b.getName()));
    for (Expression e : rows) {
      checkName(e.getName(), "constraint name");
      rowNames.add(e.getName());
      if (e.isAnyQuadraticFactorNonZero()) {
        throw new IllegalArgumentException("constraint '" + e.getName() + "' is quadratic; MPS here is linear only");
      }
    }
    String obj = "obj";
    while (rowNames.contains(obj)) {
      obj += "_";
    }
    Expression objective = model.objective();
    if (objective.isAnyQuadraticFactorNonZero()) {
      throw new IllegalArgumentException("the objective is quadratic; MPS here is linear only");
    }
    double[] objCoef = new double[n];
    for (Map.Entry<Structure1D.IntIndex, BigDecimal> e : objective.getLinearEntrySet()) {
      objCoef[e.getKey().index] = e.getValue().doubleValue();
    }
    // column-major entries: per variable, (row, coefficient)
    List<List<Object[]>> entries = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      entries.add(new ArrayList<>());
    }
    for (Expression e : rows) {
      for (Map.Entry<Structure1D.IntIndex, BigDecimal> f : e.getLinearEntrySet()) {
        double c = f.getValue().doubleValue();
        if (c != 0.0) {
          entries.get(f.getKey().index).add(new Object[] {e.getName(), c});
        }
      }
    }

    StringBuilder sb = new StringBuilder(64 * (n + rows.size()));
    // "FREE" after the name makes CoinMpsIO (CBC) read free format even where short names would
    // otherwise be taken for fixed columns; other readers take the second field as the name
    sb.append("NAME ").append(instance.name()).append(" FREE\n");
    sb.append("ROWS\n");
    sb.append(" N ").append(obj).append('\n');
    for (Expression e : rows) {
      sb.append(' ').append(rowType(e)).append(' ').append(e.getName()).append('\n');
    }
    sb.append("COLUMNS\n");
    boolean inInt = false;
    int marker = 0;
    for (int i = 0; i < n; i++) {
      Variable v = vars.get(i);
      if (v.isInteger() != inInt) {
        sb.append(" MARKER").append(marker++).append(" 'MARKER' ").append(inInt ? "'INTEND'" : "'INTORG'").append('\n');
        inInt = v.isInteger();
      }
      boolean any = false;
      if (objCoef[i] != 0.0) {
        column(sb, v.getName(), obj, objCoef[i]);
        any = true;
      }
      for (Object[] f : entries.get(i)) {
        column(sb, v.getName(), (String) f[0], (Double) f[1]);
        any = true;
      }
      if (!any) {
        column(sb, v.getName(), obj, 0.0);
      }
    }
    if (inInt) {
      sb.append(" MARKER").append(marker).append(" 'MARKER' 'INTEND'\n");
    }
    sb.append("RHS\n");
    if (instance.objectiveConstant() != 0.0) {
      column(sb, "RHS", obj, -instance.objectiveConstant());
    }
    List<Expression> ranged = new ArrayList<>();
    for (Expression e : rows) {
      double rhs = e.isLowerLimitSet() ? e.getLowerLimit().doubleValue() : e.getUpperLimit().doubleValue();
      if (rhs != 0.0) {
        column(sb, "RHS", e.getName(), rhs);
      }
      if (e.isLowerLimitSet() && e.isUpperLimitSet() && !e.isEqualityConstraint()) {
        ranged.add(e);
      }
    }
    if (!ranged.isEmpty()) {
      sb.append("RANGES\n");
      for (Expression e : ranged) {
        column(sb, "RNG", e.getName(), e.getUpperLimit().doubleValue() - e.getLowerLimit().doubleValue());
      }
    }
    sb.append("BOUNDS\n");
    for (Variable v : vars) {
      bounds(sb, v);
    }
    sb.append("ENDATA\n");
    out.write(sb.toString());
  }

  private static String rowType(Expression e) {
    if (e.isEqualityConstraint()) {
      return "E";
    }
    return e.isLowerLimitSet() ? "G" : "L";
  }

  private static void bounds(StringBuilder sb, Variable v) {
    String name = v.getName();
    boolean hasLo = v.isLowerLimitSet();
    boolean hasHi = v.isUpperLimitSet();
    double lo = hasLo ? v.getLowerLimit().doubleValue() : Double.NEGATIVE_INFINITY;
    double hi = hasHi ? v.getUpperLimit().doubleValue() : Double.POSITIVE_INFINITY;
    if (hasLo && hasHi && lo == hi) {
      bound(sb, "FX", name, lo);
      return;
    }
    if (!hasLo && !hasHi) {
      sb.append(" FR BND ").append(name).append('\n');
      return;
    }
    if (v.isInteger() && lo == 0 && hi == 1) {
      bound(sb, "UP", name, 1);
      return;
    }
    if (!hasLo) {
      sb.append(" MI BND ").append(name).append('\n');
    } else if (lo != 0.0 || v.isInteger()) {
      bound(sb, "LO", name, lo);
    }
    if (hasHi) {
      bound(sb, "UP", name, hi);
    } else if (v.isInteger()) {
      sb.append(" PL BND ").append(name).append('\n');
    }
  }

  private static void bound(StringBuilder sb, String type, String name, double value) {
    sb.append(' ').append(type).append(" BND ").append(name).append(' ').append(number(value)).append('\n');
  }

  private static void column(StringBuilder sb, String column, String row, double value) {
    sb.append("    ").append(column).append(' ').append(row).append(' ').append(number(value)).append('\n');
  }

  /** Shortest round-trip decimal form; no negative zero. */
  static String number(double v) {
    if (v == 0.0) {
      return "0";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  /** {@code name} when MPS can hold it (non-empty, no whitespace). */
  static String checkName(String name, String what) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("an empty " + what + "; MPS needs a name");
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isWhitespace(name.charAt(i)) || name.charAt(i) > 126) {
        throw new IllegalArgumentException("the " + what + " '" + name + "' has whitespace or a non-ASCII character,"
            + " which MPS cannot hold");
      }
    }
    return name;
  }
}
