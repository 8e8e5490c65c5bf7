package io.loopforge.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BoardSupportTest {
  @TempDir Path tmp;

  /**
   * Includes the header twice (the guard must hold) and uses every helper and macro it gives, so that
   * a duplicate or a missing definition on any path through its conditionals fails the compile.
   */
  private static final String USES_LF_BOARD_H = """
      #include "lf_board.h"
      #include "lf_board.h"

      #if LF_SEMIHOSTING != 0 && LF_SEMIHOSTING != 1
      #error "LF_SEMIHOSTING must be 0 or 1"
      #endif

      static const char board_name[] = LF_BOARD_NAME;

      uint32_t lf_board_header_check(uint32_t irq);

      uint32_t lf_board_header_check(uint32_t irq) {
        lf_irq_wake_only(irq);
        lf_irq_clear_pending(irq);
        return (uint32_t)LF_SYSTICK_HZ + (uint32_t)LF_SEMIHOSTING + (uint32_t)sizeof board_name
            + (uint32_t)LF_EXIT_HARDFAULT;
      }
      """;

  /** Every built-in target with its own defines, with the other transport, and with LF_SEMIHOSTING left out. */
  static Stream<Arguments> boardConfigurations() {
    List<Arguments> cases = new ArrayList<>();
    for (Target target : Target.builtIn()) {
      List<String> own = FirmwareBuilder.boardDefines(target);
      List<String> withoutSemihosting = own.stream().filter(d -> !d.startsWith("-DLF_SEMIHOSTING=")).toList();
      assertEquals(own.size() - 1, withoutSemihosting.size(), "FirmwareBuilder sets LF_SEMIHOSTING: " + own);
      List<String> otherTransport = new ArrayList<>(withoutSemihosting);
      otherTransport.add("-DLF_SEMIHOSTING=" + (target.semihosting() ? 0 : 1));
      cases.add(Arguments.of(target.name(), "as FirmwareBuilder sets them", own));
      cases.add(Arguments.of(target.name(), "other transport", otherTransport));
      cases.add(Arguments.of(target.name(), "without LF_SEMIHOSTING", withoutSemihosting));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("boardConfigurations")
  void boardHeaderCompilesWarningFree(String targetName, String variant, List<String> defines) throws IOException {
    Target target = Target.forName(targetName);
    BoardSupport.extract(target.board(), tmp);
    Files.writeString(tmp.resolve("uses_lf_board.c"), USES_LF_BOARD_H);
    List<String> cmd = new ArrayList<>();
    cmd.add(ArmToolchain.locate().gcc().toString());
    cmd.addAll(FirmwareBuilder.CFLAGS);
    cmd.addAll(defines);
    cmd.addAll(List.of("-Ibsp/common", "-c", "uses_lf_board.c", "-o", "uses_lf_board.o"));
    ArmToolchain.Result cc = ArmToolchain.run(cmd, tmp);
    assertEquals("", cc.output(), String.join(" ", cmd));
    assertEquals(0, cc.exitCode(), String.join(" ", cmd));
  }
}
