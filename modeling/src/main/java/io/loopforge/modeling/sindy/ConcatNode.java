package io.loopforge.modeling.sindy;

import java.util.ArrayList;
import java.util.List;

/** The terms of several libraries side by side ({@code lib1 + lib2} in PySINDy), names in order. */
final class ConcatNode extends LibraryNode {
  private final LibraryNode[] parts;
  private final int[] offsets;

  ConcatNode(List<LibraryNode> parts) {
    super(concatNames(parts));
    this.parts = parts.toArray(new LibraryNode[0]);
    this.offsets = new int[this.parts.length];
    int off = 0;
    for (int i = 0; i < this.parts.length; i++) {
      offsets[i] = off;
      off += this.parts[i].size;
    }
  }

  private static List<String> concatNames(List<LibraryNode> parts) {
    List<String> names = new ArrayList<>();
    for (LibraryNode p : parts) {
      names.addAll(p.names);
    }
    return names;
  }

  @Override
  List<List<Feature.Factor>> factors() {
    List<List<Feature.Factor>> out = new ArrayList<>(size);
    for (LibraryNode p : parts) {
      out.addAll(p.factors());
    }
    return out;
  }

  @Override
  void eval(double[] z, int zOff, double[] out, int outOff, double[] scratch) {
    for (int i = 0; i < parts.length; i++) {
      parts[i].eval(z, zOff, out, outOff + offsets[i], scratch);
    }
  }

  @Override
  void evalJacobian(double[] z, double[] out, int outOff, double[] jac, int jacOff, int nz, double[] scratch) {
    for (int i = 0; i < parts.length; i++) {
      parts[i].evalJacobian(z, out, outOff + offsets[i], jac, jacOff + offsets[i] * nz, nz, scratch);
    }
  }

  @Override
  void evalColumns(double[][] z, int from, int count, double[][] out, int outCol, int outRow, double[] scratch,
      double[] zRow, double[] tRow) {
    for (int i = 0; i < parts.length; i++) {
      parts[i].evalColumns(z, from, count, out, outCol + offsets[i], outRow, scratch, zRow, tRow);
    }
  }

  @Override
  int assignScratch(int offset, int nz) {
    int next = offset;
    for (LibraryNode p : parts) {
      next = p.assignScratch(next, nz);
    }
    return next;
  }
}
