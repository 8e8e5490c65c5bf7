/*
 * Cortex-M4F start-up: vector table, reset handler, .data/.bss initialisation, fault handler.
 *
 * The reset handler is a naked stub that enables the FPU (CPACR CP10/CP11 full access, then DSB and
 * ISB) before any C code runs: GCC may save FPU registers in the prologue of C functions, and with the
 * FPU off that is a NOCP UsageFault escalated to HardFault before anything can be reported.
 */
#include <stdint.h>
#include <string.h>

#include "lf_board.h"
#if LF_SEMIHOSTING
#include "lf_semihost.h"
#endif

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _estack[];

int main(void);
void lf_reset_handler(void) __attribute__((naked, noreturn));
void lf_fault_entry(void) __attribute__((naked, noreturn));
void lf_start_c(void) __attribute__((noreturn, used));
void lf_fault_c(const uint32_t *frame, uint32_t exc_return) __attribute__((noreturn, used));

/*
 * System exceptions only: no interrupt is ever enabled by Loopforge firmware. Integers rather than
 * pointers because ISO C has no conversion between object and function pointers.
 */
__attribute__((section(".vectors"), used)) static const uintptr_t lf_vectors[16] = {
    (uintptr_t)_estack,          /* initial MSP */
    (uintptr_t)lf_reset_handler, /* Reset */
    (uintptr_t)lf_fault_entry,   /* NMI */
    (uintptr_t)lf_fault_entry,   /* HardFault */
    (uintptr_t)lf_fault_entry,   /* MemManage */
    (uintptr_t)lf_fault_entry,   /* BusFault */
    (uintptr_t)lf_fault_entry,   /* UsageFault */
    0, 0, 0, 0,                  /* reserved */
    (uintptr_t)lf_fault_entry,   /* SVCall */
    (uintptr_t)lf_fault_entry,   /* DebugMonitor */
    0,                           /* reserved */
    (uintptr_t)lf_fault_entry,   /* PendSV */
    (uintptr_t)lf_fault_entry,   /* SysTick (never enabled) */
};

void lf_reset_handler(void) {
  __asm__ volatile(
      "ldr r0, =0xE000ED88\n" /* CPACR */
      "ldr r1, [r0]\n"
      "orr r1, r1, #(0xF << 20)\n"
      "str r1, [r0]\n"
      "dsb\n"
      "isb\n"
      "b lf_start_c\n");
}

void lf_start_c(void) {
  memcpy(_sdata, _sidata, (size_t)((uintptr_t)_edata - (uintptr_t)_sdata));
  memset(_sbss, 0, (size_t)((uintptr_t)_ebss - (uintptr_t)_sbss));
  lf_exit(main());
}

/* Picks the stack the exception frame was pushed on (EXC_RETURN bit 2) and hands it to C. */
void lf_fault_entry(void) {
  __asm__ volatile(
      "tst lr, #4\n"
      "ite eq\n"
      "mrseq r0, msp\n"
      "mrsne r0, psp\n"
      "mov r1, lr\n"
      "b lf_fault_c\n");
}

__attribute__((weak)) void lf_fault_hook(const lf_fault_info *info) { (void)info; }

#if LF_SEMIHOSTING
static char *lf_put_hex(char *p, const char *label, uint32_t v) {
  static const char digits[] = "0123456789abcdef";
  while (*label != '\0') {
    *p++ = *label++;
  }
  *p++ = '0';
  *p++ = 'x';
  for (int shift = 28; shift >= 0; shift -= 4) {
    *p++ = digits[(v >> shift) & 0xFu];
  }
  return p;
}
#endif

void lf_fault_c(const uint32_t *frame, uint32_t exc_return) {
  lf_fault_info info;
  uint32_t ipsr;
  __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
  (void)exc_return;
  info.exception = ipsr & 0x1FFu;
  info.cfsr = *(volatile uint32_t *)0xE000ED28u;
  info.hfsr = *(volatile uint32_t *)0xE000ED2Cu;
  info.mmfar = *(volatile uint32_t *)0xE000ED34u;
  info.bfar = *(volatile uint32_t *)0xE000ED38u;
  info.lr = frame[5];
  info.pc = frame[6];
  info.xpsr = frame[7];
  info.sp = (uint32_t)frame;
  lf_fault_hook(&info);
#if LF_SEMIHOSTING
  /* One line on QEMU's stderr, parsed by the host: "!HARDFAULT exc=… cfsr=… hfsr=… …". */
  char line[160];
  char *p = line;
  p = lf_put_hex(p, "!HARDFAULT exc=", info.exception);
  p = lf_put_hex(p, " cfsr=", info.cfsr);
  p = lf_put_hex(p, " hfsr=", info.hfsr);
  p = lf_put_hex(p, " mmfar=", info.mmfar);
  p = lf_put_hex(p, " bfar=", info.bfar);
  p = lf_put_hex(p, " pc=", info.pc);
  p = lf_put_hex(p, " lr=", info.lr);
  p = lf_put_hex(p, " xpsr=", info.xpsr);
  p = lf_put_hex(p, " sp=", info.sp);
  *p++ = '\n';
  int32_t fd = lf_sh_open_tt(9u);
  if (fd >= 0) {
    lf_sh_write(fd, line, (uint32_t)(p - line));
  }
#endif
  lf_exit(LF_EXIT_HARDFAULT);
}

void lf_exit(int code) {
#if LF_SEMIHOSTING
  lf_sh_exit(code);
#else
  (void)code;
  for (;;) {
    __asm__ volatile("wfi");
  }
#endif
}
