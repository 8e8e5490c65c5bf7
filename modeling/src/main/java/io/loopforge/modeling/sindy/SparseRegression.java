package io.loopforge.modeling.sindy;

import io.loopforge.modeling.ModelingException;
import java.util.List;

/**
 * Sparse regression of targets on a feature library outside SINDy's dynamics setting: {@code y ≈ Ξ Θ(z)}
 * for samples {@code z} (any variables, e.g. state and reference) and targets {@code y} (e.g. the inputs an
 * MPC chose), with the same optimizers (STLSQ, SR3, ensembles) and the same reduction as {@link Sindy#fit}.
 * SINDy-RL distils policies this way.
 */
public final class SparseRegression {
  private SparseRegression() {}

  /**
   * Fits {@code targets} on {@code library}.
   *
   * @param library the library bound to the sample variables (as its state names; no inputs)
   * @param z samples, n rows of {@link BoundLibrary#sampleDim()} values
   * @param y targets, n rows of m values
   * @param targetNames m names, for warnings
   * @return m × p coefficients, row i for target i, columns in {@link BoundLibrary#featureNames()} order
   * @throws ModelingException when the shapes disagree, a value is not finite, or there are fewer samples
   *     than terms
   */
  public static double[][] fit(BoundLibrary library, double[][] z, double[][] y, Optimizer optimizer,
      List<String> targetNames) {
    int n = z.length;
    int d = library.sampleDim();
    int p = library.size();
    int m = targetNames.size();
    if (y.length != n) {
      throw new ModelingException("the regression has " + n + " samples but " + y.length + " target rows");
    }
    if (n < p) {
      throw new ModelingException("the regression has " + n + " samples but the library has " + p
          + " terms; give at least as many samples as terms (more data, or a smaller library)");
    }
    double[][] zc = new double[d][n];
    double[][] yc = new double[m][n];
    for (int r = 0; r < n; r++) {
      if (z[r].length != d || y[r].length != m) {
        throw new ModelingException("sample " + r + " has " + z[r].length + " variables and " + y[r].length
            + " targets, expected " + d + " and " + m);
      }
      for (int j = 0; j < d; j++) {
        if (!Double.isFinite(z[r][j])) {
          throw new ModelingException("sample " + r + " variable " + j + " is not finite (" + z[r][j] + ")");
        }
        zc[j][r] = z[r][j];
      }
      for (int j = 0; j < m; j++) {
        if (!Double.isFinite(y[r][j])) {
          throw new ModelingException("target " + targetNames.get(j) + " of sample " + r + " is not finite (" + y[r][j] + ")");
        }
        yc[j][r] = y[r][j];
      }
    }
    Design design = new Design(n, p, m, new Columns(library, zc, yc, p, m), 1);
    if (optimizer.needsRows()) {
      design.materialize();
    }
    return optimizer.fit(design, new FitLog(targetNames));
  }

  private static final class Columns implements Design.RowSource {
    private final BoundLibrary lib;
    private final double[][] z;
    private final double[][] y;
    private final int p;
    private final int m;

    Columns(BoundLibrary lib, double[][] z, double[][] y, int p, int m) {
      this.lib = lib;
      this.z = z;
      this.y = y;
      this.p = p;
      this.m = m;
    }

    @Override
    public void fill(int start, int count, double[][] dst) {
      lib.evaluateColumns(z, start, count, dst, 0);
      for (int t = 0; t < m; t++) {
        System.arraycopy(y[t], start, dst[p + t], 0, count);
      }
    }

    @Override
    public Design.RowSource copy() {
      return new Columns(lib.library().bind(lib.stateNames(), lib.inputNames()), z, y, p, m);
    }
  }
}
