package io.loopforge.targets;

import java.util.Locale;

/**
 * Flash and RAM use of a firmware image against its target's budget, all in bytes, as
 * {@code arm-none-eabi-size} counts them: {@code text} (code, constants, vector table), {@code data}
 * (initialised variables: in flash and copied to RAM), {@code bss} (zeroed variables and the reserved
 * stack, {@link #stack()}).
 */
public record SizeReport(String target, long text, long data, long bss, long stack, long flashBudget, long ramBudget) {
  /** Flash used: text + data, bytes. */
  public long flashUsed() {
    return text + data;
  }

  /** RAM used: data + bss (including the stack reserve), bytes. */
  public long ramUsed() {
    return data + bss;
  }

  public boolean fitsFlash() {
    return flashUsed() <= flashBudget;
  }

  public boolean fitsRam() {
    return ramUsed() <= ramBudget;
  }

  public boolean fits() {
    return fitsFlash() && fitsRam();
  }

  /** Flash used as a percentage of the budget. */
  public double flashPercent() {
    return 100.0 * flashUsed() / flashBudget;
  }

  /** RAM used as a percentage of the budget. */
  public double ramPercent() {
    return 100.0 * ramUsed() / ramBudget;
  }

  /** A few lines for people, e.g. what {@code loopforge firmware} prints. */
  public String format() {
    return String.format(Locale.ROOT,
        "target %s%n"
            + "  text %d B, data %d B, bss %d B (stack reserve %d B)%n"
            + "  flash %8d B of %9d B (%6.2f %%)%s%n"
            + "  RAM   %8d B of %9d B (%6.2f %%)%s%n",
        target, text, data, bss, stack,
        flashUsed(), flashBudget, flashPercent(), fitsFlash() ? "" : "  OVER BUDGET",
        ramUsed(), ramBudget, ramPercent(), fitsRam() ? "" : "  OVER BUDGET");
  }
}
