package io.loopforge.modeling.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.ModelingException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyFileTest {
  @TempDir
  Path dir;

  @Test
  void affineRoundTripsExactly() {
    AffinePolicy p = AffinePolicy.builder(List.of("x", "v"), List.of("f", "g"), 0.02)
        .gain(new double[][] {{0.1, 1.0 / 3.0}, {-2.5e-7, 12345.678}})
        .inputReference(new double[] {0.3, -0.7})
        .inputBounds(InputBounds.of(new double[] {-1, Double.NEGATIVE_INFINITY}, new double[] {1, 4}))
        .build();
    Path file = dir.resolve("lqr.json");
    PolicyFile.write(p, file);
    assertEquals(p, PolicyFile.read(file));
    assertEquals(PolicyFile.toJson(p), PolicyFile.toJson(PolicyFile.read(file)));
    assertTrue(PolicyFile.toJson(p).contains("\"lower\" : [ -1.0, null ]"), PolicyFile.toJson(p));
  }

  @Test
  void networkRoundTripsExactly() {
    NetworkPolicy p = NetworkPolicyTest.small();
    Path file = dir.resolve("net.json");
    PolicyFile.write(p, file);
    assertEquals(p, PolicyFile.read(file));
  }

  @Test
  void minimalAffineFile() {
    String json = "{\"format\": \"loopforge-model/1\", \"type\": \"policy\", \"policy\": \"affine\","
        + " \"state_names\": [\"x\"], \"input_names\": [\"u\"], \"dt\": 0.1, \"gain\": [[3]]}";
    Policy p = PolicyFile.parse(json, "k.json");
    assertEquals(-3.0, p.control(new double[] {1}, new double[] {0})[0], 0.0);
    assertTrue(p.inputBounds().isUnbounded());
  }

  @Test
  void errorsNameFileAndKey() {
    String json = "{\"format\": \"loopforge-model/1\", \"type\": \"policy\", \"policy\": \"affine\","
        + " \"state_names\": [\"x\", \"y\"], \"input_names\": [\"u\"], \"dt\": 0.1, \"gain\": [[3]]}";
    ModelingException e = assertThrows(ModelingException.class, () -> PolicyFile.parse(json, "k.json"));
    assertEquals("model file k.json: key 'gain[0]' has 1 values, expected 2", e.getMessage());
    String bad = json.replace("\"affine\"", "\"mpc\"");
    e = assertThrows(ModelingException.class, () -> PolicyFile.parse(bad, "k.json"));
    assertEquals("model file k.json: key 'policy' is 'mpc', expected 'affine', 'relu-network' or 'polynomial'", e.getMessage());
    String unknown = json.replace("\"gain\"", "\"gains\"");
    e = assertThrows(ModelingException.class, () -> PolicyFile.parse(unknown, "k.json"));
    assertEquals("model file k.json: unknown key 'gains' for an affine policy", e.getMessage());
  }
}
