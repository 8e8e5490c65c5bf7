package io.loopforge.codegen;

import io.loopforge.modeling.DynamicsModel;
import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.policy.MpcPolicy;
import io.loopforge.modeling.sindy.SindyModel;
import java.util.List;

/**
 * The kernel of an on-device MPC controller ({@link MpcPolicy}): the model in float32 with its exact
 * Jacobians propagated through its integrator, and the Gauss–Newton iteration of
 * {@code io.loopforge.mpc.GaussNewtonMpc} (condensed sensitivities, projected-Newton box-QP solved by
 * LDLᵀ, full steps, early stop below the tolerance) with a fixed budget. Stateful: the workspace holds the
 * shifted previous plan (the warm start), the previous input, the status and all solver arrays, so the
 * controller needs no other memory than the caller's workspace and a few hundred bytes of stack.
 */
final class MpcKernels {
  static final int STATUS_CONVERGED = 0;
  static final int STATUS_ITERATION_LIMIT = 1;
  static final int STATUS_FAILED = 2;
  /** What status(ws) returns: the header's STATUS_* macros and the contract's status codes. */
  private static final List<ControllerContract.StatusCode> STATUS_CODES = List.of(
      new ControllerContract.StatusCode("CONVERGED", STATUS_CONVERGED,
          "the plan moved by at most TOLERANCE in the last iteration"),
      new ControllerContract.StatusCode("ITERATION_LIMIT", STATUS_ITERATION_LIMIT, "the iteration budget was used up"),
      new ControllerContract.StatusCode("FAILED", STATUS_FAILED,
          "non-finite prediction or singular Hessian; u_ref applied, warm start reset"));

  private MpcKernels() {}

