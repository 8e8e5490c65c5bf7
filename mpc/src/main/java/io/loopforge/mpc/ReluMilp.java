package io.loopforge.mpc;

import io.loopforge.modeling.nn.FoldedReluNetwork;
import java.math.BigDecimal;
import java.util.List;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Variable;

/**
 * The mixed-integer encoding of one evaluation {@code f(z)} of a {@link FoldedReluNetwork} in an ojAlgo
 * {@link ExpressionsBasedModel}, given variables for its input {@code z = [x; u]} (bounded by the caller).
 * Per ReLU unit with pre-activation {@code a = W v + b} (a linear expression of the input variables and
 * the units before it, see {@link FoldedReluNetwork}) and sound bounds {@code l ≤ a ≤ u}
 * ({@link ReluBounds}):
 *
 * <pre>
 *   u ≤ 0 (stably inactive):  no variable; the unit is the constant 0 wherever it is read
 *   l ≥ 0 (stably active):    s = a,                      l ≤ s ≤ u
 *   l < 0 < u:                s ≥ a,  s ≤ a − l·(1 − z),  s ≤ u·z,  0 ≤ s ≤ u,  z ∈ {0, 1}
 * </pre>
 *
 * (the big-M form with per-unit constants; z = 1 forces s = a ≥ 0, z = 0 forces s = 0 ≥ a). With
 * {@code relaxed} the binaries are continuous in [0, 1]: the LP relaxation (the triangle hull of each
 * unit), which {@link BoundTightener} optimises over. Layers are added in order, so that a bound
 * tightener can optimise over the layers before one before it fixes that layer's bounds. Outputs are
 * not variables: {@link #addOutput} adds row {@code i} of {@code W_out v} to a caller's expression and
 * returns the bias, so the caller decides what an output is equal to (the next state, an objective).
 *
 * <p>Variable and constraint names start with the prefix given (which must make them unique in the
 * model): {@code <prefix>s<k>_<j>} (post-activation), {@code <prefix>z<k>_<j>} (binary),
 * {@code <prefix>r<k>_<j>_lo|_big|_up} (the three inequalities), {@code <prefix>r<k>_<j>_eq}.
 *
 * <p>Not thread-safe (it adds to a mutable model).
 */
public final class ReluMilp {
  private final ExpressionsBasedModel model;
  private final FoldedReluNetwork network;
  private final Variable[] inputs;
  private final String prefix;
  private final boolean relaxed;
  private final double[][] weights;
  private final double[][] biases;
  private final double[] outputWeights;
  private final double[] outputBiases;
  /** s per unit, null for stably inactive units (constant 0). */
  private final Variable[][] post;
  /** z per unit, null for stable units. */
  private final Variable[][] binary;
  /** The rows s ≤ a − l(1 − z) and s ≤ u·z per unstable unit (null otherwise), to move l and u later. */
  private final Expression[][] bigRow;
  private final Expression[][] upRow;
  private final double[][] lower;
  private final double[][] upper;
  private int layers;
  private int binaries;

  private ReluMilp(ExpressionsBasedModel model, FoldedReluNetwork network, List<Variable> inputs, String prefix,
      boolean relaxed) {
    if (inputs.size() != network.offset(0)) {
      throw new IllegalArgumentException(inputs.size() + " input variables for a network with " + network.offset(0)
          + " inputs " + network.stateNames() + " + " + network.inputNames());
    }
    this.model = model;
    this.network = network;
    this.inputs = inputs.toArray(new Variable[0]);
    this.prefix = prefix;
    this.relaxed = relaxed;
    int k = network.reluLayerCount();
    this.weights = new double[k][];
    this.biases = new double[k][];
    this.post = new Variable[k][];
    this.binary = new Variable[k][];
    this.bigRow = new Expression[k][];
    this.upRow = new Expression[k][];
    this.lower = new double[k][];
    this.upper = new double[k][];
    for (int i = 0; i < k; i++) {
      weights[i] = network.weights(i);
      biases[i] = network.biases(i);
    }
    this.outputWeights = network.outputWeights();
    this.outputBiases = network.outputBiases();
  }

  /**
   * An encoding with no layer yet: add them with {@link #addLayer}.
   *
   * @param inputs one variable per network input {@code [x; u]}, in order
   * @param prefix starts every name this encoding adds
   * @param relaxed binaries continuous in [0, 1] (the LP relaxation)
   */
  public static ReluMilp start(ExpressionsBasedModel model, FoldedReluNetwork network, List<Variable> inputs,
      String prefix, boolean relaxed) {
    return new ReluMilp(model, network, inputs, prefix, relaxed);
  }

