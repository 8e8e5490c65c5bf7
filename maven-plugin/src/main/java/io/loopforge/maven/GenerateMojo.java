package io.loopforge.maven;

import io.loopforge.codegen.CodeGenerator;
import io.loopforge.codegen.CodegenException;
import io.loopforge.codegen.CodegenOptions;
import io.loopforge.codegen.GeneratedCode;
import io.loopforge.codegen.GeneratedFile;
import io.loopforge.codegen.Language;
import io.loopforge.codegen.Precision;
import io.loopforge.modeling.ModelingException;
import io.loopforge.modeling.io.AtomicFile;
import io.loopforge.modeling.registry.ModelFile;
import io.loopforge.modeling.registry.ModelFiles;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Generates C and the Java twin for every model file ({@code *.json}) in {@link #modelDirectory}: C into
 * {@link #cOutputDirectory}, Java into {@link #javaOutputDirectory}, which becomes a compile source root.
 * A model whose file, options and generator are unchanged since the last run is skipped. A bad model
 * file fails the build with the file and the reason.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class GenerateMojo extends AbstractMojo {
  /** Bumped whenever the generated code changes, so stamps of older generators do not match. */
  static final String GENERATOR_STAMP = "loopforge-codegen/2";
  private static final String STAMP_SUFFIX = ".stamp";
  /** The line of a stamp after which the generated files are listed, one absolute path a line. */
  private static final String OUTPUTS = "outputs:";

  /** Where the model files are. */
  @Parameter(property = "loopforge.modelDirectory", defaultValue = "${project.basedir}/src/main/loopforge")
  File modelDirectory;

  /** Where the C files go. */
  @Parameter(property = "loopforge.cOutputDirectory",
      defaultValue = "${project.build.directory}/generated-sources/loopforge/c")
  File cOutputDirectory;

  /** Where the Java twins go (added as a compile source root). */
  @Parameter(property = "loopforge.javaOutputDirectory",
      defaultValue = "${project.build.directory}/generated-sources/loopforge/java")
  File javaOutputDirectory;

  /** Languages, comma-separated: {@code c}, {@code java}. */
  @Parameter(property = "loopforge.languages", defaultValue = "c,java")
  String languages;

  /** {@code f32} or {@code q15} (ReLU networks and network policies only). */
  @Parameter(property = "loopforge.precision", defaultValue = "f32")
  String precision;

  /** q15: network inputs lie in [-inputRange, inputRange]; the reported worst-case error holds there. */
  @Parameter(property = "loopforge.inputRange", defaultValue = "1.0")
  double inputRange = 1.0;

  /**
   * C symbol prefix. Default: from each model file's name ({@code cart-pole.json} → {@code cart_pole}).
   * With several model files it is put in front: {@code <prefix>_<file name>}.
   */
  @Parameter(property = "loopforge.prefix")
  String prefix;

  /** Package of the Java twins. */
  @Parameter(property = "loopforge.javaPackage", defaultValue = "loopforge.generated")
  String javaPackage;

  /** Skips the goal. */
  @Parameter(property = "loopforge.skip", defaultValue = "false")
  boolean skip;

  /** Up-to-date stamps, one per model. */
  @Parameter(defaultValue = "${project.build.directory}/loopforge-stamps", readonly = true)
  File stampDirectory;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  MavenProject project;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("Loopforge code generation skipped");
      return;
    }
    Set<Language> langs;
    Precision prec;
    try {
      langs = Language.parseList(languages);
      prec = Precision.parse(precision);
    } catch (CodegenException e) {
      throw new MojoFailureException("loopforge:generate: " + e.getMessage());
    }
    if (langs.contains(Language.JAVA) && project != null) {
      project.addCompileSourceRoot(javaOutputDirectory.getAbsolutePath());
    }
    List<Path> models = modelFiles();
    removeOutputsOfRemovedModels(models);
    if (models.isEmpty()) {
      getLog().info("No model files in " + modelDirectory + "; nothing to generate");
      return;
    }
    List<String> failures = new ArrayList<>();
    for (Path model : models) {
      try {
        generate(model, models.size(), langs, prec);
      } catch (CodegenException | ModelingException e) {
        failures.add(e.getMessage());
        getLog().error(e.getMessage());
      }
    }
    if (!failures.isEmpty()) {
      throw new MojoFailureException("Loopforge could not generate code for " + failures.size() + " model file"
          + (failures.size() == 1 ? "" : "s") + ":\n  " + String.join("\n  ", failures));
    }
  }

  private List<Path> modelFiles() throws MojoExecutionException {
    Path dir = modelDirectory.toPath();
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p)).sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new MojoExecutionException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private String prefixOf(Path model, int count) {
    String stem = CodegenOptions.prefixFromFileName(model.getFileName().toString());
    return prefix == null || prefix.isBlank() ? stem : count == 1 ? prefix : prefix + "_" + stem;
  }

  /**
   * A model file removed from the configuration leaves its generated files behind, where the build would
   * compile them: remove exactly the files its stamp lists (never others), except those a remaining model
   * writes too (the common header), and the stamp.
   */
  private void removeOutputsOfRemovedModels(List<Path> models) throws MojoExecutionException {
    Path stamps = stampDirectory.toPath();
    if (!Files.isDirectory(stamps)) {
      return;
    }
    Set<String> current = new java.util.HashSet<>();
    for (Path m : models) {
      current.add(prefixOf(m, models.size()) + STAMP_SUFFIX);
    }
    List<Path> stale = new ArrayList<>();
    List<Path> kept = new ArrayList<>();
    try (Stream<Path> s = Files.list(stamps)) {
      s.filter(f -> f.getFileName().toString().endsWith(STAMP_SUFFIX)).sorted()
          .forEach(f -> (current.contains(f.getFileName().toString()) ? kept : stale).add(f));
    } catch (IOException e) {
      throw new MojoExecutionException("cannot list " + stamps + ": " + e.getMessage(), e);
    }
    Set<Path> stillWritten = new java.util.HashSet<>();
    for (Path f : kept) {
      stillWritten.addAll(outputsListed(f));
    }
    for (Path f : stale) {
      try {
        for (Path out : outputsListed(f)) {
          if (!stillWritten.contains(out) && Files.deleteIfExists(out)) {
            getLog().info("Loopforge: removed " + out + " (its model file is no longer in " + modelDirectory + ")");
          }
        }
        Files.deleteIfExists(f);
      } catch (IOException e) {
        throw new MojoExecutionException("cannot remove the generated files listed in " + f + ": " + e.getMessage(), e);
      }
    }
  }

  /** The generated files a stamp lists (its lines after {@link #OUTPUTS}). */
  private static List<Path> outputsListed(Path stampFile) {
    List<Path> out = new ArrayList<>();
    try {
      List<String> lines = Files.readAllLines(stampFile, StandardCharsets.UTF_8);
      int i = lines.indexOf(OUTPUTS);
      for (int k = i < 0 ? lines.size() : i + 1; k < lines.size(); k++) {
        if (!lines.get(k).isBlank()) {
          out.add(Path.of(lines.get(k)));
        }
      }
    } catch (IOException e) {
      // an unreadable stamp lists nothing: nothing is removed
    }
    return out;
  }

  private void generate(Path model, int count, Set<Language> langs, Precision prec) {
    String p = prefixOf(model, count);
    CodegenOptions options = CodegenOptions.builder(p).languages(langs).precision(prec).inputRange(inputRange)
        .javaPackage(javaPackage).build();
    ModelFile file = ModelFiles.read(model);
    String stamp = GENERATOR_STAMP + "\n" + options + "\n" + file.sha256() + "\n" + cOutputDirectory.getAbsolutePath()
        + "\n" + javaOutputDirectory.getAbsolutePath() + "\n";
    Path stampFile = stampDirectory.toPath().resolve(p + STAMP_SUFFIX);
    if (upToDate(stampFile, stamp, expectedOutputs(options))) {
      getLog().info("Loopforge: " + model.getFileName() + " is up to date (" + p + ")");
      return;
    }
    GeneratedCode code = CodeGenerator.generate(file, options);
    List<Path> written = code.writeTo(cOutputDirectory.toPath(), javaOutputDirectory.toPath());
    for (String note : code.notes()) {
      getLog().info("Loopforge: " + note);
    }
    getLog().info("Loopforge: generated " + code.files().stream().map(GeneratedFile::relativePath)
        .collect(Collectors.joining(", ")) + " from " + model.getFileName());
    try {
      StringBuilder record = new StringBuilder(stamp).append(OUTPUTS).append('\n');
      for (Path f : written) {
        record.append(f.toAbsolutePath().normalize()).append('\n');
      }
      AtomicFile.writeString(stampFile, record.toString());
    } catch (IOException e) {
      getLog().warn("cannot write " + stampFile + " (the model will be regenerated next time): " + e.getMessage());
    }
  }

  private List<Path> expectedOutputs(CodegenOptions o) {
    List<Path> out = new ArrayList<>();
    if (o.languages().contains(Language.C)) {
      out.add(cOutputDirectory.toPath().resolve(o.prefix() + ".h"));
      out.add(cOutputDirectory.toPath().resolve(o.prefix() + ".c"));
      out.add(cOutputDirectory.toPath().resolve("lf_common.h"));
    }
    if (o.languages().contains(Language.JAVA)) {
      String pkg = o.javaPackage().isEmpty() ? "" : o.javaPackage().replace('.', '/') + "/";
      out.add(javaOutputDirectory.toPath().resolve(pkg + o.javaClassName() + ".java"));
    }
    return out;
  }

  private static boolean upToDate(Path stampFile, String stamp, List<Path> outputs) {
    try {
      if (!Files.isRegularFile(stampFile) || !Files.readString(stampFile, StandardCharsets.UTF_8).startsWith(stamp
          + OUTPUTS + "\n")) {
        return false;
      }
    } catch (IOException e) {
      return false;
    }
    return outputs.stream().allMatch(Files::isRegularFile);
  }

}