  static Kernel mpc(MpcPolicy p, CodegenOptions o) {
    DynamicsModel model = p.model();
    FoldedReluNetwork net = model instanceof ReluNetwork ? FoldedReluNetwork.fold((ReluNetwork) model)
        : model instanceof FoldedReluNetwork ? (FoldedReluNetwork) model : null;
    if (net == null && !(model instanceof SindyModel)) {
      throw new CodegenException("the generated MPC needs a SINDy model or a ReLU network, not a "
          + model.getClass().getSimpleName());
    }
    SindyModel m = net == null ? (SindyModel) model : null;
    InputBounds bounds = p.inputBounds();
    for (int c = 0; c < bounds.size(); c++) {
      if (Double.isInfinite(bounds.lower(c)) || Double.isInfinite(bounds.upper(c))) {
        throw new CodegenException("the generated MPC needs finite input bounds; input " + p.inputNames().get(c)
            + " has [" + bounds.lower(c) + ", " + bounds.upper(c) + "] (design it with a plant or give the bounds)");
      }
    }
    int nx = p.stateDim();
    int nu = p.inputDim();
    int h = p.horizon();
    int n = h * nu;
    boolean continuous = m != null && !m.discreteTime();
    Kernel k = new Kernel("on-device MPC (Gauss-Newton) on " + (net != null ? "a folded ReLU network"
        : "a SINDy model (" + (continuous ? "continuous" : "discrete") + " time)"));
    k.describe("min 1/2 sum_k (x_k - x_ref)' Q (x_k - x_ref) [Q_H at k = H] + (u_k - u_ref)' R (u_k - u_ref)"
        + " + (u_k - u_{k-1})' R_rate (u_k - u_{k-1})");
    k.describe("over u_0 .. u_{H-1} in the input box; horizon H = " + h + ", dt = " + p.dt() + " s; at most "
        + p.iterations() + " Gauss-Newton iteration(s) of at most " + p.qpIterations() + " box-QP step(s) each");
    if (net != null) {
      k.describe("model: " + net + ", " + net.reluCount() + " ReLUs; Jacobians from the activation pattern"
          + " (slope 0 at a pre-activation of exactly 0)");
    } else {
      k.describe("model:");
      for (String line : m.printLines()) {
        k.describe("  " + line);
      }
      k.describe(continuous ? "stepped by " + m.substeps() + " RK4 substep(s), sensitivities through every stage"
          : "discrete time: x[k+1] = Xi Theta(x[k], u[k])");
    }
    k.describe("input box: " + AffineKernels.describeBounds(bounds, p.inputNames()));
    k.define("NX", nx, "state dimension");
    k.define("NU", nu, "input dimension");
    k.define("NR", nx, "reference length (the target state)");
    k.define("NZ", nx + nu, "model arguments z = [x, u]");
    k.define("HORIZON", h, "prediction horizon, steps");
    k.define("NVAR", n, "unknowns of the plan, HORIZON * NU");
    k.define("ITERATIONS", p.iterations(), "Gauss-Newton iterations per control step, at most");
    k.define("QP_ITERATIONS", p.qpIterations(), "projected-Newton steps of the box-QP per iteration, at most");
    if (continuous) {
      k.define("SUBSTEPS", m.substeps(), "RK4 substeps per model step");
    }
    ControllerContract.Builder contract = ControllerContract.builder(o.prefix()).stateNames(p.stateNames())
        .inputNames(p.inputNames()).referenceNames(p.referenceNames()).dt(p.dt()).inputBounds(bounds).stateful(true)
        .statusFunction(o.prefix() + "_status");
    for (ControllerContract.StatusCode c : STATUS_CODES) {
      k.define("STATUS_" + c.name(), c.value(), "status: " + c.meaning());
      contract.statusCode(c.name(), c.value(), c.meaning());
    }
    k.defineInterface(contract.build());
    k.defines.add(new Kernel.Define("TOLERANCE", FloatLiteral.toFloat(p.tolerance(), "tolerance"), null,
        "convergence: largest change of an input in an iteration"));
    k.addFiniteHelper();

    k.floats("Q", NetworkKernels.toFloats(p.stateWeights(), "state weight"), "state weights, diagonal of Q");
    k.floats("QF", NetworkKernels.toFloats(p.terminalWeights(), "terminal weight"), "terminal weights, diagonal of Q_H");
    k.floats("R", NetworkKernels.toFloats(p.inputWeights(), "input weight"), "input weights, diagonal of R");
    k.floats("RR", NetworkKernels.toFloats(p.rateWeights(), "rate weight"), "input-rate weights, diagonal of R_rate");
    k.floats("UREF", NetworkKernels.toFloats(p.referenceInput(), "input reference"), "reference input u_ref");
    float[] lo = new float[nu];
    float[] hi = new float[nu];
    float[] start = new float[nu];
    double[] uref = p.referenceInput();
    for (int c = 0; c < nu; c++) {
      lo[c] = AffineKernels.lower(bounds.lower(c));
      hi[c] = AffineKernels.upper(bounds.upper(c));
      float r = FloatLiteral.toFloat(uref[c], "input reference");
      start[c] = r < lo[c] ? lo[c] : (r > hi[c] ? hi[c] : r);
    }
    k.floats("ULO", lo, "lower input limits");
    k.floats("UHI", hi, "upper input limits");
    k.floats("USTART", start, "the plan after init and after a failure: u_ref clamped to the limits");

    k.workspaceField("u", "float", n, "the plan u_0 .. u_{H-1}, shifted after each step (the warm start)");
    k.workspaceField("u_last", "float", nu, "the input applied at the previous step");
    k.workspaceField("xs", "float", (h + 1) * nx, "predicted states x_0 .. x_H");
    k.workspaceField("jx", "float", h * nx * nx, "d x_{k+1} / d x_k per step, row-major");
    k.workspaceField("ju", "float", h * nx * nu, "d x_{k+1} / d u_k per step, row-major");
    k.workspaceField("sens", "float", h * h * nx * nu, "d x_{k+1} / d u_j at [(k * HORIZON + j) * NX * NU], j <= k");
    k.workspaceField("grad", "float", n, "gradient of the cost in the plan");
    k.workspaceField("hess", "float", n * n, "Gauss-Newton Hessian of the cost in the plan");
    k.workspaceField("fac", "float", n * n, "LDL' factors of the reduced Hessian");
    k.workspaceField("rhs", "float", n, "right-hand side, then solution, of the reduced system");
    k.workspaceField("d", "float", n, "the step of the plan");
    k.workspaceField("lo", "float", n, "lower limit of the step");
    k.workspaceField("hi", "float", n, "upper limit of the step");
    k.workspaceField("free_set", "int", n, "1 where the step is free, 0 where it is held at a limit");
    k.workspaceField("status", "int", 0, "how the last step ended (STATUS_*)");
    k.workspaceField("iterations", "int", 0, "Gauss-Newton iterations the last step ran");

    if (net != null) {
      k.define("NV", net.offset(net.reluLayerCount()), "network values: inputs [x; u] and every ReLU unit");
      k.function(networkStep(k, net, nx, nu));
    } else {
      k.function(SindyKernels.rhsFunction(k, m));
      k.function(SindyKernels.jacobianFunction(k, m));
      if (continuous) {
        k.function(sensMul(nx, nx + nu));
      }
      k.function(modelStep(m, nx, nu));
    }
    k.function(linearise(nx, nu));
    k.function(ldlSolve());
    k.function(qp());
    k.function(reset());
    k.init(new Kernel.Function("init", "int", true,
        List.of("Prepares a workspace: the plan is u_ref clamped to the limits. Call once before the first step",
            "(and again to forget the warm start). Returns OK or ERR_NULL."),
        List.of(wsParam()), List.of(), (d, t) -> {
          if (d.isC()) {
            t.open("if (ws == 0) {").line("return " + d.d("ERR_NULL") + ";").close();
          }
          t.line(d.fn("reset") + "(" + (d.isC() ? "ws" : "") + ");");
          t.line("return " + d.d("OK") + ";");
        }));
    k.controller(new Kernel.Function("control", "int", true,
        List.of("One MPC step: plans from state towards reference (the target state, NR values) starting from the",
            "shifted previous plan, writes u_0 (NU values) into input_out and keeps the plan. The solver's own",
            "status is status(ws). Returns OK, ERR_NULL, ERR_NONFINITE_INPUT (state or reference not finite;",
            "input_out and the workspace untouched) or ERR_NONFINITE_OUTPUT."),
        List.of(wsParam(), new Kernel.Param(Kernel.ParamType.IN_FLOATS, "state"),
            new Kernel.Param(Kernel.ParamType.IN_FLOATS, "reference"),
            new Kernel.Param(Kernel.ParamType.OUT_FLOATS, "input_out")), List.of(), (d, t) -> control(d, t)));
    k.function(new Kernel.Function("status", "int", true,
        List.of("How the last step ended: STATUS_CONVERGED, STATUS_ITERATION_LIMIT or STATUS_FAILED (-1: null)."),
        List.of(wsParam()), List.of(), (d, t) -> {
          if (d.isC()) {
            t.open("if (ws == 0) {").line("return -1;").close();
          }
          t.line("return " + d.w("status") + ";");
        }));
    k.function(new Kernel.Function("iterations", "int", true,
        List.of("Gauss-Newton iterations the last step ran (-1: null)."),
        List.of(wsParam()), List.of(), (d, t) -> {
          if (d.isC()) {
            t.open("if (ws == 0) {").line("return -1;").close();
          }
          t.line("return " + d.w("iterations") + ";");
        }));
    return k;
  }

