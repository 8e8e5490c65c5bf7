package io.loopforge.modeling.sindy;

import java.util.ArrayList;
import java.util.List;

/**
 * All products of one term from each part ({@code lib1 * lib2} in PySINDy): the first part varies
 * slowest; the name of a product is the names of its factors joined by a space. The factors are
 * evaluated into this node's scratch range, then multiplied left to right.
 */
final class TensorNode extends LibraryNode {
  private final LibraryNode[] parts;
  private final int[] strides; // term t uses term (t / strides[k]) % parts[k].size of part k
  private int valueOff; // scratch: the parts' values, side by side
  private int jacOff; // scratch: the parts' gradients, side by side
  private int prodOff; // scratch: running product gradient

  private TensorNode(List<String> names, List<LibraryNode> parts) {
    super(names);
    this.parts = parts.toArray(new LibraryNode[0]);
    this.strides = new int[this.parts.length];
    int s = 1;
    for (int k = this.parts.length - 1; k >= 0; k--) {
      strides[k] = s;
      s *= Math.max(1, this.parts[k].size);
    }
  }

  /**
   * @param dropUnitFactorNames when true a factor named {@code 1} is left out of the product's name
   *     ({@code u0} rather than {@code 1 u0}); PySINDy's tensor library keeps it
   */
  static TensorNode create(List<LibraryNode> parts, boolean dropUnitFactorNames) {
    List<String> names = new ArrayList<>(List.of(""));
    for (LibraryNode p : parts) {
      List<String> next = new ArrayList<>(names.size() * p.size);
      for (String a : names) {
        for (String b : p.names) {
          String n;
          if (a.isEmpty()) {
            n = b;
          } else if (dropUnitFactorNames && b.equals("1")) {
            n = a;
          } else if (dropUnitFactorNames && a.equals("1")) {
            n = b;
          } else {
            n = a + " " + b;
          }
          next.add(n);
        }
      }
      names = next;
    }
    return new TensorNode(names, parts);
  }

  @Override
  List<List<Feature.Factor>> factors() {
    List<List<List<Feature.Factor>>> partFactors = new ArrayList<>();
    for (LibraryNode p : parts) {
      partFactors.add(p.factors());
    }
    List<List<Feature.Factor>> out = new ArrayList<>(size);
    for (int t = 0; t < size; t++) {
      List<Feature.Factor> f = new ArrayList<>();
      for (int k = 0; k < parts.length; k++) {
        f.addAll(partFactors.get(k).get((t / strides[k]) % parts[k].size));
      }
      out.add(f);
    }
    return out;
  }

  @Override
  int assignScratch(int offset, int nz) {
    int total = 0;
    for (LibraryNode p : parts) {
      total += p.size;
    }
    valueOff = offset;
    jacOff = valueOff + total;
    prodOff = jacOff + total * nz;
    int next = prodOff + nz;
    for (LibraryNode p : parts) {
      next = p.assignScratch(next, nz);
    }
    return next;
  }

  @Override
  void eval(double[] z, int zOff, double[] out, int outOff, double[] scratch) {
    int off = valueOff;
    for (LibraryNode p : parts) {
      p.eval(z, zOff, scratch, off, scratch);
      off += p.size;
    }
    int np = parts.length;
    for (int t = 0; t < size; t++) {
      double v = 1.0;
      int base = valueOff;
      for (int k = 0; k < np; k++) {
        double f = scratch[base + (t / strides[k]) % parts[k].size];
        v = k == 0 ? f : v * f;
        base += parts[k].size;
      }
      out[outOff + t] = v;
    }
  }

  @Override
  void evalJacobian(double[] z, double[] out, int outOff, double[] jac, int jacOffset, int nz, double[] scratch) {
    int off = valueOff;
    int joff = jacOff;
    for (LibraryNode p : parts) {
      p.evalJacobian(z, scratch, off, scratch, joff, nz, scratch);
      off += p.size;
      joff += p.size * nz;
    }
    int np = parts.length;
    int g = prodOff;
    for (int t = 0; t < size; t++) {
      // product rule, left to right: (v, g) <- (v f, g f + v df)
      double v = 1.0;
      int base = valueOff;
      int jbase = jacOff;
      for (int k = 0; k < np; k++) {
        int i = (t / strides[k]) % parts[k].size;
        double f = scratch[base + i];
        int df = jbase + i * nz;
        for (int j = 0; j < nz; j++) {
          scratch[g + j] = k == 0 ? scratch[df + j] : scratch[g + j] * f + v * scratch[df + j];
        }
        v = k == 0 ? f : v * f;
        base += parts[k].size;
        jbase += parts[k].size * nz;
      }
      out[outOff + t] = v;
      System.arraycopy(scratch, g, jac, jacOffset + t * nz, nz);
    }
  }
}
