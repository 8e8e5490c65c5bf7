package io.loopforge.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link CodegenOptions#toString()} is the Maven plugin's up-to-date stamp: the same in every JVM. */
class CodegenOptionsTest {
  /** Prints the options' text (run in child JVMs: an iteration order that depends on the JVM shows across runs). */
  public static void main(String[] args) {
    System.out.print(CodegenOptions.builder("lqr").languages(Set.of(Language.JAVA, Language.C)).build());
  }

  @Test
  void theTextIsTheSameInEveryJvm() throws Exception {
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < 6; i++) {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xshare:auto", "-cp", System.getProperty("java.class.path"), CodegenOptionsTest.class.getName()));
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), out);
      seen.add(out);
    }
    assertEquals(1, seen.size(), "different texts: " + seen);
    assertTrue(seen.iterator().next().contains("languages [C, JAVA]"), seen.toString());
  }
}
