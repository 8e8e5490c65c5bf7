package io.loopforge.codegen;

import io.loopforge.modeling.sindy.BoundLibrary;
import io.loopforge.modeling.sindy.SindyModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The library terms of a SINDy model as products of factors, read from PySINDy's term names:
 * {@code 1}, {@code x0}, {@code x0^2}, {@code x0 x1}, {@code sin(2 x1)}, {@code cos(1 u0)} and products
 * of these (tensor libraries). The reading is checked numerically against the model's own library.
 */
final class SindyTerms {
  /** A term: powers of the variables z = [x; u] times sin/cos factors {kind (0 sin, 1 cos), k, variable}. */
  record Term(int[] powers, List<int[]> trig) {
    int degree() {
      return Arrays.stream(powers).sum();
    }

    String key() {
      StringBuilder s = new StringBuilder(Arrays.toString(powers));
      for (int[] t : trig) {
        s.append(Arrays.toString(t));
      }
      return s.toString();
    }

    double evaluate(double[] z) {
      double v = 1;
      for (int i = 0; i < powers.length; i++) {
        for (int p = 0; p < powers[i]; p++) {
          v *= z[i];
        }
      }
      for (int[] t : trig) {
        v *= t[0] == 0 ? Math.sin(t[1] * z[t[2]]) : Math.cos(t[1] * z[t[2]]);
      }
      return v;
    }
  }

  private SindyTerms() {}

  /**
   * Parses every term name of {@code model}.
   *
   * @throws CodegenException naming the first term that is not a product of powers, sines and cosines of
   *     the variables (e.g. a custom library function), or when the reading disagrees with the library
   */
  static List<Term> parse(SindyModel model) {
    List<String> vars = new ArrayList<>(model.stateNames());
    vars.addAll(model.inputNames());
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < vars.size(); i++) {
      index.put(vars.get(i), i);
    }
    List<Term> terms = new ArrayList<>();
    for (String name : model.featureNames()) {
      terms.add(parseTerm(name, index, vars.size()));
    }
    check(model, terms);
    return terms;
  }

  private static Term parseTerm(String name, Map<String, Integer> index, int nz) {
    String[] tokens = name.trim().split(" +");
    int[] powers = new int[nz];
    List<int[]> trig = new ArrayList<>();
    for (int i = 0; i < tokens.length; i++) {
      String t = tokens[i];
      if (t.equals("1")) {
        continue;
      }
      if ((t.startsWith("sin(") || t.startsWith("cos(")) && i + 1 < tokens.length && tokens[i + 1].endsWith(")")) {
        String var = tokens[i + 1].substring(0, tokens[i + 1].length() - 1);
        Integer v = index.get(var);
        int k = parsePositive(t.substring(4));
        if (v == null || k < 1) {
          throw unsupported(name);
        }
        trig.add(new int[] {t.startsWith("sin(") ? 0 : 1, k, v});
        i++;
        continue;
      }
      int caret = t.lastIndexOf('^');
      String var = caret < 0 ? t : t.substring(0, caret);
      int p = caret < 0 ? 1 : parsePositive(t.substring(caret + 1));
      Integer v = index.get(var);
      if (v == null || p < 1) {
        throw unsupported(name);
      }
      powers[v] += p;
    }
    trig.sort((a, b) -> a[2] != b[2] ? Integer.compare(a[2], b[2]) : a[0] != b[0] ? Integer.compare(a[0], b[0])
        : Integer.compare(a[1], b[1]));
    return new Term(powers, trig);
  }

  private static int parsePositive(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static CodegenException unsupported(String name) {
    return new CodegenException("the SINDy term '" + name + "' is not a product of powers, sines and cosines of the"
        + " states and inputs (custom library functions have no C form); refit with polynomial, fourier,"
        + " identity, concat, tensor or control_affine libraries");
  }

  /** The parsed terms must equal the library's values at random points. */
  private static void check(SindyModel model, List<Term> terms) {
    BoundLibrary lib = model.library().bind(model.stateNames(), model.inputNames());
    int nz = lib.sampleDim();
    double[] z = new double[nz];
    double[] theta = new double[lib.size()];
    SplittableRandom rng = new SplittableRandom(1);
    for (int trial = 0; trial < 8; trial++) {
      for (int i = 0; i < nz; i++) {
        z[i] = 4 * rng.nextDouble() - 2;
      }
      lib.evaluate(z, theta);
      for (int t = 0; t < terms.size(); t++) {
        double v = terms.get(t).evaluate(z);
        if (!(Math.abs(v - theta[t]) <= 1e-9 * (1 + Math.abs(theta[t])))) {
          throw new CodegenException("the SINDy term '" + model.featureNames().get(t) + "' evaluates to " + theta[t]
              + " in the model's library but to " + v + " as read from its name; the term cannot be generated");
        }
      }
    }
  }
}
