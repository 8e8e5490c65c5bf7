package io.loopforge.targets;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A built firmware image: the ELF file, the target it was built for, the controller prefix it runs
 * and its size report.
 */
public record Firmware(Path elf, Target target, String controllerPrefix, SizeReport size) {
  public Firmware {
    Objects.requireNonNull(elf, "elf");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(controllerPrefix, "controllerPrefix");
    Objects.requireNonNull(size, "size");
  }
}
