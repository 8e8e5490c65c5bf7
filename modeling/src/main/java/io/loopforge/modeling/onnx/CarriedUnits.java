package io.loopforge.modeling.onnx;

import io.loopforge.modeling.nn.NeuronKind;
import java.util.Arrays;
import java.util.List;

/**
 * Finds, in a network read from Gemm/Relu layers, the ReLU neurons that only carry a value and gives them
 * the kind that costs no binary, without changing what the network computes (the identities are exact):
 *
 * <ul>
 *   <li>a <b>carrier</b>: a ReLU neuron whose row is {@code e_j} with bias 0 over a neuron {@code j} whose
 *       output is never negative: {@code relu(h) = h} for {@code h ≥ 0}, so it becomes an identity neuron;
 *   <li>a <b>split pair</b>: ReLU neurons {@code p}, {@code q} with {@code row_q = −row_p},
 *       {@code b_q = −b_p}, whose every reader (through carriers) weighs them {@code c} and {@code −c}:
 *       {@code c relu(y) − c relu(−y) = c y}, so {@code p} becomes an identity neuron and {@code q} (and its
 *       carriers) removed.
 * </ul>
 *
 * This is the form {@link OnnxExport} gives to identity paths and to a folded network's skip paths, so that
 * a network exported and imported again needs as many binaries in a MILP as before (its ReLUs are the
 * same). Layer {@code l} of {@code weights} has {@code kinds.get(l).length} rows over the previous layer's
 * neurons; the last entry of {@code weights} is the output layer (no kinds).
 */
final class CarriedUnits {
  private CarriedUnits() {}

  /** Changes {@code kinds} in place. */
  static void simplify(List<double[]> weights, List<double[]> biases, List<NeuronKind[]> kinds, int inputWidth) {
    int hidden = kinds.size();
    // carrier source per neuron: index of the neuron of the layer before that it copies, or -1
    int[][] source = new int[hidden][];
    boolean[][] nonNegative = new boolean[hidden][];
    int cols = inputWidth;
    for (int l = 0; l < hidden; l++) {
      NeuronKind[] k = kinds.get(l);
      double[] w = weights.get(l);
      double[] b = biases.get(l);
      source[l] = new int[k.length];
      nonNegative[l] = new boolean[k.length];
      Arrays.fill(source[l], -1);
      for (int r = 0; r < k.length; r++) {
        int j = l == 0 ? -1 : unitRow(w, r, cols, b[r]);
        if (j >= 0 && k[r] == NeuronKind.RELU && nonNegative[l - 1][j]) {
          k[r] = NeuronKind.IDENTITY;
          source[l][r] = j;
          nonNegative[l][r] = true;
        } else {
          nonNegative[l][r] = k[r] != NeuronKind.IDENTITY;
        }
      }
      cols = k.length;
    }
    cols = inputWidth;
    for (int l = 0; l < hidden; l++) {
      NeuronKind[] k = kinds.get(l);
      double[] w = weights.get(l);
      double[] b = biases.get(l);
      for (int p = 0; p < k.length; p++) {
        if (k[p] != NeuronKind.RELU || source[l][p] >= 0) {
          continue;
        }
        for (int q = p + 1; q < k.length; q++) {
          if (k[q] == NeuronKind.RELU && source[l][q] < 0 && negated(w, p, q, cols, b)
              && readersNegate(weights, kinds, source, l, p, q)) {
            k[p] = NeuronKind.IDENTITY;
            removeChain(kinds, source, l, q);
            markChainSigned(nonNegative, source, l, p);
            break;
          }
        }
      }
      cols = k.length;
    }
  }

  /** The column of row {@code r}'s single weight 1.0 when the rest are 0 and the bias is 0, else -1. */
  private static int unitRow(double[] w, int r, int cols, double bias) {
    if (bias != 0.0) {
      return -1;
    }
    int found = -1;
    for (int c = 0; c < cols; c++) {
      double v = w[r * cols + c];
      if (v == 1.0 && found < 0) {
        found = c;
      } else if (v != 0.0) {
        return -1;
      }
    }
    return found;
  }

  private static boolean negated(double[] w, int p, int q, int cols, double[] b) {
    if (b[q] != -b[p]) {
      return false;
    }
    boolean any = false;
    for (int c = 0; c < cols; c++) {
      if (w[q * cols + c] != -w[p * cols + c]) {
        return false;
      }
      any |= w[p * cols + c] != 0.0;
    }
    return any;
  }

  /**
   * Whether every neuron after layer {@code l} that is not a carrier of p or q (and every output) weighs the
   * copies of p and q in the layer before it as c and −c.
   */
  private static boolean readersNegate(List<double[]> weights, List<NeuronKind[]> kinds, int[][] source, int l,
      int p, int q) {
    int hidden = kinds.size();
    int cp = p;
    int cq = q;
    for (int m = l + 1; m <= hidden; m++) {
      int prevWidth = kinds.get(m - 1).length;
      double[] w = weights.get(m);
      int rows = w.length / prevWidth;
      int np = -1;
      int nq = -1;
      for (int r = 0; r < rows; r++) {
        if (m < hidden && cp >= 0 && source[m][r] == cp) {
          np = r;
          continue;
        }
        if (m < hidden && cq >= 0 && source[m][r] == cq) {
          nq = r;
          continue;
        }
        double wp = cp >= 0 ? w[r * prevWidth + cp] : 0.0;
        double wq = cq >= 0 ? w[r * prevWidth + cq] : 0.0;
        if (wq != -wp) {
          return false;
        }
      }
      cp = np;
      cq = nq;
      if (cp < 0 && cq < 0) {
        return true;
      }
    }
    return true;
  }

  private static void removeChain(List<NeuronKind[]> kinds, int[][] source, int l, int q) {
    int c = q;
    for (int m = l; m < kinds.size() && c >= 0; m++) {
      kinds.get(m)[c] = NeuronKind.ZERO;
      int next = -1;
      if (m + 1 < kinds.size()) {
        for (int r = 0; r < source[m + 1].length; r++) {
          if (source[m + 1][r] == c) {
            next = r;
            break;
          }
        }
      }
      c = next;
    }
  }

  /** p now carries a signed value: so do its carriers (they are identities already). */
  private static void markChainSigned(boolean[][] nonNegative, int[][] source, int l, int p) {
    int c = p;
    for (int m = l; m < nonNegative.length && c >= 0; m++) {
      nonNegative[m][c] = false;
      int next = -1;
      if (m + 1 < nonNegative.length) {
        for (int r = 0; r < source[m + 1].length; r++) {
          if (source[m + 1][r] == c) {
            next = r;
            break;
          }
        }
      }
      c = next;
    }
  }
}
