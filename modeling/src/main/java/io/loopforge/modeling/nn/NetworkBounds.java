package io.loopforge.modeling.nn;

import io.loopforge.modeling.ModelingException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sound interval bounds of every pre-activation of a network over a box of network inputs
 * {@code z ∈ [lower, upper]} (elementwise): of a {@link ReluNetwork} or a {@link DenseLayers} stack
 * (e.g. a {@link io.loopforge.modeling.policy.NetworkPolicy}, see its {@code networkBounds}) and of a
 * {@link FoldedReluNetwork}. Per unit it gives the lower and upper bound {@code l ≤ y ≤ u} of the
 * pre-activation, of the activation, and whether a unit is stably active ({@code l ≥ 0}) or stably
 * inactive ({@code u ≤ 0}) over the box; the output layer's bounds are those of the network output. A
 * mixed-integer encoder takes its big-M constants from {@code l} and {@code u} and needs no binary for a
 * stable ReLU unit; code generators size fixed-point ranges from them.
 *
 * <p>Layers are numbered as in the network: for {@link DenseLayers} and {@link ReluNetwork} the weight
 * layers {@code 0 … L−1} (hidden layers, then the linear output layer {@code L−1}); for a
 * {@link FoldedReluNetwork} the ReLU layers {@code 0 … K−1} and the output layer {@code K}, whose
 * inputs are the network input and every earlier unit. Values are in the units of the network's input
 * and of its pre-activations (for dynamics networks, raw state and input units).
 *
 * <p>The math (interval bound propagation). A layer {@code y = W a + b} whose input lies in the box
 * {@code a ∈ [aₗ, aᵤ]} has, with {@code W = W⁺ + W⁻} split into its positive and negative entries,
 *
 * <pre>
 *   l = W⁺ aₗ + W⁻ aᵤ + b,    u = W⁺ aᵤ + W⁻ aₗ + b
 * </pre>
 *
 * the exact minimum and maximum of each {@code y[r]} over the box (an affine function of independent
 * inputs takes them at a corner). Activations map bounds elementwise: ReLU {@code [max(0, l), max(0,
 * u)]}, identity {@code [l, u]}, removed {@code [0, 0]}. Propagated layer by layer this is sound; from
 * the second layer on it is generally not tight, because a box forgets how the units of a layer depend
 * on each other.
 *
 * <p>Soundness in double arithmetic: the bounds enclose the exact real-valued pre-activations. Every
 * product and every partial sum of {@code l} is rounded toward −∞, of {@code u} toward +∞. Java rounds
 * to nearest, so each operation's exact rounding error is recovered (for a product {@code p = w·a} as
 * {@code fma(w, a, −p)}, for a sum by Knuth's 2Sum) and the result moves one ulp outward exactly when
 * that error points outward: this is directed rounding, the tightest sound choice, and leaves exact
 * results exact (a network with dyadic weights gets its true extreme values). Where the error-free
 * transforms could underflow or overflow (a product of magnitude outside [2⁻⁹⁶⁰, 2¹⁰⁰⁰], a sum with
 * an operand above 2¹⁰⁰⁰) the result moves one ulp outward unconditionally, which covers the at most
 * half-ulp error of rounding to nearest. Bounds that overflow become infinite (still sound). A network's own double evaluation
 * rounds too (by about {@code n·2⁻⁵³ Σ|w||a|} per layer of {@code n} terms), so an evaluated value at
 * a tight bound may lie that far outside it.
 *
 * <p>Immutable and thread-safe. The propagation allocates per layer, not per weight.
 */
public final class NetworkBounds {
  /** Above this magnitude 2Sum and the fma error term could overflow. */
  private static final double HUGE = 0x1p1000;
  /** Below this magnitude a product's rounding error could be too small to recover from fma. */
  private static final double TINY = 0x1p-960;

