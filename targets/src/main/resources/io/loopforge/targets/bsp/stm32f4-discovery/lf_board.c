/*
 * STM32F4-Discovery (STM32F407VG), build-only: USART2 on PA2 (TX) / PA3 (RX), AF7, 115200 Bd. The
 * core runs from the 16 MHz HSI after reset (no PLL set-up), so APB1 and SysTick run at 16 MHz.
 */
#include "lf_board.h"
#include "lf_stm32f4_usart.h"

#define USART2_IRQ 38u
#define USART2_BASE 0x40004400u

void lf_board_init(void) {
  LF_RCC_AHB1ENR |= 0x1u;     /* GPIOA */
  LF_RCC_APB1ENR |= 0x20000u; /* USART2 */
  lf_gpio_alternate(LF_GPIOA, 2u, 7u);
  lf_gpio_alternate(LF_GPIOA, 3u, 7u);
  lf_usart_enable(USART2_BASE, 16000000u, 115200u, USART2_IRQ);
}

void lf_uart_write(const uint8_t *buf, uint32_t len) { lf_usart_write(USART2_BASE, buf, len); }

void lf_uart_read(uint8_t *buf, uint32_t len) { lf_usart_read(USART2_BASE, USART2_IRQ, buf, len); }
