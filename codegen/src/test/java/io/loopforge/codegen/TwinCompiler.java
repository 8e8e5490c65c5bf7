package io.loopforge.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Compiles generated Java twins (one javac run for many) and loads them. */
final class TwinCompiler {
  private TwinCompiler() {}

  /** Compiles the Java files of all {@code codes} (written under {@code dir}/src) and returns a loader. */
  static ClassLoader compile(List<GeneratedCode> codes, Path dir) throws IOException {
    Path src = dir.resolve("src");
    Path classes = dir.resolve("classes");
    Files.createDirectories(classes);
    List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-Xlint:all", "-Werror"));
    for (GeneratedCode code : codes) {
      for (Path p : code.writeTo(null, src)) {
        args.add(p.toString());
      }
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertNotNull(javac, "no system Java compiler: run the tests on a JDK");
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int rc = javac.run(null, err, err, args.toArray(new String[0]));
    assertEquals(0, rc, "javac failed on the generated twins:\n" + err);
    return new URLClassLoader(new URL[] {classes.toUri().toURL()}, TwinCompiler.class.getClassLoader());
  }
}