  private final List<String> inputNames;
  private final double[] inputLower;
  private final double[] inputUpper;
  private final double[][] lower;
  private final double[][] upper;
  private final double[][] activationLower;
  private final double[][] activationUpper;
  /** Kinds of the hidden layers' units. */
  private final NeuronKind[][] kinds;
  private final int reluCount;
  private final int stablyActiveCount;
  private final int stablyInactiveCount;

  private NetworkBounds(List<String> inputNames, double[] inputLower, double[] inputUpper, double[][] lower,
      double[][] upper, double[][] activationLower, double[][] activationUpper, NeuronKind[][] kinds) {
    this.inputNames = inputNames;
    this.inputLower = inputLower;
    this.inputUpper = inputUpper;
    this.lower = lower;
    this.upper = upper;
    this.activationLower = activationLower;
    this.activationUpper = activationUpper;
    this.kinds = kinds;
    int relus = 0;
    int active = 0;
    int inactive = 0;
    for (int l = 0; l < kinds.length; l++) {
      for (int r = 0; r < kinds[l].length; r++) {
        if (kinds[l][r] != NeuronKind.RELU) {
          continue;
        }
        relus++;
        if (upper[l][r] <= 0) {
          inactive++;
        } else if (lower[l][r] >= 0) {
          active++;
        }
      }
    }
    this.reluCount = relus;
    this.stablyActiveCount = active;
    this.stablyInactiveCount = inactive;
  }

  /**
   * Bounds of a dense network over the box {@code lower ≤ z ≤ upper} of its input {@code z = [x; u]}
   * (raw state and input units).
   *
   * @throws ModelingException when the box does not have {@code nx + nu} entries, an entry is not finite
   *     or has {@code lower > upper}, or a weight or bias is not finite
   */
  public static NetworkBounds of(ReluNetwork network, double[] lower, double[] upper) {
    return of(network.layers(), concat(network.stateNames(), network.inputNames()), "[x; u]", lower, upper);
  }

  /**
   * Bounds of a stack of dense layers over the box {@code lower ≤ z ≤ upper} of its input; {@code
   * inputNames} name the entries of {@code z} in error messages.
   *
   * @throws ModelingException as {@link #of(ReluNetwork, double[], double[])}
   */
  public static NetworkBounds of(DenseLayers layers, List<String> inputNames, double[] lower, double[] upper) {
    return of(layers, List.copyOf(inputNames), "the network input", lower, upper);
  }

  /**
   * Bounds of the hidden layers and the output of {@code layers}; {@code vector} names {@code z} in
   * error messages, e.g. {@code "[x; u]"}.
   */
  static NetworkBounds of(DenseLayers layers, List<String> inputNames, String vector, double[] lower,
      double[] upper) {
    if (inputNames.size() != layers.inputWidth()) {
      throw new IllegalArgumentException(inputNames.size() + " input names for " + layers.inputWidth() + " inputs");
    }
    checkBox(inputNames, vector, lower, upper);
    int count = layers.layerCount();
    double[][] lo = new double[count][];
    double[][] hi = new double[count][];
    double[][] actLo = new double[count][];
    double[][] actHi = new double[count][];
    NeuronKind[][] kinds = new NeuronKind[count - 1][];
    double[] aLo = lower.clone();
    double[] aHi = upper.clone();
    for (int l = 0; l < count; l++) {
      double[] w = layers.weights(l);
      double[] b = layers.biases(l);
      int rows = b.length;
      checkFinite(w, b, l, rows);
      lo[l] = new double[rows];
      hi[l] = new double[rows];
      affine(w, b, rows, aLo.length, aLo, aHi, lo[l], hi[l]);
      if (l == count - 1) {
        actLo[l] = lo[l];
        actHi[l] = hi[l];
        break;
      }
      kinds[l] = layers.kinds(l);
      actLo[l] = new double[rows];
      actHi[l] = new double[rows];
      for (int r = 0; r < rows; r++) {
        switch (kinds[l][r]) {
          case RELU:
            actLo[l][r] = Math.max(0.0, lo[l][r]);
            actHi[l][r] = Math.max(0.0, hi[l][r]);
            break;
          case IDENTITY:
            actLo[l][r] = lo[l][r];
            actHi[l][r] = hi[l][r];
            break;
          default:
            break; // removed: [0, 0]
        }
      }
      aLo = actLo[l];
      aHi = actHi[l];
    }
    return new NetworkBounds(inputNames, lower.clone(), upper.clone(), lo, hi, actLo, actHi, kinds);
  }

