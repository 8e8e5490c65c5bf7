package io.loopforge.modeling.sindy;

import io.loopforge.modeling.ModelingException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link FeatureLibrary} compiled for given state and input names: evaluates the terms
 * {@code Θ(z)} of a sample {@code z = [x, u]} and their gradients.
 *
 * <p>Not thread-safe (it owns its scratch space): use one instance per thread, e.g. by calling
 * {@link FeatureLibrary#bind} per thread. Evaluation allocates nothing.
 */
public final class BoundLibrary {
  private final FeatureLibrary library;
  private final List<String> stateNames;
  private final List<String> inputNames;
  private final LibraryNode root;
  private final int nz;
  private final double[] scratch;
  private final double[] zRow;
  private final double[] tRow;

  BoundLibrary(FeatureLibrary library, List<String> stateNames, List<String> inputNames) {
    this.library = library;
    this.stateNames = List.copyOf(stateNames);
    this.inputNames = List.copyOf(inputNames);
    this.nz = stateNames.size() + inputNames.size();
    List<String> names = new ArrayList<>(stateNames);
    names.addAll(inputNames);
    Set<String> seen = new HashSet<>();
    for (String n : names) {
      if (!seen.add(n)) {
        throw new ModelingException("variable name \"" + n + "\" appears twice among states " + stateNames
            + " and inputs " + inputNames + "; names must be distinct");
      }
    }
    int[] vars = new int[nz];
    for (int i = 0; i < nz; i++) {
      vars[i] = i;
    }
    this.root = library.compile(vars, names, stateNames.size());
    if (root.size == 0) {
      throw new ModelingException("the feature library " + library + " has no terms for variables " + names);
    }
    this.scratch = new double[Math.max(1, root.assignScratch(0, nz))];
    this.zRow = new double[nz];
    this.tRow = new double[root.size];
  }

  public FeatureLibrary library() {
    return library;
  }

  public List<String> stateNames() {
    return stateNames;
  }

  public List<String> inputNames() {
    return inputNames;
  }

  /** Number of terms. */
  public int size() {
    return root.size;
  }

  /** Dimension of a sample {@code z = [x, u]}. */
  public int sampleDim() {
    return nz;
  }

  /** Term names in PySINDy's format, e.g. {@code 1, x0, x0 x1, sin(1 x0)}. */
  public List<String> featureNames() {
    return root.names;
  }

  /**
   * The terms as typed products of factors of {@code z = [x, u]}, in term order (see {@link Feature}).
   * Built from the library's structure, never from the term names.
   */
  public List<Feature> features() {
    List<List<Feature.Factor>> factors = root.factors();
    List<Feature> out = new ArrayList<>(factors.size());
    for (int t = 0; t < factors.size(); t++) {
      out.add(Feature.of(root.names.get(t), factors.get(t)));
    }
    return List.copyOf(out);
  }

  /**
   * Evaluates the terms at {@code z = [x, u]}.
   *
   * @param z sample, length {@link #sampleDim()}
   * @param out terms, length {@link #size()}
   */
  public void evaluate(double[] z, double[] out) {
    root.eval(z, 0, out, 0, scratch);
  }

  /** Evaluates the terms of the sample at {@code z[zOff … zOff + sampleDim)} into {@code out[outOff …]}. */
  public void evaluate(double[] z, int zOff, double[] out, int outOff) {
    root.eval(z, zOff, out, outOff, scratch);
  }

  /**
   * Evaluates samples {@code from … from + count - 1} given by columns ({@code z[j][from + i]}, states
   * then inputs) into {@code out[t][outRow + i]}.
   */
  void evaluateColumns(double[][] z, int from, int count, double[][] out, int outRow) {
    root.evalColumns(z, from, count, out, 0, outRow, scratch, zRow, tRow);
  }

  /**
   * Evaluates the terms and their gradients at {@code z}.
   *
   * @param out terms, length {@link #size()}
   * @param jacobian row-major {@code size() × sampleDim()}: {@code jacobian[t * sampleDim() + j] = ∂Θ_t/∂z_j}
   */
  public void evaluateWithJacobian(double[] z, double[] out, double[] jacobian) {
    root.evalJacobian(z, out, 0, jacobian, 0, nz, scratch);
  }
}
