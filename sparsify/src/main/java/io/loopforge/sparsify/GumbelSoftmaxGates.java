package io.loopforge.sparsify;

import io.loopforge.modeling.nn.NeuronGates;
import io.loopforge.modeling.nn.NeuronKind;
import io.loopforge.modeling.nn.TrainableMlp;
import java.util.SplittableRandom;

/**
 * Learnable logits over {ReLU, identity, zero} for every hidden neuron, relaxed with the
 * straight-through Gumbel-softmax: each minibatch draws one hard choice per neuron from
 * {@code softmax((logits + Gumbel noise) / temperature)} and uses it in the forward pass, while the
 * gradient flows to the logits through the soft probabilities. Choices can be forbidden per neuron
 * (the ReLU budget forbids ReLU on all but the best neurons). Penalties: {@code identityPenalty} and
 * {@code reluPenalty} times the expected number of identity and ReLU neurons (probabilities without
 * noise). The logits have their own Adam optimiser, with one second-moment estimate shared by all logits.
 */
final class GumbelSoftmaxGates implements NeuronGates {
  static final int RELU = 0;
  static final int IDENTITY = 1;
  static final int ZERO = 2;
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;

  private final double[][][] logits;
  private final double[][][] bestLogits;
  private final boolean[][][] allowed;
  private final double[][][] probs;
  private final int[][] hard;
  private final double[][][] m;
  private final double[][][] grad;
  private double sharedV;
  private final double temperature;
  private final double learningRate;
  private final double identityPenalty;
  private final double reluPenalty;
  private long steps;
  private final double[] noisy = new double[3];
  private final double[] dp = new double[3];
  private final double[] q = new double[3];
  private final double[] g = new double[3];

  GumbelSoftmaxGates(TrainableMlp net, double initialReluLogit, double temperature, double learningRate,
      double identityPenalty, double reluPenalty) {
    int layers = net.hiddenLayerCount();
    this.logits = new double[layers][][];
    this.bestLogits = new double[layers][][];
    this.allowed = new boolean[layers][][];
    this.probs = new double[layers][][];
    this.hard = new int[layers][];
    this.m = new double[layers][][];
    this.grad = new double[layers][][];
    for (int l = 0; l < layers; l++) {
      int w = net.hiddenWidth(l);
      logits[l] = new double[w][3];
      bestLogits[l] = new double[w][3];
      allowed[l] = new boolean[w][3];
      probs[l] = new double[w][3];
      hard[l] = new int[w];
      m[l] = new double[w][3];
      grad[l] = new double[w][3];
      for (int i = 0; i < w; i++) {
        NeuronKind k = net.kind(l, i);
        // a removed neuron stays removed; an identity neuron may not become ReLU again
        allowed[l][i][RELU] = k == NeuronKind.RELU;
        allowed[l][i][IDENTITY] = k != NeuronKind.ZERO;
        allowed[l][i][ZERO] = true;
        logits[l][i][RELU] = initialReluLogit;
      }
    }
    this.temperature = temperature;
    this.learningRate = learningRate;
    this.identityPenalty = identityPenalty;
    this.reluPenalty = reluPenalty;
  }

  int layerCount() {
    return logits.length;
  }

  int width(int layer) {
    return logits[layer].length;
  }

  /** Probability of ReLU among the allowed choices, without noise. */
  double reluProbability(int layer, int neuron) {
    double[] p = new double[3];
    softmax(logits[layer][neuron], allowed[layer][neuron], 1.0, p);
    return p[RELU];
  }

  boolean reluAllowed(int layer, int neuron) {
    return allowed[layer][neuron][RELU];
  }

  void forbidRelu(int layer, int neuron) {
    allowed[layer][neuron][RELU] = false;
  }

  void forbidIdentity(int layer, int neuron) {
    allowed[layer][neuron][IDENTITY] = false;
  }

  /** The current hard choice: the allowed kind with the largest logit. */
  NeuronKind[][] hardKinds() {
    NeuronKind[][] k = new NeuronKind[logits.length][];
    for (int l = 0; l < logits.length; l++) {
      k[l] = new NeuronKind[logits[l].length];
      for (int i = 0; i < logits[l].length; i++) {
        k[l][i] = kindOf(argmax(logits[l][i], allowed[l][i]));
      }
    }
    return k;
  }

  private static NeuronKind kindOf(int choice) {
    return choice == RELU ? NeuronKind.RELU : choice == IDENTITY ? NeuronKind.IDENTITY : NeuronKind.ZERO;
  }

  private static int argmax(double[] a, boolean[] ok) {
    int best = -1;
    for (int k = 0; k < 3; k++) {
      if (ok[k] && (best < 0 || a[k] > a[best])) {
        best = k;
      }
    }
    return best;
  }

