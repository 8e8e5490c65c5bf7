package io.loopforge.mpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;

class CbcRunnerTest {
  static final CbcRunner CBC = CbcRunner.builder().timeLimit(Duration.ofSeconds(20)).build();

  @Test
  void cbcAndOjAlgoAgreeOnTheSmallInstanceConstantIncluded() throws IOException {
    assumeTrue(CBC.available(), "cbc is not installed (Debian package coinor-cbc)");
    MilpInstance inst = MpsWriterTest.smallInstance();
    // a is free but bounded through "range" and "ge": the optimum is finite
    CbcRunner.Result cbc = CBC.solve(inst);
    MilpSolver.Solution oj = MilpSolver.builder().deterministic(true).build().solve(inst);
    assertEquals(Optimisation.State.OPTIMAL, oj.state());
    assertEquals(CbcRunner.Status.OPTIMAL, cbc.status(), cbc.statusLine());
    assertEquals(oj.objective(), cbc.objective(), 1e-8);
    assertEquals(oj.values()[3], cbc.value("z"), 1e-8);
  }

  @Test
  void anInfeasibleInstanceIsInfeasibleForBoth(@TempDir Path dir) throws IOException {
    assumeTrue(CBC.available(), "cbc is not installed (Debian package coinor-cbc)");
    ExpressionsBasedModel m = new ExpressionsBasedModel();
    Variable z = m.addVariable("z").binary().weight(1);
    Variable y = m.addVariable("y").lower(0).upper(1).weight(1);
    m.addExpression("c").lower(2.5).add(z, 1).add(y, 1);
    MilpInstance inst = MilpInstance.of(m, 0, "infeasible");
    Path mps = dir.resolve("infeasible.mps");
    inst.writeMps(mps);
    CbcRunner.Result cbc = CBC.solve(mps, dir);
    assertEquals(CbcRunner.Status.INFEASIBLE, cbc.status(), cbc.statusLine());
    assertEquals(Optimisation.State.INFEASIBLE, MilpSolver.builder().build().solve(inst).state());
    // the solution and log files stay in the work directory
    assertEquals(List.of("infeasible.log", "infeasible.mps", "infeasible.sol"),
        Files.list(dir).map(p -> p.getFileName().toString()).sorted().toList());
  }

  @Test
  void solutionFilesAreParsed() {
    CbcRunner.Result r = CbcRunner.parse(List.of("Stopped on time - objective value 12.50000000",
        "      0 x                     -5                       0", "**       1 z                  -92.5    0"), 7,
        "");
    assertEquals(CbcRunner.Status.STOPPED_WITH_SOLUTION, r.status());
    assertEquals(12.5, r.objective(), 0.0);
    assertEquals(-5, r.value("x"), 0.0);
    assertEquals(-92.5, r.value("z"), 0.0);
    assertEquals(0.0, r.value("missing"), 0.0);
    assertEquals(CbcRunner.Status.INFEASIBLE, CbcRunner.parse(List.of("Infeasible - objective value 3.0"), 1, "").status());
    assertEquals(CbcRunner.Status.FAILED, CbcRunner.parse(List.of(), 1, "").status());
  }
}
