package io.loopforge.cli;

import io.loopforge.codegen.CodeGenerator;
import io.loopforge.codegen.CodegenOptions;
import io.loopforge.codegen.JavaTwinCompiler;
import io.loopforge.codegen.Language;
import io.loopforge.hil.ControllerTwin;
import io.loopforge.modeling.registry.ModelFiles;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;

/** The generated Java twin of a controller model file, compiled and loaded for a HIL comparison. */
final class JavaTwin {
  private JavaTwin() {}

  static ControllerTwin load(Path model) throws IOException {
    String prefix = CodegenOptions.prefixFromFileName(model.getFileName().toString());
    Object twin = JavaTwinCompiler.instantiate(
        CodeGenerator.generate(ModelFiles.read(model), CodegenOptions.builder(prefix).languages(Language.JAVA).build()));
    MethodHandle control;
    try {
      control = MethodHandles.publicLookup().findVirtual(twin.getClass(), "control",
          MethodType.methodType(float[].class, float[].class, float[].class)).bindTo(twin);
    } catch (ReflectiveOperationException e) {
      throw new CliException(model + " is not a controller (its twin has no control(state, reference)): " + e.getMessage());
    }
    return (x, r) -> {
      try {
        return (float[]) control.invoke(x, r);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    };
  }
}
