package io.loopforge.targets;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Hand-written test controllers under src/test/resources/io/loopforge/targets/controllers. */
final class TestControllers {
  private TestControllers() {}

  static Path dir(String name) {
    try {
      return Path.of(TestControllers.class.getResource("/io/loopforge/targets/controllers/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
