/*
 * mps2-an386: CMSDK APB UART0 at 0x40004000 (QEMU serial0). Clocks are fixed on the FPGA image
 * (25 MHz), nothing to set up besides the UART. UART0 receive interrupt: IRQ 0.
 */
#include "lf_board.h"

#define UART0_DATA (*(volatile uint32_t *)0x40004000u)
#define UART0_STATE (*(volatile uint32_t *)0x40004004u)
#define UART0_CTRL (*(volatile uint32_t *)0x40004008u)
#define UART0_INTCLEAR (*(volatile uint32_t *)0x4000400Cu)
#define UART0_BAUDDIV (*(volatile uint32_t *)0x40004010u)
#define UART0_RX_IRQ 0u

#define STATE_TXFULL 0x1u
#define STATE_RXFULL 0x2u

void lf_board_init(void) {
  /* BAUDDIV below 16 is invalid (QEMU then refuses to transmit); 25 MHz / 217 = 115200 Bd. */
  UART0_BAUDDIV = 217u;
  UART0_CTRL = 0xBu; /* TXEN | RXEN | RXINTEN */
  lf_irq_wake_only(UART0_RX_IRQ);
}

void lf_uart_write(const uint8_t *buf, uint32_t len) {
  for (uint32_t i = 0; i < len; i++) {
    while ((UART0_STATE & STATE_TXFULL) != 0u) {
    }
    UART0_DATA = buf[i];
  }
}

void lf_uart_read(uint8_t *buf, uint32_t len) {
  for (uint32_t i = 0; i < len; i++) {
    while ((UART0_STATE & STATE_RXFULL) == 0u) {
      __asm__ volatile("wfi");
    }
    buf[i] = (uint8_t)UART0_DATA;
    UART0_INTCLEAR = 0x2u; /* RX interrupt status is latched */
    lf_irq_clear_pending(UART0_RX_IRQ);
  }
}
