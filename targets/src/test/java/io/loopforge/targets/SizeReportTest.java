package io.loopforge.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SizeReportTest {
  @Test
  void flashIsTextPlusDataAndRamIsDataPlusBss() {
    SizeReport r = new SizeReport("stm32f4-discovery", 3040, 8, 10280, 8192, 1 << 20, 128 << 10);
    assertEquals(3048, r.flashUsed());
    assertEquals(10288, r.ramUsed());
    assertTrue(r.fits());
    String nl = System.lineSeparator();
    assertEquals("target stm32f4-discovery" + nl
        + "  text 3040 B, data 8 B, bss 10280 B (stack reserve 8192 B)" + nl
        + "  flash     3048 B of   1048576 B (  0.29 %)" + nl
        + "  RAM      10288 B of    131072 B (  7.85 %)" + nl, r.format());
  }

  @Test
  void overBudgetIsMarked() {
    SizeReport r = new SizeReport("tiny", 3040, 8, 10280, 8192, 1024, 128 << 10);
    assertFalse(r.fitsFlash());
    assertTrue(r.fitsRam());
    assertTrue(r.format().contains("(297.66 %)  OVER BUDGET"), r.format());
  }
}