  /**
   * Bounds of a folded network over the box {@code lower ≤ z ≤ upper} of its input {@code z = [x; u]}
   * (raw state and input units): ReLU layers {@code 0 … K−1}, then the output layer {@code K}.
   *
   * @throws ModelingException as {@link #of(ReluNetwork, double[], double[])}
   */
  public static NetworkBounds of(FoldedReluNetwork network, double[] lower, double[] upper) {
    List<String> names = concat(network.stateNames(), network.inputNames());
    checkBox(names, "[x; u]", lower, upper);
    int k = network.reluLayerCount();
    double[][] lo = new double[k + 1][];
    double[][] hi = new double[k + 1][];
    double[][] actLo = new double[k + 1][];
    double[][] actHi = new double[k + 1][];
    NeuronKind[][] kinds = new NeuronKind[k][];
    // v = [z; h0; h1; …]: the activation bounds of everything a layer may read
    double[] vLo = new double[network.offset(k)];
    double[] vHi = new double[network.offset(k)];
    System.arraycopy(lower, 0, vLo, 0, lower.length);
    System.arraycopy(upper, 0, vHi, 0, upper.length);
    for (int i = 0; i <= k; i++) {
      boolean output = i == k;
      double[] w = output ? network.outputWeights() : network.weights(i);
      double[] b = output ? network.outputBiases() : network.biases(i);
      int rows = b.length;
      int cols = network.offset(i);
      checkFinite(w, b, i, rows);
      lo[i] = new double[rows];
      hi[i] = new double[rows];
      affine(w, b, rows, cols, vLo, vHi, lo[i], hi[i]);
      if (output) {
        actLo[i] = lo[i];
        actHi[i] = hi[i];
        break;
      }
      kinds[i] = new NeuronKind[rows];
      actLo[i] = new double[rows];
      actHi[i] = new double[rows];
      for (int r = 0; r < rows; r++) {
        kinds[i][r] = NeuronKind.RELU;
        actLo[i][r] = Math.max(0.0, lo[i][r]);
        actHi[i][r] = Math.max(0.0, hi[i][r]);
      }
      System.arraycopy(actLo[i], 0, vLo, cols, rows);
      System.arraycopy(actHi[i], 0, vHi, cols, rows);
    }
    return new NetworkBounds(names, lower.clone(), upper.clone(), lo, hi, actLo, actHi, kinds);
  }

  /** Width of the network input. */
  public int inputWidth() {
    return inputLower.length;
  }

  /** Names of the network input's entries. */
  public List<String> inputNames() {
    return inputNames;
  }

  /** Lower bound of network input entry {@code i}, as given. */
  public double inputLower(int i) {
    return inputLower[i];
  }

  /** Upper bound of network input entry {@code i}, as given. */
  public double inputUpper(int i) {
    return inputUpper[i];
  }

  /** Number of weight layers, hidden plus output (≥ 1). */
  public int layerCount() {
    return lower.length;
  }

  /** Number of hidden (for a folded network: ReLU) layers. */
  public int hiddenLayerCount() {
    return lower.length - 1;
  }

  /** Number of units of layer {@code layer}; the last layer's are the network outputs. */
  public int width(int layer) {
    return lower[layer].length;
  }

  /** Lower bound of the pre-activation of unit {@code unit} of layer {@code layer}. */
  public double lower(int layer, int unit) {
    return lower[layer][unit];
  }

