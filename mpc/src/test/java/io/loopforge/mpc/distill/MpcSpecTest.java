package io.loopforge.mpc.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.plant.CartPoleWallsNetwork;
import io.loopforge.modeling.registry.Model;
import io.loopforge.modeling.registry.ModelFiles;
import io.loopforge.mpc.MpcException;
import io.loopforge.mpc.MpcProblem;
import io.loopforge.mpc.TerminalCost;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MpcSpec}: the spec file's MPC, rebuilt the same after serialization without the files, and its errors. */
class MpcSpecTest {
  @TempDir Path dir;

  private Path spec(String json) throws Exception {
    ModelFiles.write(Model.of(CartPoleWallsNetwork.semiImplicitEuler(DistillFixtures.PLANT, 0.05, 1)),
        dir.resolve("walls.json"));
    return Files.writeString(dir.resolve("mpc.json"), json);
  }

  @Test
  void solvesAsTheProblemItDescribesAndTheSameAfterSerializationWithoutItsFiles() throws Exception {
    MpcSpec spec = MpcSpec.read(spec("{\"model\": \"walls.json\", \"horizon\": 3, \"q\": [1, 1, 0.1, 0.1],"
        + " \"r\": [0.01]}"), "cartpole-walls");
    assertEquals("cartpole-walls", spec.plantName());
    assertEquals(3, spec.problem().horizon());
    SolveTask task = new SolveTask(0, new double[] {0.2, 0.1, 0, 0}, spec.problem().stateReference());
    SolveRecord expected = SolveJob.solve(DistillFixtures.mip(DistillFixtures.problem(3)), task);
    assertTrue(expected.trainable(), expected.toString());
    assertTrue(expected.sameSolution(SolveJob.solve(spec.planner(), task)));

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(spec);
    }
    Files.delete(dir.resolve("walls.json"));
    Files.delete(dir.resolve("mpc.json"));
    MpcSpec copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (MpcSpec) in.readObject();
    }
    assertTrue(expected.sameSolution(SolveJob.solve(copy.planner(), task)));
    assertEquals(spec.description(), copy.description());
    assertEquals(spec.modelFile().sha256(), copy.modelFile().sha256());
  }

  @Test
  void anLqrTailTerminalIsTheTailOfTheSpecsOwnProblemAlsoAfterSerialization() throws Exception {
    MpcSpec spec = MpcSpec.read(spec("{\"model\": \"walls.json\", \"horizon\": 3, \"q\": [1, 1, 0.1, 0.1],"
        + " \"r\": [0.01], \"terminal\": \"lqr-tail\"}"), "cartpole-walls");
    assertTrue(spec.problem().hasTerminalMatrix());
    MpcProblem plain = DistillFixtures.problem(3);
    double[][] expected = TerminalCost.lqrTail(plain);
    assertEquals(expected.length, spec.problem().terminalMatrix().length);
    for (int k = 0; k < expected.length; k++) {
      assertArrayEquals(expected[k], spec.problem().terminalMatrix()[k], 0.0, "row " + k);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(spec);
    }
    MpcSpec copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (MpcSpec) in.readObject();
    }
    assertArrayEquals(spec.problem().terminalMatrix()[0], copy.problem().terminalMatrix()[0], 0.0);

    Path word = spec("{\"model\": \"walls.json\", \"terminal\": \"lqr\"}");
    MpcException e = assertThrows(MpcException.class, () -> MpcSpec.read(word, "cartpole-walls"));
    assertEquals(word + ": key 'terminal' must be an array of 4 weights or \"lqr-tail\", got \"lqr\"", e.getMessage());
    Path linf = spec("{\"model\": \"walls.json\", \"norm\": \"linf\", \"terminal\": \"lqr-tail\"}");
    e = assertThrows(MpcException.class, () -> MpcSpec.read(linf, "cartpole-walls"));
    assertEquals(linf + ": \"terminal\": \"lqr-tail\" is an L1 cost; it needs \"norm\": \"l1\"", e.getMessage());
  }

  @Test
  void aBadKeyOrVectorIsNamed() throws Exception {
    Path bad = spec("{\"model\": \"walls.json\", \"horizn\": 3}");
    MpcException e = assertThrows(MpcException.class, () -> MpcSpec.read(bad, "cartpole-walls"));
    assertTrue(e.getMessage().startsWith(bad + ": unknown key 'horizn'; known keys: [horizon,"), e.getMessage());
    Path shortQ = spec("{\"model\": \"walls.json\", \"q\": [1, 2]}");
    e = assertThrows(MpcException.class, () -> MpcSpec.read(shortQ, "cartpole-walls"));
    assertEquals(shortQ + ": key 'q' must be an array of 4 numbers, got [1,2]", e.getMessage());
    e = assertThrows(MpcException.class, () -> MpcSpec.read(dir.resolve("none.json"), "cartpole-walls"));
    assertEquals(dir.resolve("none.json") + ": no such file", e.getMessage());
  }
}
