package io.loopforge.modeling.sindy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/**
 * PySINDy's {@code FiniteDifference(order, d=1, drop_endpoints=False, periodic=False)}.
 *
 * <p>Interior: the centred stencil of {@code order + 1} points (for odd orders shifted one point to
 * the right), its weights solved from the Vandermonde system of the offsets as PySINDy does, and
 * accumulated in stencil order. Ends: {@code (order+1)/2 - …} points at each end (those the interior
 * stencil cannot reach) use the one-sided stencil of the first (last) {@code order + 1} samples,
 * evaluated at each end point. With sample times instead of a step, every point gets its own weights.
 */
final class FiniteDifference extends Differentiation {
  final int order;
  private final int nStencil; // interior stencil width
  private final int half; // (nStencil - 1) / 2: interior points start here
  private final int nForward; // one-sided stencil width
  private final int rightLen; // points at the right end that use the one-sided stencil

  FiniteDifference(int order) {
    if (order < 1 || order > 4) {
      throw new IllegalArgumentException("finite-difference order must be 1, 2, 3 or 4, got " + order);
    }
    this.order = order;
    this.nStencil = order + 1;
    this.half = (nStencil - 1) / 2;
    this.nForward = 1 + order;
    this.rightLen = order % 2 == 0 ? half : half + 1;
  }

  @Override
  public int minSamples() {
    return nForward;
  }

  @Override
  public ObjectNode toSpec() {
    ObjectNode o = object("finite_difference");
    o.put("order", order);
    return o;
  }

  @Override
  String describe() {
    return "finite differences of order " + order;
  }

  @Override
  void apply(double[][] x, int n, double dt, double[] t, double[][] dx, double[][] smoothed, String where) {
    checkSamples(n, where);
    for (int j = 0; j < x.length; j++) {
      differentiate(x[j], n, dt, t, dx[j]);
    }
  }

  /** Weights of the stencil at offsets {@code offsets} (in time units) for the first derivative. */
  static double[] weights(double[] offsets) {
    int m = offsets.length;
    double[][] a = new double[m][m];
    for (int p = 0; p < m; p++) {
      for (int s = 0; s < m; s++) {
        a[p][s] = p == 0 ? 1.0 : Math.pow(offsets[s], p);
      }
    }
    double[] b = new double[m];
    b[1] = 1.0; // d! for d = 1
    double[] w;
    try {
      w = SmallLinalg.solve(a, b);
    } catch (IllegalStateException e) {
      w = null;
    }
    if (w == null || Arrays.stream(w).anyMatch(v -> !Double.isFinite(v))) {
      throw new io.loopforge.modeling.ModelingException("the finite-difference stencil at the sample offsets "
          + Arrays.toString(offsets) + " s cannot be solved in double precision (its powers of the offsets"
          + " underflow or overflow): the sample interval is far too small or too large; give dt in seconds, as"
          + " the time column has it");
    }
    return w;
  }

  /** Differentiates one column {@code x[0 … n-1]} into {@code dx}. */
  void differentiate(double[] x, int n, double dt, double[] t, double[] dx) {
    int interior = n - (nStencil - 1);
    if (t == null) {
      double[] off = new double[nStencil];
      for (int s = 0; s < nStencil; s++) {
        off[s] = dt * (s - half);
      }
      double[] c = weights(off);
      // points half … half + interior - 1; accumulate over the stencil in order, skipping zero
      // weights, as PySINDy's uniform-grid loop does
      boolean first = true;
      for (int s = 0; s < nStencil; s++) {
        double cs = c[s];
        if (!(Math.abs(cs) > 0)) {
          continue;
        }
        if (first) {
          for (int k = 0; k < interior; k++) {
            dx[half + k] = 0.0 + x[s + k] * cs;
          }
          first = false;
        } else {
          for (int k = 0; k < interior; k++) {
            dx[half + k] += x[s + k] * cs;
          }
        }
      }
    } else {
      double[] off = new double[nStencil];
      for (int k = 0; k < interior; k++) {
        int pos = k + half;
        for (int s = 0; s < nStencil; s++) {
          off[s] = t[k + s] - t[pos];
        }
        double[] c = weights(off);
        double acc = 0.0;
        for (int s = 0; s < nStencil; s++) {
          acc += x[k + s] * c[s];
        }
        dx[pos] = acc;
      }
    }
    // left end: points 0 … half-1, stencil samples 0 … nForward-1
    double[] off = new double[nForward];
    for (int b = 0; b < half; b++) {
      for (int s = 0; s < nForward; s++) {
        off[s] = t == null ? dt * (s - b) : t[s] - t[b];
      }
      double[] c = weights(off);
      double acc = 0.0;
      for (int s = 0; s < nForward; s++) {
        acc += x[s] * c[s];
      }
      dx[b] = acc;
    }
    // right end: points n-rightLen … n-1, stencil samples n-1, n-2, …, n-nForward (in that order)
    for (int r = 0; r < rightLen; r++) {
      int pos = n - rightLen + r;
      for (int s = 0; s < nForward; s++) {
        int idx = n - 1 - s;
        off[s] = t == null ? dt * (idx - pos) : t[idx] - t[pos];
      }
      double[] c = weights(off);
      double acc = 0.0;
      for (int s = 0; s < nForward; s++) {
        acc += x[n - 1 - s] * c[s];
      }
      dx[pos] = acc;
    }
  }
}
