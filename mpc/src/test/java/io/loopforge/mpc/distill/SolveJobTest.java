package io.loopforge.mpc.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.mpc.MpcException;
import io.loopforge.mpc.MpcProblem;
import io.loopforge.mpc.MppiPlanner;
import io.loopforge.mpc.PlanStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SolveJobTest {
  private static final MpcProblem PROBLEM = DistillFixtures.problem(3);

  private static List<SolveTask> tasks(int n, long seed) {
    return SolveJob.tasks(DistillFixtures.region().sample(SampleRegion.Design.LATIN_HYPERCUBE, n, seed),
        PROBLEM.stateReference());
  }

  private static void assertSameSolutions(SolveDataset a, SolveDataset b) {
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      SolveRecord x = a.records().get(i);
      SolveRecord y = b.records().get(i);
      assertTrue(x.sameSolution(y), "record " + i + ": " + x + " vs " + y);
    }
  }

  /** Chunks a fan-out was asked to run, recorded before passing them on. */
  private static final class Recording implements FanOut {
    final FanOut inner;
    final List<Integer> asked = Collections.synchronizedList(new ArrayList<>());

    Recording(FanOut inner) {
      this.inner = inner;
    }

    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public void run(List<Integer> chunks, ChunkWork work, java.util.function.IntConsumer finished) throws Exception {
      asked.addAll(chunks);
      inner.run(chunks, work, finished);
    }
  }

  @Test
  void recordsDoNotDependOnThreadsNorChunkingAndReadBackExactly(@TempDir Path dir) throws Exception {
    List<SolveTask> tasks = tasks(24, 1);
    SolveDataset one = SolveJob.builder(() -> DistillFixtures.mip(PROBLEM), tasks).directory(dir.resolve("one"))
        .chunkSize(24).fanOut(ExecutorFanOut.threads(1)).build().run();
    SolveDataset two = SolveJob.builder(() -> DistillFixtures.mip(PROBLEM), tasks).directory(dir.resolve("two"))
        .chunkSize(5).fanOut(ExecutorFanOut.threads(2)).build().run();
    assertSameSolutions(one, two);
    assertEquals(24, one.statusCounts().get(PlanStatus.OPTIMAL), one.statusCounts().toString());
    assertEquals(5, Files.list(dir.resolve("two")).filter(p -> p.getFileName().toString().startsWith("chunk-")).count());
    // and the same as solving each task directly, in memory
    for (SolveTask t : tasks) {
      SolveRecord direct = SolveJob.solve(DistillFixtures.mip(PROBLEM), t);
      assertTrue(direct.sameSolution(two.records().get(t.index())), "task " + t.index());
      assertTrue(Double.isFinite(direct.cost()) && direct.input()[0] >= -20 && direct.input()[0] <= 20);
    }
  }

  @Test
  void aRerunAfterAnInterruptSolvesOnlyTheMissingChunks(@TempDir Path dir) throws Exception {
    List<SolveTask> tasks = tasks(30, 2);
    Thread caller = Thread.currentThread();
    AtomicReference<Progress> last = new AtomicReference<>();
    SolveJob interrupted = SolveJob.builder(() -> DistillFixtures.mip(PROBLEM), tasks).directory(dir).chunkSize(3)
        .fanOut(ExecutorFanOut.threads(1)).listener(p -> {
          last.set(p);
          if (p.done() == 12) {
            caller.interrupt(); // as Ctrl-C would, halfway through
          }
        }).build();
    assertThrows(InterruptedException.class, interrupted::run);
    assertTrue(!Thread.interrupted());
    List<Integer> onDisk = new ArrayList<>();
    for (int c = 0; c < 10; c++) {
      if (Files.exists(dir.resolve(String.format("chunk-%05d.csv", c)))) {
        onDisk.add(c);
      }
    }
    assertTrue(onDisk.size() >= 4 && onDisk.size() < 10, "chunks on disk after the interrupt: " + onDisk);
    assertTrue(last.get().done() < 30);

    Recording rec = new Recording(ExecutorFanOut.threads(2));
    List<Progress> seen = Collections.synchronizedList(new ArrayList<>());
    SolveDataset resumed = SolveJob.builder(() -> DistillFixtures.mip(PROBLEM), tasks).directory(dir).chunkSize(3)
        .fanOut(rec).listener(seen::add).build().run();
    List<Integer> missing = new ArrayList<>();
    for (int c = 0; c < 10; c++) {
      if (!onDisk.contains(c)) {
        missing.add(c);
      }
    }
    assertEquals(missing, rec.asked);
    assertEquals(3L * onDisk.size(), seen.get(0).done(), "the chunks on disk count as done from the start");
    assertEquals(30, seen.get(seen.size() - 1).done());

    SolveDataset fresh = SolveJob.builder(() -> DistillFixtures.mip(PROBLEM), tasks).directory(dir.resolve("fresh"))
        .chunkSize(3).fanOut(ExecutorFanOut.threads(2)).build().run();
    assertSameSolutions(fresh, resumed);

    // a third run finds everything on disk and solves nothing
    Recording none = new Recording(ExecutorFanOut.threads(2));
    SolveJob.builder(() -> DistillFixtures.mip(PROBLEM), tasks).directory(dir).chunkSize(3).fanOut(none).build().run();
    assertEquals(List.of(), none.asked);
  }

  @Test
  void aFolderOfAnotherJobIsRefused(@TempDir Path dir) throws Exception {
    SolveJob.builder(() -> DistillFixtures.mip(PROBLEM), tasks(4, 3)).directory(dir).chunkSize(2)
        .fanOut(ExecutorFanOut.threads(1)).build().run();
    MpcException e = assertThrows(MpcException.class, () -> SolveJob.builder(() -> DistillFixtures.mip(PROBLEM),
        tasks(4, 4)).directory(dir).chunkSize(2).fanOut(ExecutorFanOut.threads(1)).build().run());
    assertTrue(e.getMessage().startsWith(dir + " holds the solves of another job"), e.getMessage());
    assertTrue(e.getMessage().endsWith("give another folder or delete that one"), e.getMessage());
  }

  @Test
  void solvesThatAreNotProvenOptimalAreCountedAndLeftOutOfTraining(@TempDir Path dir) throws Exception {
    List<SolveTask> tasks = tasks(6, 5);
    SolveDataset mip = SolveJob.builder(() -> DistillFixtures.mip(PROBLEM), tasks).directory(dir.resolve("mip"))
        .chunkSize(3).fanOut(ExecutorFanOut.threads(1)).build().run();
    SolveDataset mppi = SolveJob.builder(() -> MppiPlanner.builder(PROBLEM).seed(1).samples(32).iterations(2).build(),
        tasks).directory(dir.resolve("mppi")).chunkSize(3).fanOut(ExecutorFanOut.threads(2)).build().run();
    assertEquals(6, mppi.statusCounts().get(PlanStatus.BEST_FOUND));
    assertEquals(6, mppi.excluded());
    assertEquals(0, mppi.training().size());
    SolveDataset both = mip.plus(mppi);
    assertEquals(12, both.size());
    assertEquals(6, both.training().size());
    assertEquals(6, both.excluded());
    for (SolveRecord r : both.training()) {
      assertEquals(PlanStatus.OPTIMAL, r.status());
    }
  }

  @Test
  void aDamagedChunkFileIsNamedWithItsLine(@TempDir Path dir) throws Exception {
    List<SolveTask> tasks = tasks(4, 6);
    SolveJob job = SolveJob.builder(() -> DistillFixtures.mip(PROBLEM), tasks).directory(dir).chunkSize(2)
        .fanOut(ExecutorFanOut.threads(1)).build();
    job.run();
    Path chunk = dir.resolve("chunk-00001.csv");
    List<String> lines = new ArrayList<>(Files.readAllLines(chunk));
    lines.set(2, lines.get(2).replace("OPTIMAL", "SPLENDID"));
    Files.write(chunk, lines);
    MpcException e = assertThrows(MpcException.class, job::run);
    assertTrue(e.getMessage().startsWith(chunk + ", line 3: "), e.getMessage());
  }

  @Test
  void progressSaysRateAndTimeLeft() {
    Progress p = new Progress(150, 1000, 100, java.time.Duration.ofSeconds(10));
    assertEquals(10.0, p.rate(), 1e-12);
    assertEquals(java.time.Duration.ofSeconds(85), p.remaining());
    assertEquals("150/1000 solves, 10.0/s, 1 m 25 s left", p.toString());
  }
}
