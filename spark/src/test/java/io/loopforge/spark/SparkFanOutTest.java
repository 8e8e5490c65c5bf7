package io.loopforge.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.plant.CartPoleWalls;
import io.loopforge.modeling.plant.CartPoleWallsNetwork;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.mpc.distill.Distillation;
import io.loopforge.mpc.distill.ExecutorFanOut;
import io.loopforge.mpc.distill.FanOut;
import io.loopforge.mpc.distill.MpcSpec;
import io.loopforge.mpc.distill.Progress;
import io.loopforge.mpc.distill.ReluPolicyTrainer;
import io.loopforge.mpc.distill.SampleRegion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SparkFanOut}: found as engine "spark" by {@link FanOut#provider}, as {@code loopforge distill --engine
 * spark} finds it, and in {@code local[2]} a distillation with it gives the records and policies of the local
 * engine; progress arrives chunk by chunk.
 */
class SparkFanOutTest {
  @Test
  void theSparkEngineDistilsAsTheLocalOne(@TempDir Path dir) throws Exception {
    ModelFiles.write(Model.of(CartPoleWallsNetwork.semiImplicitEuler(CartPoleWalls.withDefaults(), 0.05, 1)),
        dir.resolve("walls.json"));
    MpcSpec spec = MpcSpec.read(Files.writeString(dir.resolve("mpc.json"),
        "{\"model\": \"walls.json\", \"horizon\": 3, \"q\": [1, 1, 0.1, 0.1], \"r\": [0.01]}"), "cartpole-walls");
    FanOut.Provider provider = FanOut.provider("spark").orElseThrow();
    assertEquals("spark", provider.engine());

    Distillation.Result local = distill(spec, ExecutorFanOut.threads(2), dir.resolve("local"), new ArrayList<>());
    List<Progress> progress = Collections.synchronizedList(new ArrayList<>());
    Distillation.Result spark;
    String master = System.getProperty("spark.master");
    String ui = System.getProperty("spark.ui.enabled");
    String localDir = System.getProperty("spark.local.dir");
    System.setProperty("spark.master", "local[2]");
    System.setProperty("spark.ui.enabled", "false");
    System.setProperty("spark.local.dir", Files.createDirectories(dir.resolve("spark-local")).toString());
    try (FanOut fanOut = provider.open()) {
      assertEquals("spark (local[2])", fanOut.name());
      spark = distill(spec, fanOut, dir.resolve("spark"), progress);
    } finally {
      restore("spark.master", master);
      restore("spark.ui.enabled", ui);
      restore("spark.local.dir", localDir);
    }
    assertEquals(local.data().size(), spark.data().size());
    for (int i = 0; i < local.data().size(); i++) {
      assertTrue(local.data().records().get(i).sameSolution(spark.data().records().get(i)), "record " + i);
    }
    assertEquals(ModelFiles.toJson(Model.of(local.relu())), ModelFiles.toJson(Model.of(spark.relu())));
    assertEquals(ModelFiles.toJson(Model.of(local.polynomial())), ModelFiles.toJson(Model.of(spark.polynomial())));
    // the first report (nothing on disk), then one per chunk of 4: 16 samples and 2 × 3 DAgger states
    assertEquals(List.of(0L, 4L, 8L, 12L, 16L), progress.subList(0, 5).stream().map(Progress::done).sorted().toList());
    assertTrue(Files.isRegularFile(dir.resolve("spark/samples/chunk-00003.csv")));
  }

  private static Distillation.Result distill(MpcSpec spec, FanOut fanOut, Path dir, List<Progress> progress)
      throws InterruptedException {
    return Distillation.builder(spec.planners(), spec.plant())
        .region(SampleRegion.ofPlant(spec.plant(), 0.3)).samples(16).seed(3).dagger(1, 2, 3).chunkSize(4)
        .fanOut(fanOut).directory(dir).listener(progress::add).description(spec.description())
        .trainer(ReluPolicyTrainer.builder().hidden(8).epochs(20).seed(3).build()).polynomial(1, 0.1).build().run();
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }
}