  private static void softmax(double[] s, boolean[] ok, double scale, double[] out) {
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < 3; k++) {
      if (ok[k]) {
        max = Math.max(max, s[k] * scale);
      }
    }
    double sum = 0;
    for (int k = 0; k < 3; k++) {
      out[k] = ok[k] ? Math.exp(s[k] * scale - max) : 0.0;
      sum += out[k];
    }
    for (int k = 0; k < 3; k++) {
      out[k] /= sum;
    }
  }

  @Override
  public void sample(double[][] reluCoefficients, double[][] identityCoefficients, SplittableRandom random) {
    for (int l = 0; l < logits.length; l++) {
      for (int i = 0; i < logits[l].length; i++) {
        for (int k = 0; k < 3; k++) {
          // Gumbel(0, 1) noise; 1 − U keeps the argument of log positive
          double g = -Math.log(-Math.log(1.0 - random.nextDouble()));
          noisy[k] = logits[l][i][k] + g;
        }
        softmax(noisy, allowed[l][i], 1.0 / temperature, probs[l][i]);
        int h = argmax(probs[l][i], allowed[l][i]);
        hard[l][i] = h;
        reluCoefficients[l][i] = h == RELU ? 1.0 : 0.0;
        identityCoefficients[l][i] = h == IDENTITY ? 1.0 : 0.0;
      }
    }
  }

  @Override
  public void harden(double[][] reluCoefficients, double[][] identityCoefficients) {
    for (int l = 0; l < logits.length; l++) {
      for (int i = 0; i < logits[l].length; i++) {
        int h = argmax(logits[l][i], allowed[l][i]);
        reluCoefficients[l][i] = h == RELU ? 1.0 : 0.0;
        identityCoefficients[l][i] = h == IDENTITY ? 1.0 : 0.0;
      }
    }
  }

  @Override
  public void update(double[][] reluGradient, double[][] identityGradient, double weightLearningRate) {
    steps++;
    double c1 = 1 - Math.pow(BETA1, steps);
    double c2 = 1 - Math.pow(BETA2, steps);
    for (int l = 0; l < logits.length; l++) {
      for (int i = 0; i < logits[l].length; i++) {
        double[] p = probs[l][i];
        boolean[] ok = allowed[l][i];
        // straight-through: the hard one-hot stands in for p in the forward pass
        dp[RELU] = reluGradient[l][i];
        dp[IDENTITY] = identityGradient[l][i];
        dp[ZERO] = 0.0;
        double dot = p[0] * dp[0] + p[1] * dp[1] + p[2] * dp[2];
        softmax(logits[l][i], ok, 1.0, q);
        for (int k = 0; k < 3; k++) {
          g[k] = ok[k] ? p[k] * (dp[k] - dot) / temperature : 0.0;
          // penalties on the expected kind: d q_j / d α_k = q_j (δ_jk − q_k)
          g[k] += identityPenalty * q[IDENTITY] * ((k == IDENTITY ? 1 : 0) - q[k]);
          g[k] += reluPenalty * q[RELU] * ((k == RELU ? 1 : 0) - q[k]);
        }
        for (int k = 0; k < 3; k++) {
          grad[l][i][k] = ok[k] ? g[k] : 0.0;
        }
      }
    }
    // Adam with one second moment for all logits: keeps how much more one neuron prefers a choice than
    // another (per-logit scaling would move every logit at the same speed and lose the ranking).
    double sq = 0.0;
    int count = 0;
    for (double[][] layer : grad) {
      for (double[] n : layer) {
        for (double v0 : n) {
          sq += v0 * v0;
          count++;
        }
      }
    }
    sharedV = BETA2 * sharedV + (1 - BETA2) * sq / Math.max(1, count);
    double denom = Math.sqrt(sharedV / c2) + 1e-12;
    for (int l = 0; l < logits.length; l++) {
      for (int i = 0; i < logits[l].length; i++) {
        for (int k = 0; k < 3; k++) {
          if (!allowed[l][i][k]) {
            continue;
          }
          m[l][i][k] = BETA1 * m[l][i][k] + (1 - BETA1) * grad[l][i][k];
          logits[l][i][k] -= learningRate * (m[l][i][k] / c1) / denom;
        }
      }
    }
  }

  @Override
  public void markBest() {
    for (int l = 0; l < logits.length; l++) {
      for (int i = 0; i < logits[l].length; i++) {
        System.arraycopy(logits[l][i], 0, bestLogits[l][i], 0, 3);
      }
    }
  }

  @Override
  public void restoreBest() {
    for (int l = 0; l < logits.length; l++) {
      for (int i = 0; i < logits[l].length; i++) {
        System.arraycopy(bestLogits[l][i], 0, logits[l][i], 0, 3);
      }
    }
  }
}
