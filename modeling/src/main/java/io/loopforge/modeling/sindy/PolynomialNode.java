package io.loopforge.modeling.sindy;

import java.util.ArrayList;
import java.util.List;

/**
 * Monomials of the variables {@code z[vars[0]], z[vars[1]], …} in PySINDy's order: by degree, and
 * within a degree the combinations (with replacement unless interaction-only) in lexicographic order;
 * without interaction, {@code x0, x1, …, x0^2, x1^2, …}. Each term is its parent term (the same
 * combination without its last factor) times one variable, so a sample costs one multiplication per
 * term and the products are formed left to right, as {@code numpy.prod} does.
 */
final class PolynomialNode extends LibraryNode {
  private final int[] parent; // index of the parent term in this node, -1: none (the product starts at 1)
  private final int[] factor; // z index multiplied in, -1: none (the bias term)
  private final int[][] powVar; // per term: distinct z indices
  private final int[][] powExp; // per term: their exponents

  private PolynomialNode(List<String> names, int[] parent, int[] factor, int[][] powVar, int[][] powExp) {
    super(names);
    this.parent = parent;
    this.factor = factor;
    this.powVar = powVar;
    this.powExp = powExp;
  }

  /**
   * @param vars z indices of the variables, in order
   * @param varNames their names
   */
  static PolynomialNode create(
      int[] vars,
      List<String> varNames,
      int degree,
      boolean includeBias,
      boolean includeInteraction,
      boolean interactionOnly) {
    int n = vars.length;
    long terms = termCount(n, degree, includeBias, includeInteraction, interactionOnly);
    if (terms > MAX_TERMS) {
      throw new LibraryTooLargeException("a polynomial library of degree " + degree + " on " + n
          + " variables " + varNames + " has " + (terms == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE
          : String.valueOf(terms)) + " terms; at most " + MAX_TERMS + " are supported (and a regression needs at"
          + " least as many samples as terms): lower the degree");
    }
    List<int[]> combos = new ArrayList<>();
    if (includeBias) {
      combos.add(new int[0]);
    }
    if (!includeInteraction) {
      for (int d = 1; d <= degree; d++) {
        for (int j = 0; j < n; j++) {
          int[] c = new int[d];
          java.util.Arrays.fill(c, j);
          combos.add(c);
        }
      }
    } else {
      for (int d = 1; d <= degree; d++) {
        addCombinations(n, d, !interactionOnly, combos);
      }
    }
    int count = combos.size();
    int[] parent = new int[count];
    int[] factor = new int[count];
    int[][] powVar = new int[count][];
    int[][] powExp = new int[count][];
    List<String> names = new ArrayList<>(count);
    java.util.Map<String, Integer> index = new java.util.HashMap<>();
    for (int t = 0; t < count; t++) {
      index.put(java.util.Arrays.toString(combos.get(t)), t);
    }
    for (int t = 0; t < count; t++) {
      int[] c = combos.get(t);
      if (c.length == 0) {
        parent[t] = -1;
        factor[t] = -1;
      } else {
        int[] prefix = java.util.Arrays.copyOf(c, c.length - 1);
        Integer p = prefix.length == 0 ? null : index.get(java.util.Arrays.toString(prefix));
        if (prefix.length > 0 && p == null) {
          throw new IllegalStateException("polynomial term without its parent: " + java.util.Arrays.toString(c));
        }
        parent[t] = p == null ? -1 : p;
        factor[t] = vars[c[c.length - 1]];
      }
      int[] powers = new int[n];
      for (int v : c) {
        powers[v]++;
      }
      int distinct = 0;
      for (int v = 0; v < n; v++) {
        if (powers[v] > 0) {
          distinct++;
        }
      }
      powVar[t] = new int[distinct];
      powExp[t] = new int[distinct];
      StringBuilder name = new StringBuilder();
      int k = 0;
      for (int v = 0; v < n; v++) {
        if (powers[v] == 0) {
          continue;
        }
        powVar[t][k] = vars[v];
        powExp[t][k] = powers[v];
        k++;
        if (name.length() > 0) {
          name.append(' ');
        }
        name.append(varNames.get(v));
        if (powers[v] != 1) {
          name.append('^').append(powers[v]);
        }
      }
      names.add(c.length == 0 ? "1" : name.toString());
    }
    return new PolynomialNode(names, parent, factor, powVar, powExp);
  }

  /** The most terms a polynomial library may have: its design matrix is samples × terms doubles. */
  static final int MAX_TERMS = 100_000;

