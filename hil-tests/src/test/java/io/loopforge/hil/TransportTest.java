package io.loopforge.hil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TransportTest {
  @Test
  void parsesCommandLineNames() {
    assertEquals(Transport.SEMIHOSTING, Transport.parse("semihosting"));
    assertEquals(Transport.UART, Transport.parse("UART"));
    assertEquals("uart", Transport.UART.toString());
    HilException e = assertThrows(HilException.class, () -> Transport.parse("tcp"));
    assertEquals("unknown transport 'tcp'; use semihosting or uart", e.getMessage());
  }
}
