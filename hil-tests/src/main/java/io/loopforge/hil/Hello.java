package io.loopforge.hil;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * What the firmware announces at boot (HELLO frame).
 *
 * @param version protocol version ({@link Frame#PROTOCOL_VERSION})
 * @param transport the transport the firmware chose
 * @param nx state length the controller expects
 * @param nu input length it produces
 * @param nr reference length it expects
 * @param systickHz the firmware's SysTick clock, Hz
 * @param controller the controller's symbol prefix
 */
public record Hello(int version, Transport transport, int nx, int nu, int nr, long systickHz, String controller) {
  static Hello decode(byte[] buf, int off, int len) {
    if (len < 11) {
      throw new HilException(HilException.Kind.PROTOCOL, "HELLO frame too short: " + len + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(buf, off, len).order(ByteOrder.LITTLE_ENDIAN);
    b.get(); // type
    int version = b.get() & 0xFF;
    if (version != Frame.PROTOCOL_VERSION) {
      throw new HilException(HilException.Kind.PROTOCOL, "firmware speaks protocol version " + version
          + ", this host speaks " + Frame.PROTOCOL_VERSION + ": rebuild the firmware with this Loopforge version");
    }
    Transport transport = Transport.ofCode(b.get() & 0xFF);
    int nx = b.get() & 0xFF;
    int nu = b.get() & 0xFF;
    int nr = b.get() & 0xFF;
    long hz = Integer.toUnsignedLong(b.getInt());
    int nameLen = b.get() & 0xFF;
    if (len != 11 + nameLen) {
      throw new HilException(HilException.Kind.PROTOCOL, "HELLO frame length " + len + " does not match its name");
    }
    String name = new String(buf, off + 11, nameLen, StandardCharsets.US_ASCII);
    return new Hello(version, transport, nx, nu, nr, hz, name);
  }
}
