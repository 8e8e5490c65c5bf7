package io.loopforge.hil;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrameTest {
  @Test
  void crcIsCcittFalse() {
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0x29B1, Frame.crc16(0xFFFF, check, 0, check.length));
  }

  @Test
  void encodesSyncLengthPayloadCrc() {
    byte[] wire = Frame.of(new byte[] {0x12}).encode();
    int crc = Frame.crc16(0xFFFF, new byte[] {1, 0, 0x12}, 0, 3);
    assertArrayEquals(new byte[] {(byte) 0xA5, 1, 0, 0x12, (byte) crc, (byte) (crc >>> 8)}, wire);
  }

  @Test
  void readsWhatItWrites() throws IOException {
    byte[] payload = {0x11, 1, 2, 3, 4, 5};
    byte[] buf = new byte[Frame.MAX_PAYLOAD + Frame.OVERHEAD];
    int n = Frame.read(new ByteArrayInputStream(Frame.of(payload).encode()), buf);
    assertEquals(payload.length, n);
    assertArrayEquals(payload, Arrays.copyOfRange(buf, 3, 3 + n));
    assertEquals(-1, Frame.read(new ByteArrayInputStream(new byte[0]), buf));
  }

  @Test
  void corruptedFrameFromFirmwareIsDetected() {
    byte[] wire = Frame.of(new byte[] {0x11, 1, 2, 3, 4, 5}).encode();
    wire[5] ^= 0x10;
    byte[] buf = new byte[Frame.MAX_PAYLOAD + Frame.OVERHEAD];
    HilException e = assertThrows(HilException.class, () -> Frame.read(new ByteArrayInputStream(wire), buf));
    assertEquals(HilException.Kind.PROTOCOL, e.kind());
    assertEquals(String.format("corrupted frame from firmware: CRC 0x%04x, computed 0x%04x (type 0x11, 6 payload bytes)",
        (wire[9] & 0xFF) | (wire[10] & 0xFF) << 8, Frame.crc16(0xFFFF, wire, 1, 8)), e.getMessage());
  }

  @Test
  void missingSyncAndBadLengthAreDetected() {
    byte[] buf = new byte[Frame.MAX_PAYLOAD + Frame.OVERHEAD];
    HilException sync = assertThrows(HilException.class,
        () -> Frame.read(new ByteArrayInputStream(new byte[] {0x41, 0x42, 0x43}), buf));
    assertEquals("frame from firmware does not start with the sync byte 0xa5 but with 0x41 0x42 0x43", sync.getMessage());
    HilException len = assertThrows(HilException.class,
        () -> Frame.read(new ByteArrayInputStream(new byte[] {(byte) 0xA5, 0x01, 0x10}), buf));
    assertEquals("frame from firmware has bad length 4097", len.getMessage());
    assertThrows(EOFException.class, () -> Frame.read(new ByteArrayInputStream(new byte[] {(byte) 0xA5, 2, 0, 1}), buf));
  }

  @Test
  void errorFramesExplainTheRejection() {
    Frame crc = Frame.of(new byte[] {0x7E, 1, 0x47, (byte) 0xD0, 0x47, (byte) 0xD1});
    assertEquals(Frame.Rejection.BAD_CRC, crc.rejection());
    assertEquals("bad CRC (frame carried 0xd147, firmware computed 0xd047)", crc.describeRejection());
    Frame type = Frame.of(new byte[] {0x7E, 3, 0x55, 0, 0, 0});
    assertEquals("unknown frame type 0x55", type.describeRejection());
    assertThrows(IllegalStateException.class, () -> Frame.of(new byte[] {0x11}).rejection());
  }
}
