package io.loopforge.modeling.sindy;

import java.util.ArrayList;
import java.util.List;

/**
 * PySINDy's Fourier library: for {@code k = 1 … nFrequencies}, for each variable {@code x}:
 * {@code sin(k x)} then {@code cos(k x)}, named {@code sin(1 x0)}, {@code cos(1 x0)}.
 */
final class FourierNode extends LibraryNode {
  private final int[] var; // z index per term
  private final double[] freq; // k per term
  private final boolean[] isSin;

  private FourierNode(List<String> names, int[] var, double[] freq, boolean[] isSin) {
    super(names);
    this.var = var;
    this.freq = freq;
    this.isSin = isSin;
  }

  static FourierNode create(int[] vars, List<String> varNames, int nFrequencies, boolean sin, boolean cos) {
    List<String> names = new ArrayList<>();
    List<int[]> terms = new ArrayList<>(); // {var, k, isSin}
    for (int k = 1; k <= nFrequencies; k++) {
      for (int j = 0; j < vars.length; j++) {
        if (sin) {
          names.add("sin(" + k + " " + varNames.get(j) + ")");
          terms.add(new int[] {vars[j], k, 1});
        }
        if (cos) {
          names.add("cos(" + k + " " + varNames.get(j) + ")");
          terms.add(new int[] {vars[j], k, 0});
        }
      }
    }
    int n = terms.size();
    int[] var = new int[n];
    double[] freq = new double[n];
    boolean[] isSin = new boolean[n];
    for (int t = 0; t < n; t++) {
      var[t] = terms.get(t)[0];
      freq[t] = terms.get(t)[1];
      isSin[t] = terms.get(t)[2] == 1;
    }
    return new FourierNode(names, var, freq, isSin);
  }

  @Override
  List<List<Feature.Factor>> factors() {
    List<List<Feature.Factor>> out = new ArrayList<>(size);
    for (int t = 0; t < size; t++) {
      int k = (int) freq[t];
      out.add(List.of(isSin[t] ? new Feature.Sin(var[t], k) : new Feature.Cos(var[t], k)));
    }
    return out;
  }

  @Override
  void eval(double[] z, int zOff, double[] out, int outOff, double[] scratch) {
    for (int t = 0; t < size; t++) {
      double a = freq[t] * z[zOff + var[t]];
      out[outOff + t] = isSin[t] ? Math.sin(a) : Math.cos(a);
    }
  }

  @Override
  void evalColumns(double[][] z, int from, int count, double[][] out, int outCol, int outRow, double[] scratch,
      double[] zRow, double[] tRow) {
    for (int t = 0; t < size; t++) {
      double[] o = out[outCol + t];
      double[] x = z[var[t]];
      double k = freq[t];
      if (isSin[t]) {
        for (int i = 0; i < count; i++) {
          o[outRow + i] = Math.sin(k * x[from + i]);
        }
      } else {
        for (int i = 0; i < count; i++) {
          o[outRow + i] = Math.cos(k * x[from + i]);
        }
      }
    }
  }

  @Override
  void evalJacobian(double[] z, double[] out, int outOff, double[] jac, int jacOff, int nz, double[] scratch) {
    for (int t = 0; t < size; t++) {
      double k = freq[t];
      double a = k * z[var[t]];
      int row = jacOff + t * nz;
      for (int j = 0; j < nz; j++) {
        jac[row + j] = 0.0;
      }
      if (isSin[t]) {
        out[outOff + t] = Math.sin(a);
        jac[row + var[t]] = k * Math.cos(a);
      } else {
        out[outOff + t] = Math.cos(a);
        jac[row + var[t]] = -k * Math.sin(a);
      }
    }
  }
}
