package io.loopforge.targets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** The C and linker-script resources of the targets module, and their extraction to a build directory. */
final class BoardSupport {
  static final String ROOT = "/io/loopforge/targets/";

  static final List<String> COMMON = List.of(
      "bsp/common/lf_board.h",
      "bsp/common/lf_semihost.h",
      "bsp/common/lf_semihost.c",
      "bsp/common/lf_systick.h",
      "bsp/common/lf_startup.c",
      "bsp/common/lf_stm32f4_usart.h",
      "bsp/common/lf_sections.ld");

  static final List<String> HIL = List.of(
      "hil/lf_frame.h",
      "hil/lf_frame.c",
      "hil/lf_hil_main.c");

  private BoardSupport() {}

  static List<String> boardFiles(String board) {
    return List.of("bsp/" + board + "/lf_board.c", "bsp/" + board + "/" + board + ".ld");
  }

  /** Every file {@link #extract} writes for {@code board}, relative to the build directory. */
  static List<String> files(String board) {
    List<String> all = new ArrayList<>(COMMON);
    all.addAll(boardFiles(board));
    all.addAll(HIL);
    return all;
  }

  /** Copies every resource of the board and the HIL application under {@code dir}, keeping relative paths. */
  static void extract(String board, Path dir) {
    for (String name : files(board)) {
      try (InputStream in = BoardSupport.class.getResourceAsStream(ROOT + name)) {
        if (in == null) {
          throw new TargetException("board support file " + name + " is missing from the loopforge-targets jar"
              + " (unknown board '" + board + "'?)");
        }
        Path out = dir.resolve(name);
        Files.createDirectories(out.getParent());
        Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new TargetException("cannot extract " + name + " to " + dir + ": " + e.getMessage(), e);
      }
    }
  }
}
