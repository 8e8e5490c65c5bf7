package io.loopforge.modeling.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.ModelingException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NetworkBoundsTest {
  /** Sampled inputs per network family (dense, folded), box corners included. */
  static final int SAMPLES = 100_000;
  static final int NETWORKS = 5;

  // ---- random networks, boxes and inputs ------------------------------------------------------

  static List<String> names(String stem, int n) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      names.add(stem + i);
    }
    return names;
  }

  static double[] uniform(SplittableRandom rng, int n, double scale) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = scale * (2 * rng.nextDouble() - 1);
    }
    return v;
  }

  /**
   * A network of 1–3 hidden layers of width 1–30 with ReLU, identity and removed neurons; biases up to
   * ±3 so that some units are stable over the boxes below. Hidden layer 1 of {@code allRemoved} has
   * only removed neurons.
   */
  static ReluNetwork network(SplittableRandom rng, boolean allRemoved) {
    int nx = 1 + rng.nextInt(4);
    int nu = rng.nextInt(4);
    int hidden = allRemoved ? 3 : 1 + rng.nextInt(3);
    ReluNetwork.Builder b = ReluNetwork.builder(names("x", nx), names("u", nu), 0.1);
    int cols = nx + nu;
    for (int l = 0; l < hidden; l++) {
      int rows = 1 + rng.nextInt(30);
      NeuronKind[] kinds = new NeuronKind[rows];
      for (int r = 0; r < rows; r++) {
        double p = rng.nextDouble();
        kinds[r] = allRemoved && l == 1 || p < 0.2 ? NeuronKind.ZERO
            : p < 0.4 ? NeuronKind.IDENTITY : NeuronKind.RELU;
      }
      b.addHiddenLayer(uniform(rng, rows * cols, 2 / Math.sqrt(cols)), uniform(rng, rows, 3 * rng.nextDouble()),
          kinds);
      cols = rows;
    }
    return b.output(uniform(rng, nx * cols, 2 / Math.sqrt(cols)), uniform(rng, nx, 0.5)).build();
  }

  /** A box per entry: center in ±3, half-width up to 2, every tenth entry a single point. */
  static double[][] box(SplittableRandom rng, int n) {
    double[][] box = new double[2][n];
    for (int i = 0; i < n; i++) {
      double c = 3 * (2 * rng.nextDouble() - 1);
      double h = rng.nextInt(10) == 0 ? 0 : 2 * rng.nextDouble();
      box[0][i] = c - h;
      box[1][i] = c + h;
    }
    return box;
  }

  /**
   * Input {@code s} of a sampling run over the box, into {@code z}: first every corner (when there are
   * at most 2¹⁰), then points whose entries are each the lower end, the upper end or uniform between.
   */
  static void sample(SplittableRandom rng, double[][] box, int s, double[] z) {
    int n = z.length;
    boolean corner = n <= 10 && s < (1 << n);
    for (int i = 0; i < n; i++) {
      double lo = box[0][i];
      double hi = box[1][i];
      if (corner) {
        z[i] = (s >> i & 1) == 0 ? lo : hi;
      } else {
        int k = rng.nextInt(4);
        z[i] = k == 0 ? lo : k == 1 ? hi : Math.min(hi, lo + (hi - lo) * rng.nextDouble());
      }
    }
  }

  /**
   * The network's own double evaluation rounds (relative ~1e-16 here); a propagation bug is off by the
   * order of the bounds. The tolerance lies between.
   */
  static double tolerance(double lo, double hi) {
    return 1e-9 * (1 + Math.max(Math.abs(lo), Math.abs(hi)));
  }

  /** Per unit of every layer: smallest and largest sampled pre-activation. */
  static final class Observed {
    final double[][] min;
    final double[][] max;

    Observed(NetworkBounds b) {
      min = new double[b.layerCount()][];
      max = new double[b.layerCount()][];
      for (int l = 0; l < b.layerCount(); l++) {
        min[l] = new double[b.width(l)];
        max[l] = new double[b.width(l)];
        java.util.Arrays.fill(min[l], Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(max[l], Double.NEGATIVE_INFINITY);
      }
    }

    void add(NetworkBounds b, int layer, int unit, double y, String where) {
      double lo = b.lower(layer, unit);
      double hi = b.upper(layer, unit);
      double tol = tolerance(lo, hi);
      if (!(y >= lo - tol && y <= hi + tol)) {
        throw new AssertionError(where + ": layer " + layer + " unit " + unit + " pre-activation " + y
            + " outside [" + lo + ", " + hi + "]");
      }
      min[layer][unit] = Math.min(min[layer][unit], y);
      max[layer][unit] = Math.max(max[layer][unit], y);
    }

    /**
     * The stability flags against the samples: a unit seen on both sides of zero is flagged neither
     * way; a flagged unit is never seen on the wrong side. Returns {unstable seen, stable flagged}.
     */
    int[] checkStability(NetworkBounds b, String where) {
      int unstableSeen = 0;
      int stable = 0;
      int active = 0;
      int inactive = 0;
      int relus = 0;
      for (int l = 0; l < b.hiddenLayerCount(); l++) {
        for (int r = 0; r < b.width(l); r++) {
          double tol = tolerance(b.lower(l, r), b.upper(l, r));
          boolean negative = min[l][r] < -tol;
          boolean positive = max[l][r] > tol;
          String unit = where + ": layer " + l + " unit " + r;
          if (negative && positive) {
            unstableSeen++;
            assertFalse(b.stablyActive(l, r) || b.stablyInactive(l, r), unit + " is unstable");
          }
          if (b.stablyActive(l, r)) {
            assertFalse(negative, unit + " flagged stably active, sampled " + min[l][r]);
          }
          if (b.stablyInactive(l, r)) {
            assertFalse(positive, unit + " flagged stably inactive, sampled " + max[l][r]);
          }
          if (b.kind(l, r) == NeuronKind.RELU) {
            relus++;
            if (b.stablyInactive(l, r)) {
              inactive++;
            } else if (b.stablyActive(l, r)) {
              active++;
            }
          }
          if (b.stablyActive(l, r) || b.stablyInactive(l, r)) {
            stable++;
          }
        }
      }
      assertEquals(relus, b.reluCount(), where);
      assertEquals(active, b.stablyActiveCount(), where);
      assertEquals(inactive, b.stablyInactiveCount(), where);
      assertEquals(relus - active - inactive, b.unstableCount(), where);
      return new int[] {unstableSeen, stable};
    }

    /** With every corner sampled, the first layer's bounds are attained (they are exact for one layer). */
    void checkFirstLayerTight(NetworkBounds b, String where) {
      for (int r = 0; r < b.width(0); r++) {
        double tol = tolerance(b.lower(0, r), b.upper(0, r));
        assertEquals(b.lower(0, r), min[0][r], tol, where + ": unit " + r + " lower bound attained");
        assertEquals(b.upper(0, r), max[0][r], tol, where + ": unit " + r + " upper bound attained");
      }
    }
  }

  // ---- dense networks -------------------------------------------------------------------------

  @Test
  void everySampledPreActivationOfDenseNetworksLiesInItsBounds() {
    SplittableRandom rng = new SplittableRandom(2024);
    int unstableSeen = 0;
    int stable = 0;
    for (int n = 0; n < NETWORKS; n++) {
      ReluNetwork net = network(rng, n == 0);
      int n0 = net.inputWidth();
      double[][] box = box(rng, n0);
      NetworkBounds b = NetworkBounds.of(net, box[0], box[1]);
      String where = "network " + n + " " + net;
      assertEquals(net.layerCount(), b.layerCount());
      int layers = net.layerCount();
      double[][] w = new double[layers][];
      double[][] bias = new double[layers][];
      NeuronKind[][] kinds = new NeuronKind[layers][];
      double[][] y = new double[layers][];
      for (int l = 0; l < layers; l++) {
        w[l] = net.weights(l);
        bias[l] = net.biases(l);
        kinds[l] = l < layers - 1 ? net.kinds(l) : null;
        y[l] = new double[net.width(l)];
        assertEquals(net.width(l), b.width(l));
      }
      double[] z = new double[n0];
      double[] a = new double[64];
      double[] next = new double[64];
      double[] out = new double[net.width(layers - 1)];
      Observed seen = new Observed(b);
      for (int s = 0; s < SAMPLES / NETWORKS; s++) {
        sample(rng, box, s, z);
        System.arraycopy(z, 0, a, 0, n0);
        int cols = n0;
        for (int l = 0; l < layers; l++) {
          int rows = bias[l].length;
          for (int r = 0; r < rows; r++) {
            double acc = bias[l][r];
            for (int c = 0; c < cols; c++) {
              acc += w[l][r * cols + c] * a[c];
            }
            y[l][r] = acc;
            seen.add(b, l, r, acc, where);
            next[r] = l == layers - 1 || kinds[l][r] == NeuronKind.IDENTITY ? acc
                : kinds[l][r] == NeuronKind.RELU && acc > 0 ? acc : 0.0;
          }
          System.arraycopy(next, 0, a, 0, rows);
          cols = rows;
        }
        // the evaluation above is the network's own (same order of operations), bit for bit
        net.evaluate(z, out);
        for (int i = 0; i < out.length; i++) {
          assertEquals(out[i], y[layers - 1][i], 0.0, where);
        }
      }
      if (n0 <= 10) {
        seen.checkFirstLayerTight(b, where);
      }
      int[] st = seen.checkStability(b, where);
      unstableSeen += st[0];
      stable += st[1];
      if (n == 0) {
        for (int r = 0; r < b.width(1); r++) {
          assertEquals(0.0, b.activationLower(1, r), 0.0);
          assertEquals(0.0, b.activationUpper(1, r), 0.0);
        }
      }
    }
    // the flags were tested both ways
    assertTrue(unstableSeen > 20 && stable > 20, unstableSeen + " units seen unstable, " + stable + " flagged stable");
  }

  @Test
  void activationBoundsFollowTheNeuronKinds() {
    ReluNetwork net = ReluNetwork.builder(List.of("x0"), List.of(), 0.1)
        .addHiddenLayer(new double[] {1, 1, 1, -1}, new double[] {0, 0, 0, -5},
            new NeuronKind[] {NeuronKind.RELU, NeuronKind.IDENTITY, NeuronKind.ZERO, NeuronKind.RELU})
        .output(new double[] {1, 1, 1, 1}, new double[] {0})
        .build();
    NetworkBounds b = NetworkBounds.of(net, new double[] {-1}, new double[] {2});
    double[][] expected = {{-1, 2, 0, 2}, {-1, 2, -1, 2}, {-1, 2, 0, 0}, {-7, -4, 0, 0}};
    for (int r = 0; r < 4; r++) {
      assertEquals(expected[r][0], b.lower(0, r), 0.0);
      assertEquals(expected[r][1], b.upper(0, r), 0.0);
      assertEquals(expected[r][2], b.activationLower(0, r), 0.0);
      assertEquals(expected[r][3], b.activationUpper(0, r), 0.0);
    }
    // output = relu + identity + 0 + 0 over x ∈ [-1, 2]: [0 + (-1), 2 + 2]
    assertEquals(-1.0, b.outputLower()[0], 0.0);
    assertEquals(4.0, b.outputUpper()[0], 0.0);
    assertTrue(b.stablyInactive(0, 3));
    assertEquals(2, b.reluCount());
    assertEquals(1, b.stablyInactiveCount());
    assertEquals(0, b.stablyActiveCount());
    assertEquals(1, b.unstableCount());
  }

  // ---- folded networks ------------------------------------------------------------------------

  @Test
  void everySampledPreActivationOfFoldedNetworksLiesInItsBounds() {
    SplittableRandom rng = new SplittableRandom(77);
    int unstableSeen = 0;
    int stable = 0;
    for (int n = 0; n < NETWORKS; n++) {
      FoldedReluNetwork net = FoldedReluNetwork.fold(network(rng, false));
      int n0 = net.offset(0);
      int k = net.reluLayerCount();
      double[][] box = box(rng, n0);
      NetworkBounds b = NetworkBounds.of(net, box[0], box[1]);
      String where = "folded network " + n + " " + net;
      assertEquals(k + 1, b.layerCount());
      double[][] w = new double[k + 1][];
      double[][] bias = new double[k + 1][];
      for (int i = 0; i < k; i++) {
        w[i] = net.weights(i);
        bias[i] = net.biases(i);
        assertEquals(net.units(i), b.width(i));
      }
      w[k] = net.outputWeights();
      bias[k] = net.outputBiases();
      double[] z = new double[n0];
      double[] v = new double[net.offset(k)];
      double[] y = new double[bias[k].length];
      double[] out = new double[bias[k].length];
      Observed seen = new Observed(b);
      for (int s = 0; s < SAMPLES / NETWORKS; s++) {
        sample(rng, box, s, z);
        System.arraycopy(z, 0, v, 0, n0);
        for (int i = 0; i <= k; i++) {
          int cols = net.offset(i);
          for (int r = 0; r < bias[i].length; r++) {
            double acc = bias[i][r];
            for (int c = 0; c < cols; c++) {
              acc += w[i][r * cols + c] * v[c];
            }
            seen.add(b, i, r, acc, where);
            if (i < k) {
              v[cols + r] = acc > 0 ? acc : 0.0;
            } else {
              y[r] = acc;
            }
          }
        }
        net.evaluate(z, out);
        for (int i = 0; i < out.length; i++) {
          assertEquals(out[i], y[i], 0.0, where);
        }
      }
      if (n0 <= 10) {
        seen.checkFirstLayerTight(b, where);
      }
      int[] st = seen.checkStability(b, where);
      unstableSeen += st[0];
      stable += st[1];
    }
    assertTrue(unstableSeen > 10 && stable > 10, unstableSeen + " units seen unstable, " + stable + " flagged stable");
  }

  @Test
  void anAffineFoldedNetworkHasOnlyOutputBounds() {
    ReluNetwork dense = ReluNetwork.builder(List.of("x0"), List.of("u0"), 0.1)
        .addHiddenLayer(new double[] {1, 1, 2, -1}, new double[] {0, 1},
            new NeuronKind[] {NeuronKind.IDENTITY, NeuronKind.ZERO})
        .output(new double[] {-2, 5}, new double[] {0.5})
        .build();
    FoldedReluNetwork folded = FoldedReluNetwork.fold(dense);
    NetworkBounds b = NetworkBounds.of(folded, new double[] {-1, 0}, new double[] {1, 0.5});
    // f = -2 (x + u) + 0.5 over x ∈ [-1, 1], u ∈ [0, 0.5]
    assertEquals(1, b.layerCount());
    assertEquals(0, b.reluCount());
    assertEquals(-2.5, b.outputLower()[0], 0.0);
    assertEquals(2.5, b.outputUpper()[0], 0.0);
  }

  // ---- exactness on one neuron ----------------------------------------------------------------

  /** x ∈ R², u ∈ R: y = w·z + b, one hidden unit, two outputs v·kind(y) + c. */
  static ReluNetwork oneNeuron(double[] w, double b, NeuronKind kind, double[] v, double[] c) {
    return ReluNetwork.builder(List.of("x0", "x1"), List.of("u0"), 0.1)
        .addHiddenLayer(w, new double[] {b}, new NeuronKind[] {kind})
        .output(v, c)
        .build();
  }

  @Test
  void boundsOfADyadicOneNeuronNetworkAreItsTrueMinimumAndMaximum() {
    double[] lo = {-1, 0.5, -2};
    double[] hi = {2, 1.5, 0.25};
    for (NeuronKind kind : NeuronKind.values()) {
      for (double bias : new double[] {0.375, 6.5, -2}) { // unstable, stably active, stably inactive
        ReluNetwork net = oneNeuron(new double[] {0.5, -1.25, 2}, bias, kind, new double[] {1.5, -0.75},
            new double[] {0.25, -1});
        NetworkBounds b = NetworkBounds.of(net, lo, hi);
        // every operation is exact: the extreme values over the corners are the true ones
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        double[] outMin = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        double[] outMax = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        double[] out = new double[2];
        for (int s = 0; s < 8; s++) {
          double[] z = {(s & 1) == 0 ? lo[0] : hi[0], (s & 2) == 0 ? lo[1] : hi[1], (s & 4) == 0 ? lo[2] : hi[2]};
          double y = bias + 0.5 * z[0] - 1.25 * z[1] + 2 * z[2];
          yMin = Math.min(yMin, y);
          yMax = Math.max(yMax, y);
          net.evaluate(z, out);
          for (int i = 0; i < 2; i++) {
            outMin[i] = Math.min(outMin[i], out[i]);
            outMax[i] = Math.max(outMax[i], out[i]);
          }
        }
        String what = kind + ", bias " + bias;
        assertEquals(yMin, b.lower(0, 0), 0.0, what);
        assertEquals(yMax, b.upper(0, 0), 0.0, what);
        assertEquals(bias - 6.375, yMin, 0.0);
        assertEquals(bias + 0.875, yMax, 0.0);
        for (int i = 0; i < 2; i++) {
          assertEquals(outMin[i], b.outputLower()[i], 0.0, what + ", output " + i);
          assertEquals(outMax[i], b.outputUpper()[i], 0.0, what + ", output " + i);
        }
        assertEquals(yMin >= 0, b.stablyActive(0, 0), what);
        assertEquals(yMax <= 0, b.stablyInactive(0, 0), what);
      }
    }
  }

  @Test
  void boundsOfRandomOneNeuronNetworksAreTheTrueExtremesRoundedOutward() {
    SplittableRandom rng = new SplittableRandom(5);
    for (int t = 0; t < 500; t++) {
      double[] w = uniform(rng, 3, Math.scalb(1.0, rng.nextInt(-20, 20)));
      double bias = Math.scalb(2 * rng.nextDouble() - 1, rng.nextInt(-20, 20));
      double[] v = uniform(rng, 2, 1.7);
      double[] c = uniform(rng, 2, 0.3);
      ReluNetwork net = oneNeuron(w, bias, NeuronKind.RELU, v, c);
      double[][] box = box(rng, 3);
      NetworkBounds b = NetworkBounds.of(net, box[0], box[1]);
      // exact extremes over the corners, in BigDecimal
      BigDecimal min = null;
      BigDecimal max = null;
      BigDecimal scale = new BigDecimal(Math.abs(bias));
      for (int s = 0; s < 8; s++) {
        BigDecimal y = new BigDecimal(bias);
        for (int i = 0; i < 3; i++) {
          BigDecimal term = new BigDecimal(w[i]).multiply(new BigDecimal(box[(s >> i) & 1][i]));
          y = y.add(term);
          scale = scale.max(term.abs());
        }
        min = min == null ? y : min.min(y);
        max = max == null ? y : max.max(y);
      }
      // four directed roundings, each at most one ulp of a partial sum (≤ 4·scale)
      BigDecimal slack = scale.multiply(BigDecimal.valueOf(16 * 0x1p-52));
      String what = "trial " + t;
      BigDecimal lo = new BigDecimal(b.lower(0, 0));
      BigDecimal hi = new BigDecimal(b.upper(0, 0));
      assertTrue(lo.compareTo(min) <= 0 && min.subtract(lo).compareTo(slack) <= 0, what + ": lower " + lo + ", min "
          + min);
      assertTrue(hi.compareTo(max) >= 0 && hi.subtract(max).compareTo(slack) <= 0, what + ": upper " + hi + ", max "
          + max);
      // outputs: v·max(0, y) + c is monotone in y, so its extremes are at the ends of [min, max]
      for (int i = 0; i < 2; i++) {
        BigDecimal atMin = new BigDecimal(v[i]).multiply(min.max(BigDecimal.ZERO)).add(new BigDecimal(c[i]));
        BigDecimal atMax = new BigDecimal(v[i]).multiply(max.max(BigDecimal.ZERO)).add(new BigDecimal(c[i]));
        BigDecimal outSlack = slack.multiply(BigDecimal.valueOf(4)).add(BigDecimal.valueOf(1e-15));
        BigDecimal oLo = new BigDecimal(b.outputLower()[i]);
        BigDecimal oHi = new BigDecimal(b.outputUpper()[i]);
        BigDecimal oMin = atMin.min(atMax);
        BigDecimal oMax = atMin.max(atMax);
        assertTrue(oLo.compareTo(oMin) <= 0 && oMin.subtract(oLo).compareTo(outSlack) <= 0, what + " output " + i);
        assertTrue(oHi.compareTo(oMax) >= 0 && oHi.subtract(oMax).compareTo(outSlack) <= 0, what + " output " + i);
      }
    }
  }

  // ---- directed rounding ----------------------------------------------------------------------

  @Test
  void productsAndSumsAreRoundedToTheNearestDoubleOutward() {
    SplittableRandom rng = new SplittableRandom(3);
    for (int t = 0; t < 30_000; t++) {
      // mostly ordinary magnitudes; one in fifty from the subnormal range to near overflow (slow in BigDecimal)
      boolean extreme = rng.nextInt(50) == 0;
      double a = Math.scalb(2 * rng.nextDouble() - 1, extreme ? rng.nextInt(-1100, 1000) : rng.nextInt(-60, 60));
      double c = Math.scalb(2 * rng.nextDouble() - 1, extreme ? rng.nextInt(-1100, 1000) : rng.nextInt(-60, 60));
      if (rng.nextInt(8) == 0) {
        c = Math.scalb((double) rng.nextInt(-64, 64), rng.nextInt(-10, 10)); // exact cases
        a = Math.scalb((double) rng.nextInt(-64, 64), rng.nextInt(-10, 10));
      }
      BigDecimal product = new BigDecimal(a).multiply(new BigDecimal(c));
      checkDirected(NetworkBounds.mulDown(a, c), NetworkBounds.mulUp(a, c), product, "product " + a + " * " + c);
      BigDecimal sum = new BigDecimal(a).add(new BigDecimal(c));
      checkDirected(NetworkBounds.addDown(a, c), NetworkBounds.addUp(a, c), sum, "sum " + a + " + " + c);
    }
    assertEquals(Double.MAX_VALUE, NetworkBounds.mulDown(1e200, 1e200), 0.0);
    assertEquals(Double.POSITIVE_INFINITY, NetworkBounds.mulUp(1e200, 1e200), 0.0);
    assertEquals(Double.MAX_VALUE, NetworkBounds.addDown(Double.MAX_VALUE, Double.MAX_VALUE), 0.0);
    assertEquals(Double.NEGATIVE_INFINITY, NetworkBounds.addDown(Double.NEGATIVE_INFINITY, 1.0), 0.0);
    assertEquals(0.1 * 3, Math.nextUp(NetworkBounds.mulDown(0.1, 3)), 0.0);
  }

  /**
   * {@code down ≤ exact ≤ up}; inside the range where the rounding error is recovered they are the
   * neighbouring doubles of the exact value (equal to it when it is a double), else at most two ulps off.
   */
  private static void checkDirected(double down, double up, BigDecimal exact, String what) {
    assertTrue(down != Double.POSITIVE_INFINITY && up != Double.NEGATIVE_INFINITY, what);
    assertTrue(down == Double.NEGATIVE_INFINITY || new BigDecimal(down).compareTo(exact) <= 0, what + ": down " + down);
    assertTrue(up == Double.POSITIVE_INFINITY || new BigDecimal(up).compareTo(exact) >= 0, what + ": up " + up);
    double nearest = exact.doubleValue();
    double m = Math.abs(nearest);
    if (m >= 0x1p-960 && m <= 0x1p1000) {
      assertTrue(new BigDecimal(Math.nextUp(down)).compareTo(exact) > 0, what + ": down is the largest below");
      assertTrue(new BigDecimal(Math.nextDown(up)).compareTo(exact) < 0, what + ": up is the smallest above");
    } else if (Double.isFinite(nearest)) {
      assertTrue(down >= Math.nextDown(Math.nextDown(nearest)) && up <= Math.nextUp(Math.nextUp(nearest)), what);
    }
  }

  // ---- bad input --------------------------------------------------------------------------------

  static ReluNetwork small() {
    return ReluNetwork.builder(List.of("x0", "x1"), List.of("u0"), 0.1)
        .addHiddenLayer(new double[] {1, 2, 3}, new double[] {0}, new NeuronKind[] {NeuronKind.RELU})
        .output(new double[] {1, 1}, new double[] {0, 0})
        .build();
  }

  private static String message(ReluNetwork net, double[] lower, double[] upper) {
    return assertThrows(ModelingException.class, () -> NetworkBounds.of(net, lower, upper)).getMessage();
  }

  @Test
  void anUnboundedInputIsRefusedWithItsName() {
    assertEquals("the network bounds need a finite input box: 'u0' (entry 2 of [x; u]) has upper bound +inf;"
            + " give finite bounds, e.g. the plant's input bounds for inputs and its operating range for states",
        message(small(), new double[] {-1, -1, -1}, new double[] {1, 1, Double.POSITIVE_INFINITY}));
    assertEquals("the network bounds need a finite input box: 'x0' (entry 0 of [x; u]) has lower bound -inf;"
            + " give finite bounds, e.g. the plant's input bounds for inputs and its operating range for states",
        message(small(), new double[] {Double.NEGATIVE_INFINITY, -1, -1}, new double[] {1, 1, 1}));
    FoldedReluNetwork folded = FoldedReluNetwork.fold(small());
    ModelingException e = assertThrows(ModelingException.class,
        () -> NetworkBounds.of(folded, new double[] {-1, -1, -1}, new double[] {1, 1, Double.POSITIVE_INFINITY}));
    assertTrue(e.getMessage().startsWith("the network bounds need a finite input box: 'u0' (entry 2 of [x; u])"
        + " has upper bound +inf"), e.getMessage());
  }

  @Test
  void aNanBoundIsRefusedWithItsName() {
    assertEquals("the network bounds need a finite input box: 'x1' (entry 1 of [x; u]) has lower bound NaN;"
            + " give finite bounds, e.g. the plant's input bounds for inputs and its operating range for states",
        message(small(), new double[] {-1, Double.NaN, -1}, new double[] {1, 1, 1}));
  }

  @Test
  void anEmptyBoxIsRefused() {
    assertEquals("the input box is empty: 'x1' (entry 1 of [x; u]) has lower bound 2.0 above its upper bound 1.0;"
            + " give lower ≤ upper for every entry",
        message(small(), new double[] {-1, 2, -1}, new double[] {1, 1, 1}));
  }

  @Test
  void aBoxOfTheWrongLengthIsRefused() {
    assertEquals("the input box has 2 lower and 2 upper bounds, but [x; u] has 3 entries [x0, x1, u0];"
            + " give one lower and one upper bound per entry, in this order",
        message(small(), new double[] {-1, -1}, new double[] {1, 1}));
    assertEquals("the input box has 3 lower and 4 upper bounds, but [x; u] has 3 entries [x0, x1, u0];"
            + " give one lower and one upper bound per entry, in this order",
        message(small(), new double[] {-1, -1, -1}, new double[] {1, 1, 1, 1}));
  }

  @Test
  void aNonFiniteWeightIsRefused() {
    ReluNetwork net = ReluNetwork.builder(List.of("x0"), List.of(), 0.1)
        .addHiddenLayer(new double[] {1, Double.NaN}, new double[] {0, 0},
            new NeuronKind[] {NeuronKind.RELU, NeuronKind.RELU})
        .output(new double[] {1, 1}, new double[] {0})
        .build();
    assertEquals("layer 0 holds a non-finite weight (NaN) at row 1, column 0; interval bounds need finite weights"
        + " and biases", message(net, new double[] {-1}, new double[] {1}));
  }
}
