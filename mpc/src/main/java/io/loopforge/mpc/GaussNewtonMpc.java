package io.loopforge.mpc;

import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.policy.Controller;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.policy.MpcPolicy;
import java.util.List;
import java.util.Objects;

/**
 * The on-device MPC of an {@link MpcPolicy} in double precision: the reference the generated float32
 * controller is measured against, and a {@link Controller} for host-side studies. One control step:
 *
 * <ol>
 *   <li>warm start: the inputs {@code U = (u_0 … u_{H−1})} left by the previous step, shifted by one (the
 *       last repeated); {@code u_ref} (clamped to the box) after {@link #reset()};
 *   <li>up to {@code iterations} Gauss–Newton iterations: roll the model out from the measured state with
 *       its exact Jacobians {@code A_k = ∂f/∂x}, {@code B_k = ∂f/∂u}, form the sensitivities
 *       {@code G_{k,j} = ∂x_{k+1}/∂u_j} ({@code G_{k,k} = B_k}, {@code G_{k,j} = A_k G_{k−1,j}}), the
 *       gradient {@code g} and the Gauss–Newton Hessian {@code M} of the cost in {@code U} (condensed:
 *       {@code H·nu} unknowns), then solve the box-QP {@code min ½ dᵀ M d + gᵀ d} over
 *       {@code lower ≤ U + d ≤ upper} by at most {@code qpIterations} projected-Newton steps (the inputs
 *       at a bound whose gradient points outwards are fixed, the others solved by Cholesky, the result
 *       clamped to the box), and take the full step {@code U ← U + d}; stop early when
 *       {@code max |d| ≤ tolerance};
 *   <li>apply {@code u_0}, keep U for the next step.
 * </ol>
 *
 * {@link #status()} says how the last step ended. Not thread-safe (one workspace per instance); nothing
 * is allocated per step.
 */
public final class GaussNewtonMpc implements Controller {
  /** How a control step ended. */
  public enum Status {
    /** The Gauss–Newton step fell below the tolerance within the budget. */
    CONVERGED,
    /** The iteration budget was used up first; the last iterate is applied. */
    ITERATION_LIMIT,
    /** The model gave a non-finite prediction or the Hessian was not positive definite: u_ref is applied. */
    FAILED
  }

  private final MpcPolicy policy;
  private final DynamicsModel model;
  private final int nx;
  private final int nu;
  private final int h;
  private final int n;
  private final double[] q;
  private final double[] qf;
  private final double[] r;
  private final double[] rr;
  private final double[] uref;
  private final double[] lower;
  private final double[] upper;

  // workspace
  private final double[] uSeq;
  private final double[] uLast;
  private final double[] xs;
  private final double[][][] a;
  private final double[][][] b;
  private final double[] sens;
  private final double[] grad;
  private final double[] hess;
  private final double[] chol;
  private final double[] rhs;
  private final double[] step;
  private final double[] lo;
  private final double[] hi;
  private final boolean[] free;
  private final double[] xk;
  private final double[] uk;
  private final double[] xNext;
  private final double[] plan;
  private Status status = Status.CONVERGED;
  private int iterationsUsed;

  public GaussNewtonMpc(MpcPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.model = policy.model();
    this.nx = policy.stateDim();
    this.nu = policy.inputDim();
    this.h = policy.horizon();
    this.n = h * nu;
    this.q = policy.stateWeights();
    this.qf = policy.terminalWeights();
    this.r = policy.inputWeights();
    this.rr = policy.rateWeights();
    this.uref = policy.referenceInput();
    InputBounds bounds = policy.inputBounds();
    this.lower = bounds.lower();
    this.upper = bounds.upper();
    uSeq = new double[n];
    uLast = new double[nu];
    xs = new double[(h + 1) * nx];
    a = new double[h][nx][nx];
    b = new double[h][nx][nu];
    sens = new double[h * h * nx * nu];
    grad = new double[n];
    hess = new double[n * n];
    chol = new double[n * n];
    rhs = new double[n];
    step = new double[n];
    lo = new double[n];
    hi = new double[n];
    free = new boolean[n];
    xk = new double[nx];
    uk = new double[nu];
    xNext = new double[nx];
    plan = new double[n];
    reset();
  }

