package io.loopforge.hil;

import io.loopforge.targets.ControllerSource;
import io.loopforge.targets.FirmwareBuilder;
import io.loopforge.targets.Target;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Firmware images of the test controllers (src/test/resources/io/loopforge/hil/controllers), built
 * once per test JVM into target/hil-firmware.
 */
final class TestFirmware {
  private static final Map<String, Path> BUILT = new ConcurrentHashMap<>();

  private TestFirmware() {}

  static Path controllerDir(String name) {
    try {
      return Path.of(TestFirmware.class.getResource("/io/loopforge/hil/controllers/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static synchronized Path elf(Target target, String controller) {
    return BUILT.computeIfAbsent(target.name() + "/" + controller, key ->
        FirmwareBuilder.forTarget(target)
            .controller(ControllerSource.of(controllerDir(controller)))
            .output(Path.of("target", "hil-firmware", target.name(), controller + ".elf"))
            .build()
            .elf());
  }
}
