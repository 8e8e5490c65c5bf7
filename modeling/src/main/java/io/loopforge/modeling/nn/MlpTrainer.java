package io.loopforge.modeling.nn;

import io.loopforge.modeling.ModelingException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link TrainableMlp} on rollout windows: each window starts at a measured state, the network
 * is rolled out over the window's {@code H} inputs on its own predictions, and the loss is the mean
 * squared error of the predicted states over all {@code H} steps, each state divided by the output scale
 * of the {@link Normalization}. Gradients are back-propagated through the rollout.
 *
 * <p>Adam (β₁ 0.9, β₂ 0.999) on shuffled minibatches, optional decoupled weight decay and L1 penalty,
 * gradient-norm clipping, halving of the learning rate on plateaus, early stopping with the best
 * parameters restored. Each minibatch is cut into two fixed halves whose gradients are computed on two
 * threads (or one after the other) and summed in a fixed order, so a seed gives the same network on any
 * machine. All work arrays are allocated once per call.
 */
public final class MlpTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(MlpTrainer.class);
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPS = 1e-8;
  private static final double MIN_RELATIVE_IMPROVEMENT = 1e-3;

  private final TrainingConfig config;

  public MlpTrainer(TrainingConfig config) {
    this.config = config;
  }

  public TrainingConfig config() {
    return config;
  }

  /** Trains with the network's own neuron kinds. */
  public TrainingResult train(TrainableMlp net, RolloutData data, TrainingListener listener) {
    return train(net, data, null, listener);
  }

  /**
   * Trains {@code net} in place; with {@code gates} non-null the activation of each hidden neuron is
   * chosen by the gates (see {@link NeuronGates}).
   *
   * @throws ModelingException when the data do not match the network or the loss becomes NaN or
   *     infinite (the message names the epoch and learning rate)
   */
  public TrainingResult train(TrainableMlp net, RolloutData data, NeuronGates gates, TrainingListener listener) {
    checkCompatible(net, data);
    long t0 = System.nanoTime();
    int nTrain = data.trainingWindows();
    int nVal = data.validationWindows();
    int p = net.parameterCount();
    double[][] cR = coefficients(net, true);
    double[][] cI = coefficients(net, false);
    Shard[] shards = {new Shard(net, data), new Shard(net, data)};
    for (Shard s : shards) {
      s.skipRemoved(gates == null);
    }
    double[] grad = new double[p];
    double[] m = new double[p];
    double[] v = new double[p];
    double[] best = net.parameters();
    double[] average = config.averaging() > 0 ? net.parameters() : null;
    double[] raw = average != null ? new double[p] : null;
    boolean[] isWeight = new boolean[p];
    for (int l = 0; l < net.layerCount(); l++) {
      Arrays.fill(isWeight, net.weightOffset(l), net.biasOffset(l), true);
    }
    double[][] gR = zerosLike(cR);
    double[][] gI = zerosLike(cI);
    int[] order = new int[nTrain];
    for (int i = 0; i < nTrain; i++) {
      order[i] = i;
    }
    SplittableRandom rng = new SplittableRandom(config.seed());
    ExecutorService pool = config.threads() > 1 ? Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "loopforge-trainer");
      t.setDaemon(true);
      return t;
    }) : null;
    double lr = config.learningRate();
    double bestLoss = Double.POSITIVE_INFINITY;
    double significantLoss = Double.POSITIVE_INFINITY;
    int bestEpoch = 0;
    int sinceSignificant = 0;
    int sincePlateau = 0;
    long step = 0;
    int epoch = 0;
    boolean stoppedEarly = false;
    try {
      for (epoch = 1; epoch <= config.maxEpochs(); epoch++) {
        for (int i = nTrain - 1; i > 0; i--) {
          int j = rng.nextInt(i + 1);
          int tmp = order[i];
          order[i] = order[j];
          order[j] = tmp;
        }
        double epochLoss = 0.0;
        for (int start = 0; start < nTrain; start += config.batchSize()) {
          int end = Math.min(nTrain, start + config.batchSize());
          if (gates != null) {
            gates.sample(cR, cI, rng);
          }
          double batchLoss = runBatch(pool, shards, order, start, end, false, true, cR, cI);
          double mean = batchLoss / (end - start);
          if (!Double.isFinite(mean)) {
            throw diverged(epoch, lr, mean);
          }
          epochLoss += batchLoss;
          Shard a = shards[0];
          Shard b = shards[1];
          double norm2 = 0.0;
          for (int i = 0; i < p; i++) {
            double g = a.grad[i] + b.grad[i];
            grad[i] = g;
            norm2 += g * g;
          }
          if (!Double.isFinite(norm2)) {
            throw diverged(epoch, lr, norm2);
          }
          if (gates != null) {
            for (int l = 0; l < gR.length; l++) {
              for (int i = 0; i < gR[l].length; i++) {
                gR[l][i] = a.gR[l][i] + b.gR[l][i];
                gI[l][i] = a.gI[l][i] + b.gI[l][i];
              }
            }
            gates.update(gR, gI, lr);
          }
          double clip = config.gradientClip() > 0 && norm2 > config.gradientClip() * config.gradientClip()
              ? config.gradientClip() / Math.sqrt(norm2) : 1.0;
          step++;
          double c1 = 1.0 - Math.pow(BETA1, step);
          double c2 = 1.0 - Math.pow(BETA2, step);
          double l1 = config.l1Penalty();
          double decay = lr * config.weightDecay();
          double[] w = net.params;
          for (int i = 0; i < p; i++) {
            double g = grad[i] * clip;
            if (isWeight[i] && l1 > 0 && w[i] != 0.0) {
              g += w[i] > 0 ? l1 : -l1;
            }
            m[i] = BETA1 * m[i] + (1 - BETA1) * g;
            v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
            double update = lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPS);
            if (isWeight[i]) {
              w[i] -= decay * w[i];
            }
            w[i] -= update;
          }
          if (average != null) {
            // the early steps weigh more, as the network moves fastest then (warm-up of the decay)
            double d = Math.min(config.averaging(), (1.0 + step) / (10.0 + step));
            for (int i = 0; i < p; i++) {
              average[i] = d * average[i] + (1 - d) * w[i];
            }
          }
        }
        epochLoss /= nTrain;
        double valLoss;
        if (gates != null) {
          gates.harden(cR, cI);
        }
        if (average != null) {
          System.arraycopy(net.params, 0, raw, 0, p);
          System.arraycopy(average, 0, net.params, 0, p);
        }
        if (nVal > 0) {
          valLoss = runBatch(pool, shards, null, 0, nVal, true, false, cR, cI) / nVal;
        } else if (average != null) {
          // the running loss was measured on the moving weights, not on the average that would be kept
          valLoss = runBatch(pool, shards, null, 0, nTrain, false, false, cR, cI) / nTrain;
        } else {
          valLoss = epochLoss;
        }
        if (!Double.isFinite(valLoss)) {
          throw diverged(epoch, lr, valLoss);
        }
        boolean improved = valLoss < bestLoss;
        if (improved) {
          bestLoss = valLoss;
          bestEpoch = epoch;
          System.arraycopy(net.params, 0, best, 0, p);
          if (gates != null) {
            gates.markBest();
          }
        }
        if (average != null) {
          System.arraycopy(raw, 0, net.params, 0, p);
        }
        if (valLoss < significantLoss * (1 - MIN_RELATIVE_IMPROVEMENT)) {
          significantLoss = valLoss;
          sinceSignificant = 0;
          sincePlateau = 0;
        } else {
          sinceSignificant++;
          sincePlateau++;
        }
        listener.onEpoch(new TrainingListener.EpochReport(epoch, config.maxEpochs(), epochLoss,
            nVal > 0 ? valLoss : Double.NaN, lr, (System.nanoTime() - t0) * 1e-9, improved));
        LOG.debug("epoch {}: training loss {}, validation loss {}, learning rate {}", epoch, epochLoss,
            valLoss, lr);
        if (sinceSignificant >= config.patience()) {
          stoppedEarly = epoch < config.maxEpochs();
          break;
        }
        if (config.plateauEpochs() > 0 && sincePlateau >= config.plateauEpochs()) {
          lr *= 0.5;
          sincePlateau = 0;
        }
      }
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
    System.arraycopy(best, 0, net.params, 0, p);
    if (gates != null) {
      gates.restoreBest();
    }
    return new TrainingResult(Math.min(epoch, config.maxEpochs()), bestEpoch, bestLoss,
        (System.nanoTime() - t0) * 1e-9, stoppedEarly);
  }

  /**
   * Mean rollout loss of {@code net} (with its own neuron kinds) over the validation windows of
   * {@code data}, or over the training windows when {@code validation} is false; the loss minimised by
   * {@link #train}.
   */
  public static double loss(TrainableMlp net, RolloutData data, boolean validation) {
    checkCompatible(net, data);
    int n = validation ? data.validationWindows() : data.trainingWindows();
    if (n == 0) {
      return Double.NaN;
    }
    Shard s = new Shard(net, data);
    s.skipRemoved(true);
    s.configure(null, 0, n, validation, false, coefficients(net, true), coefficients(net, false), 1.0);
    s.run();
    return s.loss / n;
  }

  private static void checkCompatible(TrainableMlp net, RolloutData data) {
    if (!net.stateNames().equals(data.stateNames()) || !net.inputNames().equals(data.inputNames())) {
      throw new ModelingException("the network has states " + net.stateNames() + " and inputs "
          + net.inputNames() + ", the data have states " + data.stateNames() + " and inputs "
          + data.inputNames() + "; train on data with the network's columns");
    }
    if (Math.abs(net.dt() - data.dt()) > 1e-9 * net.dt()) {
      throw new ModelingException("the network has time step " + net.dt() + " s, the data " + data.dt() + " s");
    }
  }

  private static ModelingException diverged(int epoch, double lr, double value) {
    return new ModelingException("training diverged in epoch " + epoch + ": the loss became " + value
        + " at learning rate " + lr + "; lower the learning rate (e.g. " + (lr / 10)
        + "), shorten the rollout horizon or check the data for outliers");
  }

  private double runBatch(ExecutorService pool, Shard[] shards, int[] order, int start, int end,
      boolean validation, boolean backward, double[][] cR, double[][] cI) {
    int mid = start + (end - start + 1) / 2;
    double scale = 1.0 / (end - start);
    shards[0].configure(order, start, mid, validation, backward, cR, cI, scale);
    shards[1].configure(order, mid, end, validation, backward, cR, cI, scale);
    if (pool != null && end - start > 1) {
      Future<?> f = pool.submit(shards[1]);
      shards[0].run();
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("training interrupted", e);
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof RuntimeException) {
          throw (RuntimeException) c;
        }
        throw new IllegalStateException(c);
      }
    } else {
      shards[0].run();
      shards[1].run();
    }
    return shards[0].loss + shards[1].loss;
  }

  private static double[][] coefficients(TrainableMlp net, boolean relu) {
    double[][] c = new double[net.hiddenLayerCount()][];
    for (int l = 0; l < c.length; l++) {
      c[l] = new double[net.hiddenWidth(l)];
      for (int i = 0; i < c[l].length; i++) {
        NeuronKind k = net.kind(l, i);
        c[l][i] = (relu ? k == NeuronKind.RELU : k == NeuronKind.IDENTITY) ? 1.0 : 0.0;
      }
    }
    return c;
  }

  private static double[][] zerosLike(double[][] a) {
    double[][] z = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      z[i] = new double[a[i].length];
    }
    return z;
  }

  /** Forward and backward passes over a range of windows, with its own work arrays and gradient. */
  static final class Shard implements Runnable {
    private final TrainableMlp net;
    private final RolloutData data;
    private final int horizon;
    private final int layers;
    private final int nx;
    private final int nu;
    private final int[] widths;
    private final double[][][] act;
    private final double[][][] pre;
    private final double[][] xhat;
    private double[] gA;
    private double[] gPrev;
    private final double[] gx;
    private final double[] inMean;
    private final double[] inInvScale;
    private final double[] outMean;
    private final double[] outScale;
    private final double[] outInvScale2;
    final double[] grad;
    final double[][] gR;
    final double[][] gI;
    double loss;

    private int[] order;
    private int from;
    private int to;
    private boolean validation;
    private boolean backward;
    private double[][] cR;
    private double[][] cI;
    private double scale;
    private boolean skipRemoved;

    Shard(TrainableMlp net, RolloutData data) {
      this.net = net;
      this.data = data;
      this.horizon = data.horizon();
      this.widths = net.widths();
      this.layers = widths.length - 1;
      this.nx = data.stateDim();
      this.nu = data.inputDim();
      int maxWidth = Arrays.stream(widths).max().orElse(1);
      this.act = new double[horizon][layers + 1][];
      this.pre = new double[horizon][layers][];
      for (int k = 0; k < horizon; k++) {
        for (int l = 0; l <= layers; l++) {
          act[k][l] = new double[widths[l]];
          if (l > 0 && l < layers) {
            pre[k][l] = new double[widths[l]];
          }
        }
      }
      this.xhat = new double[horizon + 1][nx];
      this.gA = new double[maxWidth];
      this.gPrev = new double[maxWidth];
      this.gx = new double[nx];
      Normalization n = net.normalization();
      this.inMean = n.inputMean();
      this.inInvScale = n.inputScale();
      for (int i = 0; i < inInvScale.length; i++) {
        inInvScale[i] = 1.0 / inInvScale[i];
      }
      this.outMean = n.outputMean();
      this.outScale = n.outputScale();
      this.outInvScale2 = new double[nx];
      for (int i = 0; i < nx; i++) {
        outInvScale2[i] = 1.0 / (outScale[i] * outScale[i]);
      }
      this.grad = new double[net.parameterCount()];
      this.gR = new double[layers - 1][];
      this.gI = new double[layers - 1][];
      for (int l = 0; l < layers - 1; l++) {
        gR[l] = new double[widths[l + 1]];
        gI[l] = new double[widths[l + 1]];
      }
    }

    /** Gates need the pre-activation of removed neurons for their gradient; fixed kinds do not. */
    void skipRemoved(boolean skip) {
      this.skipRemoved = skip;
    }

    void configure(int[] order, int from, int to, boolean validation, boolean backward, double[][] cR,
        double[][] cI, double scale) {
      this.order = order;
      this.from = from;
      this.to = to;
      this.validation = validation;
      this.backward = backward;
      this.cR = cR;
      this.cI = cI;
      this.scale = scale;
    }

    @Override
    public void run() {
      loss = 0.0;
      if (backward) {
        Arrays.fill(grad, 0.0);
        for (int l = 0; l < gR.length; l++) {
          Arrays.fill(gR[l], 0.0);
          Arrays.fill(gI[l], 0.0);
        }
      }
      for (int idx = from; idx < to; idx++) {
        int w = order == null ? idx : order[idx];
        int traj = validation ? data.validationTrajectory(w) : data.trainTrajectory(w);
        int start = validation ? data.validationStart(w) : data.trainStart(w);
        double[][] s = data.states(traj);
        double[][] u = data.inputs(traj);
        loss += forward(s, u, start) / (horizon * nx);
        if (backward) {
          backward(s, start, scale / (horizon * nx));
        }
      }
    }

    private double forward(double[][] s, double[][] u, int start) {
      double[] p = net.params;
      boolean residual = net.residual();
      System.arraycopy(s[start], 0, xhat[0], 0, nx);
      double sum = 0.0;
      for (int k = 0; k < horizon; k++) {
        double[] z = act[k][0];
        double[] xk = xhat[k];
        double[] uk = u[start + k];
        for (int i = 0; i < nx; i++) {
          z[i] = (xk[i] - inMean[i]) * inInvScale[i];
        }
        for (int j = 0; j < nu; j++) {
          z[nx + j] = (uk[j] - inMean[nx + j]) * inInvScale[nx + j];
        }
        for (int l = 1; l <= layers; l++) {
          int rows = widths[l];
          int cols = widths[l - 1];
          int wo = net.weightOffset(l - 1);
          int bo = net.biasOffset(l - 1);
          double[] prev = act[k][l - 1];
          double[] out = act[k][l];
          boolean hidden = l < layers;
          double[] y = hidden ? pre[k][l] : null;
          double[] cr = hidden ? cR[l - 1] : null;
          double[] ci = hidden ? cI[l - 1] : null;
          for (int r = 0; r < rows; r++) {
            if (hidden && skipRemoved && cr[r] == 0.0 && ci[r] == 0.0) {
              // a removed neuron: its output is 0 and, without gates, nobody needs its pre-activation
              y[r] = 0.0;
              out[r] = 0.0;
              continue;
            }
            double acc = p[bo + r];
            int o = wo + r * cols;
            for (int c = 0; c < cols; c++) {
              acc += p[o + c] * prev[c];
            }
            if (hidden) {
              y[r] = acc;
              out[r] = cr[r] * (acc > 0 ? acc : 0.0) + ci[r] * acc;
            } else {
              out[r] = acc;
            }
          }
        }
        double[] f = act[k][layers];
        double[] next = xhat[k + 1];
        double[] target = s[start + k + 1];
        for (int i = 0; i < nx; i++) {
          next[i] = (residual ? xk[i] : 0.0) + outScale[i] * f[i] + outMean[i];
          double e = next[i] - target[i];
          sum += e * e * outInvScale2[i];
        }
      }
      return sum;
    }

    private void backward(double[][] s, int start, double lossScale) {
      double[] p = net.params;
      boolean residual = net.residual();
      Arrays.fill(gx, 0.0);
      for (int k = horizon - 1; k >= 0; k--) {
        double[] next = xhat[k + 1];
        double[] target = s[start + k + 1];
        for (int i = 0; i < nx; i++) {
          gx[i] += 2.0 * (next[i] - target[i]) * outInvScale2[i] * lossScale;
          gA[i] = gx[i] * outScale[i];
        }
        for (int l = layers; l >= 1; l--) {
          int rows = widths[l];
          int cols = widths[l - 1];
          int wo = net.weightOffset(l - 1);
          int bo = net.biasOffset(l - 1);
          if (l < layers) {
            double[] y = pre[k][l];
            double[] cr = cR[l - 1];
            double[] ci = cI[l - 1];
            double[] gr = gR[l - 1];
            double[] gi = gI[l - 1];
            for (int r = 0; r < rows; r++) {
              double g = gA[r];
              double yr = y[r];
              if (yr > 0) {
                gr[r] += g * yr;
                gA[r] = g * (cr[r] + ci[r]);
              } else {
                gA[r] = g * ci[r];
              }
              gi[r] += g * yr;
            }
          }
          double[] prev = act[k][l - 1];
          boolean needInput = l > 1 || k > 0;
          if (needInput) {
            Arrays.fill(gPrev, 0, cols, 0.0);
          }
          for (int r = 0; r < rows; r++) {
            double g = gA[r];
            if (g == 0.0) {
              continue;
            }
            grad[bo + r] += g;
            int o = wo + r * cols;
            if (needInput) {
              for (int c = 0; c < cols; c++) {
                grad[o + c] += g * prev[c];
                gPrev[c] += p[o + c] * g;
              }
            } else {
              for (int c = 0; c < cols; c++) {
                grad[o + c] += g * prev[c];
              }
            }
          }
          if (needInput) {
            double[] t = gA;
            gA = gPrev;
            gPrev = t;
          }
        }
        if (k > 0) {
          for (int i = 0; i < nx; i++) {
            double fromNet = gA[i] * inInvScale[i];
            gx[i] = residual ? gx[i] + fromNet : fromNet;
          }
        }
      }
    }
  }
}
