package io.loopforge.cli;

import io.loopforge.codegen.CodeGenerator;
import io.loopforge.codegen.CodegenException;
import io.loopforge.codegen.CodegenOptions;
import io.loopforge.codegen.GeneratedCode;
import io.loopforge.codegen.Language;
import io.loopforge.codegen.Precision;
import io.loopforge.modeling.registry.ModelFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code loopforge generate}: C and the Java twin for a model or controller file. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    header = "Generate C and the bit-identical Java twin of a model file.",
    description = {
      "Generate C11 (<prefix>.h, <prefix>.c) and the bit-identical Java twin for a",
      "model file: a SINDy model, a ReLU network or a policy (controller). C files",
      "go to DIR, the Java class under DIR/<package>. Same inputs, same bytes."
    })
final class GenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "MODEL.json",
      description = "Model file (\"type\": \"sindy\", \"relu-network\", \"policy\" or \"mpc\").")
  Path model;

  @Option(names = "--lang", defaultValue = "c,java", paramLabel = "LANGS",
      description = "Languages, comma-separated: c, java (default: ${DEFAULT-VALUE}).")
  String lang;

  @Option(names = "--prefix", paramLabel = "NAME",
      description = "C symbol prefix and file name (default: from the model file's name).")
  String prefix;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  Path out;

  @Option(names = "--precision", defaultValue = "f32", paramLabel = "f32|q15",
      description = "f32 (default) or q15: int16 fixed-point network inference (ReLU networks only).")
  String precision;

  @Option(names = "--input-range", defaultValue = "1", paramLabel = "R",
      description = "q15: network inputs lie in [-R, R]; the reported worst-case error holds there"
          + " (default: ${DEFAULT-VALUE}).")
  double inputRange;

  @Option(names = "--java-package", defaultValue = "loopforge.generated", paramLabel = "PKG",
      description = "Package of the Java twin (default: ${DEFAULT-VALUE}).")
  String javaPackage;

  @Override
  public Integer call() {
    OutputPaths.refuseOverwrite(spec, out, model);
    OutputPaths.checkWritableFolder(spec, "--out", out);
    try {
      Set<Language> languages = Language.parseList(lang);
      String p = prefix != null ? prefix
          : CodegenOptions.prefixFromFileName(model.getFileName() == null ? "model" : model.getFileName().toString());
      CodegenOptions options = CodegenOptions.builder(p).languages(languages).precision(Precision.parse(precision))
          .inputRange(inputRange).javaPackage(javaPackage).build();
      GeneratedCode code = CodeGenerator.generate(ModelFiles.read(model), options);
      List<Path> written = code.writeTo(out, out);
      PrintWriter w = spec.commandLine().getOut();
      for (Path f : written) {
        w.println("wrote " + f);
      }
      for (String note : code.notes()) {
        w.println(note);
      }
      w.flush();
      return 0;
    } catch (CodegenException e) {
      throw new CliException(e.getMessage(), e);
    }
  }
}
