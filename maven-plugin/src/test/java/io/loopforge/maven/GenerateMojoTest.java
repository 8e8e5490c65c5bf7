package io.loopforge.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mojo run in-process (the real build of a project using it: src/it, maven-invoker-plugin). */
class GenerateMojoTest {
  static final String LQR = "{\"format\": \"loopforge-model/1\", \"type\": \"policy\", \"policy\": \"affine\","
      + " \"state_names\": [\"theta\", \"omega\"], \"input_names\": [\"torque\"], \"dt\": 0.01,"
      + " \"gain\": [[12.5, 2.25]], \"input_bounds\": {\"lower\": [-2], \"upper\": [2]}}";
  static final String NET = "{\"format\": \"loopforge-model/1\", \"type\": \"relu-network\", \"state_names\": [\"x\"],"
      + " \"input_names\": [\"u\"], \"dt\": 0.1, \"discrete_time\": true, \"residual\": true, \"layout\": \"mlp\","
      + " \"layers\": [{\"inputs\": 2, \"outputs\": 2, \"weights\": [1, -1, 0.5, 2], \"biases\": [0, 0.1],"
      + " \"kinds\": [\"relu\", \"relu\"]}, {\"inputs\": 2, \"outputs\": 1, \"weights\": [0.3, -0.2], \"biases\": [0]}]}";

  @TempDir
  Path dir;

  final List<String> infos = new ArrayList<>();
  GenerateMojo mojo;
  MavenProject project;

  @BeforeEach
  void setUp() {
    project = new MavenProject();
    mojo = new GenerateMojo();
    mojo.modelDirectory = dir.resolve("src/main/loopforge").toFile();
    mojo.cOutputDirectory = dir.resolve("target/generated-sources/loopforge/c").toFile();
    mojo.javaOutputDirectory = dir.resolve("target/generated-sources/loopforge/java").toFile();
    mojo.stampDirectory = dir.resolve("target/loopforge-stamps").toFile();
    mojo.languages = "c,java";
    mojo.precision = "f32";
    mojo.javaPackage = "com.example.control";
    mojo.project = project;
    mojo.setLog(new SystemStreamLog() {
      @Override
      public void info(CharSequence content) {
        infos.add(content.toString());
      }
    });
  }

  private void model(String name, String json) throws Exception {
    Path p = dir.resolve("src/main/loopforge/" + name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, json, StandardCharsets.UTF_8);
  }

  @Test
  void generatesEveryModelAndAddsTheJavaSourceRoot() throws Exception {
    model("pendulum-lqr.json", LQR);
    model("net.json", NET);
    mojo.execute();
    Path c = dir.resolve("target/generated-sources/loopforge/c");
    Path java = dir.resolve("target/generated-sources/loopforge/java/com/example/control");
    assertTrue(Files.isRegularFile(c.resolve("pendulum_lqr.h")));
    assertTrue(Files.readString(c.resolve("pendulum_lqr.c")).contains("int pendulum_lqr_control("));
    assertTrue(Files.readString(c.resolve("net.h")).contains("int net_step("));
    assertTrue(Files.isRegularFile(java.resolve("PendulumLqr.java")));
    assertTrue(Files.isRegularFile(java.resolve("Net.java")));
    assertEquals(List.of(mojo.javaOutputDirectory.getAbsolutePath()), project.getCompileSourceRoots());
  }

  @Test
  void skipsUpToDateModelsAndRegeneratesChangedOnes() throws Exception {
    model("lqr.json", LQR);
    mojo.execute();
    Path h = dir.resolve("target/generated-sources/loopforge/c/lqr.h");
    FileTime old = FileTime.fromMillis(Files.getLastModifiedTime(h).toMillis() - 60_000);
    Files.setLastModifiedTime(h, old);
    infos.clear();
    mojo.execute();
    assertTrue(infos.contains("Loopforge: lqr.json is up to date (lqr)"), infos.toString());
    assertEquals(old, Files.getLastModifiedTime(h));
    model("lqr.json", LQR.replace("12.5", "13.5"));
    infos.clear();
    mojo.execute();
    assertTrue(infos.stream().anyMatch(s -> s.startsWith("Loopforge: generated lqr.h, lqr.c")), infos.toString());
    assertTrue(Files.readString(dir.resolve("target/generated-sources/loopforge/c/lqr.c")).contains("13.5f"));
    // other options, other stamp: the C-only run regenerates, and a deleted output is regenerated too
    Files.delete(dir.resolve("target/generated-sources/loopforge/c/lqr.c"));
    mojo.languages = "c";
    infos.clear();
    mojo.execute();
    assertTrue(Files.isRegularFile(dir.resolve("target/generated-sources/loopforge/c/lqr.c")));
  }

