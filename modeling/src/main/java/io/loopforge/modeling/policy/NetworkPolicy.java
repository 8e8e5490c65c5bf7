package io.loopforge.modeling.policy;

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
  private final int[] widths;
  private final double[][] weights;
  private final double[][] biases;
  private final NeuronKind[][] kinds;
  private final InputBounds bounds;
  private final ThreadLocal<double[][]> scratch;

  private NetworkPolicy(Builder b) {
    this.stateNames = b.stateNames;
    this.inputNames = b.inputNames;
    this.referenceNames = b.referenceNames;
    this.dt = b.dt;
    if (!b.hasOutput) {
      throw new IllegalStateException("the output layer is not set");
    }
    int layers = b.weights.size();
    this.widths = new int[layers + 1];
    this.weights = b.weights.toArray(new double[0][]);
    this.biases = b.biases.toArray(new double[0][]);
    this.kinds = b.kinds.toArray(new NeuronKind[0][]);
    widths[0] = stateNames.size() + referenceNames.size();
    for (int l = 0; l < layers; l++) {
      widths[l + 1] = biases[l].length;
    }
    this.bounds = b.bounds == null ? InputBounds.unbounded(inputNames.size()) : b.bounds;
    if (bounds.size() != inputNames.size()) {
      throw new IllegalArgumentException("bounds for " + bounds.size() + " inputs, the policy has " + inputNames.size());
    }
    int maxWidth = Arrays.stream(widths).max().orElse(1);
    this.scratch = ThreadLocal.withInitial(() -> new double[][] {new double[maxWidth], new double[maxWidth], new double[maxWidth]});
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
    return weights.length;
  }

  public int hiddenLayerCount() {
    return weights.length - 1;
  }

  /** Width of the network input, {@code nx + nr}. */
  public int inputWidth() {
    return widths[0];
  }

  /** Number of outputs of weight layer {@code layer} (the last one has {@code nu}). */
  public int width(int layer) {
    return widths[layer + 1];
  }

  /** Row-major weights of layer {@code layer}. */
  public double[] weights(int layer) {
    return weights[layer].clone();
  }

  public double[] biases(int layer) {
    return biases[layer].clone();
  }

  /** Kinds of the neurons of hidden layer {@code layer}. */
  public NeuronKind[] kinds(int layer) {
    return kinds[layer].clone();
  }

  /** The network output before saturation for {@code z = [x; reference]}, into {@code out} (nu values). */
  public void evaluate(double[] z, double[] out) {
    double[][] s = scratch.get();
    double[] a = s[0];
    double[] y = s[1];
    System.arraycopy(z, 0, a, 0, widths[0]);
    int last = weights.length - 1;
    for (int l = 0; l <= last; l++) {
      double[] w = weights[l];
      int rows = widths[l + 1];
      int cols = widths[l];
      for (int r = 0; r < rows; r++) {
        double acc = biases[l][r];
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
          a[r] = k[r] == NeuronKind.IDENTITY ? y[r] : (k[r] == NeuronKind.RELU && y[r] > 0 ? y[r] : 0.0);
        }
      }
    }
  }

  @Override
  public void control(double[] x, double[] reference, double[] u) {
    int nx = stateNames.size();
    if (x.length != nx || reference.length != referenceNames.size() || u.length != inputNames.size()) {
      throw new IllegalArgumentException("control: expected state " + nx + ", reference " + referenceNames.size()
          + " and input " + inputNames.size() + " values, got " + x.length + ", " + reference.length + " and "
          + u.length);
    }
    double[] z = scratch.get()[2];
    System.arraycopy(x, 0, z, 0, nx);
    System.arraycopy(reference, 0, z, nx, reference.length);
    evaluate(z, u);
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
        && Arrays.equals(widths, n.widths) && Arrays.deepEquals(weights, n.weights)
        && Arrays.deepEquals(biases, n.biases) && Arrays.deepEquals(kinds, n.kinds) && bounds.equals(n.bounds);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(widths) * 31 + Arrays.deepHashCode(weights);
  }

  @Override
  public String toString() {
    return "NetworkPolicy[" + Arrays.toString(widths) + ", dt " + dt + " s]";
  }

  /** Builds a {@link NetworkPolicy}; arrays are copied. */
  public static final class Builder {
    private final List<String> stateNames;
    private final List<String> inputNames;
    private final List<String> referenceNames;
    private final double dt;
    private final List<double[]> weights = new ArrayList<>();
    private final List<double[]> biases = new ArrayList<>();
    private final List<NeuronKind[]> kinds = new ArrayList<>();
    private boolean hasOutput;
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
    }

    private int currentWidth() {
      return biases.isEmpty() ? stateNames.size() + referenceNames.size() : biases.get(biases.size() - 1).length;
    }

    /** Adds a hidden layer: row-major weights, biases, one kind per neuron. */
    public Builder addHiddenLayer(double[] layerWeights, double[] layerBiases, NeuronKind[] layerKinds) {
      if (hasOutput) {
        throw new IllegalStateException("the output layer is already set");
      }
      check(layerWeights, layerBiases);
      if (layerKinds.length != layerBiases.length) {
        throw new IllegalArgumentException("hidden layer " + biases.size() + ": " + layerKinds.length
            + " kinds for " + layerBiases.length + " neurons");
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

    /** Sets the linear output layer: nu rows. */
    public Builder output(double[] layerWeights, double[] layerBiases) {
      if (hasOutput) {
        throw new IllegalStateException("the output layer is already set");
      }
      check(layerWeights, layerBiases);
      if (layerBiases.length != inputNames.size()) {
        throw new IllegalArgumentException("the output layer has " + layerBiases.length + " rows, the policy has "
            + inputNames.size() + " inputs");
      }
      weights.add(layerWeights.clone());
      biases.add(layerBiases.clone());
      hasOutput = true;
      return this;
    }

    /** Saturation limits; default unbounded. */
    public Builder inputBounds(InputBounds inputBounds) {
      this.bounds = inputBounds;
      return this;
    }

    private void check(double[] w, double[] b) {
      int cols = currentWidth();
      if (b.length == 0) {
        throw new IllegalArgumentException("layer " + biases.size() + " has no neurons");
      }
      if (w.length != b.length * cols) {
        throw new IllegalArgumentException("layer " + biases.size() + ": " + w.length + " weights, expected "
            + b.length + " × " + cols + " = " + (b.length * cols));
      }
      for (double d : w) {
        if (!Double.isFinite(d)) {
          throw new IllegalArgumentException("layer " + biases.size() + " holds a non-finite weight (" + d + ")");
        }
      }
      for (double d : b) {
        if (!Double.isFinite(d)) {
          throw new IllegalArgumentException("layer " + biases.size() + " holds a non-finite bias (" + d + ")");
        }
      }
    }

    public NetworkPolicy build() {
      return new NetworkPolicy(this);
    }
  }
}
