package io.loopforge.codegen;

import io.loopforge.modeling.nn.FoldedReluNetwork;
import io.loopforge.modeling.nn.ReluNetwork;
import io.loopforge.modeling.nn.ReluNetworkFile;
import io.loopforge.modeling.policy.AffinePolicy;
import io.loopforge.modeling.policy.NetworkPolicy;
import io.loopforge.modeling.policy.Policy;
import io.loopforge.modeling.policy.PolicyFile;
import io.loopforge.modeling.sindy.SindyModel;
import io.loopforge.modeling.sindy.SindyModelFile;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates C and the Java twin for a model or controller.
 *
 * <pre>
 * GeneratedCode code = CodeGenerator.generate(ModelFile.read(path),
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
 * Sizes are macros ({@code <PREFIX>_NX}, {@code _NU}, {@code _NR}); every function returns
 * {@code <PREFIX>_OK} (0) or an error code ({@code _ERR_NULL}, {@code _ERR_NONFINITE_INPUT},
 * {@code _ERR_NONFINITE_OUTPUT}). Output is byte-reproducible: the same model and options give the same
 * bytes.
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
    return new GeneratedCode(files, k.notes);
  }

  /**
   * Generates code for a model built in code: {@link ReluNetwork}, {@link FoldedReluNetwork},
   * {@link SindyModel} or {@link Policy}. The header names {@code <prefix>.json} and the SHA-256 of the
   * model's canonical model file text.
   */
  public static GeneratedCode generate(Object model, CodegenOptions options) {
    return generate(wrap(model, options.prefix() + ".json"), options);
  }

  /** A model built in code as a {@link ModelFile} (its canonical file text hashed). */
  public static ModelFile wrap(Object model, String name) {
    if (model instanceof ReluNetwork) {
      return ModelFile.of(model, ReluNetworkFile.TYPE, name, ReluNetworkFile.toJson((ReluNetwork) model));
    } else if (model instanceof FoldedReluNetwork) {
      return ModelFile.of(model, ReluNetworkFile.TYPE, name, ReluNetworkFile.toJson((FoldedReluNetwork) model));
    } else if (model instanceof SindyModel) {
      String json;
      try {
        json = SindyModelFile.toJsonString((SindyModel) model);
      } catch (RuntimeException e) {
        json = "custom library: " + ((SindyModel) model).featureNames() + " " + java.util.Arrays.deepToString(
            ((SindyModel) model).coefficients());
      }
      return ModelFile.of(model, SindyModelFile.TYPE, name, json);
    } else if (model instanceof Policy) {
      return ModelFile.of(model, PolicyFile.TYPE, name, PolicyFile.toJson((Policy) model));
    }
    throw new CodegenException("cannot generate code for a " + (model == null ? "null" : model.getClass().getName())
        + ": expected a ReLU network, a SINDy model or a policy");
  }

  static Kernel kernel(Object model, CodegenOptions options) {
    boolean q15 = options.precision() == Precision.Q15;
    if (model instanceof ReluNetwork) {
      return NetworkKernels.reluNetwork((ReluNetwork) model, options);
    }
    if (model instanceof FoldedReluNetwork) {
      return NetworkKernels.foldedNetwork((FoldedReluNetwork) model, options);
    }
    if (model instanceof NetworkPolicy) {
      return NetworkKernels.networkPolicy((NetworkPolicy) model, options);
    }
    if (q15) {
      throw new CodegenException("precision q15 is available for ReLU networks and network policies only; generate "
          + (model instanceof SindyModel ? "the SINDy model" : "the affine policy") + " with f32");
    }
    if (model instanceof AffinePolicy) {
      return AffineKernels.affinePolicy((AffinePolicy) model);
    }
    if (model instanceof SindyModel) {
      return SindyKernels.sindy((SindyModel) model);
    }
    throw new CodegenException("cannot generate code for a " + (model == null ? "null" : model.getClass().getName())
        + ": expected a ReLU network, a SINDy model or a policy");
  }
}
