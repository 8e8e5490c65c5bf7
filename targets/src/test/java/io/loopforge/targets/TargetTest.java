package io.loopforge.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TargetTest {
  @Test
  void builtInTargetsByName() {
    assertEquals(List.of("mps2-an386", "netduinoplus2", "stm32f4-discovery"),
        Target.builtIn().stream().map(Target::name).toList());
    assertEquals(Target.NETDUINOPLUS2, Target.forName("netduinoplus2"));
    assertEquals(Optional.of("mps2-an386"), Target.MPS2_AN386.qemuMachine());
    assertFalse(Target.STM32F4_DISCOVERY.isEmulated());
    assertFalse(Target.STM32F4_DISCOVERY.semihosting());
  }

  @Test
  void unknownNameListsTheKnownOnes() {
    TargetException e = assertThrows(TargetException.class, () -> Target.forName("olimex-stm32-h405"));
    assertEquals("unknown target 'olimex-stm32-h405'; known targets: mps2-an386, netduinoplus2, stm32f4-discovery",
        e.getMessage());
  }

  @Test
  void instructionsPerTickFollowTheSysTickClock() {
    assertEquals(40.0, Target.MPS2_AN386.instructionsPerTick());
    assertEquals(1e9 / 168e6, Target.NETDUINOPLUS2.instructionsPerTick());
  }

  @Test
  void budgetsOfTheRealChips() {
    assertEquals(1 << 20, Target.STM32F4_DISCOVERY.flashBytes());
    assertEquals(128 << 10, Target.STM32F4_DISCOVERY.ramBytes());
    assertEquals(128 << 10, Target.NETDUINOPLUS2.ramBytes());
  }

  @Test
  void toBuilderMakesAVariant() {
    Target small = Target.MPS2_AN386.toBuilder().name("tiny").flashBytes(1024).build();
    assertEquals(1024, small.flashBytes());
    assertEquals("mps2-an386", small.board());
    assertEquals(Target.MPS2_AN386.ramBytes(), small.ramBytes());
    assertTrue(small.isEmulated());
  }

  @Test
  void semihostingNeedsQemu() {
    TargetException e = assertThrows(TargetException.class,
        () -> Target.STM32F4_DISCOVERY.toBuilder().semihosting(true).build());
    assertTrue(e.getMessage().contains("semihosting needs a debugger or QEMU"), e.getMessage());
  }
}
