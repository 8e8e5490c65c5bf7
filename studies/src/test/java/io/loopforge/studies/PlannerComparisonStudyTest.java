package io.loopforge.studies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.plant.CartPoleWalls;
import io.loopforge.modeling.plant.CartPoleWallsNetwork;
import io.loopforge.modeling.plant.PlantCatalog;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerComparisonStudyTest {
  @TempDir Path models;

  /** The exact plant as networks stand in for trained ones: 1 Euler substep as "dense", 2 as the 4-ReLU model. */
  private void writeModels() throws IOException {
    CartPoleWalls plant = (CartPoleWalls) PlantCatalog.create("cartpole-walls");
    ModelFiles.write(Model.of(CartPoleWallsNetwork.semiImplicitEuler(plant, 0.05, 1)),
        models.resolve("cartpole-walls-dense.json"));
    ModelFiles.write(Model.of(CartPoleWallsNetwork.semiImplicitEuler(plant, 0.05, 2)),
        models.resolve("cartpole-walls-gated-4.json"));
  }

  @Test
  void everyPlannerRunsEveryEpisodeAndTheGoalIsCountedPerEpisode() throws IOException {
    writeModels();
    PlannerComparisonStudy.Options o = new PlannerComparisonStudy.Options(models, "cartpole-walls", new int[] {4}, 2,
        6, 3, Duration.ofSeconds(20), 1);
    StringWriter log = new StringWriter();
    PlannerComparisonStudy.Report r = PlannerComparisonStudy.run(o, new PrintWriter(log));
    assertEquals(1, r.budgets().size());
    PlannerComparisonStudy.Budget b = r.budgets().get(0);
    List<String> planners = b.rows().stream().map(PlannerComparisonStudy.Row::planner).toList();
    assertEquals(List.of("mip", "mppi", "cem", "random", "gd", "mppi"), planners);
    assertEquals("dense", b.rows().get(5).model());
    for (PlannerComparisonStudy.Row row : b.rows()) {
      assertEquals(2, row.costs().length, row.toString());
      for (double c : row.costs()) {
        assertTrue(Double.isFinite(c) && c >= 0, row.toString());
      }
      assertEquals(2 * 6, row.steps(), "a plan per step: " + row);
    }
    assertEquals(0, b.rows().get(0).fallbacks(), "MIP proves every plan within 20 s on 4 ReLUs at H = 3");
    assertEquals(12, b.rows().get(0).optimal(), b.rows().get(0).toString());
    // the share is recounted from the costs, as the study defines it
    int noWorse = 0;
    for (int e = 0; e < 2; e++) {
      double best = Double.POSITIVE_INFINITY;
      for (int i = 1; i < b.rows().size(); i++) {
        best = Math.min(best, b.rows().get(i).costs()[e]);
      }
      noWorse += b.rows().get(0).costs()[e] <= best + 1e-6 * Math.max(1, best) ? 1 : 0;
    }
    assertEquals(noWorse, b.mipNoWorse());
    assertTrue(log.toString().contains("mip on gated-4: episode 2 of 2, cost "), log.toString());
    String md = PlannerComparisonStudy.markdown(r);
    assertTrue(md.contains(" | 12 / 12 | 0 |\n"), md);
    assertTrue(md.contains("MIP no worse than the best other controller in " + noWorse + " of 2 episodes"), md);
    assertTrue(md.contains("terminal cost the L1 cost of the LQR tail on each model"), md);
    double[] c = b.rows().stream().mapToDouble(row -> row.costs()[1]).toArray();
    double bestOther = java.util.Arrays.stream(c, 1, c.length).min().orElseThrow();
    assertTrue(md.contains(String.format(java.util.Locale.ROOT, "| 2 | %.4g | %.4g |", c[0], c[1])), md);
    assertTrue(md.contains(String.format(java.util.Locale.ROOT, " %.3f |%n", c[0] / bestOther)), md);
  }

  @Test
  void aMissingModelSaysHowToMakeIt() throws IOException {
    writeModels();
    PlannerComparisonStudy.Options o = new PlannerComparisonStudy.Options(models, "cartpole-walls", new int[] {8}, 1,
        2, 2, Duration.ofSeconds(1), 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PlannerComparisonStudy.run(o, new PrintWriter(new StringWriter())));
    assertTrue(e.getMessage().startsWith("no model " + models.resolve("cartpole-walls-gated-8.json")
        + ": make the models with 'loopforge sparsify benchmark --plants cartpole-walls --budgets 16,8,4"), e.getMessage());
  }
}
