package io.loopforge.cli;

import io.loopforge.codegen.CodeGenerator;
import io.loopforge.codegen.CodegenOptions;
import io.loopforge.codegen.ControllerContract;
import io.loopforge.codegen.GeneratedCode;
import io.loopforge.codegen.JavaTwinCompiler;
import io.loopforge.codegen.Language;
import io.loopforge.hil.ControllerTwin;
import io.loopforge.hil.HilSession;
import io.loopforge.modeling.registry.ModelFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The generated Java twin of a controller model file, compiled and loaded for a HIL comparison, with the
 * controller's contract (which names its solver statuses).
 */
final class JavaTwin {
  private final ControllerTwin twin;
  private final ControllerContract contract;

  private JavaTwin(ControllerTwin twin, ControllerContract contract) {
    this.twin = twin;
    this.contract = contract;
  }

  static JavaTwin load(Path model) throws IOException {
    String prefix = CodegenOptions.prefixFromFileName(model.getFileName().toString());
    GeneratedCode code = CodeGenerator.generate(ModelFiles.read(model),
        CodegenOptions.builder(prefix).languages(Language.JAVA).build());
    ControllerContract contract = code.contract().orElseThrow(() -> new CliException(model
        + " is not a controller (a model file of type policy or mpc): it has no control function to compare"));
    try {
      return new JavaTwin(ControllerTwin.of(JavaTwinCompiler.instantiate(code)), contract);
    } catch (IllegalArgumentException e) {
      throw new CliException(model + " is not a controller (its twin has no control(state, reference)): " + e.getMessage());
    }
  }

  /** Compares the session's firmware with this twin and names its solver statuses from the contract. */
  HilSession.Builder applyTo(HilSession.Builder session) {
    return session.twin(twin).contract(contract);
  }
}
