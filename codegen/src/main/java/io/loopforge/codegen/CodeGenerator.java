package io.loopforge.codegen;

import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.policy.AffinePolicy;
import io.loopforge.modeling.policy.MpcPolicy;
import io.loopforge.modeling.policy.NetworkPolicy;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFile;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.modeling.sindy.SindyModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates C and the Java twin for a model or controller.
 *
 * <pre>
 * GeneratedCode code = CodeGenerator.generate(ModelFiles.read(path),
 *     CodegenOptions.builder("pendulum").javaPackage("com.acme.control").build());
 * code.writeTo(cDir, javaDir);
 * </pre>
 *
 * What is generated (all symbols start with the prefix; see the header comment of each file):
 *
 * <ul>
 *   <li>ReLU networks ({@link ReluNetwork}, dense: removed neurons are dropped; {@link FoldedReluNetwork}):
 *       {@code int <prefix>_forward(const float *x, const float *u, float *out)} (the network output) and
 *       {@code int <prefix>_step(const float *x, const float *u, float *x_next)};
 *   <li>SINDy models: {@code <prefix>_rhs} (Ξ Θ(x, u)) and {@code <prefix>_step} (a continuous model is
 *       discretised as {@link SindyModel#step} does: RK4 with the model's substeps, in float32);
 *   <li>policies ({@link AffinePolicy}, {@link NetworkPolicy}):
 *       {@code int <prefix>_control(const float *state, const float *reference, float *input_out)}.
 * </ul>
 *
 * Sizes are macros ({@code <PREFIX>_NX}, {@code _NU}, {@code _NR}), as are the sample interval
 * {@code <PREFIX>_DT}, state and input indices ({@code <PREFIX>_X_<NAME>}, {@code _U_<NAME>}) and a
 * controller's input limits ({@code <PREFIX>_U_MIN_<i>}, {@code _U_MAX_<i>}); every function returns
 * {@code <PREFIX>_OK} (0) or an error code ({@code _ERR_NULL}, {@code _ERR_NONFINITE_INPUT},
 * {@code _ERR_NONFINITE_OUTPUT}), equal to those of the common header {@code lf_common.h} written beside
 * every unit. A controller's interface is its {@link ControllerContract} ({@link GeneratedCode#contract()},
 * also written as {@code <prefix>.contract.json}). Output is byte-reproducible: the same model and options
 * give the same bytes.
 */
public final class CodeGenerator {
  private CodeGenerator() {}

  /** Generates code for a loaded model file; its name and SHA-256 go into the header comments. */
  public static GeneratedCode generate(ModelFile source, CodegenOptions options) {
    Kernel k = kernel(source.model(), options);
    List<GeneratedFile> files = new ArrayList<>();
    if (options.languages().contains(Language.C)) {
      files.addAll(CEmitter.emit(k, options, source));
    }
    if (options.languages().contains(Language.JAVA)) {
      files.add(JavaEmitter.emit(k, options, source));
    }
    return new GeneratedCode(files, k.notes, k.contract);
  }

  /**
   * Generates code for a model built in code. The header names {@code <prefix>.json} and the SHA-256 of
   * the model's canonical model file text ({@link ModelFiles#describe}).
   */
  public static GeneratedCode generate(Model model, CodegenOptions options) {
    return generate(ModelFiles.describe(model, options.prefix() + ".json"), options);
  }

  static Kernel kernel(Model model, CodegenOptions options) {
    boolean q15 = options.precision() == Precision.Q15;
    return model.accept(new Model.Visitor<Kernel>() {
      @Override
      public Kernel sindy(SindyModel m) {
        requireF32(q15, "the SINDy model");
        return SindyKernels.sindy(m);
      }

      @Override
      public Kernel network(ReluNetwork n) {
        return NetworkKernels.reluNetwork(n, options);
      }

      @Override
      public Kernel foldedNetwork(FoldedReluNetwork n) {
        return NetworkKernels.foldedNetwork(n, options);
      }

      @Override
      public Kernel affinePolicy(AffinePolicy p) {
        requireF32(q15, "the affine policy");
        return AffineKernels.affinePolicy(p, options);
      }

      @Override
      public Kernel networkPolicy(NetworkPolicy p) {
        return NetworkKernels.networkPolicy(p, options);
      }

      @Override
      public Kernel mpcPolicy(MpcPolicy p) {
        requireF32(q15, "the MPC controller");
        return MpcKernels.mpc(p, options);
      }

      @Override
      public Kernel polynomialPolicy(io.loopforge.modeling.policy.PolynomialPolicy p) {
        requireF32(q15, "the polynomial policy");
        return PolynomialKernels.polynomialPolicy(p, options);
      }
    });
  }

  private static void requireF32(boolean q15, String what) {
    if (q15) {
      throw new CodegenException("precision q15 is available for ReLU networks and network policies only; generate "
          + what + " with f32");
    }
  }
}