  private static Kernel.Param wsParam() {
    return new Kernel.Param(Kernel.ParamType.WORKSPACE, "ws");
  }

  private static String call(Dialect d, String fn, String args) {
    return d.fn(fn) + "(" + (args.isEmpty() ? (d.isC() ? "ws" : "") : d.wsArg() + args) + ")";
  }

  /**
   * {@code out = jz · [s; 0 I]}: the sensitivity of f along the sensitivity s of the state (NX × NZ each),
   * unrolled (the sizes are a few).
   */
  private static Kernel.Function sensMul(int nx, int nz) {
    return new Kernel.Function("sens_mul", "void", false,
        List.of("out = Jx s + [0 Ju]: d f / d (x0, u) from jz = d f / d z and s = d x / d (x0, u), NX x NZ each."),
        List.of(new Kernel.Param(Kernel.ParamType.IN_FLOATS, "jz"), new Kernel.Param(Kernel.ParamType.IN_FLOATS, "s"),
            new Kernel.Param(Kernel.ParamType.OUT_FLOATS, "out")), List.of(), (d, t) -> {
              for (int i = 0; i < nx; i++) {
                for (int j = 0; j < nz; j++) {
                  StringBuilder e = new StringBuilder(j >= nx ? "jz[" + (i * nz + j) + "]" : "0.0f");
                  for (int l = 0; l < nx; l++) {
                    e.append(" + jz[").append(i * nz + l).append("] * s[").append(l * nz + j).append(']');
                  }
                  t.line("out[" + (i * nz + j) + "] = " + e + ";");
                }
              }
            });
  }

