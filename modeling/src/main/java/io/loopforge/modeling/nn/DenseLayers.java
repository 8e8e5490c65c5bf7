package io.loopforge.modeling.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A stack of dense layers: hidden layers whose neurons are each ReLU, identity or removed
 * ({@link NeuronKind}), then a linear output layer. The shared core of {@link ReluNetwork} and
 * {@link io.loopforge.modeling.policy.NetworkPolicy}:
 *
 * <pre>
 *   a₀ = z                                           (width n₀)
 *   yₗ = Wₗ aₗ₋₁ + bₗ,  aₗ[i] = kindₗ[i](yₗ[i])     hidden layers l = 1 … L−1
 *   f  = W_L a_{L−1} + b_L                           (linear)
 * </pre>
 *
 * Weights are row-major: {@code W[r * cols + c]} multiplies input {@code c} into output {@code r}. Each
 * sum starts at the bias and adds {@code w·a} in column order; generated code repeats this order to be
 * bit-identical. Values are in the units of the owner's inputs and outputs.
 *
 * <p>Immutable and thread-safe. {@link #evaluate} and {@link #jacobian} allocate nothing after the
 * first call on a thread.
 */
public final class DenseLayers {
  private final int[] widths;
  private final double[][] weights;
  private final double[][] biases;
  private final NeuronKind[][] kinds;
  private final ThreadLocal<double[][]> activations;
  private final ThreadLocal<double[][]> derivatives;

  private DenseLayers(Builder b) {
    int layers = b.weights.size();
    this.widths = new int[layers + 1];
    this.weights = b.weights.toArray(new double[0][]);
    this.biases = b.biases.toArray(new double[0][]);
    this.kinds = b.kinds.toArray(new NeuronKind[0][]);
    widths[0] = b.inputWidth;
    for (int l = 0; l < layers; l++) {
      widths[l + 1] = biases[l].length;
    }
    int maxWidth = Arrays.stream(widths).max().orElse(1);
    int n0 = widths[0];
    this.activations = ThreadLocal.withInitial(() -> new double[][] {new double[maxWidth], new double[maxWidth]});
    this.derivatives =
        ThreadLocal.withInitial(() -> new double[][] {new double[maxWidth * n0], new double[maxWidth * n0]});
  }

  /**
   * Starts a stack reading {@code inputWidth} values whose output layer has {@code outputWidth} rows;
   * {@code outputDescription} ends the message for a wrong output layer (e.g. "the network has 2
   * states"). Add hidden layers in order, then the output layer.
   */
  public static Builder builder(int inputWidth, int outputWidth, String outputDescription) {
    return new Builder(inputWidth, outputWidth, outputDescription);
  }

  /** Number of weight layers, hidden plus output (≥ 1). */
  public int layerCount() {
    return weights.length;
  }

  /** Number of hidden layers. */
  public int hiddenLayerCount() {
    return weights.length - 1;
  }

  /** Width of the input {@code z}. */
  public int inputWidth() {
    return widths[0];
  }

  /** Number of outputs of weight layer {@code layer} (the last one is the output width). */
  public int width(int layer) {
    return widths[layer + 1];
  }

  /** The input width followed by the width of every layer. */
  public int[] widths() {
    return widths.clone();
  }

  /** Row-major weights of layer {@code layer}: {@link #width(int) width(layer)} rows. */
  public double[] weights(int layer) {
    return weights[layer].clone();
  }

  public double[] biases(int layer) {
    return biases[layer].clone();
  }

  /** Kinds of the neurons of hidden layer {@code layer} (< {@link #hiddenLayerCount()}). */
  public NeuronKind[] kinds(int layer) {
    return kinds[layer].clone();
  }

  /** Number of neurons of the given kind over all hidden layers. */
  public int count(NeuronKind kind) {
    int n = 0;
    for (NeuronKind[] layer : kinds) {
      for (NeuronKind k : layer) {
        if (k == kind) {
          n++;
        }
      }
    }
    return n;
  }

  /** Number of weights and biases, all layers, zeros included. */
  public int parameterCount() {
    int n = 0;
    for (int l = 0; l < weights.length; l++) {
      n += weights[l].length + biases[l].length;
    }
    return n;
  }

  /** Evaluates the stack at {@code z}, writing the output layer's values into {@code out}. */
  public void evaluate(double[] z, double[] out) {
    double[][] s = activations.get();
    double[] a = s[0];
    double[] y = s[1];
    System.arraycopy(z, 0, a, 0, widths[0]);
    int last = weights.length - 1;
    for (int l = 0; l <= last; l++) {
      preActivations(l, a, y);
      int rows = widths[l + 1];
      if (l == last) {
        System.arraycopy(y, 0, out, 0, rows);
      } else {
        activate(l, y, a);
      }
    }
  }

  /**
   * Exact derivative of the output with respect to {@code z} from the activation pattern at {@code z},
   * into {@code out}: output width × input width values, row-major. At a ReLU pre-activation of exactly
   * zero the derivative taken is 0 (the inactive side).
   */
  public void jacobian(double[] z, double[] out) {
    int n0 = widths[0];
    double[][] s = activations.get();
    double[] act = s[0];
    double[] y = s[1];
    double[][] d = derivatives.get();
    double[] m = d[0]; // rows × n0: derivative of the current activations w.r.t. z
    double[] mNext = d[1];
    System.arraycopy(z, 0, act, 0, n0);
    Arrays.fill(m, 0, n0 * n0, 0.0);
    for (int i = 0; i < n0; i++) {
      m[i * n0 + i] = 1.0;
    }
    int last = weights.length - 1;
    for (int l = 0; l <= last; l++) {
      preActivations(l, act, y);
      double[] w = weights[l];
      int rows = widths[l + 1];
      int cols = widths[l];
      for (int r = 0; r < rows; r++) {
        double slope;
        if (l == last) {
          slope = 1.0;
        } else {
          NeuronKind k = kinds[l][r];
          slope = k == NeuronKind.IDENTITY || (k == NeuronKind.RELU && y[r] > 0) ? 1.0 : 0.0;
        }
        int off = r * cols;
        for (int j = 0; j < n0; j++) {
          double acc = 0.0;
          if (slope != 0.0) {
            for (int c = 0; c < cols; c++) {
              acc += w[off + c] * m[c * n0 + j];
            }
          }
          mNext[r * n0 + j] = acc;
        }
      }
      System.arraycopy(mNext, 0, m, 0, rows * n0);
      if (l < last) {
        activate(l, y, act);
      }
    }
    System.arraycopy(m, 0, out, 0, widths[last + 1] * n0);
  }

  /** {@code y = W_l a + b_l}: each sum starts at the bias and adds {@code w·a} in column order. */
  private void preActivations(int l, double[] a, double[] y) {
    double[] w = weights[l];
    double[] bias = biases[l];
    int rows = widths[l + 1];
    int cols = widths[l];
    for (int r = 0; r < rows; r++) {
      double acc = bias[r];
      int off = r * cols;
      for (int c = 0; c < cols; c++) {
        acc += w[off + c] * a[c];
      }
      y[r] = acc;
    }
  }

  /** {@code a[r] = kind_l[r](y[r])} for hidden layer {@code l}. */
  private void activate(int l, double[] y, double[] a) {
    NeuronKind[] k = kinds[l];
    int rows = widths[l + 1];
    for (int r = 0; r < rows; r++) {
      a[r] = k[r] == NeuronKind.IDENTITY ? y[r] : (k[r] == NeuronKind.RELU && y[r] > 0 ? y[r] : 0.0);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DenseLayers)) {
      return false;
    }
    DenseLayers d = (DenseLayers) o;
    return Arrays.equals(widths, d.widths)
        && Arrays.deepEquals(weights, d.weights)
        && Arrays.deepEquals(biases, d.biases)
        && Arrays.deepEquals(kinds, d.kinds);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(widths) * 31 + Arrays.deepHashCode(weights);
  }

  @Override
  public String toString() {
    return "DenseLayers" + Arrays.toString(widths);
  }

  /** Builds {@link DenseLayers}; the arrays passed in are copied. */
  public static final class Builder {
    private final int inputWidth;
    private final int outputWidth;
    private final String outputDescription;
    private boolean finiteOnly;
    private final List<double[]> weights = new ArrayList<>();
    private final List<double[]> biases = new ArrayList<>();
    private final List<NeuronKind[]> kinds = new ArrayList<>();
    private boolean hasOutput;

    private Builder(int inputWidth, int outputWidth, String outputDescription) {
      this.inputWidth = inputWidth;
      this.outputWidth = outputWidth;
      this.outputDescription = outputDescription;
    }

    /** Rejects NaN and infinite weights and biases. */
    public Builder finiteOnly() {
      this.finiteOnly = true;
      return this;
    }

    int inputWidth() {
      return inputWidth;
    }

    int outputWidth() {
      return outputWidth;
    }

    private int currentWidth() {
      return biases.isEmpty() ? inputWidth : biases.get(biases.size() - 1).length;
    }

    /** Adds a hidden layer: row-major weights ({@code biases.length} rows), biases, one kind per row. */
    public Builder addHiddenLayer(double[] layerWeights, double[] layerBiases, NeuronKind[] layerKinds) {
      if (hasOutput) {
        throw new IllegalStateException("the output layer is already set");
      }
      check(layerWeights, layerBiases);
      if (layerKinds.length != layerBiases.length) {
        throw new IllegalArgumentException(
            "hidden layer " + biases.size() + ": " + layerKinds.length + " kinds for " + layerBiases.length
                + " neurons");
      }
      for (NeuronKind k : layerKinds) {
        if (k == null) {
          throw new IllegalArgumentException("hidden layer " + biases.size() + ": null neuron kind");
        }
      }
      weights.add(layerWeights.clone());
      biases.add(layerBiases.clone());
      kinds.add(layerKinds.clone());
      return this;
    }

    /** Sets the linear output layer: output width rows. */
    public Builder output(double[] layerWeights, double[] layerBiases) {
      if (hasOutput) {
        throw new IllegalStateException("the output layer is already set");
      }
      check(layerWeights, layerBiases);
      if (layerBiases.length != outputWidth) {
        throw new IllegalArgumentException(
            "the output layer has " + layerBiases.length + " rows, " + outputDescription);
      }
      weights.add(layerWeights.clone());
      biases.add(layerBiases.clone());
      hasOutput = true;
      return this;
    }

    private void check(double[] layerWeights, double[] layerBiases) {
      int cols = currentWidth();
      if (layerBiases.length == 0) {
        throw new IllegalArgumentException("layer " + biases.size() + " has no neurons");
      }
      if (layerWeights.length != layerBiases.length * cols) {
        throw new IllegalArgumentException(
            "layer " + biases.size() + ": " + layerWeights.length + " weights, expected " + layerBiases.length
                + " × " + cols + " = " + (layerBiases.length * cols));
      }
      if (!finiteOnly) {
        return;
      }
      for (double d : layerWeights) {
        if (!Double.isFinite(d)) {
          throw new IllegalArgumentException("layer " + biases.size() + " holds a non-finite weight (" + d + ")");
        }
      }
      for (double d : layerBiases) {
        if (!Double.isFinite(d)) {
          throw new IllegalArgumentException("layer " + biases.size() + " holds a non-finite bias (" + d + ")");
        }
      }
    }

    /** The stack; throws {@link IllegalStateException} when the output layer is not set. */
    public DenseLayers build() {
      if (!hasOutput) {
        throw new IllegalStateException("the output layer is not set");
      }
      return new DenseLayers(this);
    }
  }
}
