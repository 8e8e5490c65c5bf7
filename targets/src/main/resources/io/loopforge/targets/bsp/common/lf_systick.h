/*
 * SysTick as an instruction counter. Under QEMU with -icount shift=0 one instruction is 1 ns of
 * virtual time, so with CLKSOURCE=1 the counter advances LF_SYSTICK_HZ / 1e9 ticks per instruction
 * (mps2-an386: 25 MHz, one tick = 40 instructions). On silicon it counts core clock cycles.
 */
#ifndef LF_SYSTICK_H
#define LF_SYSTICK_H

#include <stdint.h>

#define LF_SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define LF_SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define LF_SYST_CVR (*(volatile uint32_t *)0xE000E018u)

/* Free-running, no interrupt: RVR = 2^24 - 1, CLKSOURCE = core, ENABLE. */
static inline void lf_systick_start(void) {
  LF_SYST_RVR = 0x00FFFFFFu;
  LF_SYST_CVR = 0u;
  LF_SYST_CSR = 5u;
}

static inline uint32_t lf_systick_now(void) { return LF_SYST_CVR; }

/* Ticks elapsed from t0 to t1 (the counter counts down and wraps at 2^24). */
static inline uint32_t lf_systick_elapsed(uint32_t t0, uint32_t t1) { return (t0 - t1) & 0x00FFFFFFu; }

/*
 * Finer than a tick (40 instructions on mps2-an386): lf_systick_next_edge spins until the counter
 * changes, so the code after it starts right after a tick edge (within one 3-instruction poll);
 * lf_systick_polls_to_edge counts 4-instruction polls until the next edge. Instructions from the
 * first edge to the start of the counting loop = ticks * (1e9 / LF_SYSTICK_HZ) - 4 * polls, to within
 * one poll (under -icount shift=0 every instruction takes 1 ns and device reads are exact).
 */
static inline uint32_t lf_systick_next_edge(void) {
  uint32_t t;
  uint32_t v;
  __asm__ volatile(
      "ldr %0, [%2]\n"
      "1: ldr %1, [%2]\n"
      "cmp %1, %0\n"
      "beq 1b\n"
      : "=&r"(t), "=&r"(v)
      : "r"(&LF_SYST_CVR)
      : "cc", "memory");
  return v;
}

static inline uint32_t lf_systick_polls_to_edge(uint32_t *value_after) {
  uint32_t t;
  uint32_t v;
  uint32_t polls = 0;
  __asm__ volatile(
      "ldr %0, [%3]\n"
      "1: adds %2, %2, #1\n"
      "ldr %1, [%3]\n"
      "cmp %1, %0\n"
      "beq 1b\n"
      : "=&r"(t), "=&r"(v), "+r"(polls)
      : "r"(&LF_SYST_CVR)
      : "cc", "memory");
  *value_after = v;
  return polls;
}

#endif
