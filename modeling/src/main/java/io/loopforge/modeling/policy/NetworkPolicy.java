package io.loopforge.modeling.policy;

import io.loopforge.modeling.nn.DenseLayers;
import io.loopforge.modeling.nn.NetworkBounds;
import io.loopforge.modeling.nn.NeuronKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A ReLU network from state and reference to input, followed by input saturation (e.g. a policy
 * distilled from MPC):
 *
 * <pre>
 *   a₀ = [x; reference]                              (width nx + nr)
 *   yₗ = Wₗ aₗ₋₁ + bₗ,  aₗ[i] = kindₗ[i](yₗ[i])     hidden layers l = 1 … L−1
 *   u  = sat(W_L a_{L−1} + b_L)                      (width nu)
 * </pre>
 *
 * Weights are row-major ({@code W[r * cols + c]}), in the plant's units (normalisation folded in), as in
 * {@link io.loopforge.modeling.nn.ReluNetwork}; each sum starts at the bias and adds {@code w·a} in
 * column order. Immutable and thread-safe; {@link #control} allocates nothing after a thread's first
 * call.
 */
public final class NetworkPolicy implements Policy {
  private final List<String> stateNames;
  private final List<String> inputNames;
  private final List<String> referenceNames;
  private final double dt;
  private final DenseLayers layers;
  private final InputBounds bounds;
  private final ThreadLocal<double[]> scratch;

  private NetworkPolicy(Builder b) {
    this.stateNames = b.stateNames;
    this.inputNames = b.inputNames;
    this.referenceNames = b.referenceNames;
    this.dt = b.dt;
    this.layers = b.layers.build();
    this.bounds = b.bounds == null ? InputBounds.unbounded(inputNames.size()) : b.bounds;
    if (bounds.size() != inputNames.size()) {
      throw new IllegalArgumentException("bounds for " + bounds.size() + " inputs, the policy has " + inputNames.size());
    }
    int n0 = layers.inputWidth();
    this.scratch = ThreadLocal.withInitial(() -> new double[n0]);
  }

  /** Starts a network policy; add hidden layers in order, then the output layer. */
  public static Builder builder(List<String> stateNames, List<String> inputNames, List<String> referenceNames,
      double dt) {
    return new Builder(stateNames, inputNames, referenceNames, dt);
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
  public List<String> referenceNames() {
    return referenceNames;
  }

  @Override
  public double dt() {
    return dt;
  }

  @Override
  public InputBounds inputBounds() {
    return bounds;
  }

  /** Number of weight layers, hidden plus output. */
  public int layerCount() {
    return layers.layerCount();
  }

  public int hiddenLayerCount() {
    return layers.hiddenLayerCount();
  }

  /** Width of the network input, {@code nx + nr}. */
  public int inputWidth() {
    return layers.inputWidth();
  }

  /** Number of outputs of weight layer {@code layer} (the last one has {@code nu}). */
  public int width(int layer) {
    return layers.width(layer);
  }

  /** Row-major weights of layer {@code layer}. */
  public double[] weights(int layer) {
    return layers.weights(layer);
  }

  public double[] biases(int layer) {
    return layers.biases(layer);
  }

  /** Kinds of the neurons of hidden layer {@code layer}. */
  public NeuronKind[] kinds(int layer) {
    return layers.kinds(layer);
  }

  /**
   * Sound interval bounds of every pre-activation and of the network output (before saturation) over
   * the box {@code lower ≤ z ≤ upper} of the network input {@code z = [x; reference]}, in the plant's
   * units.
   *
   * @throws io.loopforge.modeling.ModelingException when the box does not have {@code nx + nr} entries,
   *     an entry is not finite or has {@code lower > upper}
   */
  public NetworkBounds networkBounds(double[] lower, double[] upper) {
    List<String> names = new ArrayList<>(stateNames);
    names.addAll(referenceNames);
    return NetworkBounds.of(layers, names, lower, upper);
  }

  /** The network output before saturation for {@code z = [x; reference]}, into {@code out} (nu values). */
  public void evaluate(double[] z, double[] out) {
    layers.evaluate(z, out);
  }

  @Override
  public void control(double[] x, double[] reference, double[] u) {
    int nx = stateNames.size();
    if (x.length != nx || reference.length != referenceNames.size() || u.length != inputNames.size()) {
      throw new IllegalArgumentException("control: expected state " + nx + ", reference " + referenceNames.size()
          + " and input " + inputNames.size() + " values, got " + x.length + ", " + reference.length + " and "
          + u.length);
    }
    double[] z = scratch.get();
    System.arraycopy(x, 0, z, 0, nx);
    System.arraycopy(reference, 0, z, nx, reference.length);
    layers.evaluate(z, u);
    for (int i = 0; i < u.length; i++) {
      u[i] = bounds.clamp(i, u[i]);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof NetworkPolicy)) {
      return false;
    }
    NetworkPolicy n = (NetworkPolicy) o;
    return stateNames.equals(n.stateNames) && inputNames.equals(n.inputNames)
        && referenceNames.equals(n.referenceNames) && Double.compare(dt, n.dt) == 0
        && layers.equals(n.layers) && bounds.equals(n.bounds);
  }

  @Override
  public int hashCode() {
    return layers.hashCode();
  }

  @Override
  public String toString() {
    return "NetworkPolicy[" + Arrays.toString(layers.widths()) + ", dt " + dt + " s]";
  }

  /** Builds a {@link NetworkPolicy}; arrays are copied. */
  public static final class Builder {
    private final List<String> stateNames;
    private final List<String> inputNames;
    private final List<String> referenceNames;
    private final double dt;
    private final DenseLayers.Builder layers;
    private InputBounds bounds;

    private Builder(List<String> stateNames, List<String> inputNames, List<String> referenceNames, double dt) {
      if (stateNames.isEmpty() || inputNames.isEmpty()) {
        throw new IllegalArgumentException("a policy needs at least one state and one input");
      }
      if (!(dt > 0) || Double.isInfinite(dt)) {
        throw new IllegalArgumentException("dt must be positive and finite, got " + dt);
      }
      this.stateNames = List.copyOf(stateNames);
      this.inputNames = List.copyOf(inputNames);
      this.referenceNames = List.copyOf(referenceNames);
      this.dt = dt;
      this.layers = DenseLayers.builder(this.stateNames.size() + this.referenceNames.size(), this.inputNames.size(),
          "the policy has " + this.inputNames.size() + " inputs").finiteOnly();
    }

    /** Adds a hidden layer: row-major weights, biases, one kind per neuron. */
    public Builder addHiddenLayer(double[] layerWeights, double[] layerBiases, NeuronKind[] layerKinds) {
      layers.addHiddenLayer(layerWeights, layerBiases, layerKinds);
      return this;
    }

    /** Sets the linear output layer: nu rows. */
    public Builder output(double[] layerWeights, double[] layerBiases) {
      layers.output(layerWeights, layerBiases);
      return this;
    }

    /** Saturation limits; default unbounded. */
    public Builder inputBounds(InputBounds inputBounds) {
      this.bounds = inputBounds;
      return this;
    }

    /** The layer stack being built, for {@link PolicyFile}. */
    DenseLayers.Builder layers() {
      return layers;
    }

    public NetworkPolicy build() {
      return new NetworkPolicy(this);
    }
  }
}
