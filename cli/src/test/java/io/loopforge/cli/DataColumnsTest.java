package io.loopforge.cli;

import static io.loopforge.cli.LoopforgeTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.cli.LoopforgeTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The commands that read data say which columns are states and which are inputs, and read headers as CSV does. */
@ExtendWith(NoLeftovers.class)
class DataColumnsTest {
  @TempDir Path dir;
  private List<String> rows;

  @BeforeEach
  void pendulum() throws IOException {
    Path sim = dir.resolve("p.csv");
    assertEquals(0, run("simulate", "--plant", "pendulum", "--steps", "400", "--dt", "0.01", "--excitation",
        "multisine", "--out", sim.toString()).code());
    rows = Files.readAllLines(sim);
    assertEquals("t,theta,omega,torque", rows.get(0));
  }

  private Run identify(String header) throws IOException {
    List<String> lines = new ArrayList<>(rows);
    lines.set(0, header);
    Path f = Files.write(dir.resolve("h.csv"), lines);
    return run("identify", "sindy", "--data", f.toString(), "--degree", "1", "--out", dir.resolve("m.json").toString());
  }

  @Test
  void aQuotedHeaderIsReadAsCsvReadsIt() throws IOException {
    Run r = identify("\"t\",\"theta\",\"omega\",\"torque\"");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("states theta, omega; inputs torque"), r.out());
    assertTrue(r.out().contains("torque"), r.out());
  }

  @Test
  void theRolesOfTheColumnsAreAlwaysPrinted() throws IOException {
    Run r = identify("t,theta,u,torque");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("states theta, torque; inputs u"), r.out());
  }

  @Test
  void noInputColumnIsAWarningThatSaysHowToNameOne() throws IOException {
    Run r = identify("t,θ,ω,τ");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("states θ, ω, τ; inputs none"), r.out());
    assertTrue(r.err().contains("warning: no input column in ") && r.err().contains("--inputs"), r.err());
    Run given = run("identify", "sindy", "--data", dir.resolve("h.csv").toString(), "--inputs", "τ", "--degree", "1",
        "--out", dir.resolve("m.json").toString());
    assertEquals(0, given.code(), given.err());
    assertTrue(given.out().contains("states θ, ω; inputs τ"), given.out());
    assertFalse(given.err().contains("warning: no input"), given.err());
  }
}