  /** One model step with its Jacobians: x_next, a = d x_next / d x (NX × NX), b = d x_next / d u (NX × NU). */
  private static Kernel.Function modelStep(SindyModel m, int nx, int nu) {
    int nz = nx + nu;
    List<Kernel.Param> params = List.of(new Kernel.Param(Kernel.ParamType.IN_FLOATS, "x"),
        new Kernel.Param(Kernel.ParamType.IN_FLOATS, "u"), new Kernel.Param(Kernel.ParamType.OUT_FLOATS, "x_next"),
        new Kernel.Param(Kernel.ParamType.OUT_FLOATS, "a"), new Kernel.Param(Kernel.ParamType.OUT_FLOATS, "b"));
    List<String> doc = List.of("One model step x_next = F(x, u) with its exact Jacobians a = dF/dx (NX x NX) and",
        "b = dF/du (NX x NU), row-major.");
    if (m.discreteTime()) {
      return new Kernel.Function("model_step", "void", false, doc, params, List.of(new Kernel.Scratch("jz", nx * nz)),
          (d, t) -> {
            t.line(d.fn("f") + "(x, u, x_next);");
            t.line(d.fn("jac") + "(x, u, jz);");
            copyJacobian(d, t, "jz");
          });
    }
    double h = m.dt() / m.substeps();
    String hh = FloatLiteral.of(FloatLiteral.toFloat(h, "RK4 step"));
    String half = FloatLiteral.of(FloatLiteral.toFloat(0.5 * h, "RK4 half step"));
    String sixth = FloatLiteral.of(FloatLiteral.toFloat(h / 6.0, "RK4 step / 6"));
    return new Kernel.Function("model_step", "void", false, List.of(doc.get(0), doc.get(1),
        "RK4 with SUBSTEPS substeps; the sensitivity s = d x / d (x0, u) goes through every stage."), params,
        List.of(new Kernel.Scratch("mc", nx), new Kernel.Scratch("mt", nx), new Kernel.Scratch("k1", nx),
            new Kernel.Scratch("k2", nx), new Kernel.Scratch("k3", nx), new Kernel.Scratch("k4", nx),
            new Kernel.Scratch("jz", nx * nz), new Kernel.Scratch("ms", nx * nz), new Kernel.Scratch("mst", nx * nz),
            new Kernel.Scratch("dk1", nx * nz), new Kernel.Scratch("dk2", nx * nz), new Kernel.Scratch("dk3", nx * nz),
            new Kernel.Scratch("dk4", nx * nz)), (d, t) -> {
              String n = d.d("NX");
              String nzs = d.d("NX") + " * " + d.d("NZ");
              t.open("for (int i = 0; i < " + n + "; i++) {").line("mc[i] = x[i];").close();
              t.open("for (int e = 0; e < " + nzs + "; e++) {");
              t.line("ms[e] = e / " + d.d("NZ") + " == e % " + d.d("NZ") + " ? 1.0f : 0.0f;");
              t.close();
              t.open("for (int s = 0; s < " + d.d("SUBSTEPS") + "; s++) {");
              String[][] stages = {{"mc", "ms", "k1", "dk1"}, {"mt", "mst", "k2", "dk2"}, {"mt", "mst", "k3", "dk3"},
                  {"mt", "mst", "k4", "dk4"}};
              String[] weights = {half, half, hh};
              for (int st = 0; st < 4; st++) {
                String[] g = stages[st];
                t.line(d.fn("f") + "(" + g[0] + ", u, " + g[2] + ");");
                t.line(d.fn("jac") + "(" + g[0] + ", u, jz);");
                t.line(d.fn("sens_mul") + "(jz, " + g[1] + ", " + g[3] + ");");
                if (st < 3) {
                  t.open("for (int i = 0; i < " + n + "; i++) {").line("mt[i] = mc[i] + " + weights[st] + " * " + g[2]
                      + "[i];").close();
                  t.open("for (int e = 0; e < " + nzs + "; e++) {").line("mst[e] = ms[e] + " + weights[st] + " * "
                      + g[3] + "[e];").close();
                }
              }
              t.open("for (int i = 0; i < " + n + "; i++) {");
              t.line("mc[i] = mc[i] + " + sixth + " * (k1[i] + 2.0f * (k2[i] + k3[i]) + k4[i]);");
              t.close();
              t.open("for (int e = 0; e < " + nzs + "; e++) {");
              t.line("ms[e] = ms[e] + " + sixth + " * (dk1[e] + 2.0f * (dk2[e] + dk3[e]) + dk4[e]);");
              t.close();
              t.close();
              t.open("for (int i = 0; i < " + n + "; i++) {").line("x_next[i] = mc[i];").close();
              copyJacobian(d, t, "ms");
            });
  }