  /** Encodes every layer with {@code bounds} ({@link #start} and {@link #addLayer} for each). */
  public static ReluMilp encode(ExpressionsBasedModel model, FoldedReluNetwork network, List<Variable> inputs,
      ReluBounds bounds, String prefix, boolean relaxed) {
    if (!bounds.fits(network)) {
      throw new IllegalArgumentException("the bounds " + bounds + " do not have the shape of " + network);
    }
    ReluMilp m = start(model, network, inputs, prefix, relaxed);
    for (int k = 0; k < network.reluLayerCount(); k++) {
      m.addLayer(bounds.lower(k), bounds.upper(k));
    }
    return m;
  }

  /**
   * Encodes the next layer with pre-activation bounds {@code l ≤ a ≤ u} per unit (sound for every point the
   * model allows, else feasible points are cut off).
   *
   * @return the binaries this layer added
   */
  public int addLayer(double[] lower, double[] upper) {
    int k = layers;
    if (k >= weights.length) {
      throw new IllegalStateException("all " + weights.length + " layers are encoded");
    }
    int rows = biases[k].length;
    if (lower.length != rows || upper.length != rows) {
      throw new IllegalArgumentException("layer " + k + " has " + rows + " units, got " + lower.length + " lower and "
          + upper.length + " upper bounds");
    }
    this.lower[k] = lower.clone();
    this.upper[k] = upper.clone();
    post[k] = new Variable[rows];
    binary[k] = new Variable[rows];
    bigRow[k] = new Expression[rows];
    upRow[k] = new Expression[rows];
    int added = 0;
    for (int j = 0; j < rows; j++) {
      double l = lower[j];
      double u = upper[j];
      if (!(l <= u) || Double.isInfinite(l) || Double.isInfinite(u)) {
        throw new IllegalArgumentException("unit " + j + " of layer " + k + " has bounds [" + l + ", " + u
            + "]; the encoding needs finite bounds with l ≤ u");
      }
      if (u <= 0) {
        continue;
      }
      String name = prefix + "r" + k + "_" + j;
      double b = biases[k][j];
      if (l >= 0) {
        Variable s = model.addVariable(prefix + "s" + k + "_" + j).lower(l).upper(u);
        post[k][j] = s;
        Expression eq = model.addExpression(name + "_eq").level(b);
        eq.add(s, 1.0);
        addRow(eq, weights[k], j * network.offset(k), network.offset(k), -1.0);
        continue;
      }
      Variable s = model.addVariable(prefix + "s" + k + "_" + j).lower(0).upper(u);
      Variable z = model.addVariable(prefix + "z" + k + "_" + j).lower(0).upper(1);
      if (!relaxed) {
        z.integer(true);
      }
      post[k][j] = s;
      binary[k][j] = z;
      added++;
      // s ≥ a:  s − W v ≥ b
      Expression lo = model.addExpression(name + "_lo").lower(b);
      lo.add(s, 1.0);
      addRow(lo, weights[k], j * network.offset(k), network.offset(k), -1.0);
      // s ≤ a − l(1 − z):  s − W v − l z ≤ b − l
      Expression big = model.addExpression(name + "_big").upper(b - l);
      big.add(s, 1.0);
      big.add(z, -l);
      addRow(big, weights[k], j * network.offset(k), network.offset(k), -1.0);
      // s ≤ u z
      Expression up = model.addExpression(name + "_up").upper(0);
      up.add(s, 1.0);
      up.add(z, -u);
      bigRow[k][j] = big;
      upRow[k][j] = up;
    }
    layers++;
    binaries += added;
    return added;
  }

  /** Adds {@code scale · Σ_c w[off + c] v_c} over the encoded columns to {@code e}. */
  private void addRow(Expression e, double[] w, int off, int cols, double scale) {
    int n0 = inputs.length;
    for (int c = 0; c < cols; c++) {
      double wc = w[off + c];
      if (wc == 0.0) {
        continue;
      }
      Variable v = column(c, n0);
      if (v != null) {
        e.add(v, scale * wc);
      }
    }
  }

  /** The variable of column {@code c} of v, or null when that unit is the constant 0. */
  private Variable column(int c, int n0) {
    if (c < n0) {
      return inputs[c];
    }
    int k = 0;
    while (c >= network.offset(k + 1)) {
      k++;
    }
    if (k >= layers) {
      throw new IllegalStateException("column " + c + " belongs to layer " + k + ", not encoded yet");
    }
    return post[k][c - network.offset(k)];
  }

  /**
   * Adds {@code scale ·} (row {@code unit} of {@code W_layer}) {@code · v} to {@code target}: the
   * pre-activation of a unit without its bias.
   *
   * @return {@code scale · b}, the constant the expression lacks
   */
  public double addPreActivation(Expression target, int layer, int unit, double scale) {
    if (layer >= layers + 1 || layer >= weights.length) {
      throw new IllegalStateException("layer " + layer + " reads layers not encoded yet (" + layers + " are)");
    }
    int cols = network.offset(layer);
    addRow(target, weights[layer], unit * cols, cols, scale);
    return scale * biases[layer][unit];
  }

