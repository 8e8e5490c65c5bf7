package io.loopforge.hil;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Registers the firmware's fault handler captured: the exception number (IPSR: 3 HardFault, 4
 * MemManage, 5 BusFault, 6 UsageFault), the System Control Block fault status and address registers
 * and the stacked PC, LR, xPSR, plus the SP at fault entry. Addresses are unsigned 32-bit values held in
 * {@code long}s.
 *
 * @param location source location of {@code pc} when known (from arm-none-eabi-addr2line), else empty
 */
public record FaultReport(
    long exception, long cfsr, long hfsr, long mmfar, long bfar, long pc, long lr, long xpsr, long sp,
    Optional<String> location) {

  private static final Pattern LINE = Pattern.compile(
      "!HARDFAULT exc=0x(\\p{XDigit}{8}) cfsr=0x(\\p{XDigit}{8}) hfsr=0x(\\p{XDigit}{8}) mmfar=0x(\\p{XDigit}{8})"
          + " bfar=0x(\\p{XDigit}{8}) pc=0x(\\p{XDigit}{8}) lr=0x(\\p{XDigit}{8}) xpsr=0x(\\p{XDigit}{8})"
          + " sp=0x(\\p{XDigit}{8})");

  private static final String[] CFSR_BITS = new String[32];

  static {
    String[][] names = {
      {"0", "IACCVIOL"}, {"1", "DACCVIOL"}, {"3", "MUNSTKERR"}, {"4", "MSTKERR"}, {"5", "MLSPERR"},
      {"7", "MMARVALID"}, {"8", "IBUSERR"}, {"9", "PRECISERR"}, {"10", "IMPRECISERR"}, {"11", "UNSTKERR"},
      {"12", "STKERR"}, {"13", "LSPERR"}, {"15", "BFARVALID"}, {"16", "UNDEFINSTR"}, {"17", "INVSTATE"},
      {"18", "INVPC"}, {"19", "NOCP"}, {"24", "UNALIGNED"}, {"25", "DIVBYZERO"}
    };
    for (String[] n : names) {
      CFSR_BITS[Integer.parseInt(n[0])] = n[1];
    }
  }

  public FaultReport {
    location = location == null ? Optional.empty() : location;
  }

  /** Parses the line the fault handler prints on QEMU's stderr, if {@code text} contains one. */
  public static Optional<FaultReport> parse(String text) {
    Matcher m = LINE.matcher(text);
    if (!m.find()) {
      return Optional.empty();
    }
    long[] v = new long[9];
    for (int i = 0; i < 9; i++) {
      v[i] = Long.parseLong(m.group(i + 1), 16);
    }
    return Optional.of(new FaultReport(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], Optional.empty()));
  }

  /** Decodes the payload of a FAULT frame (after the type byte). */
  static FaultReport fromPayload(byte[] payload) {
    if (payload.length != 1 + 9 * 4) {
      throw new HilException(HilException.Kind.PROTOCOL,
          "FAULT frame has " + payload.length + " payload bytes, expected 37");
    }
    ByteBuffer b = ByteBuffer.wrap(payload, 1, 36).order(ByteOrder.LITTLE_ENDIAN);
    long[] v = new long[9];
    for (int i = 0; i < 9; i++) {
      v[i] = Integer.toUnsignedLong(b.getInt());
    }
    return new FaultReport(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], Optional.empty());
  }

  public FaultReport withLocation(String where) {
    return new FaultReport(exception, cfsr, hfsr, mmfar, bfar, pc, lr, xpsr, sp, Optional.ofNullable(where));
  }

  /** Names of the CFSR bits that are set, e.g. {@code [PRECISERR, BFARVALID]}. */
  public List<String> cfsrFlags() {
    List<String> flags = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      if ((cfsr >>> i & 1) != 0) {
        flags.add(CFSR_BITS[i] != null ? CFSR_BITS[i] : "bit" + i);
      }
    }
    return flags;
  }

  /** {@code HardFault}, {@code BusFault}, … from the exception number. */
  public String exceptionName() {
    switch ((int) exception) {
      case 2: return "NMI";
      case 3: return "HardFault";
      case 4: return "MemManage";
      case 5: return "BusFault";
      case 6: return "UsageFault";
      default: return "exception " + exception;
    }
  }

  /** One line for people: exception, decoded flags, the registers and the source location. */
  public String describe() {
    StringBuilder sb = new StringBuilder(exceptionName());
    List<String> flags = cfsrFlags();
    if ((hfsr & 0x40000000L) != 0) {
      flags.add(0, "FORCED");
    }
    if (!flags.isEmpty()) {
      sb.append(" (").append(String.join(", ", flags)).append(')');
    }
    sb.append(String.format(Locale.ROOT, ": CFSR=0x%08x HFSR=0x%08x BFAR=0x%08x MMFAR=0x%08x PC=0x%08x LR=0x%08x"
        + " xPSR=0x%08x SP=0x%08x", cfsr, hfsr, bfar, mmfar, pc, lr, xpsr, sp));
    location.ifPresent(l -> sb.append(", PC in ").append(l));
    return sb.toString();
  }
}