  /** The number of terms of the library, saturating at {@code Long.MAX_VALUE}, computed without listing them. */
  static long termCount(int n, int degree, boolean includeBias, boolean includeInteraction, boolean interactionOnly) {
    long count = includeBias ? 1 : 0;
    for (int d = 1; d <= degree; d++) {
      long k;
      if (!includeInteraction) {
        k = n;
      } else if (interactionOnly) {
        k = binomial(n, d);
      } else {
        k = binomial(n + d - 1, d);
      }
      if (k == 0 && interactionOnly) {
        break;
      }
      count = count > Long.MAX_VALUE - k ? Long.MAX_VALUE : count + k;
      if (count == Long.MAX_VALUE) {
        break;
      }
    }
    return count;
  }

  /** C(a, b), saturating at {@code Long.MAX_VALUE}. */
  private static long binomial(int a, int b) {
    if (b < 0 || b > a) {
      return 0;
    }
    b = Math.min(b, a - b);
    java.math.BigInteger r = java.math.BigInteger.ONE;
    for (int i = 1; i <= b; i++) {
      r = r.multiply(java.math.BigInteger.valueOf(a - b + i)).divide(java.math.BigInteger.valueOf(i));
    }
    return r.bitLength() < 63 ? r.longValue() : Long.MAX_VALUE;
  }

  /** Appends the {@code d}-combinations of {@code 0 … n-1} (with or without replacement) in lexicographic order. */
  private static void addCombinations(int n, int d, boolean withReplacement, List<int[]> out) {
    int[] c = new int[d];
    fill(c, 0, 0, n, withReplacement, out);
  }

  private static void fill(int[] c, int pos, int start, int n, boolean withReplacement, List<int[]> out) {
    if (pos == c.length) {
      out.add(c.clone());
      return;
    }
    for (int v = start; v < n; v++) {
      c[pos] = v;
      fill(c, pos + 1, withReplacement ? v : v + 1, n, withReplacement, out);
    }
  }

  @Override
  List<List<Feature.Factor>> factors() {
    List<List<Feature.Factor>> out = new ArrayList<>(size);
    for (int t = 0; t < size; t++) {
      List<Feature.Factor> f = new ArrayList<>(powVar[t].length);
      for (int k = 0; k < powVar[t].length; k++) {
        f.add(new Feature.Power(powVar[t][k], powExp[t][k]));
      }
      out.add(f);
    }
    return out;
  }

  @Override
  void eval(double[] z, int zOff, double[] out, int outOff, double[] scratch) {
    int[] par = parent;
    int[] fac = factor;
    for (int t = 0; t < size; t++) {
      int p = par[t];
      int f = fac[t];
      if (f < 0) {
        out[outOff + t] = 1.0;
      } else if (p < 0) {
        out[outOff + t] = z[zOff + f];
      } else {
        out[outOff + t] = out[outOff + p] * z[zOff + f];
      }
    }
  }

  @Override
  void evalColumns(double[][] z, int from, int count, double[][] out, int outCol, int outRow, double[] scratch,
      double[] zRow, double[] tRow) {
    for (int t = 0; t < size; t++) {
      double[] o = out[outCol + t];
      int p = parent[t];
      int f = factor[t];
      if (f < 0) {
        java.util.Arrays.fill(o, outRow, outRow + count, 1.0);
      } else if (p < 0) {
        System.arraycopy(z[f], from, o, outRow, count);
      } else {
        double[] a = out[outCol + p];
        double[] b = z[f];
        if (outRow == from) {
          for (int i = outRow; i < outRow + count; i++) {
            o[i] = a[i] * b[i];
          }
        } else {
          for (int i = 0; i < count; i++) {
            o[outRow + i] = a[outRow + i] * b[from + i];
          }
        }
      }
    }
  }

  @Override
  void evalJacobian(double[] z, double[] out, int outOff, double[] jac, int jacOff, int nz, double[] scratch) {
    eval(z, 0, out, outOff, scratch);
    for (int t = 0; t < size; t++) {
      int row = jacOff + t * nz;
      for (int j = 0; j < nz; j++) {
        jac[row + j] = 0.0;
      }
      int[] vs = powVar[t];
      int[] es = powExp[t];
      for (int a = 0; a < vs.length; a++) {
        // d/dz_a of prod_b z_b^e_b = e_a z_a^(e_a - 1) prod_{b != a} z_b^e_b
        double g = es[a] * pow(z[vs[a]], es[a] - 1);
        for (int b = 0; b < vs.length; b++) {
          if (b != a) {
            g *= pow(z[vs[b]], es[b]);
          }
        }
        jac[row + vs[a]] = g;
      }
    }
  }

  private static double pow(double x, int e) {
    double r = 1.0;
    for (int i = 0; i < e; i++) {
      r *= x;
    }
    return r;
  }
}
