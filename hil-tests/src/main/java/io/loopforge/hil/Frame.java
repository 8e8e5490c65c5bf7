package io.loopforge.hil;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * One frame of the lock-step HIL protocol (firmware side: {@code hil/lf_frame.h} in the targets
 * module).
 *
 * <p>On the wire: sync byte {@code 0xA5}, payload length (u16 little-endian, 1..{@value #MAX_PAYLOAD}),
 * payload, CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection) of the two length bytes and
 * the payload, u16 little-endian. Payload byte 0 is the {@link Type}; multi-byte fields are
 * little-endian, floats IEEE-754 binary32. Immutable.
 */
public final class Frame {
  public static final int SYNC = 0xA5;
  public static final int MAX_PAYLOAD = 1024;
  public static final int PROTOCOL_VERSION = 1;
  /** Bytes around the payload: sync, two length bytes, two CRC bytes. */
  public static final int OVERHEAD = 5;

  /** Frame types and their codes. */
  public enum Type {
    /** fw→host at boot: version, transport, nx, nu, nr, SysTick Hz, controller name. */
    HELLO(0x01),
    /** host→fw: step u32, x f32[nx], r f32[nr]. */
    STEP(0x10),
    /** fw→host: step u32, status u32 (error code, solver status {@code << 16}), instructions u32, u f32[nu]. */
    RESULT(0x11),
    /** host→fw: end of the run. */
    STOP(0x12),
    /** fw→host: answer to STOP with the number of steps answered; then QEMU exits with 0. */
    BYE(0x13),
    /** fw→host: a frame was rejected (code u8, detail u32); nothing was used from it. */
    ERROR(0x7E),
    /** fw→host: fault registers, sent by the fault handler. */
    FAULT(0x7F);

    private final int code;

    Type(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }

    static Type ofCode(int code) {
      for (Type t : values()) {
        if (t.code == code) {
          return t;
        }
      }
      return null;
    }
  }

  /** Reasons the firmware rejects a frame (ERROR frame codes). */
  public enum Rejection {
    BAD_CRC(1, "bad CRC"),
    BAD_LENGTH(2, "bad length"),
    UNKNOWN_TYPE(3, "unknown frame type"),
    BAD_PAYLOAD_SIZE(4, "wrong payload size");

    private final int code;
    private final String text;

    Rejection(int code, String text) {
      this.code = code;
      this.text = text;
    }

    public int code() {
      return code;
    }

    static Rejection ofCode(int code) {
      for (Rejection r : values()) {
        if (r.code == code) {
          return r;
        }
      }
      throw new HilException(HilException.Kind.PROTOCOL, "firmware sent unknown ERROR code " + code);
    }

    /** What the detail word means, for messages. */
    String explain(long detail) {
      switch (this) {
        case BAD_CRC:
          return String.format(Locale.ROOT, "%s (frame carried 0x%04x, firmware computed 0x%04x)", text,
              detail >>> 16, detail & 0xFFFF);
        case BAD_LENGTH:
          return text + " " + detail;
        case UNKNOWN_TYPE:
          return String.format(Locale.ROOT, "%s 0x%02x", text, detail);
        default:
          return text + " (" + detail + " payload bytes)";
      }
    }
  }

  private final byte[] payload;

  private Frame(byte[] payload) {
    this.payload = payload;
  }

  /** A frame with this payload (type byte first); copied. */
  public static Frame of(byte[] payload) {
    if (payload.length < 1 || payload.length > MAX_PAYLOAD) {
      throw new IllegalArgumentException("payload length must be 1.." + MAX_PAYLOAD + ", got " + payload.length);
    }
    return new Frame(payload.clone());
  }

  /** The type, or {@code null} for a code this host does not know. */
  public Type type() {
    return Type.ofCode(payload[0] & 0xFF);
  }

  public int typeCode() {
    return payload[0] & 0xFF;
  }

  /** The payload, type byte first (a copy). */
  public byte[] payload() {
    return payload.clone();
  }

  byte[] payloadUnsafe() {
    return payload;
  }

  /** Why the firmware rejected a frame; only for {@link Type#ERROR} frames. */
  public Rejection rejection() {
    checkError();
    return Rejection.ofCode(payload[1] & 0xFF);
  }

  /** The ERROR frame's detail word (see {@link Rejection}); only for {@link Type#ERROR} frames. */
  public long rejectionDetail() {
    checkError();
    return Integer.toUnsignedLong((payload[2] & 0xFF) | (payload[3] & 0xFF) << 8 | (payload[4] & 0xFF) << 16
        | (payload[5] & 0xFF) << 24);
  }

  /** For people: e.g. "bad CRC (frame carried 0x1234, firmware computed 0x1235)". */
  public String describeRejection() {
    return rejection().explain(rejectionDetail());
  }

  private void checkError() {
    if (type() != Type.ERROR || payload.length != 6) {
      throw new IllegalStateException(this + " is not an ERROR frame");
    }
  }

  /** The bytes on the wire. */
  public byte[] encode() {
    byte[] out = new byte[payload.length + OVERHEAD];
    System.arraycopy(payload, 0, out, 3, payload.length);
    seal(out, payload.length);
    return out;
  }

  /**
   * Writes sync, length and CRC around {@code len} payload bytes already at {@code buf[3..3+len)}.
   * The frame occupies {@code buf[0..len+5)}.
   */
  static void seal(byte[] buf, int len) {
    buf[0] = (byte) SYNC;
    buf[1] = (byte) len;
    buf[2] = (byte) (len >>> 8);
    int crc = crc16(0xFFFF, buf, 1, len + 2);
    buf[3 + len] = (byte) crc;
    buf[4 + len] = (byte) (crc >>> 8);
  }

  private static final int[] CRC_TABLE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int c = i << 8;
      for (int k = 0; k < 8; k++) {
        c = (c & 0x8000) != 0 ? (c << 1) ^ 0x1021 : c << 1;
      }
      CRC_TABLE[i] = c & 0xFFFF;
    }
  }

  /** CRC-16/CCITT-FALSE update over {@code data[off..off+len)}; start with {@code 0xFFFF}. */
  public static int crc16(int crc, byte[] data, int off, int len) {
    for (int i = off; i < off + len; i++) {
      crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 8) ^ data[i]) & 0xFF]) & 0xFFFF;
    }
    return crc;
  }

  /**
   * Reads one frame from {@code in} into {@code buf} (at least {@code MAX_PAYLOAD + OVERHEAD} bytes)
   * and returns its payload length; the payload is at {@code buf[3..3+len)}. Returns -1 at end of
   * stream before the first byte.
   *
   * @throws HilException of kind PROTOCOL on a missing sync byte, a bad length or a bad CRC
   * @throws EOFException when the stream ends inside a frame
   */
  static int read(InputStream in, byte[] buf) throws IOException {
    int first = in.read();
    if (first < 0) {
      return -1;
    }
    buf[0] = (byte) first;
    readFully(in, buf, 1, 2);
    if (first != SYNC) {
      throw new HilException(HilException.Kind.PROTOCOL, String.format(Locale.ROOT,
          "frame from firmware does not start with the sync byte 0xa5 but with 0x%02x 0x%02x 0x%02x",
          first, buf[1] & 0xFF, buf[2] & 0xFF));
    }
    int len = (buf[1] & 0xFF) | (buf[2] & 0xFF) << 8;
    if (len < 1 || len > MAX_PAYLOAD) {
      throw new HilException(HilException.Kind.PROTOCOL, "frame from firmware has bad length " + len);
    }
    readFully(in, buf, 3, len + 2);
    int crc = crc16(0xFFFF, buf, 1, len + 2);
    int received = (buf[3 + len] & 0xFF) | (buf[4 + len] & 0xFF) << 8;
    if (crc != received) {
      throw new HilException(HilException.Kind.PROTOCOL, String.format(Locale.ROOT,
          "corrupted frame from firmware: CRC 0x%04x, computed 0x%04x (type 0x%02x, %d payload bytes)",
          received, crc, buf[3] & 0xFF, len));
    }
    return len;
  }

  private static void readFully(InputStream in, byte[] buf, int off, int len) throws IOException {
    int n = in.readNBytes(buf, off, len);
    if (n < len) {
      throw new EOFException("stream ended inside a frame");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Frame && Arrays.equals(payload, ((Frame) o).payload);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    Type t = type();
    return "Frame[" + (t == null ? String.format(Locale.ROOT, "0x%02x", typeCode()) : t) + ", " + payload.length
        + " B]";
  }
}