  @Test
  void aRemovedModelFileTakesItsGeneratedFilesWithIt() throws Exception {
    model("lqr.json", LQR);
    model("net.json", NET);
    mojo.execute();
    Path c = dir.resolve("target/generated-sources/loopforge/c");
    Path java = dir.resolve("target/generated-sources/loopforge/java/com/example/control");
    Path mine = Files.writeString(c.resolve("mine.c"), "/* not generated */\n");
    Files.delete(dir.resolve("src/main/loopforge/net.json"));
    infos.clear();
    mojo.execute();
    assertFalse(Files.exists(c.resolve("net.h")) || Files.exists(c.resolve("net.c")) || Files.exists(java.resolve("Net.java")),
        "the removed model's files are gone");
    assertTrue(Files.isRegularFile(c.resolve("lqr.c")) && Files.isRegularFile(c.resolve("lf_common.h")),
        "the remaining model's files (and the common header it shares) stay");
    assertTrue(Files.isRegularFile(mine), "a file no run generated stays");
    assertTrue(infos.stream().anyMatch(i -> i.startsWith("Loopforge: removed ") && i.endsWith("net.c (its model file is"
        + " no longer in " + mojo.modelDirectory + ")")), infos.toString());
    assertTrue(infos.contains("Loopforge: lqr.json is up to date (lqr)"), infos.toString());
    Files.delete(dir.resolve("src/main/loopforge/lqr.json"));
    mojo.execute();
    assertFalse(Files.exists(c.resolve("lqr.c")) || Files.exists(c.resolve("lf_common.h")));
    assertTrue(Files.isRegularFile(mine));
  }

  @Test
  void prefixParameter() throws Exception {
    model("lqr.json", LQR);
    mojo.prefix = "ctl";
    mojo.languages = "c";
    mojo.execute();
    assertTrue(Files.isRegularFile(dir.resolve("target/generated-sources/loopforge/c/ctl.c")));
    assertTrue(project.getCompileSourceRoots().isEmpty(), "no Java, no source root");
    model("net.json", NET);
    mojo.execute();
    assertTrue(Files.isRegularFile(dir.resolve("target/generated-sources/loopforge/c/ctl_net.c")));
    assertTrue(Files.isRegularFile(dir.resolve("target/generated-sources/loopforge/c/ctl_lqr.c")));
  }

  @Test
  void badModelFileFailsWithFileAndReason() throws Exception {
    model("good.json", LQR);
    model("broken.json", LQR.replace("\"gain\": [[12.5, 2.25]]", "\"gain\": [[12.5]]"));
    MojoFailureException e = assertThrows(MojoFailureException.class, () -> mojo.execute());
    String file = dir.resolve("src/main/loopforge/broken.json").toString();
    assertEquals("Loopforge could not generate code for 1 model file:\n  model file " + file
        + ": key 'gain[0]' has 1 values, expected 2", e.getMessage());
    assertTrue(Files.isRegularFile(dir.resolve("target/generated-sources/loopforge/c/good.c")), "the good one is done");
  }

  @Test
  void badParametersAndNoModels() throws Exception {
    mojo.execute();
    assertTrue(infos.get(0).startsWith("No model files in "), infos.toString());
    mojo.precision = "f16";
    MojoFailureException e = assertThrows(MojoFailureException.class, () -> mojo.execute());
    assertEquals("loopforge:generate: unknown precision 'f16': expected f32 or q15", e.getMessage());
    mojo.precision = "f32";
    mojo.skip = true;
    infos.clear();
    mojo.execute();
    assertEquals(List.of("Loopforge code generation skipped"), infos);
    assertFalse(Files.exists(dir.resolve("target/generated-sources")));
  }
}
