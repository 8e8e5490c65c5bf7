package io.loopforge.codegen;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Compiles a generated Java twin at run time (with the JDK's compiler) and instantiates it, so host-side
 * simulations and HIL sessions can run the exact float32 computation the firmware runs without a build
 * step of their own. Needs a JDK, not just a JRE.
 */
public final class JavaTwinCompiler {
  private JavaTwinCompiler() {}

  /**
   * Compiles the Java files of {@code code} under {@code workDir} and returns a new instance of its
   * twin class (public no-argument constructor).
   *
   * @throws CodegenException when there is no Java file, no system compiler, or javac fails
   */
  public static Object instantiate(GeneratedCode code, Path workDir) {
    List<GeneratedFile> javaFiles = code.files(Language.JAVA);
    if (javaFiles.isEmpty()) {
      throw new CodegenException("no Java twin was generated: include java in the languages");
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new CodegenException("no Java compiler in this runtime: run Loopforge on a JDK (17 or newer), not a JRE");
    }
    try {
      Path src = workDir.resolve("src");
      Path classes = workDir.resolve("classes");
      Files.createDirectories(classes);
      List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-nowarn"));
      for (Path p : code.writeTo(null, src)) {
        args.add(p.toString());
      }
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      if (javac.run(null, err, err, args.toArray(new String[0])) != 0) {
        throw new CodegenException("javac failed on the generated twin:\n" + err.toString(StandardCharsets.UTF_8));
      }
      String className = className(javaFiles.get(0).relativePath());
      ClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, JavaTwinCompiler.class.getClassLoader());
      Constructor<?> ctor = loader.loadClass(className).getConstructor();
      return ctor.newInstance();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ReflectiveOperationException e) {
      throw new CodegenException("the generated twin could not be loaded: " + e, e);
    }
  }

  /** {@code io/x/Foo.java} → {@code io.x.Foo}. */
  static String className(String relativePath) {
    String s = relativePath.replace('\\', '/');
    return s.substring(0, s.length() - ".java".length()).replace('/', '.');
  }
}