  /**
   * Adds {@code scale ·} (row {@code row} of {@code W_out}) {@code · v} to {@code target}: network output
   * {@code row} without its bias (and without the residual: the caller adds {@code x} when it wants it).
   *
   * @return {@code scale · b_out[row]}
   */
  public double addOutput(Expression target, int row, double scale) {
    if (layers < weights.length) {
      throw new IllegalStateException("the output reads all " + weights.length + " layers; " + layers + " are encoded");
    }
    int cols = network.offset(weights.length);
    addRow(target, outputWeights, row * cols, cols, scale);
    return scale * outputBiases[row];
  }

  /**
   * Sets every variable of this encoding to its value at network input {@code z} (computed in double):
   * {@code s = max(0, a)} ({@code a} for stably active units), {@code z = 1} when {@code a > 0}. With the
   * input variables set to {@code z}, this is a feasible point of the encoding when the bounds hold at z
   * (ojAlgo takes a feasible assignment of all variables as its first incumbent).
   *
   * @return the network's output {@code f(z)} (no residual), nx values
   */
  public double[] assign(double[] z) {
    int n0 = inputs.length;
    int total = network.offset(weights.length);
    double[] v = new double[total];
    System.arraycopy(z, 0, v, 0, n0);
    for (int k = 0; k < weights.length; k++) {
      int cols = network.offset(k);
      for (int j = 0; j < biases[k].length; j++) {
        double a = biases[k][j];
        int o = j * cols;
        for (int c = 0; c < cols; c++) {
          a += weights[k][o + c] * v[c];
        }
        double s = a > 0 ? a : 0.0;
        v[cols + j] = s;
        if (k < layers && post[k][j] != null) {
          post[k][j].setValue(BigDecimal.valueOf(binary[k][j] == null ? Math.max(lower[k][j], a) : s));
          if (binary[k][j] != null) {
            binary[k][j].setValue(a > 0 ? BigDecimal.ONE : BigDecimal.ZERO);
          }
        }
      }
    }
    int nx = outputBiases.length;
    double[] out = new double[nx];
    for (int r = 0; r < nx; r++) {
      double acc = outputBiases[r];
      int o = r * total;
      for (int c = 0; c < total; c++) {
        acc += outputWeights[o + c] * v[c];
      }
      out[r] = acc;
    }
    return out;
  }

  public FoldedReluNetwork network() {
    return network;
  }

  /** Layers encoded so far. */
  public int layers() {
    return layers;
  }

  /** Binaries added so far (unstable units). */
  public int binaries() {
    return binaries;
  }

  /** Whether the binaries are relaxed to [0, 1]. */
  public boolean relaxed() {
    return relaxed;
  }

  /** The post-activation variable of a unit, or null when the unit is stably inactive. */
  public Variable postActivation(int layer, int unit) {
    return post[layer][unit];
  }

  /** The binary of a unit, or null when the unit is stable. */
  public Variable binary(int layer, int unit) {
    return binary[layer][unit];
  }

  /**
   * Moves the big-M constants of an unstable unit to tighter bounds {@code root.l ≤ l ≤ 0 ≤ u ≤ root.u}
   * (sound within a branch-and-bound node), or fixes its phase: {@code phase > 0} active (z = 1), {@code
   * phase < 0} inactive (z = 0), 0 free with the triangle of {@code [l, u]}. For {@link ReluBranchAndBound},
   * which re-solves one relaxation node after node; the unit must have a binary.
   */
  void restrict(int layer, int unit, double l, double u, int phase) {
    Variable z = binary[layer][unit];
    Variable s = post[layer][unit];
    double b = biases[layer][unit];
    if (phase > 0) {
      z.lower(1).upper(1);
    } else if (phase < 0) {
      z.lower(0).upper(0);
    } else {
      z.lower(0).upper(1);
    }
    double lo = Math.min(l, 0.0);
    double hi = Math.max(u, 0.0);
    bigRow[layer][unit].set(z, -lo).upper(b - lo);
    upRow[layer][unit].set(z, -hi);
    s.upper(hi);
  }

  /**
   * {@code s − max(0, a)} of a unit at a solution of the relaxation ({@code values} by model index): how
   * far the relaxation is from the ReLU there (0 when it agrees).
   */
  double relaxationGap(int layer, int unit, double[] values) {
    int cols = network.offset(layer);
    int n0 = inputs.length;
    double a = biases[layer][unit];
    double[] w = weights[layer];
    for (int c = 0; c < cols; c++) {
      double wc = w[unit * cols + c];
      if (wc == 0.0) {
        continue;
      }
      Variable v = column(c, n0);
      if (v != null) {
        a += wc * values[model.indexOf(v)];
      }
    }
    double s = values[model.indexOf(post[layer][unit])];
    return s - Math.max(0.0, a);
  }

  /** The bounds the layers were encoded with (all layers must be encoded). */
  public ReluBounds bounds() {
    if (layers < weights.length) {
      throw new IllegalStateException(layers + " of " + weights.length + " layers are encoded");
    }
    return ReluBounds.of(lower, upper);
  }
}
