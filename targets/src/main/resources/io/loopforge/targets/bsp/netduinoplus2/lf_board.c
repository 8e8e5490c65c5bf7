/*
 * netduinoplus2 (STM32F405RG): USART1 at 0x40011000 (QEMU serial0) on PA9/PA10, AF7. Under QEMU the
 * core runs at 168 MHz with no clock set-up; the USART drops bytes received before UE is set, so the
 * HIL application announces itself (HELLO frame) only after lf_board_init.
 */
#include "lf_board.h"
#include "lf_stm32f4_usart.h"

#define USART1_IRQ 37u
#define USART1_BASE 0x40011000u

void lf_board_init(void) {
  LF_RCC_AHB1ENR |= 0x1u;   /* GPIOA */
  LF_RCC_APB2ENR |= 0x10u;  /* USART1 */
  lf_gpio_alternate(LF_GPIOA, 9u, 7u);
  lf_gpio_alternate(LF_GPIOA, 10u, 7u);
  lf_usart_enable(USART1_BASE, 84000000u, 115200u, USART1_IRQ); /* APB2 = 84 MHz at 168 MHz core */
}

void lf_uart_write(const uint8_t *buf, uint32_t len) { lf_usart_write(USART1_BASE, buf, len); }

void lf_uart_read(uint8_t *buf, uint32_t len) { lf_usart_read(USART1_BASE, USART1_IRQ, buf, len); }