  public MpcPolicy policy() {
    return policy;
  }

  @Override
  public List<String> stateNames() {
    return policy.stateNames();
  }

  @Override
  public List<String> inputNames() {
    return policy.inputNames();
  }

  @Override
  public List<String> referenceNames() {
    return policy.referenceNames();
  }

  @Override
  public double dt() {
    return policy.dt();
  }

  /** How the last control step ended. */
  public Status status() {
    return status;
  }

  /** Gauss–Newton iterations the last control step ran. */
  public int iterationsUsed() {
    return iterationsUsed;
  }

  /** The input sequence the last step planned and applied the first of, a copy: H × nu. */
  public double[][] plannedInputs() {
    double[][] out = new double[h][nu];
    for (int k = 0; k < h; k++) {
      System.arraycopy(plan, k * nu, out[k], 0, nu);
    }
    return out;
  }

  @Override
  public void reset() {
    for (int c = 0; c < nu; c++) {
      uLast[c] = Math.min(upper[c], Math.max(lower[c], uref[c]));
    }
    for (int k = 0; k < h; k++) {
      System.arraycopy(uLast, 0, uSeq, k * nu, nu);
    }
    status = Status.CONVERGED;
    iterationsUsed = 0;
  }

  @Override
  public void control(double[] x, double[] reference, double[] u) {
    if (x.length != nx || reference.length != nx || u.length != nu) {
      throw new IllegalArgumentException("control: expected state " + nx + ", reference " + nx + ", input " + nu
          + " values, got " + x.length + ", " + reference.length + ", " + u.length);
    }
    status = Status.ITERATION_LIMIT;
    iterationsUsed = 0;
    for (int it = 0; it < policy.iterations(); it++) {
      iterationsUsed = it + 1;
      if (!linearise(x) || !qp(reference)) {
        status = Status.FAILED;
        break;
      }
      double moved = 0;
      for (int m = 0; m < n; m++) {
        int c = m % nu;
        uSeq[m] = Math.min(upper[c], Math.max(lower[c], uSeq[m] + step[m]));
        moved = Math.max(moved, Math.abs(step[m]));
      }
      if (moved <= policy.tolerance()) {
        status = Status.CONVERGED;
        break;
      }
    }
    if (status == Status.FAILED) {
      reset();
      status = Status.FAILED;
    }
    System.arraycopy(uSeq, 0, plan, 0, n);
    System.arraycopy(uSeq, 0, u, 0, nu);
    System.arraycopy(uSeq, 0, uLast, 0, nu);
    System.arraycopy(uSeq, nu, uSeq, 0, n - nu);
  }

  /** Rollout from x with the Jacobians, then the sensitivities G; false when a prediction is not finite. */
  private boolean linearise(double[] x) {
    System.arraycopy(x, 0, xs, 0, nx);
    for (int k = 0; k < h; k++) {
      System.arraycopy(xs, k * nx, xk, 0, nx);
      System.arraycopy(uSeq, k * nu, uk, 0, nu);
      model.step(xk, uk, xNext);
      for (int i = 0; i < nx; i++) {
        if (!Double.isFinite(xNext[i])) {
          return false;
        }
      }
      System.arraycopy(xNext, 0, xs, (k + 1) * nx, nx);
      model.jacobian(xk, uk, a[k], b[k]);
    }
    int block = nx * nu;
    for (int k = 0; k < h; k++) {
      for (int j = 0; j <= k; j++) {
        int o = (k * h + j) * block;
        for (int i = 0; i < nx; i++) {
          for (int c = 0; c < nu; c++) {
            double s;
            if (j == k) {
              s = b[k][i][c];
            } else {
              s = 0;
              int p = ((k - 1) * h + j) * block;
              for (int l = 0; l < nx; l++) {
                s += a[k][i][l] * sens[p + l * nu + c];
              }
            }
            sens[o + i * nu + c] = s;
          }
        }
      }
    }
    return true;
  }

