package io.loopforge.modeling.plant;

/** Central-difference Jacobians of a plant; see {@link Plant#jacobian}. */
final class FiniteDifferences {
  private static final double CBRT_EPS = Math.cbrt(Math.ulp(1.0));

  private FiniteDifferences() {}

  static void jacobian(Plant plant, double[] x, double[] u, double[][] a, double[][] b) {
    int nx = x.length;
    int nu = u.length;
    double[] xp = x.clone();
    double[] up = u.clone();
    double[] fPlus = new double[nx];
    double[] fMinus = new double[nx];
    for (int j = 0; j < nx; j++) {
      double h = step(x[j]);
      xp[j] = x[j] + h;
      double hPlus = xp[j] - x[j];
      plant.derivative(xp, u, fPlus);
      xp[j] = x[j] - h;
      double hMinus = x[j] - xp[j];
      plant.derivative(xp, u, fMinus);
      xp[j] = x[j];
      for (int i = 0; i < nx; i++) {
        a[i][j] = (fPlus[i] - fMinus[i]) / (hPlus + hMinus);
      }
    }
    for (int j = 0; j < nu; j++) {
      double h = step(u[j]);
      up[j] = u[j] + h;
      double hPlus = up[j] - u[j];
      plant.derivative(x, up, fPlus);
      up[j] = u[j] - h;
      double hMinus = u[j] - up[j];
      plant.derivative(x, up, fMinus);
      up[j] = u[j];
      for (int i = 0; i < nx; i++) {
        b[i][j] = (fPlus[i] - fMinus[i]) / (hPlus + hMinus);
      }
    }
  }

  private static double step(double v) {
    return CBRT_EPS * Math.max(1.0, Math.abs(v));
  }
}