  /**
   * One step of a folded ReLU network with its Jacobians: the growing vector v = [x; u; h_0; …] and, row by
   * row, its derivative dv/dz (z = [x, u]); a unit's derivative row is its weights times the rows before it
   * when its pre-activation is positive, else 0.
   */
  private static Kernel.Function networkStep(Kernel k, FoldedReluNetwork net, int nx, int nu) {
    int nz = nx + nu;
    int layers = net.reluLayerCount();
    int nv = net.offset(layers);
    for (int l = 0; l < layers; l++) {
      k.floats("W" + l, NetworkKernels.toFloats(net.weights(l), "layer " + l + " weight"), "ReLU layer " + l + " weights, "
          + net.units(l) + " x " + net.offset(l) + " row-major over v[0 .. " + net.offset(l) + ")");
      k.floats("B" + l, NetworkKernels.toFloats(net.biases(l), "layer " + l + " bias"), "ReLU layer " + l + " biases");
    }
    k.floats("WOUT", NetworkKernels.toFloats(net.outputWeights(), "output weight"), "output weights, " + nx + " x " + nv
        + " row-major over v");
    k.floats("BOUT", NetworkKernels.toFloats(net.outputBiases(), "output bias"), "output biases");
    List<Kernel.Param> params = List.of(new Kernel.Param(Kernel.ParamType.IN_FLOATS, "x"),
        new Kernel.Param(Kernel.ParamType.IN_FLOATS, "u"), new Kernel.Param(Kernel.ParamType.OUT_FLOATS, "x_next"),
        new Kernel.Param(Kernel.ParamType.OUT_FLOATS, "a"), new Kernel.Param(Kernel.ParamType.OUT_FLOATS, "b"));
    return new Kernel.Function("model_step", "void", false,
        List.of("One network step x_next = f(x, u)" + (net.residual() ? " + x" : "") + " with its exact Jacobians",
            "a = d x_next / dx (NX x NX) and b = d x_next / du (NX x NU), row-major, from the activation pattern."),
        params, List.of(new Kernel.Scratch("nv", nv), new Kernel.Scratch("dv", nv * nz)),
        (d, t) -> {
          String snx = d.d("NX");
          String snz = d.d("NZ");
          t.open("for (int i = 0; i < " + snx + "; i++) {").line("nv[i] = x[i];").close();
          t.open("for (int c = 0; c < " + d.d("NU") + "; c++) {").line("nv[" + snx + " + c] = u[c];").close();
          // rows 0 .. NZ-1 of dv, d[x; u]/dz, are the identity: the weights on [x; u] start each sum
          for (int l = 0; l < layers; l++) {
            int cols = net.offset(l);
            String w = d.k("W" + l);
            t.open("for (int j = 0; j < " + net.units(l) + "; j++) {");
            t.line("float s = " + d.k("B" + l) + "[j];");
            t.open("for (int c = 0; c < " + cols + "; c++) {").line("s = s + " + w + "[j * " + cols + " + c] * nv[c];")
                .close();
            t.line("int row = " + cols + " + j;");
            t.open("if (s > 0.0f) {");
            t.line("nv[row] = s;");
            // one accumulator per argument of z, kept in registers; the sums run over c as a loop over q would
            for (int q = 0; q < nz; q++) {
              t.line("float g" + q + " = " + w + "[j * " + cols + " + " + q + "];");
            }
            if (cols > nz) {
              // an inactive unit's row is zero: skipped, not stored
              t.open("for (int c = " + snz + "; c < " + cols + "; c++) {");
              t.open("if (nv[c] > 0.0f) {");
              t.line("float wc = " + w + "[j * " + cols + " + c];");
              t.line("int rc = c * " + snz + ";");
              for (int q = 0; q < nz; q++) {
                t.line("g" + q + " = g" + q + " + wc * dv[rc + " + q + "];");
              }
              t.close();
              t.close();
            }
            for (int q = 0; q < nz; q++) {
              t.line("dv[row * " + snz + " + " + q + "] = g" + q + ";");
            }
            t.closeOpen("else {");
            t.line("nv[row] = 0.0f;");
            t.close();
            t.close();
          }
          String wo = d.k("WOUT");
          t.open("for (int i = 0; i < " + snx + "; i++) {");
          t.line("float s = " + d.k("BOUT") + "[i];");
          t.open("for (int c = 0; c < " + nv + "; c++) {").line("s = s + " + wo + "[i * " + nv + " + c] * nv[c];").close();
          t.line("x_next[i] = " + (net.residual() ? "x[i] + s;" : "s;"));
          for (int q = 0; q < nz; q++) {
            t.line("float g" + q + " = " + wo + "[i * " + nv + " + " + q + "];");
          }
          if (nv > nz) {
            t.open("for (int c = " + snz + "; c < " + nv + "; c++) {");
            t.open("if (nv[c] > 0.0f) {");
            t.line("float wc = " + wo + "[i * " + nv + " + c];");
            t.line("int rc = c * " + snz + ";");
            for (int q = 0; q < nz; q++) {
              t.line("g" + q + " = g" + q + " + wc * dv[rc + " + q + "];");
            }
            t.close();
            t.close();
          }
          for (int q = 0; q < nx; q++) {
            t.line("a[i * " + snx + " + " + q + "] = " + (net.residual() ? "i == " + q + " ? g" + q + " + 1.0f : g" + q
                : "g" + q) + ";");
          }
          for (int c = 0; c < nu; c++) {
            t.line("b[i * " + d.d("NU") + " + " + c + "] = g" + (nx + c) + ";");
          }
          t.close();
        });
  }

  private static void copyJacobian(Dialect d, CodeText t, String from) {
    String nx = d.d("NX");
    String nu = d.d("NU");
    String nz = d.d("NZ");
    t.open("for (int i = 0; i < " + nx + "; i++) {");
    t.open("for (int j = 0; j < " + nx + "; j++) {").line("a[i * " + nx + " + j] = " + from + "[i * " + nz + " + j];")
        .close();
    t.open("for (int c = 0; c < " + nu + "; c++) {").line("b[i * " + nu + " + c] = " + from + "[i * " + nz + " + "
        + nx + " + c];").close();
    t.close();
  }

