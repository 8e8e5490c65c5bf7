package io.loopforge.codegen;

import io.loopforge.modeling.io.FileTrees;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
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
   * twin class (public no-argument constructor). The class files stay in {@code workDir}.
   *
   * @throws CodegenException when there is no Java file, no system compiler, or javac fails
   */
  public static Object instantiate(GeneratedCode code, Path workDir) {
    Path classes = compile(code, workDir);
    try {
      ClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, JavaTwinCompiler.class.getClassLoader());
      return newInstance(code, loader);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * As {@link #instantiate(GeneratedCode, Path)}, in a temporary folder that is removed before this method
   * returns (the classes are loaded from memory), whether it succeeds or not.
   */
  public static Object instantiate(GeneratedCode code) {
    Path workDir;
    try {
      workDir = Files.createTempDirectory("loopforge-twin-");
    } catch (IOException e) {
      throw new CodegenException("cannot create a temporary folder to compile the Java twin in: " + e.getMessage(), e);
    }
    try {
      Path classes = compile(code, workDir);
      Map<String, byte[]> bytes = new HashMap<>();
      try (Stream<Path> files = Files.walk(classes)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          String rel = classes.relativize(f).toString().replace('\\', '/');
          if (rel.endsWith(".class")) {
            bytes.put(rel.substring(0, rel.length() - ".class".length()).replace('/', '.'), Files.readAllBytes(f));
          }
        }
      }
      return newInstance(code, new InMemoryClassLoader(bytes, JavaTwinCompiler.class.getClassLoader()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteTree(workDir);
    }
  }

  private static Path compile(GeneratedCode code, Path workDir) {
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
      return classes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object newInstance(GeneratedCode code, ClassLoader loader) {
    String className = className(code.files(Language.JAVA).get(0).relativePath());
    try {
      Constructor<?> ctor = loader.loadClass(className).getConstructor();
      return ctor.newInstance();
    } catch (ReflectiveOperationException e) {
      throw new CodegenException("the generated twin could not be loaded (a bug in the twin's generator): " + e, e);
    }
  }

  private static void deleteTree(Path root) {
    try {
      FileTrees.delete(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the temporary folder " + root, e);
    }
  }


  /** Defines the twin's classes from bytes read before their folder was removed. */
  private static final class InMemoryClassLoader extends ClassLoader {
    private final Map<String, byte[]> classes;

    InMemoryClassLoader(Map<String, byte[]> classes, ClassLoader parent) {
      super(parent);
      this.classes = classes;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      byte[] b = classes.get(name);
      if (b == null) {
        throw new ClassNotFoundException(name);
      }
      return defineClass(name, b, 0, b.length);
    }
  }

  /** {@code io/x/Foo.java} → {@code io.x.Foo}. */
  static String className(String relativePath) {
    String s = relativePath.replace('\\', '/');
    return s.substring(0, s.length() - ".java".length()).replace('/', '.');
  }
}