  /** Upper bound of the pre-activation of unit {@code unit} of layer {@code layer}. */
  public double upper(int layer, int unit) {
    return upper[layer][unit];
  }

  /** Lower bounds of the pre-activations of layer {@code layer} (a copy). */
  public double[] lower(int layer) {
    return lower[layer].clone();
  }

  /** Upper bounds of the pre-activations of layer {@code layer} (a copy). */
  public double[] upper(int layer) {
    return upper[layer].clone();
  }

  /**
   * Lower bound of the activation (what later layers read) of a unit: {@code max(0, l)} for ReLU,
   * {@code l} for identity and output units, 0 for removed units.
   */
  public double activationLower(int layer, int unit) {
    return activationLower[layer][unit];
  }

  /** Upper bound of the activation of a unit, as {@link #activationLower}. */
  public double activationUpper(int layer, int unit) {
    return activationUpper[layer][unit];
  }

  /** Kind of unit {@code unit} of hidden layer {@code layer} (every unit of a folded network is ReLU). */
  public NeuronKind kind(int layer, int unit) {
    return kinds[layer][unit];
  }

  /**
   * True when the pre-activation of a hidden unit is non-negative over the whole box ({@code l ≥ 0}):
   * a ReLU unit is then the identity there.
   */
  public boolean stablyActive(int layer, int unit) {
    checkHidden(layer);
    return lower[layer][unit] >= 0;
  }

  /**
   * True when the pre-activation of a hidden unit is non-positive over the whole box ({@code u ≤ 0}):
   * a ReLU unit is then 0 there. A unit with {@code l = u = 0} is both stably active and inactive.
   */
  public boolean stablyInactive(int layer, int unit) {
    checkHidden(layer);
    return upper[layer][unit] <= 0;
  }

  /** Number of ReLU units. */
  public int reluCount() {
    return reluCount;
  }

  /** Number of ReLU units stably active and not stably inactive ({@code l ≥ 0 < u}). */
  public int stablyActiveCount() {
    return stablyActiveCount;
  }

  /** Number of ReLU units stably inactive ({@code u ≤ 0}). */
  public int stablyInactiveCount() {
    return stablyInactiveCount;
  }

  /** Number of ReLU units neither stably active nor inactive ({@code l < 0 < u}): binaries in a MIP. */
  public int unstableCount() {
    return reluCount - stablyActiveCount - stablyInactiveCount;
  }

  /** Lower bounds of the network outputs (a copy). */
  public double[] outputLower() {
    return lower[lower.length - 1].clone();
  }

  /** Upper bounds of the network outputs (a copy). */
  public double[] outputUpper() {
    return upper[upper.length - 1].clone();
  }

  @Override
  public String toString() {
    return "NetworkBounds[" + inputWidth() + " inputs, " + layerCount() + " layers, " + reluCount + " ReLU units: "
        + stablyActiveCount + " stably active, " + stablyInactiveCount + " stably inactive, " + unstableCount()
        + " unstable]";
  }

  private void checkHidden(int layer) {
    if (layer < 0 || layer >= kinds.length) {
      throw new IndexOutOfBoundsException("hidden layer " + layer + " of " + kinds.length);
    }
  }

  /**
   * {@code [outLo, outHi] ⊇ {W a + b : aLo ≤ a ≤ aHi}} for the first {@code cols} entries of
   * {@code a}, rounded outward. No allocation.
   */
  private static void affine(double[] w, double[] b, int rows, int cols, double[] aLo, double[] aHi,
      double[] outLo, double[] outHi) {
    for (int r = 0; r < rows; r++) {
      double lo = b[r];
      double hi = b[r];
      int off = r * cols;
      for (int c = 0; c < cols; c++) {
        double wc = w[off + c];
        // a zero weight contributes nothing, also when a bound has overflowed (0·∞ would be NaN)
        if (wc > 0) {
          lo = addDown(lo, mulDown(wc, aLo[c]));
          hi = addUp(hi, mulUp(wc, aHi[c]));
        } else if (wc < 0) {
          lo = addDown(lo, mulDown(wc, aHi[c]));
          hi = addUp(hi, mulUp(wc, aLo[c]));
        }
      }
      outLo[r] = lo;
      outHi[r] = hi;
    }
  }

