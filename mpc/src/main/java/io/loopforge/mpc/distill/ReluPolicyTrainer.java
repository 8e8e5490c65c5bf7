package io.loopforge.mpc.distill;

import io.loopforge.modeling.nn.NeuronKind;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.policy.NetworkPolicy;
import io.loopforge.mpc.MpcException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fits a small ReLU network policy {@code u = sat(N([x; x_ref]))} to MPC solves by least squares (Adam on
 * minibatches, inputs standardised and targets scaled to the input box, both folded into the first and last
 * layer of the result), then optionally prunes it: the hidden neurons whose removal costs least are set to
 * {@link NeuronKind#ZERO} until {@code keep} ReLUs remain, with a short retraining after each cut. Seeded:
 * the same data and options give the same policy.
 */
public final class ReluPolicyTrainer {
  private final int[] hidden;
  private final int epochs;
  private final double learningRate;
  private final int batch;
  private final long seed;
  private final int keep;

  private ReluPolicyTrainer(Builder b) {
    this.hidden = b.hidden.clone();
    this.epochs = b.epochs;
    this.learningRate = b.learningRate;
    this.batch = b.batch;
    this.seed = b.seed;
    this.keep = b.keep;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Trains on the dataset's trainable records (status OPTIMAL).
   *
   * @param bounds the input box the policy saturates to (the MPC problem's)
   * @param dt sample interval of the policy, s
   * @throws MpcException when the dataset has fewer than 2 trainable records
   */
  public NetworkPolicy train(SolveDataset data, InputBounds bounds, double dt) {
    List<SolveRecord> rows = data.training();
    if (rows.size() < 2) {
      throw new MpcException("the dataset has " + rows.size() + " proven-optimal solves (" + data.statusCounts()
          + "); a policy needs at least 2");
    }
    int nx = data.stateNames().size();
    int nu = data.inputNames().size();
    int d = 2 * nx;
    int n = rows.size();
    double[][] z = new double[n][d];
    double[][] y = new double[n][nu];
    double[] mean = new double[d];
    double[] std = new double[d];
    double[] centre = new double[nu];
    double[] half = new double[nu];
    for (int i = 0; i < nu; i++) {
      double lo = bounds.lower(i);
      double hi = bounds.upper(i);
      boolean finite = Double.isFinite(lo) && Double.isFinite(hi) && hi > lo;
      centre[i] = finite ? 0.5 * (lo + hi) : 0;
      half[i] = finite ? 0.5 * (hi - lo) : 1;
    }
    for (int r = 0; r < n; r++) {
      SolveRecord rec = rows.get(r);
      System.arraycopy(rec.state(), 0, z[r], 0, nx);
      System.arraycopy(rec.reference(), 0, z[r], nx, nx);
      double[] u = rec.input();
      for (int i = 0; i < nu; i++) {
        y[r][i] = (u[i] - centre[i]) / half[i];
      }
      for (int j = 0; j < d; j++) {
        mean[j] += z[r][j] / n;
      }
    }
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < d; j++) {
        std[j] += (z[r][j] - mean[j]) * (z[r][j] - mean[j]) / n;
      }
    }
    for (int j = 0; j < d; j++) {
      std[j] = std[j] > 1e-24 ? Math.sqrt(std[j]) : 1;
      for (int r = 0; r < n; r++) {
        z[r][j] = (z[r][j] - mean[j]) / std[j];
      }
    }
    Mlp net = new Mlp(d, hidden, nu, new SplittableRandom(seed));
    SplittableRandom rng = new SplittableRandom(seed + 1);
    net.fit(z, y, epochs, learningRate, batch, rng);
    int relus = net.active();
    while (relus > keep) {
      net.pruneCheapest(z, y);
      relus--;
      net.fit(z, y, Math.max(1, epochs / 10), learningRate / 2, batch, rng);
    }
    return net.toPolicy(data, mean, std, centre, half, bounds, dt);
  }

  /** A plain fully connected ReLU network with Adam; weights row-major per layer. */
  private static final class Mlp {
    final int[] widths; // input, hidden…, output
    final double[][] w;
    final double[][] b;
    final boolean[][] alive;
    final double[][] gw;
    final double[][] gb;
    final double[][] mw;
    final double[][] vw;
    final double[][] mb;
    final double[][] vb;
    final double[][] act; // per layer activations for one sample
    final double[][] delta;
    long step;

    Mlp(int in, int[] hidden, int out, SplittableRandom rng) {
      widths = new int[hidden.length + 2];
      widths[0] = in;
      System.arraycopy(hidden, 0, widths, 1, hidden.length);
      widths[widths.length - 1] = out;
      int L = widths.length - 1;
      w = new double[L][];
      b = new double[L][];
      gw = new double[L][];
      gb = new double[L][];
      mw = new double[L][];
      vw = new double[L][];
      mb = new double[L][];
      vb = new double[L][];
      alive = new boolean[L][];
      act = new double[L + 1][];
      delta = new double[L + 1][];
      act[0] = new double[in];
      for (int l = 0; l < L; l++) {
        int rows = widths[l + 1];
        int cols = widths[l];
        w[l] = new double[rows * cols];
        double sd = Math.sqrt(2.0 / cols);
        for (int k = 0; k < w[l].length; k++) {
          w[l][k] = sd * gaussian(rng);
        }
        b[l] = new double[rows];
        gw[l] = new double[rows * cols];
        gb[l] = new double[rows];
        mw[l] = new double[rows * cols];
        vw[l] = new double[rows * cols];
        mb[l] = new double[rows];
        vb[l] = new double[rows];
        alive[l] = new boolean[rows];
        Arrays.fill(alive[l], true);
        act[l + 1] = new double[rows];
        delta[l + 1] = new double[rows];
      }
    }

    static double gaussian(SplittableRandom rng) {
      double u1 = rng.nextDouble();
      double u2 = rng.nextDouble();
      return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    int layers() {
      return w.length;
    }

    int active() {
      int a = 0;
      for (int l = 0; l < layers() - 1; l++) {
        for (boolean x : alive[l]) {
          a += x ? 1 : 0;
        }
      }
      return a;
    }

    void forward(double[] z) {
      System.arraycopy(z, 0, act[0], 0, z.length);
      int L = layers();
      for (int l = 0; l < L; l++) {
        int rows = widths[l + 1];
        int cols = widths[l];
        double[] a = act[l];
        double[] o = act[l + 1];
        for (int r = 0; r < rows; r++) {
          double s = b[l][r];
          int off = r * cols;
          for (int c = 0; c < cols; c++) {
            s += w[l][off + c] * a[c];
          }
          if (l < L - 1) {
            s = alive[l][r] && s > 0 ? s : 0;
          }
          o[r] = s;
        }
      }
    }

    double loss(double[][] z, double[][] y) {
      double s = 0;
      for (int r = 0; r < z.length; r++) {
        forward(z[r]);
        double[] o = act[layers()];
        for (int i = 0; i < o.length; i++) {
          s += (o[i] - y[r][i]) * (o[i] - y[r][i]);
        }
      }
      return s / z.length;
    }

    void fit(double[][] z, double[][] y, int epochs, double lr, int batch, SplittableRandom rng) {
      int n = z.length;
      int[] order = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      int L = layers();
      for (int e = 0; e < epochs; e++) {
        double rate = lr * (0.1 + 0.9 * (1 - (double) e / epochs)); // linear decay to a tenth
        for (int i = n - 1; i > 0; i--) {
          int j = rng.nextInt(i + 1);
          int t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
        for (int start = 0; start < n; start += batch) {
          int end = Math.min(n, start + batch);
          for (int l = 0; l < L; l++) {
            Arrays.fill(gw[l], 0);
            Arrays.fill(gb[l], 0);
          }
          for (int k = start; k < end; k++) {
            int r = order[k];
            forward(z[r]);
            double[] o = act[L];
            for (int i = 0; i < o.length; i++) {
              delta[L][i] = 2 * (o[i] - y[r][i]) / (end - start);
            }
            for (int l = L - 1; l >= 0; l--) {
              int rows = widths[l + 1];
              int cols = widths[l];
              double[] a = act[l];
              double[] dl = delta[l + 1];
              for (int q = 0; q < rows; q++) {
                double g = dl[q];
                if (g == 0) {
                  continue;
                }
                gb[l][q] += g;
                int off = q * cols;
                for (int c = 0; c < cols; c++) {
                  gw[l][off + c] += g * a[c];
                }
              }
              if (l > 0) {
                double[] dPrev = delta[l];
                for (int c = 0; c < cols; c++) {
                  double s = 0;
                  for (int q = 0; q < rows; q++) {
                    s += w[l][q * cols + c] * dl[q];
                  }
                  dPrev[c] = a[c] > 0 ? s : 0; // a[c] > 0 iff the ReLU was active (and alive)
                }
              }
            }
          }
          adam(rate);
        }
      }
    }

    void adam(double lr) {
      step++;
      double b1 = 0.9;
      double b2 = 0.999;
      double c1 = 1 - Math.pow(b1, step);
      double c2 = 1 - Math.pow(b2, step);
      for (int l = 0; l < layers(); l++) {
        update(w[l], gw[l], mw[l], vw[l], lr, b1, b2, c1, c2);
        update(b[l], gb[l], mb[l], vb[l], lr, b1, b2, c1, c2);
      }
    }

    static void update(double[] p, double[] g, double[] m, double[] v, double lr, double b1, double b2, double c1,
        double c2) {
      for (int k = 0; k < p.length; k++) {
        m[k] = b1 * m[k] + (1 - b1) * g[k];
        v[k] = b2 * v[k] + (1 - b2) * g[k] * g[k];
        p[k] -= lr * (m[k] / c1) / (Math.sqrt(v[k] / c2) + 1e-8);
      }
    }

    /** Removes the alive hidden neuron whose removal raises the training loss least. */
    void pruneCheapest(double[][] z, double[][] y) {
      int bestL = -1;
      int bestR = -1;
      double best = Double.POSITIVE_INFINITY;
      for (int l = 0; l < layers() - 1; l++) {
        for (int r = 0; r < alive[l].length; r++) {
          if (!alive[l][r]) {
            continue;
          }
          alive[l][r] = false;
          double loss = loss(z, y);
          alive[l][r] = true;
          if (loss < best) {
            best = loss;
            bestL = l;
            bestR = r;
          }
        }
      }
      alive[bestL][bestR] = false;
    }

    NetworkPolicy toPolicy(SolveDataset data, double[] mean, double[] std, double[] centre, double[] half,
        InputBounds bounds, double dt) {
      List<String> refs = new ArrayList<>();
      for (String s : data.stateNames()) {
        refs.add(s + "_ref");
      }
      NetworkPolicy.Builder pb = NetworkPolicy.builder(data.stateNames(), data.inputNames(), refs, dt)
          .inputBounds(bounds);
      int L = layers();
      for (int l = 0; l < L; l++) {
        int rows = widths[l + 1];
        int cols = widths[l];
        double[] wl = w[l].clone();
        double[] bl = b[l].clone();
        if (l == 0) { // fold the standardisation: W (z − mean) / std + b
          for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
              double k = w[l][r * cols + c] / std[c];
              wl[r * cols + c] = k;
              bl[r] -= k * mean[c];
            }
          }
        }
        if (l == L - 1) { // fold the target scaling: u = centre + half · out
          for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
              wl[r * cols + c] *= half[r];
            }
            bl[r] = centre[r] + half[r] * bl[r];
          }
          pb.output(wl, bl);
        } else {
          NeuronKind[] kinds = new NeuronKind[rows];
          for (int r = 0; r < rows; r++) {
            kinds[r] = alive[l][r] ? NeuronKind.RELU : NeuronKind.ZERO;
          }
          pb.addHiddenLayer(wl, bl, kinds);
        }
      }
      return pb.build();
    }
  }

  /** Options; defaults: two hidden layers of 16, 300 epochs, learning rate 3e-3, batch 32, seed 1, no pruning. */
  public static final class Builder {
    private int[] hidden = {16, 16};
    private int epochs = 300;
    private double learningRate = 3e-3;
    private int batch = 32;
    private long seed = 1;
    private int keep = Integer.MAX_VALUE;

    public Builder hidden(int... widths) {
      if (widths.length == 0) {
        throw new MpcException("the policy network needs at least one hidden layer");
      }
      for (int h : widths) {
        if (h < 1) {
          throw new MpcException("hidden layer widths must be at least 1, got " + Arrays.toString(widths));
        }
      }
      this.hidden = widths.clone();
      return this;
    }

    public Builder epochs(int n) {
      if (n < 1) {
        throw new MpcException("epochs must be at least 1, got " + n);
      }
      this.epochs = n;
      return this;
    }

    public Builder learningRate(double lr) {
      if (!(lr > 0) || Double.isInfinite(lr)) {
        throw new MpcException("the learning rate must be positive, got " + lr);
      }
      this.learningRate = lr;
      return this;
    }

    public Builder batch(int n) {
      if (n < 1) {
        throw new MpcException("the batch size must be at least 1, got " + n);
      }
      this.batch = n;
      return this;
    }

    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /** Prune to this many ReLUs (default: keep all). */
    public Builder keepRelus(int n) {
      if (n < 1) {
        throw new MpcException("a pruned policy keeps at least one ReLU, got " + n);
      }
      this.keep = n;
      return this;
    }

    public ReluPolicyTrainer build() {
      return new ReluPolicyTrainer(this);
    }
  }
}
