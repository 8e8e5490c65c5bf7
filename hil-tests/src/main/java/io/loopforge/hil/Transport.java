package io.loopforge.hil;

import java.util.Locale;

/** How frames travel between the host and the firmware; the firmware application is the same. */
public enum Transport {
  /**
   * Semihosting SYS_READ/SYS_WRITE on {@code :tt}, i.e. QEMU's stdin/stdout ({@code -serial null}).
   * Fast (tens of thousands of steps per second): the default for tests and bulk runs.
   */
  SEMIHOSTING(1),
  /**
   * The board's UART (QEMU serial0) through a unix-socket chardev: the real serial path, one byte per
   * QEMU main-loop iteration (about a thousand steps per second).
   */
  UART(2);

  private final int code;

  Transport(int code) {
    this.code = code;
  }

  /** The code the firmware reports in its HELLO frame. */
  int code() {
    return code;
  }

  static Transport ofCode(int code) {
    for (Transport t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new HilException(HilException.Kind.PROTOCOL, "firmware reported unknown transport code " + code);
  }

  /** {@code semihosting} or {@code uart}, case-insensitive. */
  public static Transport parse(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new HilException(HilException.Kind.SETUP, "unknown transport '" + name + "'; use semihosting or uart");
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
