package io.loopforge.modeling.nn;

import io.loopforge.modeling.DynamicsModel;
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
  private final DenseLayers layers;
  private final ThreadLocal<double[][]> scratch;

  private ReluNetwork(Builder b) {
    this.stateNames = b.stateNames;
    this.inputNames = b.inputNames;
    this.dt = b.dt;
    this.residual = b.residual;
    this.layers = b.layers.build();
    int n0 = layers.inputWidth();
    int nx = stateNames.size();
    this.scratch = ThreadLocal.withInitial(() -> new double[][] {new double[n0], new double[nx * n0]});
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
    return layers.layerCount();
  }

  /** Number of hidden layers. */
  public int hiddenLayerCount() {
    return layers.hiddenLayerCount();
  }

  /** Width of the network input, {@code nx + nu}. */
  public int inputWidth() {
    return layers.inputWidth();
  }

  /** Number of outputs of weight layer {@code layer} (the last one has {@code nx}). */
  public int width(int layer) {
    return layers.width(layer);
  }

  /** Widths of the hidden layers. */
  public int[] hiddenWidths() {
    int[] widths = layers.widths();
    return Arrays.copyOfRange(widths, 1, widths.length - 1);
  }

  /** Row-major weights of layer {@code layer}: {@link #width(int) width(layer)} rows. */
  public double[] weights(int layer) {
    return layers.weights(layer);
  }

  public double[] biases(int layer) {
    return layers.biases(layer);
  }

  /** Kinds of the neurons of hidden layer {@code layer} (< {@link #hiddenLayerCount()}). */
  public NeuronKind[] kinds(int layer) {
    return layers.kinds(layer);
  }

  /** Number of neurons of the given kind over all hidden layers. */
  public int count(NeuronKind kind) {
    return layers.count(kind);
  }

  /** The layer stack, for {@link NetworkBounds}. */
  DenseLayers layers() {
    return layers;
  }

  /** Number of ReLU neurons, i.e. binaries per time step in a mixed-integer encoding. */
  public int reluCount() {
    return count(NeuronKind.RELU);
  }

  /** Number of weights and biases, all layers, zeros included. */
  public int parameterCount() {
    return layers.parameterCount();
  }

  /** This network with other neuron kinds (same weights). */
  public ReluNetwork withKinds(NeuronKind[][] newKinds) {
    Builder b = builder(stateNames, inputNames, dt).residual(residual);
    int hidden = layers.hiddenLayerCount();
    for (int l = 0; l < hidden; l++) {
      b.addHiddenLayer(layers.weights(l), layers.biases(l), newKinds[l]);
    }
    return b.output(layers.weights(hidden), layers.biases(hidden)).build();
  }

  /**
   * Evaluates {@code f(z)} for a network input {@code z = [x; u]} (no residual added), writing
   * {@code nx} values into {@code out}.
   */
  public void evaluate(double[] z, double[] out) {
    layers.evaluate(z, out);
  }

  @Override
  public void step(double[] x, double[] u, double[] next) {
    int nx = stateNames.size();
    double[] z = scratch.get()[0];
    System.arraycopy(x, 0, z, 0, nx);
    System.arraycopy(u, 0, z, nx, inputNames.size());
    layers.evaluate(z, next);
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
    int n0 = layers.inputWidth();
    double[][] s = scratch.get();
    double[] z = s[0];
    double[] m = s[1]; // nx × n0: derivative of f w.r.t. z
    System.arraycopy(x, 0, z, 0, nx);
    System.arraycopy(u, 0, z, nx, inputNames.size());
    layers.jacobian(z, m);
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
        && layers.equals(n.layers);
  }

  @Override
  public int hashCode() {
    return layers.hashCode();
  }

  @Override
  public String toString() {
    return "ReluNetwork[" + Arrays.toString(layers.widths()) + (residual ? ", residual" : "") + ", " + reluCount()
        + " ReLUs, " + count(NeuronKind.IDENTITY) + " identities, dt " + dt + " s]";
  }

  /** Builds a {@link ReluNetwork}; the arrays passed in are copied. */
  public static final class Builder {
    private final List<String> stateNames;
    private final List<String> inputNames;
    private final double dt;
    private boolean residual;
    private final DenseLayers.Builder layers;

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
      this.layers = DenseLayers.builder(this.stateNames.size() + this.inputNames.size(), this.stateNames.size(),
          "the network has " + this.stateNames.size() + " states");
    }

    public Builder residual(boolean residual) {
      this.residual = residual;
      return this;
    }

    /** Adds a hidden layer: row-major weights ({@code biases.length} rows), biases, one kind per row. */
    public Builder addHiddenLayer(double[] layerWeights, double[] layerBiases, NeuronKind[] layerKinds) {
      layers.addHiddenLayer(layerWeights, layerBiases, layerKinds);
      return this;
    }

    /** Sets the linear output layer: {@code nx} rows. */
    public Builder output(double[] layerWeights, double[] layerBiases) {
      layers.output(layerWeights, layerBiases);
      return this;
    }

    /** The layer stack being built, for {@link ReluNetworkFile}. */
    DenseLayers.Builder layers() {
      return layers;
    }

    public ReluNetwork build() {
      return new ReluNetwork(this);
    }
  }
}
