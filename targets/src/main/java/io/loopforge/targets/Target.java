package io.loopforge.targets;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A Cortex-M4F board firmware can be built for: its memory budget, its SysTick clock and, when QEMU
 * emulates it, the QEMU machine. Immutable; derive variants (for example a smaller budget) with
 * {@link #toBuilder()}.
 *
 * <p>The budget ({@link #flashBytes()}, {@link #ramBytes()}, bytes) is what the size report checks;
 * the board's linker script ({@code bsp/<board>/<board>.ld}) holds the physical memory map. A budget
 * may be smaller than the chip (to leave room for something else) but a link that does not fit the
 * chip fails anyway.
 */
public final class Target {
  /** Arm MPS2 AN386 FPGA image in QEMU (Cortex-M4F, 25 MHz): the default target. */
  public static final Target MPS2_AN386 =
      builder()
          .name("mps2-an386")
          .board("mps2-an386")
          .description("Arm MPS2 FPGA image AN386 (Cortex-M4F, 25 MHz) emulated by QEMU; CMSDK UART0")
          .qemuMachine("mps2-an386")
          .flashBytes(4 << 20)
          .ramBytes(4 << 20)
          .systickHz(25_000_000L)
          .semihosting(true)
          .build();

  /** Netduino Plus 2 (STM32F405RG, 168 MHz) in QEMU: 1 MB flash, 128 KB SRAM as on the chip. */
  public static final Target NETDUINOPLUS2 =
      builder()
          .name("netduinoplus2")
          .board("netduinoplus2")
          .description("Netduino Plus 2 (STM32F405RG, Cortex-M4F, 168 MHz) emulated by QEMU; USART1")
          .qemuMachine("netduinoplus2")
          .flashBytes(1 << 20)
          .ramBytes(128 << 10)
          .systickHz(168_000_000L)
          .semihosting(true)
          .build();

  /**
   * STM32F4-Discovery (STM32F407VG), build only: 1 MB flash, 128 KB SRAM1+SRAM2 (the 64 KB CCM of the
   * chip's 192 KB is not linked), running from the 16 MHz HSI. No semihosting (no debugger assumed):
   * the HIL application talks over USART2 (PA2/PA3, 115200 Bd).
   */
  public static final Target STM32F4_DISCOVERY =
      builder()
          .name("stm32f4-discovery")
          .board("stm32f4-discovery")
          .description("STM32F4-Discovery (STM32F407VG, Cortex-M4F, 16 MHz HSI), build only; USART2 on PA2/PA3")
          .flashBytes(1 << 20)
          .ramBytes(128 << 10)
          .systickHz(16_000_000L)
          .semihosting(false)
          .build();

  private static final List<Target> BUILT_IN = List.of(MPS2_AN386, NETDUINOPLUS2, STM32F4_DISCOVERY);

  private final String name;
  private final String board;
  private final String description;
  private final String qemuMachine;
  private final long flashBytes;
  private final long ramBytes;
  private final long systickHz;
  private final boolean semihosting;

  private Target(Builder b) {
    this.name = require(b.name, "name");
    this.board = require(b.board, "board");
    this.description = b.description == null ? b.name : b.description;
    this.qemuMachine = b.qemuMachine;
    this.flashBytes = positive(b.flashBytes, "flashBytes");
    this.ramBytes = positive(b.ramBytes, "ramBytes");
    this.systickHz = positive(b.systickHz, "systickHz");
    this.semihosting = b.semihosting;
    if (semihosting && qemuMachine == null) {
      throw new TargetException("target " + name + ": semihosting needs a debugger or QEMU; set qemuMachine or semihosting(false)");
    }
  }

  private static String require(String v, String what) {
    if (v == null || v.isBlank()) {
      throw new TargetException("target: " + what + " is required");
    }
    return v;
  }

  private static long positive(long v, String what) {
    if (v <= 0) {
      throw new TargetException("target: " + what + " must be positive, got " + v);
    }
    return v;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.board = board;
    b.description = description;
    b.qemuMachine = qemuMachine;
    b.flashBytes = flashBytes;
    b.ramBytes = ramBytes;
    b.systickHz = systickHz;
    b.semihosting = semihosting;
    return b;
  }

  /** The built-in targets: mps2-an386 (default), netduinoplus2, stm32f4-discovery. */
  public static List<Target> builtIn() {
    return BUILT_IN;
  }

  /** The built-in target of that name; a {@link TargetException} listing the known names otherwise. */
  public static Target forName(String name) {
    for (Target t : BUILT_IN) {
      if (t.name.equals(name)) {
        return t;
      }
    }
    throw new TargetException(
        "unknown target '" + name + "'; known targets: "
            + BUILT_IN.stream().map(Target::name).collect(Collectors.joining(", ")));
  }

  /** Name used on the command line, e.g. {@code mps2-an386}. */
  public String name() {
    return name;
  }

  /** Board support directory under {@code io/loopforge/targets/bsp/}. */
  public String board() {
    return board;
  }

  public String description() {
    return description;
  }

  /** The QEMU machine ({@code -M}), empty for build-only targets. */
  public Optional<String> qemuMachine() {
    return Optional.ofNullable(qemuMachine);
  }

  public boolean isEmulated() {
    return qemuMachine != null;
  }

  /** Flash budget, bytes (text + initialised data). */
  public long flashBytes() {
    return flashBytes;
  }

  /** RAM budget, bytes (data + bss + the reserved stack). */
  public long ramBytes() {
    return ramBytes;
  }

  /** SysTick clock with CLKSOURCE = core, Hz. */
  public long systickHz() {
    return systickHz;
  }

  /**
   * Instructions per SysTick tick under QEMU with {@code -icount shift=0}, where one instruction
   * takes 1 ns of virtual time: {@code 1e9 / systickHz} (40 on mps2-an386, 5.95 on netduinoplus2).
   */
  public double instructionsPerTick() {
    return 1e9 / systickHz;
  }

  /** Whether the firmware may use semihosting (QEMU); otherwise it talks only over the UART. */
  public boolean semihosting() {
    return semihosting;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Target)) {
      return false;
    }
    Target t = (Target) o;
    return name.equals(t.name) && board.equals(t.board) && description.equals(t.description)
        && Objects.equals(qemuMachine, t.qemuMachine) && flashBytes == t.flashBytes
        && ramBytes == t.ramBytes && systickHz == t.systickHz && semihosting == t.semihosting;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, board, description, qemuMachine, flashBytes, ramBytes, systickHz, semihosting);
  }

  @Override
  public String toString() {
    return name;
  }

  /** Builder for custom targets (a built-in board with another budget, typically). */
  public static final class Builder {
    private String name;
    private String board;
    private String description;
    private String qemuMachine;
    private long flashBytes;
    private long ramBytes;
    private long systickHz;
    private boolean semihosting;

    private Builder() {}

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** One of the board support directories: mps2-an386, netduinoplus2, stm32f4-discovery. */
    public Builder board(String board) {
      this.board = board;
      return this;
    }

    public Builder description(String description) {
      this.description = description;
      return this;
    }

    /** QEMU machine name, or {@code null} for a build-only target. */
    public Builder qemuMachine(String qemuMachine) {
      this.qemuMachine = qemuMachine;
      return this;
    }

    /** @param flashBytes flash budget, bytes */
    public Builder flashBytes(long flashBytes) {
      this.flashBytes = flashBytes;
      return this;
    }

    /** @param ramBytes RAM budget, bytes */
    public Builder ramBytes(long ramBytes) {
      this.ramBytes = ramBytes;
      return this;
    }

    /** @param systickHz SysTick clock, Hz */
    public Builder systickHz(long systickHz) {
      this.systickHz = systickHz;
      return this;
    }

    public Builder semihosting(boolean semihosting) {
      this.semihosting = semihosting;
      return this;
    }

    public Target build() {
      return new Target(this);
    }
  }
}
