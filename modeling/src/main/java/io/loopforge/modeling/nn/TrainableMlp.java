package io.loopforge.modeling.nn;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The mutable working form of a {@link ReluNetwork} during training: weights in normalised units (see
 * {@link Normalization}) in one flat array, and a kind per hidden neuron. {@link MlpTrainer} updates it
 * in place; {@link #toNetwork()} exports it with the normalisation folded in, and
 * {@link #fromNetwork(ReluNetwork, Normalization)} undoes that fold to fine-tune an exported network.
 *
 * <p>Parameter layout: for each weight layer {@code l} (hidden layers, then output) its row-major
 * weights ({@code widths[l+1] × widths[l]}) at {@link #weightOffset(int)}, then its biases at
 * {@link #biasOffset(int)}.
 */
public final class TrainableMlp {
  private final List<String> stateNames;
  private final List<String> inputNames;
  private final double dt;
  private final boolean residual;
  private final Normalization normalization;
  private final int[] widths;
  private final int[] weightOffset;
  private final int[] biasOffset;
  final double[] params;
  private final NeuronKind[][] kinds;

  private TrainableMlp(List<String> stateNames, List<String> inputNames, double dt, boolean residual,
      Normalization normalization, int[] widths) {
    this.stateNames = List.copyOf(stateNames);
    this.inputNames = List.copyOf(inputNames);
    this.dt = dt;
    this.residual = residual;
    this.normalization = normalization;
    this.widths = widths.clone();
    int layers = widths.length - 1;
    this.weightOffset = new int[layers];
    this.biasOffset = new int[layers];
    long total = 0;
    for (int l = 0; l < layers; l++) {
      total += (long) widths[l] * widths[l + 1] + widths[l + 1];
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new io.loopforge.modeling.ModelingException("a network of widths " + Arrays.toString(widths) + " has "
          + total + " parameters; at most " + (Integer.MAX_VALUE - 8) + " fit in one array: use smaller layers");
    }
    int p = 0;
    for (int l = 0; l < layers; l++) {
      weightOffset[l] = p;
      p += widths[l] * widths[l + 1];
      biasOffset[l] = p;
      p += widths[l + 1];
    }
    this.params = new double[p];
    this.kinds = new NeuronKind[layers - 1][];
    for (int l = 0; l < layers - 1; l++) {
      kinds[l] = new NeuronKind[widths[l + 1]];
      Arrays.fill(kinds[l], NeuronKind.RELU);
    }
  }

  /**
   * A fresh all-ReLU network with the given hidden widths, He-uniform weights from {@code seed}, zero
   * biases, and a small output layer.
   */
  public static TrainableMlp random(List<String> stateNames, List<String> inputNames, double dt,
      int[] hidden, boolean residual, Normalization normalization, long seed) {
    int[] widths = new int[hidden.length + 2];
    widths[0] = stateNames.size() + inputNames.size();
    for (int i = 0; i < hidden.length; i++) {
      if (hidden[i] < 1) {
        throw new IllegalArgumentException("hidden layer widths must be ≥ 1, got " + Arrays.toString(hidden));
      }
      widths[i + 1] = hidden[i];
    }
    widths[hidden.length + 1] = stateNames.size();
    checkNormalization(normalization, widths);
    TrainableMlp m = new TrainableMlp(stateNames, inputNames, dt, residual, normalization, widths);
    SplittableRandom rng = new SplittableRandom(seed);
    for (int l = 0; l < widths.length - 1; l++) {
      boolean output = l == widths.length - 2;
      double limit = Math.sqrt((output ? 1.0 : 6.0) / widths[l]);
      int n = widths[l] * widths[l + 1];
      for (int i = 0; i < n; i++) {
        m.params[m.weightOffset[l] + i] = limit * (2.0 * rng.nextDouble() - 1.0);
      }
    }
    return m;
  }

  /** The working form of an exported network: {@code normalization} is unfolded from its end layers. */
  public static TrainableMlp fromNetwork(ReluNetwork net, Normalization normalization) {
    int layers = net.layerCount();
    int[] widths = new int[layers + 1];
    widths[0] = net.inputWidth();
    for (int l = 0; l < layers; l++) {
      widths[l + 1] = net.width(l);
    }
    checkNormalization(normalization, widths);
    TrainableMlp m = new TrainableMlp(net.stateNames(), net.inputNames(), net.dt(), net.residual(),
        normalization, widths);
    for (int l = 0; l < layers; l++) {
      double[] w = net.weights(l);
      double[] b = net.biases(l);
      int rows = widths[l + 1];
      int cols = widths[l];
      if (l == 0) {
        // W' = W diag(1/s) and b' = b − W' μ, so W = W' diag(s) and b = b' + W' μ
        for (int r = 0; r < rows; r++) {
          double acc = b[r];
          for (int c = 0; c < cols; c++) {
            acc += w[r * cols + c] * normalization.inputMean(c);
            w[r * cols + c] *= normalization.inputScale(c);
          }
          b[r] = acc;
        }
      }
      if (l == layers - 1) {
        for (int r = 0; r < rows; r++) {
          double s = normalization.outputScale(r);
          for (int c = 0; c < cols; c++) {
            w[r * cols + c] /= s;
          }
          b[r] = (b[r] - normalization.outputMean(r)) / s;
        }
      } else {
        m.kinds[l] = net.kinds(l);
      }
      System.arraycopy(w, 0, m.params, m.weightOffset[l], w.length);
      System.arraycopy(b, 0, m.params, m.biasOffset[l], b.length);
    }
    return m;
  }

  private static void checkNormalization(Normalization n, int[] widths) {
    if (n.inputWidth() != widths[0] || n.outputWidth() != widths[widths.length - 1]) {
      throw new IllegalArgumentException("normalisation for " + n.inputWidth() + " inputs and "
          + n.outputWidth() + " outputs, network has " + widths[0] + " and " + widths[widths.length - 1]);
    }
  }

  /** A deep copy. */
  public TrainableMlp copy() {
    TrainableMlp m = new TrainableMlp(stateNames, inputNames, dt, residual, normalization, widths);
    System.arraycopy(params, 0, m.params, 0, params.length);
    for (int l = 0; l < kinds.length; l++) {
      m.kinds[l] = kinds[l].clone();
    }
    return m;
  }

  /** Exports with the normalisation folded into the first and last layer. */
  public ReluNetwork toNetwork() {
    int layers = widths.length - 1;
    ReluNetwork.Builder b = ReluNetwork.builder(stateNames, inputNames, dt).residual(residual);
    for (int l = 0; l < layers; l++) {
      int rows = widths[l + 1];
      int cols = widths[l];
      double[] w = Arrays.copyOfRange(params, weightOffset[l], weightOffset[l] + rows * cols);
      double[] bias = Arrays.copyOfRange(params, biasOffset[l], biasOffset[l] + rows);
      if (l == 0) {
        for (int r = 0; r < rows; r++) {
          double acc = bias[r];
          for (int c = 0; c < cols; c++) {
            w[r * cols + c] /= normalization.inputScale(c);
            acc -= w[r * cols + c] * normalization.inputMean(c);
          }
          bias[r] = acc;
        }
      }
      if (l == layers - 1) {
        for (int r = 0; r < rows; r++) {
          double s = normalization.outputScale(r);
          for (int c = 0; c < cols; c++) {
            w[r * cols + c] *= s;
          }
          bias[r] = bias[r] * s + normalization.outputMean(r);
        }
        b.output(w, bias);
      } else {
        b.addHiddenLayer(w, bias, kinds[l]);
      }
    }
    return b.build();
  }

  public List<String> stateNames() {
    return stateNames;
  }

  public List<String> inputNames() {
    return inputNames;
  }

  public double dt() {
    return dt;
  }

  public boolean residual() {
    return residual;
  }

  public Normalization normalization() {
    return normalization;
  }

  /** Layer widths: input, hidden layers, output. */
  public int[] widths() {
    return widths.clone();
  }

  int width(int i) {
    return widths[i];
  }

  int layerCount() {
    return widths.length - 1;
  }

  public int hiddenLayerCount() {
    return widths.length - 2;
  }

  /** Width of hidden layer {@code layer}. */
  public int hiddenWidth(int layer) {
    return widths[layer + 1];
  }

  public int weightOffset(int layer) {
    return weightOffset[layer];
  }

  public int biasOffset(int layer) {
    return biasOffset[layer];
  }

  public int parameterCount() {
    return params.length;
  }

  /** A copy of all parameters in the layout above. */
  public double[] parameters() {
    return params.clone();
  }

  public void setParameters(double[] values) {
    if (values.length != params.length) {
      throw new IllegalArgumentException(values.length + " values for " + params.length + " parameters");
    }
    System.arraycopy(values, 0, params, 0, params.length);
  }

  public NeuronKind kind(int layer, int neuron) {
    return kinds[layer][neuron];
  }

  public void setKind(int layer, int neuron, NeuronKind kind) {
    kinds[layer][neuron] = kind;
  }

  /** Kinds of all hidden neurons, a copy. */
  public NeuronKind[][] kinds() {
    NeuronKind[][] c = new NeuronKind[kinds.length][];
    for (int l = 0; l < kinds.length; l++) {
      c[l] = kinds[l].clone();
    }
    return c;
  }

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

  public int reluCount() {
    return count(NeuronKind.RELU);
  }

  /** Euclidean norm of the incoming weights of hidden neuron ({@code layer}, {@code neuron}). */
  public double incomingNorm(int layer, int neuron) {
    int cols = widths[layer];
    int o = weightOffset[layer] + neuron * cols;
    double s = 0.0;
    for (int c = 0; c < cols; c++) {
      s += params[o + c] * params[o + c];
    }
    return Math.sqrt(s);
  }

  /** Euclidean norm of the outgoing weights of hidden neuron ({@code layer}, {@code neuron}). */
  public double outgoingNorm(int layer, int neuron) {
    int rows = widths[layer + 2];
    int cols = widths[layer + 1];
    int o = weightOffset[layer + 1];
    double s = 0.0;
    for (int r = 0; r < rows; r++) {
      double w = params[o + r * cols + neuron];
      s += w * w;
    }
    return Math.sqrt(s);
  }
}
