package io.loopforge.modeling.nn;

import io.loopforge.modeling.DynamicsModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Discrete-time dynamics given by a multilayer perceptron whose hidden neurons are each ReLU, identity
 * or removed ({@link NeuronKind}): {@code x⁺ = f(x, u)}, or {@code x⁺ = x + f(x, u)} when
 * {@link #residual()}. States and inputs are in the units of the data they were learned from; the time
 * step is {@link #dt()} seconds.
 *
 * <p>Structure (this is also the {@code "layout": "mlp"} model file, see {@link ReluNetworkFile}):
 *
 * <pre>
 *   a₀ = z = [x; u]                                  (width n₀ = nx + nu)
 *   yₗ = Wₗ aₗ₋₁ + bₗ,  aₗ[i] = kindₗ[i](yₗ[i])     hidden layers l = 1 … L−1
 *   f  = W_L a_{L−1} + b_L                           (width nx, linear)
 * </pre>
 *
 * Weights are stored row-major: {@code W[r * cols + c]} multiplies input {@code c} into output
 * {@code r}. Input and output normalisation are already folded into the first and last layer, so the
 * network works in raw units.
 *
 * <p>Immutable and thread-safe. {@link #step} and {@link #jacobian} allocate nothing after the first
 * call on a thread.
 */
public final class ReluNetwork implements DynamicsModel {
  private final List<String> stateNames;
  private final List<String> inputNames;
  private final double dt;
  private final boolean residual;
  private final int[] widths;
  private final double[][] weights;
  private final double[][] biases;
  private final NeuronKind[][] kinds;
  private final ThreadLocal<double[][]> scratch;

  private ReluNetwork(Builder b) {
    this.stateNames = b.stateNames;
    this.inputNames = b.inputNames;
    this.dt = b.dt;
    this.residual = b.residual;
    int layers = b.weights.size();
    this.widths = new int[layers + 1];
    this.weights = new double[layers][];
    this.biases = new double[layers][];
    this.kinds = new NeuronKind[layers - 1][];
    widths[0] = stateNames.size() + inputNames.size();
    for (int l = 0; l < layers; l++) {
      weights[l] = b.weights.get(l);
      biases[l] = b.biases.get(l);
      widths[l + 1] = biases[l].length;
      if (l < layers - 1) {
        kinds[l] = b.kinds.get(l);
      }
    }
    int maxWidth = Arrays.stream(widths).max().orElse(1);
    this.scratch = ThreadLocal.withInitial(() -> new double[][] {new double[maxWidth], new double[maxWidth],
        new double[maxWidth * widths[0]], new double[maxWidth * widths[0]]});
  }

  /**
   * Starts a network over the named states and inputs with time step {@code dt} (s). Add hidden layers
   * in order, then the output layer.
   */
  public static Builder builder(List<String> stateNames, List<String> inputNames, double dt) {
    return new Builder(stateNames, inputNames, dt);
  }

  @Override
  public List<String> stateNames() {
    return stateNames;
  }

  @Override
  public List<String> inputNames() {
    return inputNames;
  }

  @Override
  public double dt() {
    return dt;
  }

  /** True when the network predicts the increment: {@code x⁺ = x + f(x, u)}. */
  public boolean residual() {
    return residual;
  }

  /** Number of weight layers, hidden plus output (≥ 1). */
  public int layerCount() {
    return weights.length;
  }

  /** Number of hidden layers. */
  public int hiddenLayerCount() {
    return weights.length - 1;
  }

  /** Width of the network input, {@code nx + nu}. */
  public int inputWidth() {
    return widths[0];
  }

  /** Number of outputs of weight layer {@code layer} (the last one has {@code nx}). */
  public int width(int layer) {
    return widths[layer + 1];
  }

  /** Widths of the hidden layers. */
  public int[] hiddenWidths() {
    return Arrays.copyOfRange(widths, 1, widths.length - 1);
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

  /** Number of ReLU neurons, i.e. binaries per time step in a mixed-integer encoding. */
  public int reluCount() {
    return count(NeuronKind.RELU);
  }

  /** Number of weights and biases, all layers, zeros included. */
  public int parameterCount() {
    int n = 0;
    for (int l = 0; l < weights.length; l++) {
      n += weights[l].length + biases[l].length;
    }
    return n;
  }

  /** This network with other neuron kinds (same weights). */
  public ReluNetwork withKinds(NeuronKind[][] newKinds) {
    Builder b = builder(stateNames, inputNames, dt).residual(residual);
    for (int l = 0; l < kinds.length; l++) {
      b.addHiddenLayer(weights[l], biases[l], newKinds[l]);
    }
    return b.output(weights[weights.length - 1], biases[biases.length - 1]).build();
  }

  /**
   * Evaluates {@code f(z)} for a network input {@code z = [x; u]} (no residual added), writing
   * {@code nx} values into {@code out}.
   */
  public void evaluate(double[] z, double[] out) {
    double[][] s = scratch.get();
    double[] a = s[0];
    double[] y = s[1];
    System.arraycopy(z, 0, a, 0, widths[0]);
    int last = weights.length - 1;
    for (int l = 0; l <= last; l++) {
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
      if (l == last) {
        System.arraycopy(y, 0, out, 0, rows);
      } else {
        NeuronKind[] k = kinds[l];
        for (int r = 0; r < rows; r++) {
          switch (k[r]) {
            case RELU:
              a[r] = y[r] > 0 ? y[r] : 0.0;
              break;
            case IDENTITY:
              a[r] = y[r];
              break;
            default:
              a[r] = 0.0;
          }
        }
      }
    }
  }

  @Override
  public void step(double[] x, double[] u, double[] next) {
    int nx = stateNames.size();
    double[][] s = scratch.get();
    double[] z = s[2];
    System.arraycopy(x, 0, z, 0, nx);
    System.arraycopy(u, 0, z, nx, inputNames.size());
    evaluate(z, next);
    if (residual) {
      for (int i = 0; i < nx; i++) {
        next[i] += x[i];
      }
    }
  }

  /**
   * Exact Jacobians from the activation pattern at (x, u). At a ReLU pre-activation of exactly zero
   * the derivative taken is 0 (the inactive side).
   */
  @Override
  public void jacobian(double[] x, double[] u, double[][] a, double[][] b) {
    int nx = stateNames.size();
    int n0 = widths[0];
    double[][] s = scratch.get();
    double[] act = s[0];
    double[] y = s[1];
    double[] m = s[2]; // rows × n0: derivative of the current activations w.r.t. z
    double[] mNext = s[3];
    for (int i = 0; i < nx; i++) {
      act[i] = x[i];
    }
    for (int j = 0; j < inputNames.size(); j++) {
      act[nx + j] = u[j];
    }
    Arrays.fill(m, 0, n0 * n0, 0.0);
    for (int i = 0; i < n0; i++) {
      m[i * n0 + i] = 1.0;
    }
    int last = weights.length - 1;
    for (int l = 0; l <= last; l++) {
      double[] w = weights[l];
      int rows = widths[l + 1];
      int cols = widths[l];
      for (int r = 0; r < rows; r++) {
        double acc = biases[l][r];
        int off = r * cols;
        for (int c = 0; c < cols; c++) {
          acc += w[off + c] * act[c];
        }
        y[r] = acc;
      }
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
        for (int r = 0; r < rows; r++) {
          NeuronKind k = kinds[l][r];
          act[r] = k == NeuronKind.IDENTITY ? y[r] : (k == NeuronKind.RELU && y[r] > 0 ? y[r] : 0.0);
        }
      }
    }
    for (int i = 0; i < nx; i++) {
      for (int j = 0; j < nx; j++) {
        a[i][j] = m[i * n0 + j] + (residual && i == j ? 1.0 : 0.0);
      }
      for (int j = 0; j < inputNames.size(); j++) {
        b[i][j] = m[i * n0 + nx + j];
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ReluNetwork)) {
      return false;
    }
    ReluNetwork n = (ReluNetwork) o;
    return stateNames.equals(n.stateNames)
        && inputNames.equals(n.inputNames)
        && Double.compare(dt, n.dt) == 0
        && residual == n.residual
        && Arrays.equals(widths, n.widths)
        && Arrays.deepEquals(weights, n.weights)
        && Arrays.deepEquals(biases, n.biases)
        && Arrays.deepEquals(kinds, n.kinds);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(widths) * 31 + Arrays.deepHashCode(weights);
  }

  @Override
  public String toString() {
    return "ReluNetwork[" + Arrays.toString(widths) + (residual ? ", residual" : "") + ", " + reluCount()
        + " ReLUs, " + count(NeuronKind.IDENTITY) + " identities, dt " + dt + " s]";
  }

  /** Builds a {@link ReluNetwork}; the arrays passed in are copied. */
  public static final class Builder {
    private final List<String> stateNames;
    private final List<String> inputNames;
    private final double dt;
    private boolean residual;
    private final List<double[]> weights = new ArrayList<>();
    private final List<double[]> biases = new ArrayList<>();
    private final List<NeuronKind[]> kinds = new ArrayList<>();
    private boolean hasOutput;

    private Builder(List<String> stateNames, List<String> inputNames, double dt) {
      if (stateNames.isEmpty()) {
        throw new IllegalArgumentException("a network needs at least one state");
      }
      if (!(dt > 0) || Double.isInfinite(dt)) {
        throw new IllegalArgumentException("dt must be positive and finite, got " + dt);
      }
      this.stateNames = List.copyOf(stateNames);
      this.inputNames = List.copyOf(inputNames);
      this.dt = dt;
    }

    public Builder residual(boolean residual) {
      this.residual = residual;
      return this;
    }

    private int currentWidth() {
      return biases.isEmpty() ? stateNames.size() + inputNames.size() : biases.get(biases.size() - 1).length;
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

    /** Sets the linear output layer: {@code nx} rows. */
    public Builder output(double[] layerWeights, double[] layerBiases) {
      if (hasOutput) {
        throw new IllegalStateException("the output layer is already set");
      }
      check(layerWeights, layerBiases);
      if (layerBiases.length != stateNames.size()) {
        throw new IllegalArgumentException(
            "the output layer has " + layerBiases.length + " rows, the network has " + stateNames.size()
                + " states");
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
    }

    public ReluNetwork build() {
      if (!hasOutput) {
        throw new IllegalStateException("the output layer is not set");
      }
      return new ReluNetwork(this);
    }
  }
}