  /** Gradient and Gauss–Newton Hessian in U, then the box-QP for the step; false when M is not positive definite. */
  private boolean qp(double[] xref) {
    int block = nx * nu;
    for (int m = 0; m < n; m++) {
      int j = m / nu;
      int c = m % nu;
      double prev = j == 0 ? uLast[c] : uSeq[m - nu];
      double g = r[c] * (uSeq[m] - uref[c]) + rr[c] * (uSeq[m] - prev);
      if (j < h - 1) {
        g -= rr[c] * (uSeq[m + nu] - uSeq[m]);
      }
      for (int k = j; k < h; k++) {
        double[] w = k == h - 1 ? qf : q;
        int o = (k * h + j) * block;
        for (int i = 0; i < nx; i++) {
          g += sens[o + i * nu + c] * w[i] * (xs[(k + 1) * nx + i] - xref[i]);
        }
      }
      grad[m] = g;
      for (int m2 = 0; m2 <= m; m2++) {
        int j2 = m2 / nu;
        int c2 = m2 % nu;
        double s = 0;
        for (int k = j; k < h; k++) {
          double[] w = k == h - 1 ? qf : q;
          int o = (k * h + j) * block;
          int o2 = (k * h + j2) * block;
          for (int i = 0; i < nx; i++) {
            s += sens[o + i * nu + c] * w[i] * sens[o2 + i * nu + c2];
          }
        }
        if (c == c2) {
          if (j == j2) {
            s += r[c] + rr[c] * (j < h - 1 ? 2 : 1);
          } else if (j - j2 == 1) {
            s -= rr[c];
          }
        }
        hess[m * n + m2] = s;
        hess[m2 * n + m] = s;
      }
      lo[m] = lower[c] - uSeq[m];
      hi[m] = upper[c] - uSeq[m];
      step[m] = 0;
      free[m] = true;
    }
    for (int p = 0; p < policy.qpIterations(); p++) {
      boolean changed = p == 0;
      for (int m = 0; m < n; m++) {
        double gm = grad[m];
        for (int l = 0; l < n; l++) {
          gm += hess[m * n + l] * step[l];
        }
        boolean f = !(step[m] <= lo[m] && gm > 0 || step[m] >= hi[m] && gm < 0);
        changed |= f != free[m];
        free[m] = f;
      }
      if (!changed) {
        break;
      }
      for (int m = 0; m < n; m++) {
        if (free[m]) {
          double s = -grad[m];
          for (int l = 0; l < n; l++) {
            if (!free[l]) {
              s -= hess[m * n + l] * step[l];
            }
          }
          rhs[m] = s;
        } else {
          rhs[m] = step[m];
        }
        for (int l = 0; l < n; l++) {
          chol[m * n + l] = free[m] && free[l] ? hess[m * n + l] : (m == l ? 1 : 0);
        }
      }
      if (!choleskySolve()) {
        return false;
      }
      for (int m = 0; m < n; m++) {
        step[m] = Math.min(hi[m], Math.max(lo[m], rhs[m]));
      }
    }
    return true;
  }

  /** Solves chol · y = rhs in place (lower Cholesky factor over chol); false when not positive definite. */
  private boolean choleskySolve() {
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = chol[i * n + j];
        for (int l = 0; l < j; l++) {
          s -= chol[i * n + l] * chol[j * n + l];
        }
        if (i == j) {
          if (!(s > 0)) {
            return false;
          }
          chol[i * n + i] = Math.sqrt(s);
        } else {
          chol[i * n + j] = s / chol[j * n + j];
        }
      }
    }
    for (int i = 0; i < n; i++) {
      double s = rhs[i];
      for (int l = 0; l < i; l++) {
        s -= chol[i * n + l] * rhs[l];
      }
      rhs[i] = s / chol[i * n + i];
    }
    for (int i = n - 1; i >= 0; i--) {
      double s = rhs[i];
      for (int l = i + 1; l < n; l++) {
        s -= chol[l * n + i] * rhs[l];
      }
      rhs[i] = s / chol[i * n + i];
    }
    return true;
  }
}
