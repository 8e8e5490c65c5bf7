package io.loopforge.modeling.sindy;

import java.util.ArrayList;
import java.util.List;

/**
 * User functions applied to combinations of the variables, as PySINDy's custom library does: for each
 * function (in order), for each combination of as many variables as it takes (without repetition when
 * interaction-only, else with), one term; an optional constant term {@code 1} first.
 */
final class CustomNode extends LibraryNode {
  private final boolean bias;
  private final CustomFunction[] fn; // per non-bias term
  private final int[][] args; // per non-bias term: z indices
  private final double[][] argBuf; // per arity: argument buffer (length arity)
  private final double[][] gradBuf;

  private CustomNode(List<String> names, boolean bias, CustomFunction[] fn, int[][] args, int maxArity) {
    super(names);
    this.bias = bias;
    this.fn = fn;
    this.args = args;
    this.argBuf = new double[maxArity + 1][];
    this.gradBuf = new double[maxArity + 1][];
    for (int a = 1; a <= maxArity; a++) {
      argBuf[a] = new double[a];
      gradBuf[a] = new double[a];
    }
  }

  static CustomNode create(
      int[] vars, List<String> varNames, List<CustomFunction> functions, boolean interactionOnly, boolean includeBias) {
    List<String> names = new ArrayList<>();
    List<CustomFunction> fns = new ArrayList<>();
    List<int[]> argList = new ArrayList<>();
    if (includeBias) {
      names.add("1");
    }
    int maxArity = 0;
    for (CustomFunction f : functions) {
      maxArity = Math.max(maxArity, f.arity());
      List<int[]> combos = new ArrayList<>();
      combine(new int[f.arity()], 0, 0, vars.length, !interactionOnly, combos);
      for (int[] c : combos) {
        List<String> argNames = new ArrayList<>();
        int[] zi = new int[c.length];
        for (int k = 0; k < c.length; k++) {
          argNames.add(varNames.get(c[k]));
          zi[k] = vars[c[k]];
        }
        names.add(f.name(argNames));
        fns.add(f);
        argList.add(zi);
      }
    }
    return new CustomNode(
        names, includeBias, fns.toArray(new CustomFunction[0]), argList.toArray(new int[0][]), maxArity);
  }

  private static void combine(int[] c, int pos, int start, int n, boolean withReplacement, List<int[]> out) {
    if (pos == c.length) {
      out.add(c.clone());
      return;
    }
    for (int v = start; v < n; v++) {
      c[pos] = v;
      combine(c, pos + 1, withReplacement ? v : v + 1, n, withReplacement, out);
    }
  }

  @Override
  List<List<Feature.Factor>> factors() {
    List<List<Feature.Factor>> out = new ArrayList<>(size);
    if (bias) {
      out.add(List.of());
    }
    for (int i = 0; i < fn.length; i++) {
      List<Integer> vars = new ArrayList<>();
      for (int v : args[i]) {
        vars.add(v);
      }
      out.add(List.of(new Feature.Custom(fn[i], vars, -1)));
    }
    return out;
  }

  // Custom functions are user code: the argument buffers are per node, so a bound library that holds
  // a custom node is confined to one thread at a time (BoundLibrary hands out copies per thread).
  @Override
  void eval(double[] z, int zOff, double[] out, int outOff, double[] scratch) {
    int t = 0;
    if (bias) {
      out[outOff + t++] = 1.0;
    }
    for (int i = 0; i < fn.length; i++) {
      int[] a = args[i];
      double[] buf = argBuf[a.length];
      for (int k = 0; k < a.length; k++) {
        buf[k] = z[zOff + a[k]];
      }
      out[outOff + t++] = fn[i].apply(buf);
    }
  }

  @Override
  void evalJacobian(double[] z, double[] out, int outOff, double[] jac, int jacOff, int nz, double[] scratch) {
    int t = 0;
    if (bias) {
      out[outOff] = 1.0;
      for (int j = 0; j < nz; j++) {
        jac[jacOff + j] = 0.0;
      }
      t++;
    }
    for (int i = 0; i < fn.length; i++, t++) {
      int[] a = args[i];
      double[] buf = argBuf[a.length];
      double[] g = gradBuf[a.length];
      for (int k = 0; k < a.length; k++) {
        buf[k] = z[a[k]];
      }
      out[outOff + t] = fn[i].apply(buf);
      fn[i].gradient(buf, g);
      int row = jacOff + t * nz;
      for (int j = 0; j < nz; j++) {
        jac[row + j] = 0.0;
      }
      for (int k = 0; k < a.length; k++) {
        jac[row + a[k]] += g[k];
      }
    }
  }
}
