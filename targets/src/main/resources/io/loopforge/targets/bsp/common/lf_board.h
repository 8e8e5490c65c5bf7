/*
 * Loopforge board support: the interface every board implements.
 *
 * Build-time configuration, passed by FirmwareBuilder as -D macros (one source of truth, the Java
 * Target): LF_SYSTICK_HZ (SysTick clock with CLKSOURCE=1, Hz), LF_SEMIHOSTING (1 under QEMU, 0 on
 * real boards without a debugger), LF_BOARD_NAME (string).
 */
#ifndef LF_BOARD_H
#define LF_BOARD_H

#include <stdint.h>

#ifndef LF_SYSTICK_HZ
#error "LF_SYSTICK_HZ must be defined (SysTick clock, Hz)"
#endif
#ifndef LF_SEMIHOSTING
#define LF_SEMIHOSTING 1
#endif
#ifndef LF_BOARD_NAME
#define LF_BOARD_NAME "unknown"
#endif

/* Exit codes the firmware gives QEMU through SYS_EXIT_EXTENDED. 0 only after the host said STOP. */
#define LF_EXIT_OK 0
#define LF_EXIT_HARDFAULT 3
#define LF_EXIT_HOST_GONE 4
#define LF_EXIT_INIT_FAILED 5

/* Clocks and the UART. Called once from main, before any I/O. Leaves PRIMASK set. */
void lf_board_init(void);

/*
 * Blocking UART I/O on the board's console UART (QEMU serial0). Reads sleep in WFI until the UART's
 * receive interrupt is pending: lf_board_init enables it in the UART and the NVIC but sets PRIMASK, so
 * it wakes the core without ever being taken (no handler, no vector). A spinning core competes with
 * QEMU's I/O thread for the host CPU; a sleeping one lets the bytes through.
 */
void lf_uart_write(const uint8_t *buf, uint32_t len);
void lf_uart_read(uint8_t *buf, uint32_t len);

/* Register snapshot taken by the fault handler. */
typedef struct {
  uint32_t exception; /* IPSR: 2 NMI, 3 HardFault, 4 MemManage, 5 BusFault, 6 UsageFault */
  uint32_t cfsr;
  uint32_t hfsr;
  uint32_t mmfar;
  uint32_t bfar;
  uint32_t pc;   /* stacked PC: the faulting instruction (or the next one for imprecise faults) */
  uint32_t lr;   /* stacked LR */
  uint32_t xpsr; /* stacked xPSR */
  uint32_t sp;   /* SP at fault entry (start of the stacked frame) */
} lf_fault_info;

/*
 * Called by the fault handler before it reports on the semihosting console and exits with
 * LF_EXIT_HARDFAULT. Weak no-op by default; the HIL application sends a FAULT frame from it.
 */
void lf_fault_hook(const lf_fault_info *info);

/* Ends the program: SYS_EXIT_EXTENDED under semihosting, otherwise sleeps forever. */
void lf_exit(int code) __attribute__((noreturn));

/*
 * NVIC set-enable and clear-pending registers. They sit at the same addresses on every ARMv7-M core,
 * so this one definition serves every board, under semihosting and over the UART alike.
 */
#define LF_NVIC_ISER(n) (*(volatile uint32_t *)(0xE000E100u + 4u * (n)))
#define LF_NVIC_ICPR(n) (*(volatile uint32_t *)(0xE000E280u + 4u * (n)))

/* Lets interrupt `irq` wake WFI without ever being taken (PRIMASK stays set). */
static inline void lf_irq_wake_only(uint32_t irq) {
  __asm__ volatile("cpsid i" ::: "memory");
  LF_NVIC_ICPR(irq / 32u) = 1u << (irq % 32u);
  LF_NVIC_ISER(irq / 32u) = 1u << (irq % 32u);
}

/* Clears interrupt `irq`'s pending bit after a wake-up, so the next WFI sleeps again. */
static inline void lf_irq_clear_pending(uint32_t irq) { LF_NVIC_ICPR(irq / 32u) = 1u << (irq % 32u); }

#endif