  /** Rollout of the plan from the state with the Jacobians, then the sensitivities; 0 on a non-finite prediction. */
  private static Kernel.Function linearise(int nx, int nu) {
    return new Kernel.Function("linearise", "int", false,
        List.of("Rolls the plan out from state with the Jacobians, then the sensitivities d x_{k+1} / d u_j.",
            "Returns 1, or 0 when a prediction is not finite."),
        List.of(wsParam(), new Kernel.Param(Kernel.ParamType.IN_FLOATS, "state")),
        List.of(new Kernel.Scratch("lx", nx), new Kernel.Scratch("lu", nu), new Kernel.Scratch("lxn", nx),
            new Kernel.Scratch("la", nx * nx), new Kernel.Scratch("lb", nx * nu)), (d, t) -> {
              String snx = d.d("NX");
              String snu = d.d("NU");
              String sh = d.d("HORIZON");
              t.open("for (int i = 0; i < " + snx + "; i++) {").line(d.w("xs") + "[i] = state[i];").close();
              t.open("for (int k = 0; k < " + sh + "; k++) {");
              t.open("for (int i = 0; i < " + snx + "; i++) {").line("lx[i] = " + d.w("xs") + "[k * " + snx + " + i];")
                  .close();
              t.open("for (int c = 0; c < " + snu + "; c++) {").line("lu[c] = " + d.w("u") + "[k * " + snu + " + c];")
                  .close();
              t.line(d.fn("model_step") + "(lx, lu, lxn, la, lb);");
              t.open("if (!" + d.finite() + "(lxn, " + snx + ")) {").line("return 0;").close();
              t.open("for (int i = 0; i < " + snx + "; i++) {").line(d.w("xs") + "[(k + 1) * " + snx + " + i] = lxn[i];")
                  .close();
              t.open("for (int e = 0; e < " + snx + " * " + snx + "; e++) {")
                  .line(d.w("jx") + "[k * " + snx + " * " + snx + " + e] = la[e];").close();
              t.open("for (int e = 0; e < " + snx + " * " + snu + "; e++) {")
                  .line(d.w("ju") + "[k * " + snx + " * " + snu + " + e] = lb[e];").close();
              t.close();
              String block = snx + " * " + snu;
              t.open("for (int k = 0; k < " + sh + "; k++) {");
              t.open("for (int j = 0; j <= k; j++) {");
              t.line("int o = (k * " + sh + " + j) * " + block + ";");
              t.line("int p = ((k - 1) * " + sh + " + j) * " + block + ";");
              t.open("for (int i = 0; i < " + snx + "; i++) {");
              t.open("for (int c = 0; c < " + snu + "; c++) {");
              t.line("float v;");
              t.open("if (j == k) {");
              t.line("v = " + d.w("ju") + "[k * " + block + " + i * " + snu + " + c];");
              t.closeOpen("else {");
              t.line("v = 0.0f;");
              t.open("for (int l = 0; l < " + snx + "; l++) {");
              t.line("v = v + " + d.w("jx") + "[k * " + snx + " * " + snx + " + i * " + snx + " + l] * " + d.w("sens")
                  + "[p + l * " + snu + " + c];");
              t.close();
              t.close();
              t.line(d.w("sens") + "[o + i * " + snu + " + c] = v;");
              t.close();
              t.close();
              t.close();
              t.close();
              t.line("return 1;");
            });
  }

  /** Solves fac · y = rhs in place by LDLᵀ (no square roots); 0 when a pivot is not positive. */
  private static Kernel.Function ldlSolve() {
    return new Kernel.Function("ldl_solve", "int", false,
        List.of("Solves fac y = rhs in place: LDL' factors over fac (unit L below, D on the diagonal), y into rhs.",
            "Returns 1, or 0 when a pivot is not positive (not positive definite, or NaN)."),
        List.of(wsParam()), List.of(), (d, t) -> {
          String n = d.d("NVAR");
          String fac = d.w("fac");
          String rhs = d.w("rhs");
          t.open("for (int i = 0; i < " + n + "; i++) {");
          t.open("for (int j = 0; j <= i; j++) {");
          t.line("float s = " + fac + "[i * " + n + " + j];");
          t.open("for (int l = 0; l < j; l++) {");
          t.line("s = s - " + fac + "[i * " + n + " + l] * " + fac + "[j * " + n + " + l] * " + fac + "[l * " + n
              + " + l];");
          t.close();
          t.open("if (i == j) {");
          t.open("if (!(s > 0.0f)) {").line("return 0;").close();
          t.line(fac + "[i * " + n + " + i] = s;");
          t.closeOpen("else {");
          t.line(fac + "[i * " + n + " + j] = s / " + fac + "[j * " + n + " + j];");
          t.close();
          t.close();
          t.close();
          t.open("for (int i = 0; i < " + n + "; i++) {");
          t.line("float s = " + rhs + "[i];");
          t.open("for (int l = 0; l < i; l++) {").line("s = s - " + fac + "[i * " + n + " + l] * " + rhs + "[l];").close();
          t.line(rhs + "[i] = s;");
          t.close();
          t.open("for (int i = 0; i < " + n + "; i++) {").line(rhs + "[i] = " + rhs + "[i] / " + fac + "[i * " + n
              + " + i];").close();
          t.open("for (int i = " + n + " - 1; i >= 0; i--) {");
          t.line("float s = " + rhs + "[i];");
          t.open("for (int l = i + 1; l < " + n + "; l++) {").line("s = s - " + fac + "[l * " + n + " + i] * " + rhs
              + "[l];").close();
          t.line(rhs + "[i] = s;");
          t.close();
          t.line("return 1;");
        });
  }

