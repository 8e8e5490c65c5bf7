package io.loopforge.modeling.nn;

import io.loopforge.modeling.DynamicsModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A ReLU network whose only nonlinear units are ReLUs, each layer reading everything computed before
 * it: the form a mixed-integer encoder (one binary per unit and time step) and a C generator consume.
 * {@link #fold(ReluNetwork)} turns any {@link ReluNetwork} — identity and removed neurons included —
 * into this form, computing the same function up to rounding.
 *
 * <p>Structure (also the {@code "layout": "folded"} model file, see {@link ReluNetworkFile}): one
 * growing vector {@code v}, initialised with the network input and extended by each ReLU layer:
 *
 * <pre>
 *   v = [x; u]                                              offset₀ = n₀ = nx + nu
 *   for k = 0 … K−1:  hₖ = max(0, Wₖ v[0 : offsetₖ] + bₖ);  v = [v; hₖ]
 *                      (Wₖ is unitsₖ × offsetₖ, offsetₖ₊₁ = offsetₖ + unitsₖ)
 *   f  = W_out v[0 : offset_K] + b_out                      (W_out is nx × offset_K)
 *   x⁺ = f, or x⁺ = x + f when residual
 * </pre>
 *
 * Weights are row-major. The affine "skip path" of identity neurons is in the columns of {@code v} that
 * hold {@code [x; u]} and earlier units; a layer with no ReLU left disappears. A MIP encoder needs, per
 * time step, one continuous variable and one binary per unit, and the pre-activation of unit {@code j}
 * of layer {@code k} is the linear expression row {@code j} of {@code Wₖ} over the variables before it.
 * States and inputs are in raw units, time step {@link #dt()} s. Immutable and thread-safe.
 */
public final class FoldedReluNetwork implements DynamicsModel {
  private final List<String> stateNames;
  private final List<String> inputNames;
  private final double dt;
  private final boolean residual;
  private final int[] units;
  private final int[] offsets;
  private final double[][] weights;
  private final double[][] biases;
  private final double[] outputWeights;
  private final double[] outputBiases;
  private final ThreadLocal<double[][]> scratch;

  /**
   * @param unitWeights per ReLU layer {@code k}, row-major {@code unitsₖ × offsetₖ}
   * @param unitBiases per ReLU layer, {@code unitsₖ} values (defines the unit counts; none may be empty)
   * @param outputWeights row-major {@code nx × offset_K}
   * @param outputBiases {@code nx} values
   */
  public FoldedReluNetwork(List<String> stateNames, List<String> inputNames, double dt, boolean residual,
      List<double[]> unitWeights, List<double[]> unitBiases, double[] outputWeights, double[] outputBiases) {
    if (!(dt > 0) || Double.isInfinite(dt)) {
      throw new IllegalArgumentException("dt must be positive and finite, got " + dt);
    }
    if (unitWeights.size() != unitBiases.size()) {
      throw new IllegalArgumentException(unitWeights.size() + " weight matrices for " + unitBiases.size()
          + " bias vectors");
    }
    this.stateNames = List.copyOf(stateNames);
    this.inputNames = List.copyOf(inputNames);
    this.dt = dt;
    this.residual = residual;
    int k = unitBiases.size();
    this.units = new int[k];
    this.offsets = new int[k + 1];
    this.weights = new double[k][];
    this.biases = new double[k][];
    offsets[0] = stateNames.size() + inputNames.size();
    for (int i = 0; i < k; i++) {
      units[i] = unitBiases.get(i).length;
      if (units[i] == 0) {
        throw new IllegalArgumentException("ReLU layer " + i + " has no units");
      }
      if (unitWeights.get(i).length != units[i] * offsets[i]) {
        throw new IllegalArgumentException("ReLU layer " + i + ": " + unitWeights.get(i).length
            + " weights, expected " + units[i] + " × " + offsets[i]);
      }
      weights[i] = unitWeights.get(i).clone();
      biases[i] = unitBiases.get(i).clone();
      offsets[i + 1] = offsets[i] + units[i];
    }
    int nx = stateNames.size();
    if (outputBiases.length != nx || outputWeights.length != nx * offsets[k]) {
      throw new IllegalArgumentException("output layer: " + outputBiases.length + " biases and "
          + outputWeights.length + " weights, expected " + nx + " and " + nx + " × " + offsets[k]);
    }
    this.outputWeights = outputWeights.clone();
    this.outputBiases = outputBiases.clone();
    int total = offsets[k];
    int n0 = offsets[0];
    this.scratch = ThreadLocal.withInitial(() -> new double[][] {new double[total], new double[total * n0]});
  }

  /**
   * Folds a network exactly: removed neurons are dropped, identity neurons are composed into the later
   * layers (giving skip paths), layers left without ReLUs vanish, and ReLU units that nothing reads are
   * removed. The result computes the same function as {@code net} up to floating-point rounding.
   */
  public static FoldedReluNetwork fold(ReluNetwork net) {
    int n0 = net.inputWidth();
    // Current activations as an affine function of v: a = A v + c, A is (width × off).
    int off = n0;
    double[][] a = new double[n0][];
    double[] c = new double[n0];
    for (int i = 0; i < n0; i++) {
      a[i] = new double[n0];
      a[i][i] = 1.0;
    }
    List<double[]> unitWeights = new ArrayList<>();
    List<double[]> unitBiases = new ArrayList<>();
    for (int l = 0; l < net.hiddenLayerCount(); l++) {
      double[] w = net.weights(l);
      double[] b = net.biases(l);
      NeuronKind[] kinds = net.kinds(l);
      int rows = b.length;
      int cols = a.length;
      double[][] y = new double[rows][];
      double[] d = new double[rows];
      for (int r = 0; r < rows; r++) {
        if (kinds[r] == NeuronKind.ZERO) {
          continue;
        }
        y[r] = new double[off];
        double acc = b[r];
        for (int j = 0; j < cols; j++) {
          double wj = w[r * cols + j];
          if (wj == 0.0) {
            continue;
          }
          acc += wj * c[j];
          double[] aj = a[j];
          for (int q = 0; q < aj.length; q++) {
            y[r][q] += wj * aj[q];
          }
        }
        d[r] = acc;
      }
      int relus = 0;
      for (NeuronKind k : kinds) {
        if (k == NeuronKind.RELU) {
          relus++;
        }
      }
      int newOff = off + relus;
      double[][] na = new double[rows][];
      double[] nc = new double[rows];
      if (relus > 0) {
        double[] uw = new double[relus * off];
        double[] ub = new double[relus];
        int j = 0;
        for (int r = 0; r < rows; r++) {
          if (kinds[r] == NeuronKind.RELU) {
            System.arraycopy(y[r], 0, uw, j * off, off);
            ub[j] = d[r];
            j++;
          }
        }
        unitWeights.add(uw);
        unitBiases.add(ub);
      }
      int j = 0;
      for (int r = 0; r < rows; r++) {
        na[r] = new double[newOff];
        switch (kinds[r]) {
          case RELU:
            na[r][off + j] = 1.0;
            j++;
            break;
          case IDENTITY:
            System.arraycopy(y[r], 0, na[r], 0, off);
            nc[r] = d[r];
            break;
          default:
            break;
        }
      }
      a = na;
      c = nc;
      off = newOff;
    }
    int last = net.layerCount() - 1;
    double[] w = net.weights(last);
    double[] b = net.biases(last);
    int nx = b.length;
    int cols = a.length;
    double[] ow = new double[nx * off];
    double[] ob = new double[nx];
    for (int r = 0; r < nx; r++) {
      double acc = b[r];
      for (int j = 0; j < cols; j++) {
        double wj = w[r * cols + j];
        if (wj == 0.0) {
          continue;
        }
        acc += wj * c[j];
        for (int q = 0; q < a[j].length; q++) {
          ow[r * off + q] += wj * a[j][q];
        }
      }
      ob[r] = acc;
    }
    return pruneUnread(net.stateNames(), net.inputNames(), net.dt(), net.residual(), n0, unitWeights,
        unitBiases, ow, ob);
  }

  /** Removes units whose output column is zero everywhere after them; drops emptied layers. */
  private static FoldedReluNetwork pruneUnread(List<String> stateNames, List<String> inputNames, double dt,
      boolean residual, int n0, List<double[]> unitWeights, List<double[]> unitBiases, double[] ow,
      double[] ob) {
    int k = unitBiases.size();
    int[] offs = new int[k + 1];
    offs[0] = n0;
    for (int i = 0; i < k; i++) {
      offs[i + 1] = offs[i] + unitBiases.get(i).length;
    }
    int total = offs[k];
    int nx = ob.length;
    boolean[] keep = new boolean[total];
    Arrays.fill(keep, 0, n0, true);
    // Backwards: a unit is kept when a kept reader (later unit or output) has a nonzero weight on it.
    for (int col = total - 1; col >= n0; col--) {
      boolean read = false;
      for (int r = 0; r < nx && !read; r++) {
        read = ow[r * total + col] != 0.0;
      }
      for (int i = 0; i < k && !read; i++) {
        if (offs[i] <= col) {
          continue;
        }
        int rows = unitBiases.get(i).length;
        double[] w = unitWeights.get(i);
        for (int r = 0; r < rows && !read; r++) {
          read = keep[offs[i] + r] && w[r * offs[i] + col] != 0.0;
        }
      }
      keep[col] = read;
    }
    int[] newIndex = new int[total];
    int next = 0;
    for (int col = 0; col < total; col++) {
      newIndex[col] = keep[col] ? next++ : -1;
    }
    List<double[]> nw = new ArrayList<>();
    List<double[]> nb = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      int rows = unitBiases.get(i).length;
      int kept = 0;
      for (int r = 0; r < rows; r++) {
        if (keep[offs[i] + r]) {
          kept++;
        }
      }
      if (kept == 0) {
        continue;
      }
      int newCols = countKept(keep, offs[i]);
      double[] w = unitWeights.get(i);
      double[] b = unitBiases.get(i);
      double[] cw = new double[kept * newCols];
      double[] cb = new double[kept];
      int q = 0;
      for (int r = 0; r < rows; r++) {
        if (!keep[offs[i] + r]) {
          continue;
        }
        for (int col = 0; col < offs[i]; col++) {
          if (keep[col]) {
            cw[q * newCols + newIndex[col]] = w[r * offs[i] + col];
          }
        }
        cb[q] = b[r];
        q++;
      }
      nw.add(cw);
      nb.add(cb);
    }
    int newTotal = countKept(keep, total);
    double[] cow = new double[nx * newTotal];
    for (int r = 0; r < nx; r++) {
      for (int col = 0; col < total; col++) {
        if (keep[col]) {
          cow[r * newTotal + newIndex[col]] = ow[r * total + col];
        }
      }
    }
    return new FoldedReluNetwork(stateNames, inputNames, dt, residual, nw, nb, cow, ob);
  }

  private static int countKept(boolean[] keep, int end) {
    int n = 0;
    for (int i = 0; i < end; i++) {
      if (keep[i]) {
        n++;
      }
    }
    return n;
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

  public boolean residual() {
    return residual;
  }

  /** Number of ReLU layers K (possibly 0: the network is affine). */
  public int reluLayerCount() {
    return units.length;
  }

  /** Number of units of ReLU layer {@code k}. */
  public int units(int k) {
    return units[k];
  }

  /** Columns read by ReLU layer {@code k} ({@code k = K}: by the output layer); offset₀ = nx + nu. */
  public int offset(int k) {
    return offsets[k];
  }

  /** Row-major {@code units(k) × offset(k)} weights of ReLU layer {@code k}. */
  public double[] weights(int k) {
    return weights[k].clone();
  }

  public double[] biases(int k) {
    return biases[k].clone();
  }

  /** Row-major {@code nx × offset(K)} output weights. */
  public double[] outputWeights() {
    return outputWeights.clone();
  }

  public double[] outputBiases() {
    return outputBiases.clone();
  }

  /** Total number of ReLU units: binaries per time step in a mixed-integer encoding. */
  public int reluCount() {
    return offsets[units.length] - offsets[0];
  }

  /** Number of weights and biases, zeros included. */
  public int parameterCount() {
    int n = outputWeights.length + outputBiases.length;
    for (int i = 0; i < units.length; i++) {
      n += weights[i].length + biases[i].length;
    }
    return n;
  }

  /** Number of nonzero weights and biases. */
  public int nonzeroParameterCount() {
    int n = nonzeros(outputWeights) + nonzeros(outputBiases);
    for (int i = 0; i < units.length; i++) {
      n += nonzeros(weights[i]) + nonzeros(biases[i]);
    }
    return n;
  }

  private static int nonzeros(double[] v) {
    int n = 0;
    for (double d : v) {
      if (d != 0.0) {
        n++;
      }
    }
    return n;
  }

  /** Evaluates {@code f(z)} for {@code z = [x; u]} (no residual added) into {@code out} (nx values). */
  public void evaluate(double[] z, double[] out) {
    double[] v = scratch.get()[0];
    System.arraycopy(z, 0, v, 0, offsets[0]);
    for (int k = 0; k < units.length; k++) {
      int cols = offsets[k];
      double[] w = weights[k];
      for (int r = 0; r < units[k]; r++) {
        double acc = biases[k][r];
        int o = r * cols;
        for (int c = 0; c < cols; c++) {
          acc += w[o + c] * v[c];
        }
        v[cols + r] = acc > 0 ? acc : 0.0;
      }
    }
    int cols = offsets[units.length];
    for (int r = 0; r < outputBiases.length; r++) {
      double acc = outputBiases[r];
      int o = r * cols;
      for (int c = 0; c < cols; c++) {
        acc += outputWeights[o + c] * v[c];
      }
      out[r] = acc;
    }
  }

  @Override
  public void step(double[] x, double[] u, double[] next) {
    int nx = stateNames.size();
    // evaluate copies z into its own buffer, so stage z in the Jacobian scratch
    double[] z = scratch.get()[1];
    System.arraycopy(x, 0, z, 0, nx);
    System.arraycopy(u, 0, z, nx, inputNames.size());
    evaluate(z, next);
    if (residual) {
      for (int i = 0; i < nx; i++) {
        next[i] += x[i];
      }
    }
  }

  /** Exact Jacobians from the activation pattern; at a pre-activation of exactly 0 the slope is 0. */
  @Override
  public void jacobian(double[] x, double[] u, double[][] a, double[][] b) {
    int nx = stateNames.size();
    int n0 = offsets[0];
    double[][] s = scratch.get();
    double[] v = s[0];
    double[] d = s[1]; // row q: ∂v[q]/∂z, row-major total × n0
    System.arraycopy(x, 0, v, 0, nx);
    System.arraycopy(u, 0, v, nx, inputNames.size());
    Arrays.fill(d, 0, n0 * n0, 0.0);
    for (int i = 0; i < n0; i++) {
      d[i * n0 + i] = 1.0;
    }
    for (int k = 0; k < units.length; k++) {
      int cols = offsets[k];
      double[] w = weights[k];
      for (int r = 0; r < units[k]; r++) {
        double acc = biases[k][r];
        int o = r * cols;
        for (int c = 0; c < cols; c++) {
          acc += w[o + c] * v[c];
        }
        int row = cols + r;
        v[row] = acc > 0 ? acc : 0.0;
        for (int j = 0; j < n0; j++) {
          double g = 0.0;
          if (acc > 0) {
            for (int c = 0; c < cols; c++) {
              g += w[o + c] * d[c * n0 + j];
            }
          }
          d[row * n0 + j] = g;
        }
      }
    }
    int cols = offsets[units.length];
    for (int r = 0; r < nx; r++) {
      int o = r * cols;
      for (int j = 0; j < n0; j++) {
        double g = 0.0;
        for (int c = 0; c < cols; c++) {
          g += outputWeights[o + c] * d[c * n0 + j];
        }
        if (j < nx) {
          a[r][j] = g + (residual && r == j ? 1.0 : 0.0);
        } else {
          b[r][j - nx] = g;
        }
      }
    }
  }

  @Override
  public String toString() {
    return "FoldedReluNetwork[" + offsets[0] + " inputs, ReLU layers " + Arrays.toString(units)
        + (residual ? ", residual" : "") + ", dt " + dt + " s]";
  }
}
