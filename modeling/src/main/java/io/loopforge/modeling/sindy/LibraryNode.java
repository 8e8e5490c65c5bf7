package io.loopforge.modeling.sindy;

import java.util.List;

/**
 * A compiled feature library: evaluates its terms (and their gradients) for one sample
 * {@code z = [x, u]}. Nodes are immutable; the scratch space a node needs (tensor products keep their
 * factors there) is a slice of a caller-owned array, given out at compile time.
 */
abstract class LibraryNode {
  final int size;
  final List<String> names;

  LibraryNode(List<String> names) {
    this.size = names.size();
    this.names = List.copyOf(names);
  }

  /** The terms as products of factors of z ({@link Feature}'s canonical order is applied by the caller). */
  abstract List<List<Feature.Factor>> factors();

  /** Writes the terms at sample {@code z[zOff …]} into {@code out[outOff …]}. */
  abstract void eval(double[] z, int zOff, double[] out, int outOff, double[] scratch);

  /**
   * Writes the terms into {@code out[outOff …]} and their gradients into {@code jac}: row {@code t} of
   * the gradient block starts at {@code jac[jacOff + t * nz]} and has {@code nz} entries, the
   * derivative of term {@code t} with respect to {@code z[0 … nz-1]}.
   */
  abstract void evalJacobian(
      double[] z, double[] out, int outOff, double[] jac, int jacOff, int nz, double[] scratch);

  /**
   * Evaluates the samples {@code from … from + count - 1} given by columns ({@code z[j][from + i]})
   * into {@code out[outCol + t][outRow + i]}. The default goes sample by sample through
   * {@link #eval}; nodes whose terms are products of columns override it with column loops.
   *
   * @param zRow scratch of length {@code z.length}
   * @param tRow scratch of at least {@link #size} entries
   */
  void evalColumns(double[][] z, int from, int count, double[][] out, int outCol, int outRow, double[] scratch,
      double[] zRow, double[] tRow) {
    int nz = z.length;
    for (int i = 0; i < count; i++) {
      for (int j = 0; j < nz; j++) {
        zRow[j] = z[j][from + i];
      }
      eval(zRow, 0, tRow, 0, scratch);
      for (int t = 0; t < size; t++) {
        out[outCol + t][outRow + i] = tRow[t];
      }
    }
  }

  /**
   * Gives this node (and its children) their scratch ranges from {@code offset} on, for samples of
   * dimension {@code nz}; returns the next free offset. Called once, before any evaluation.
   */
  int assignScratch(int offset, int nz) {
    return offset;
  }
}