  /** Gradient and Gauss–Newton Hessian of the cost in the plan, then the box-QP for the step d. */
  private static Kernel.Function qp() {
    return new Kernel.Function("qp", "int", false,
        List.of("Gradient and Gauss-Newton Hessian of the cost in the plan, then the step d of the box-QP",
            "min 1/2 d' H d + g' d over ULO <= u + d <= UHI by at most QP_ITERATIONS projected-Newton steps.",
            "Returns 1, or 0 when the reduced Hessian is not positive definite or the step not finite."),
        List.of(wsParam(), new Kernel.Param(Kernel.ParamType.IN_FLOATS, "reference")), List.of(), (d, t) -> {
          String n = d.d("NVAR");
          String snu = d.d("NU");
          String snx = d.d("NX");
          String sh = d.d("HORIZON");
          String block = snx + " * " + snu;
          String u = d.w("u");
          String sens = d.w("sens");
          String hess = d.w("hess");
          String step = d.w("d");
          t.open("for (int m = 0; m < " + n + "; m++) {");
          t.line("int j = m / " + snu + ";");
          t.line("int c = m % " + snu + ";");
          t.line("float prev = j == 0 ? " + d.w("u_last") + "[c] : " + u + "[m - " + snu + "];");
          t.line("float g = " + d.k("R") + "[c] * (" + u + "[m] - " + d.k("UREF") + "[c]) + " + d.k("RR") + "[c] * ("
              + u + "[m] - prev);");
          t.open("if (j < " + sh + " - 1) {");
          t.line("g = g - " + d.k("RR") + "[c] * (" + u + "[m + " + snu + "] - " + u + "[m]);");
          t.close();
          t.open("for (int k = j; k < " + sh + "; k++) {");
          t.line("int o = (k * " + sh + " + j) * " + block + ";");
          t.open("for (int i = 0; i < " + snx + "; i++) {");
          t.line("float w = k == " + sh + " - 1 ? " + d.k("QF") + "[i] : " + d.k("Q") + "[i];");
          t.line("g = g + " + sens + "[o + i * " + snu + " + c] * w * (" + d.w("xs") + "[(k + 1) * " + snx
              + " + i] - reference[i]);");
          t.close();
          t.close();
          t.line(d.w("grad") + "[m] = g;");
          t.open("for (int m2 = 0; m2 <= m; m2++) {");
          t.line("int j2 = m2 / " + snu + ";");
          t.line("int c2 = m2 % " + snu + ";");
          t.line("float s = 0.0f;");
          t.open("for (int k = j; k < " + sh + "; k++) {");
          t.line("int o = (k * " + sh + " + j) * " + block + ";");
          t.line("int o2 = (k * " + sh + " + j2) * " + block + ";");
          t.open("for (int i = 0; i < " + snx + "; i++) {");
          t.line("float w = k == " + sh + " - 1 ? " + d.k("QF") + "[i] : " + d.k("Q") + "[i];");
          t.line("s = s + " + sens + "[o + i * " + snu + " + c] * w * " + sens + "[o2 + i * " + snu + " + c2];");
          t.close();
          t.close();
          t.open("if (c == c2) {");
          t.open("if (j == j2) {");
          t.line("s = s + (" + d.k("R") + "[c] + " + d.k("RR") + "[c] * (j < " + sh + " - 1 ? 2.0f : 1.0f));");
          t.closeOpen("else if (j - j2 == 1) {");
          t.line("s = s - " + d.k("RR") + "[c];");
          t.close();
          t.close();
          t.line(hess + "[m * " + n + " + m2] = s;");
          t.line(hess + "[m2 * " + n + " + m] = s;");
          t.close();
          t.line(d.w("lo") + "[m] = " + d.k("ULO") + "[c] - " + u + "[m];");
          t.line(d.w("hi") + "[m] = " + d.k("UHI") + "[c] - " + u + "[m];");
          t.line(step + "[m] = 0.0f;");
          t.line(d.w("free_set") + "[m] = 1;");
          t.close();
          t.open("for (int p = 0; p < " + d.d("QP_ITERATIONS") + "; p++) {");
          t.line("int changed = p == 0 ? 1 : 0;");
          t.open("for (int m = 0; m < " + n + "; m++) {");
          t.line("float gm = " + d.w("grad") + "[m];");
          t.open("for (int l = 0; l < " + n + "; l++) {").line("gm = gm + " + hess + "[m * " + n + " + l] * " + step
              + "[l];").close();
          t.line("int fr = ((" + step + "[m] <= " + d.w("lo") + "[m] && gm > 0.0f) || (" + step + "[m] >= "
              + d.w("hi") + "[m] && gm < 0.0f)) ? 0 : 1;");
          t.open("if (fr != " + d.w("free_set") + "[m]) {").line("changed = 1;").close();
          t.line(d.w("free_set") + "[m] = fr;");
          t.close();
          t.open("if (changed == 0) {").line("break;").close();
          t.open("for (int m = 0; m < " + n + "; m++) {");
          t.open("if (" + d.w("free_set") + "[m] == 1) {");
          t.line("float s = -" + d.w("grad") + "[m];");
          t.open("for (int l = 0; l < " + n + "; l++) {");
          t.open("if (" + d.w("free_set") + "[l] == 0) {").line("s = s - " + hess + "[m * " + n + " + l] * " + step
              + "[l];").close();
          t.close();
          t.line(d.w("rhs") + "[m] = s;");
          t.closeOpen("else {");
          t.line(d.w("rhs") + "[m] = " + step + "[m];");
          t.close();
          t.open("for (int l = 0; l < " + n + "; l++) {");
          t.line(d.w("fac") + "[m * " + n + " + l] = (" + d.w("free_set") + "[m] == 1 && " + d.w("free_set")
              + "[l] == 1) ? " + hess + "[m * " + n + " + l] : (m == l ? 1.0f : 0.0f);");
          t.close();
          t.close();
          t.open("if (" + call(d, "ldl_solve", "") + " == 0) {").line("return 0;").close();
          t.open("for (int m = 0; m < " + n + "; m++) {");
          t.line("float v = " + d.w("rhs") + "[m];");
          t.line(step + "[m] = v < " + d.w("lo") + "[m] ? " + d.w("lo") + "[m] : (v > " + d.w("hi") + "[m] ? "
              + d.w("hi") + "[m] : v);");
          t.close();
          t.close();
          t.line("return " + d.finite() + "(" + step + ", " + n + ") ? 1 : 0;");
        });
  }

