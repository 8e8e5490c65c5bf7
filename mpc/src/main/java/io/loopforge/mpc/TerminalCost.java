package io.loopforge.mpc;

import io.loopforge.modeling.DynamicsModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Terminal costs that make a short-horizon L1 plan pay for what its last state leaves behind.
 *
 * <p>Without one, an L1 plan of a few steps is lazy: an error that the horizon does not see grow costs
 * nothing, so the receding horizon coasts through the set-point and lets the state swing out again (on
 * {@code cartpole-walls} the exact planner bounced the pole from wall to wall). {@link #lqrTail} is the
 * standard remedy of linear-programming MPC (Bemporad, Borrelli, Morari 2002; Rawlings and Mayne, ch. 2): the
 * terminal cost is what the stage cost adds up to when an LQR gain, designed on the model linearised at the
 * set-point, takes over after the horizon.
 */
public final class TerminalCost {
  /**
   * Default: the tail is summed step by step until a step's rows have fallen below this share of the first step's,
   * then closed by a geometric series. On the cart-pole networks of {@code cartpole-walls} that is 90 rows, 1.4 %
   * below the tail summed to 10⁻⁷ on average (2.4 % at most; 310 rows at a 10⁻³ cut); the mixed-integer program
   * pays an auxiliary and two constraints per row.
   */
  public static final double DEFAULT_TOLERANCE = 0.3;

  /** Default: at most this many tail steps. */
  public static final int DEFAULT_MAX_STEPS = 200;

  private TerminalCost() {}

  /**
   * The rows P of the L1 cost of the LQR tail: with {@code A, B} the model's Jacobians at {@code (xRef, uRef)} and
   * {@code u = uRef − K (x − xRef)} the LQR gain for the weights {@code diag(q²)}, {@code diag(r²)} (the
   * quadratic cost whose level sets match the L1 weights'), {@code A_K = A − B K},
   *
   * <pre>
   *   ‖P e‖₁ = Σ_{k=0}^{N−1} ‖Q A_K^k e‖₁ + ‖R K A_K^k e‖₁      (e = x_H − x_ref)
   * </pre>
   *
   * the closed-loop L1 cost of the linearised model from {@code x_H} on, one row per state and input with a
   * non-zero weight per tail step; N is the first step whose rows are all below {@code tolerance} times the
   * largest entry of the first step's (at most {@code maxSteps}), and step N's rows, scaled by 1/(1 − ρ) with ρ the
   * spectral radius of A_K, stand for the rest (exact when the slowest mode is real and alone by then; on the
   * cart-pole networks the default cut is 1.4 % below the full tail on average, 2.4 % at most). It is exact for the
   * linearisation as the tolerance goes to 0; where the
   * LQR's inputs would leave the input box it is an estimate. {@code ‖P (A_K e)‖₁ = ‖P e‖₁ − ‖Q e‖₁ − ‖R K e‖₁}
   * up to the truncation, the decrease that makes it a Lyapunov function of the tail. For an {@link
   * MpcProblem.Norm#L1 L1} problem ({@link MpcProblem.Builder#terminalMatrix}).
   *
   * @param q L1 state weights (one per state, ≥ 0)
   * @param r L1 input weights (one per input, &gt; 0: the LQR needs them)
   * @throws MpcException when the model's linearisation cannot be stabilised, the weights are unusable or the
   *     tail has not decayed within {@code maxSteps}
   */
  public static double[][] lqrTail(DynamicsModel model, double[] xRef, double[] uRef, double[] q, double[] r,
      double tolerance, int maxSteps) {
    int nx = model.stateDim();
    int nu = model.inputDim();
    check("state weights", q, nx, false);
    check("input weights", r, nu, true);
    if (xRef.length != nx || uRef.length != nu) {
      throw new MpcException("the set-point has " + xRef.length + " states and " + uRef.length + " inputs but the"
          + " model has " + nx + " and " + nu);
    }
    if (!(tolerance > 0 && tolerance < 1) || maxSteps < 1) {
      throw new MpcException("the tail needs a tolerance in (0, 1) and at least one step, got " + tolerance + " and "
          + maxSteps);
    }
    // the LQR of the model linearised at the set-point, for the quadratic weights q², r²
    LqrDesign lqr = LqrDesign.builder(model).referenceState(xRef).referenceInput(uRef).stateWeights(squares(q))
        .inputWeights(squares(r)).build();
    DMatrixRMaj am = lqr.stateMatrix();
    DMatrixRMaj bm = lqr.inputMatrix();
    DMatrixRMaj k = new DMatrixRMaj(lqr.gain());
    double rho = lqr.closedLoopSpectralRadius();
    DMatrixRMaj ak = new DMatrixRMaj(nx, nx);
    CommonOps_DDRM.mult(bm, k, ak);
    CommonOps_DDRM.subtract(am, ak, ak);
    DMatrixRMaj power = CommonOps_DDRM.identity(nx);
    DMatrixRMaj input = new DMatrixRMaj(nu, nx);
    DMatrixRMaj next = new DMatrixRMaj(nx, nx);
    List<double[]> rows = new ArrayList<>();
    double first = -1;
    for (int step = 0; step < maxSteps; step++) {
      CommonOps_DDRM.mult(k, power, input);
      List<double[]> block = new ArrayList<>();
      double largest = 0;
      for (int i = 0; i < nx; i++) {
        if (q[i] != 0) {
          largest = Math.max(largest, addRow(block, power, i, q[i]));
        }
      }
      for (int i = 0; i < nu; i++) {
        largest = Math.max(largest, addRow(block, input, i, r[i]));
      }
      if (first < 0) {
        first = largest;
      } else if (largest < tolerance * first) {
        // the rest of the tail decays at about the closed loop's spectral radius ρ per step: Σ_j ρ^j = 1/(1 − ρ)
        for (double[] row : block) {
          for (int j = 0; j < row.length; j++) {
            row[j] /= 1 - rho;
          }
        }
        rows.addAll(block);
        return rows.toArray(new double[0][]);
      }
      rows.addAll(block);
      CommonOps_DDRM.mult(ak, power, next);
      power.setTo(next);
    }
    throw new MpcException("the LQR tail has not decayed to " + tolerance + " of its first step within " + maxSteps
        + " steps; raise the weights of the slow states or the tolerance");
  }

  /**
   * The L1 cost of the LQR tail for {@code problem}: its model, default set-point, input reference and weights
   * Q and R ({@link #DEFAULT_TOLERANCE}, {@link #DEFAULT_MAX_STEPS}); set it with {@code
   * builder.terminalMatrix(TerminalCost.lqrTail(builder.build()))}.
   *
   * @throws MpcException when the problem's norm is not L1, or as {@link #lqrTail(DynamicsModel, double[],
   *     double[], double[], double[], double, int)}
   */
  public static double[][] lqrTail(MpcProblem problem) {
    if (problem.norm() != MpcProblem.Norm.L1) {
      throw new MpcException("the LQR tail is an L1 cost, but the problem's norm is " + problem.norm());
    }
    return lqrTail(problem.model(), problem.stateReference(), problem.inputReference(), problem.stateWeights(),
        problem.inputWeights());
  }

  /** The L1 cost of the LQR tail with {@link #DEFAULT_TOLERANCE} and {@link #DEFAULT_MAX_STEPS}. */
  public static double[][] lqrTail(DynamicsModel model, double[] xRef, double[] uRef, double[] q, double[] r) {
    return lqrTail(model, xRef, uRef, q, r, DEFAULT_TOLERANCE, DEFAULT_MAX_STEPS);
  }

  /** Appends {@code w · m[i]} (w sign-free) to the block; returns its largest magnitude. */
  private static double addRow(List<double[]> block, DMatrixRMaj m, int i, double w) {
    double[] row = new double[m.numCols];
    double largest = 0;
    for (int j = 0; j < row.length; j++) {
      row[j] = w * m.get(i, j);
      largest = Math.max(largest, Math.abs(row[j]));
    }
    block.add(row);
    return largest;
  }

  private static double[] squares(double[] w) {
    double[] s = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      s[i] = w[i] * w[i];
    }
    return s;
  }

  private static void check(String what, double[] w, int n, boolean positive) {
    if (w.length != n) {
      throw new MpcException("the " + what + " have " + w.length + " values, expected " + n);
    }
    for (double v : w) {
      if (!Double.isFinite(v) || v < 0 || (positive && v == 0)) {
        throw new MpcException("the " + what + " must be finite and " + (positive ? "positive" : "non-negative")
            + ", got " + Arrays.toString(w));
      }
    }
  }
}
