package io.loopforge.modeling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.modeling.nn.ReluNetworkFile;
import io.loopforge.modeling.policy.PolicyFile;
import io.loopforge.modeling.sindy.SindyModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTextTest {
  @TempDir Path dir;

  @Test
  void writesIntoNewDirectoriesAndReadsBack() {
    Path file = dir.resolve("a/b/model.json");
    ModelFileText.write("{\"format\": \"loopforge-model/1\"}", file);
    assertEquals("{\"format\": \"loopforge-model/1\"}", ModelFileText.read(file));
  }

  @Test
  void everyModelTypeNamesAMissingFileTheSameWay() {
    Path missing = dir.resolve("nope.json");
    String expected = "cannot read model file " + missing + ": no such file; check the path";
    assertEquals(expected, assertThrows(ModelingException.class, () -> SindyModelFile.read(missing)).getMessage());
    assertEquals(expected, assertThrows(ModelingException.class, () -> ReluNetworkFile.read(missing)).getMessage());
    assertEquals(expected, assertThrows(ModelingException.class, () -> PolicyFile.read(missing)).getMessage());
  }

  @Test
  void anUnwritablePathIsNamed() throws Exception {
    Path blocker = dir.resolve("file");
    Files.writeString(blocker, "x");
    Path target = blocker.resolve("model.json"); // a directory that is a file
    ModelingException e = assertThrows(ModelingException.class, () -> ModelFileText.write("{}", target));
    assertTrue(e.getMessage().startsWith("cannot write model file " + target + ": "), e.getMessage());
  }
}
