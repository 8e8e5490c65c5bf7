package io.loopforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "From Java" program, as written: compiled with the JDK's compiler against this module's test
 * class path (every Loopforge module) with every lint warning an error, then run in a class loader of its own
 * with a temporary output folder. It must print the SINDy equations and a bit-exact HIL result and write its
 * files.
 */
@ExtendWith(NoLeftovers.class)
class ReadmeJavaTest {
  private static final Path README = Path.of("..", "README.md");
  private static final String SECTION = "## From Java";
  private static final Pattern CLASS = Pattern.compile("^public (?:final )?class (\\w+)", Pattern.MULTILINE);

  @TempDir Path dir;

  /** The {@code ```java} blocks of the README section that starts with the line {@code heading}. */
  static List<String> javaBlocks(List<String> lines, String heading) {
    int start = lines.indexOf(heading);
    if (start < 0) {
      return List.of();
    }
    int end = start + 1;
    boolean fenced = false;
    while (end < lines.size() && (fenced || !lines.get(end).startsWith("## "))) {
      fenced ^= lines.get(end).startsWith("```");
      end++;
    }
    return ReadmeIT.fencedBlocks(lines.subList(start + 1, end), "java");
  }

  /** The name of the program's public class. */
  static String className(String source) {
    Matcher m = CLASS.matcher(source);
    assertTrue(m.find(), "the program has no public top-level class:\n" + source);
    return m.group(1);
  }

  /**
   * Compiles {@code source} as {@code dir/src/<its class>.java} into {@code dir/classes}, or fails with the
   * compiler's messages (warnings too: {@code -Xlint:all -Werror}).
   */
  static Path compile(String source, Path dir) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertNotNull(javac, "no Java compiler in this runtime: run the tests on a JDK");
    Path file = Files.createDirectories(dir.resolve("src")).resolve(className(source) + ".java");
    Files.writeString(file, source);
    Path classes = Files.createDirectories(dir.resolve("classes"));
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    boolean ok;
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      ok = javac.getTask(null, files, diagnostics, List.of("-Xlint:all", "-Werror", "-d", classes.toString(),
          "-classpath", System.getProperty("java.class.path")), null, files.getJavaFileObjects(file)).call();
    }
    String messages = diagnostics.getDiagnostics().stream().map(ReadmeJavaTest::format)
        .collect(Collectors.joining("\n"));
    if (!ok || !messages.isEmpty()) {
      fail("the README's program " + file.getFileName() + " does not compile cleanly:\n" + messages);
    }
    return classes;
  }

  private static String format(Diagnostic<? extends JavaFileObject> d) {
    String where = d.getSource() == null || d.getLineNumber() == Diagnostic.NOPOS ? ""
        : Path.of(d.getSource().toUri()).getFileName() + ":" + d.getLineNumber() + ":" + d.getColumnNumber() + ": ";
    return where + d.getKind().toString().toLowerCase(Locale.ROOT) + ": " + d.getMessage(Locale.ROOT);
  }

  /** Runs {@code main(args)} of the compiled class; returns what it printed to {@code System.out}. */
  static String run(Path classes, String className, String... args) throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        ReadmeJavaTest.class.getClassLoader())) {
      Method main = loader.loadClass(className).getMethod("main", String[].class);
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      main.invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw new AssertionError("the README's program failed; it printed:\n" + printed.toString(StandardCharsets.UTF_8),
          e.getCause());
    } finally {
      System.setOut(stdout);
    }
    String text = printed.toString(StandardCharsets.UTF_8);
    stdout.print(text);
    return text;
  }

  @Test
  void theFromJavaProgramCompilesRunsAndIsBitExactUnderQemu() throws Exception {
    List<String> blocks = javaBlocks(Files.readAllLines(README, StandardCharsets.UTF_8), SECTION);
    assertEquals(1, blocks.size(), "the README's \"" + SECTION + "\" section should hold one complete program in"
        + " one ```java block (nothing else there is compiled), found " + blocks.size());
    String source = blocks.get(0);
    Path classes = compile(source, dir);
    Path out = dir.resolve("out");
    String printed = run(classes, className(source), out.toString());

    assertTrue(printed.contains("(position)' = ") && printed.contains("(velocity)' = "),
        "the SINDy equations are not printed:\n" + printed);
    assertTrue(printed.contains("sparse network: 4 ReLUs"), printed);
    assertTrue(printed.lines().anyMatch(l -> l.startsWith("HIL: 30 steps, bit-exact with the Java twin")), printed);
    JsonNode hil = new ObjectMapper().readTree(out.resolve("hil.json").toFile());
    assertTrue(hil.get("twin_compared").asBoolean(), hil.toString());
    assertTrue(hil.get("bit_exact").asBoolean(), hil.toString());
    assertEquals(0, hil.get("transport_errors").asInt(), hil.toString());
    for (String f : List.of("data.csv", "network.json", "policy.json", "c/msd_policy.c", "c/msd_policy.h",
        "msd_policy.elf")) {
      assertTrue(Files.isRegularFile(out.resolve(f)), "the program did not write " + f);
    }
    try (var twins = Files.walk(out.resolve("java"))) {
      assertTrue(twins.anyMatch(p -> p.toString().endsWith(".java")), "the program wrote no Java twin");
    }
  }

  @Test
  void aProgramThatDoesNotCompileFailsWithTheCompilersMessage() {
    String broken = "public class Broken {\n  public static void main(String[] args) {\n    Plant p = null;\n  }\n}\n";
    AssertionError e = assertThrows(AssertionError.class, () -> compile(broken, dir));
    assertTrue(e.getMessage().contains("Broken.java:3:5: error: cannot find symbol"), e.getMessage());
  }

  @Test
  void aWarningFailsToo() {
    String raw = "import java.util.List;\npublic class Raw {\n  public static void main(String[] args) {\n"
        + "    List l = List.of();\n  }\n}\n";
    AssertionError e = assertThrows(AssertionError.class, () -> compile(raw, dir));
    assertTrue(e.getMessage().contains("Raw.java:4:5: warning: found raw type"), e.getMessage());
  }

  @Test
  void theBlocksAreTakenFromTheirSectionOnly() {
    List<String> lines = List.of("## A", "```java", "class A {}", "```", "## From Java", "text", "```java",
        "class B {}", "```", "```sh", "ls", "```", "## C", "```java", "class C {}", "```");
    assertEquals(List.of("class B {}\n"), javaBlocks(lines, SECTION));
    assertEquals(List.of(), javaBlocks(lines, "## Missing"));
  }
}