  private static Kernel.Function reset() {
    return new Kernel.Function("reset", "void", false, List.of("The plan after init and after a failure."),
        List.of(wsParam()), List.of(), (d, t) -> {
          t.open("for (int m = 0; m < " + d.d("NVAR") + "; m++) {");
          t.line(d.w("u") + "[m] = " + d.k("USTART") + "[m % " + d.d("NU") + "];");
          t.close();
          t.open("for (int c = 0; c < " + d.d("NU") + "; c++) {").line(d.w("u_last") + "[c] = " + d.k("USTART") + "[c];")
              .close();
          t.line(d.w("status") + " = " + d.d("STATUS_CONVERGED") + ";");
          t.line(d.w("iterations") + " = 0;");
        });
  }

  private static void control(Dialect d, CodeText t) {
    if (d.isC()) {
      t.open("if (ws == 0) {").line("return " + d.d("ERR_NULL") + ";").close();
    }
    Kernel.checks(d, t, new String[][] {{"state", "NX"}, {"reference", "NR"}, {"input_out", "NU", "out"}});
    String n = d.d("NVAR");
    String nu = d.d("NU");
    String u = d.w("u");
    t.line("int failed = 0;");
    t.line(d.w("status") + " = " + d.d("STATUS_ITERATION_LIMIT") + ";");
    t.line(d.w("iterations") + " = 0;");
    t.open("for (int it = 0; it < " + d.d("ITERATIONS") + "; it++) {");
    t.line(d.w("iterations") + " = it + 1;");
    t.open("if (" + call(d, "linearise", "state") + " == 0 || " + call(d, "qp", "reference") + " == 0) {");
    t.line("failed = 1;");
    t.line("break;");
    t.close();
    t.line("float moved = 0.0f;");
    t.open("for (int m = 0; m < " + n + "; m++) {");
    t.line("int c = m % " + nu + ";");
    t.line("float v = " + u + "[m] + " + d.w("d") + "[m];");
    t.line(u + "[m] = v < " + d.k("ULO") + "[c] ? " + d.k("ULO") + "[c] : (v > " + d.k("UHI") + "[c] ? " + d.k("UHI")
        + "[c] : v);");
    t.line("float a = " + d.w("d") + "[m] < 0.0f ? -" + d.w("d") + "[m] : " + d.w("d") + "[m];");
    t.open("if (a > moved) {").line("moved = a;").close();
    t.close();
    t.open("if (moved <= " + d.d("TOLERANCE") + ") {");
    t.line(d.w("status") + " = " + d.d("STATUS_CONVERGED") + ";");
    t.line("break;");
    t.close();
    t.close();
    t.open("if (failed == 1) {");
    t.line("int used = " + d.w("iterations") + ";");
    t.line(call(d, "reset", "") + ";");
    t.line(d.w("status") + " = " + d.d("STATUS_FAILED") + ";");
    t.line(d.w("iterations") + " = used;");
    t.close();
    t.open("for (int c = 0; c < " + nu + "; c++) {");
    t.line("input_out[c] = " + u + "[c];");
    t.line(d.w("u_last") + "[c] = " + u + "[c];");
    t.close();
    t.open("for (int m = 0; m < " + n + " - " + nu + "; m++) {").line(u + "[m] = " + u + "[m + " + nu + "];").close();
    Kernel.returnChecked(d, t, "input_out", "NU");
  }
}
