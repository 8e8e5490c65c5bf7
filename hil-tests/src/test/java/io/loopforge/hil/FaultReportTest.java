package io.loopforge.hil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FaultReportTest {
  private static final String LINE = "!HARDFAULT exc=0x00000003 cfsr=0x00008200 hfsr=0x40000000 mmfar=0x00000000"
      + " bfar=0xa0000000 pc=0x00000688 lr=0x000005f3 xpsr=0x61030000 sp=0x203fffa8\n";

  @Test
  void parsesTheFaultHandlerLine() {
    FaultReport r = FaultReport.parse("qemu noise\n" + LINE).orElseThrow();
    assertEquals(3, r.exception());
    assertEquals(0x8200, r.cfsr());
    assertEquals(0xA0000000L, r.bfar());
    assertEquals(0x688, r.pc());
    assertEquals(0x203fffa8L, r.sp());
    assertEquals(List.of("PRECISERR", "BFARVALID"), r.cfsrFlags());
    assertEquals(Optional.empty(), FaultReport.parse("nothing here"));
  }

  @Test
  void describesForPeople() {
    FaultReport r = FaultReport.parse(LINE).orElseThrow().withLocation("msd_control at msd.c:12");
    assertEquals("HardFault (FORCED, PRECISERR, BFARVALID): CFSR=0x00008200 HFSR=0x40000000 BFAR=0xa0000000"
        + " MMFAR=0x00000000 PC=0x00000688 LR=0x000005f3 xPSR=0x61030000 SP=0x203fffa8,"
        + " PC in msd_control at msd.c:12", r.describe());
  }

  @Test
  void decodesTheFaultFrame() {
    byte[] p = new byte[37];
    p[0] = 0x7F;
    long[] v = {3, 0x10000, 0x40000000L, 0, 0, 0x1234, 0x5678, 0x01000000, 0x20001000};
    for (int i = 0; i < 9; i++) {
      for (int b = 0; b < 4; b++) {
        p[1 + 4 * i + b] = (byte) (v[i] >>> (8 * b));
      }
    }
    FaultReport r = FaultReport.fromPayload(p);
    assertEquals(List.of("UNDEFINSTR"), r.cfsrFlags());
    assertEquals(0x1234, r.pc());
    assertTrue(r.describe().startsWith("HardFault (FORCED, UNDEFINSTR): CFSR=0x00010000"), r.describe());
  }
}