  /** The largest double ≤ the exact product {@code a·b} (a product that rounds to +∞ gives MAX_VALUE). */
  static double mulDown(double a, double b) {
    double p = a * b;
    double m = Math.abs(p);
    if (m >= TINY && m <= HUGE) {
      // the exact error a·b − p is a multiple of ulp(a)·ulp(b) ≥ 2⁻¹⁰⁶⁶, so 0 or too large to round to
      // zero: fma, which rounds it once, keeps its sign
      return Math.fma(a, b, -p) < 0 ? Math.nextDown(p) : p;
    }
    if (a == 0 || b == 0) {
      return 0.0;
    }
    return Math.nextDown(p);
  }

  /** The smallest double ≥ the exact product {@code a·b}. */
  static double mulUp(double a, double b) {
    return -mulDown(-a, b);
  }

  /** The largest double ≤ the exact sum {@code a + b}; neither operand may be +∞. */
  static double addDown(double a, double b) {
    double s = a + b;
    if (Math.abs(a) <= HUGE && Math.abs(b) <= HUGE) {
      // 2Sum: a + b = s + e exactly, for any finite a, b whose sum does not overflow
      double bv = s - a;
      double e = (a - (s - bv)) + (b - bv);
      return e < 0 ? Math.nextDown(s) : s;
    }
    return Math.nextDown(s);
  }

  /** The smallest double ≥ the exact sum {@code a + b}; neither operand may be −∞. */
  static double addUp(double a, double b) {
    return -addDown(-a, -b);
  }

  private static void checkFinite(double[] w, double[] b, int layer, int rows) {
    int cols = w.length / rows;
    for (int i = 0; i < w.length; i++) {
      if (!Double.isFinite(w[i])) {
        throw new ModelingException("layer " + layer + " holds a non-finite weight (" + w[i] + ") at row "
            + (i / cols) + ", column " + (i % cols) + "; interval bounds need finite weights and biases");
      }
    }
    for (int r = 0; r < rows; r++) {
      if (!Double.isFinite(b[r])) {
        throw new ModelingException("layer " + layer + " holds a non-finite bias (" + b[r] + ") at row " + r
            + "; interval bounds need finite weights and biases");
      }
    }
  }

  private static void checkBox(List<String> names, String vector, double[] lower, double[] upper) {
    int n = names.size();
    if (lower.length != n || upper.length != n) {
      throw new ModelingException("the input box has " + lower.length + " lower and " + upper.length
          + " upper bounds, but " + vector + " has " + n + " entries " + names
          + "; give one lower and one upper bound per entry, in this order");
    }
    for (int i = 0; i < n; i++) {
      String entry = "'" + names.get(i) + "' (entry " + i + " of " + vector + ")";
      if (!Double.isFinite(lower[i]) || !Double.isFinite(upper[i])) {
        boolean lowerBad = !Double.isFinite(lower[i]);
        throw new ModelingException("the network bounds need a finite input box: " + entry + " has "
            + (lowerBad ? "lower" : "upper") + " bound " + format(lowerBad ? lower[i] : upper[i])
            + "; give finite bounds, e.g. the plant's input bounds for inputs and its operating range for states");
      }
      if (lower[i] > upper[i]) {
        throw new ModelingException("the input box is empty: " + entry + " has lower bound " + lower[i]
            + " above its upper bound " + upper[i] + "; give lower ≤ upper for every entry");
      }
    }
  }

  private static String format(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+inf" : "-inf";
    }
    return Double.toString(v);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }
}
