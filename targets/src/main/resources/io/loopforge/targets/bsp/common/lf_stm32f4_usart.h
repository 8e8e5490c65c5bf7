/*
 * Polled STM32F4 USART driver shared by the STM32F4 boards. The including board file defines the
 * USART base address before including it.
 */
#ifndef LF_STM32F4_USART_H
#define LF_STM32F4_USART_H

#include <stdint.h>

#include "lf_board.h"

#define LF_USART_SR(base) (*(volatile uint32_t *)((base) + 0x00u))
#define LF_USART_DR(base) (*(volatile uint32_t *)((base) + 0x04u))
#define LF_USART_BRR(base) (*(volatile uint32_t *)((base) + 0x08u))
#define LF_USART_CR1(base) (*(volatile uint32_t *)((base) + 0x0Cu))

#define LF_USART_SR_RXNE 0x20u
#define LF_USART_SR_TXE 0x80u
#define LF_USART_CR1_UE 0x2000u
#define LF_USART_CR1_TE 0x8u
#define LF_USART_CR1_RE 0x4u
#define LF_USART_CR1_RXNEIE 0x20u

/*
 * 16x oversampling: BRR = f_pclk / baud (mantissa and fraction packed as the reference manual says).
 * The receive interrupt `irq` only wakes WFI (see lf_board.h).
 */
static inline void lf_usart_enable(uint32_t base, uint32_t pclk_hz, uint32_t baud, uint32_t irq) {
  LF_USART_BRR(base) = (pclk_hz + baud / 2u) / baud;
  LF_USART_CR1(base) = LF_USART_CR1_UE | LF_USART_CR1_TE | LF_USART_CR1_RE | LF_USART_CR1_RXNEIE;
  lf_irq_wake_only(irq);
}

static inline void lf_usart_write(uint32_t base, const uint8_t *buf, uint32_t len) {
  for (uint32_t i = 0; i < len; i++) {
    while ((LF_USART_SR(base) & LF_USART_SR_TXE) == 0u) {
    }
    LF_USART_DR(base) = buf[i];
  }
}

/* Reading DR clears RXNE and with it the (level) interrupt request; then the NVIC pending bit. */
static inline void lf_usart_read(uint32_t base, uint32_t irq, uint8_t *buf, uint32_t len) {
  for (uint32_t i = 0; i < len; i++) {
    while ((LF_USART_SR(base) & LF_USART_SR_RXNE) == 0u) {
      __asm__ volatile("wfi");
    }
    buf[i] = (uint8_t)LF_USART_DR(base);
    lf_irq_clear_pending(irq);
  }
}

/* RCC and GPIO, for the pin set-up real boards need (QEMU 7.2 ignores these writes). */
#define LF_RCC_AHB1ENR (*(volatile uint32_t *)0x40023830u)
#define LF_RCC_APB1ENR (*(volatile uint32_t *)0x40023840u)
#define LF_RCC_APB2ENR (*(volatile uint32_t *)0x40023844u)
#define LF_GPIO_MODER(port) (*(volatile uint32_t *)((port) + 0x00u))
#define LF_GPIO_AFRL(port) (*(volatile uint32_t *)((port) + 0x20u))
#define LF_GPIO_AFRH(port) (*(volatile uint32_t *)((port) + 0x24u))
#define LF_GPIOA 0x40020000u

/* Puts pin `pin` of `port` in alternate function `af`. */
static inline void lf_gpio_alternate(uint32_t port, uint32_t pin, uint32_t af) {
  LF_GPIO_MODER(port) = (LF_GPIO_MODER(port) & ~(3u << (2u * pin))) | (2u << (2u * pin));
  if (pin < 8u) {
    LF_GPIO_AFRL(port) = (LF_GPIO_AFRL(port) & ~(0xFu << (4u * pin))) | (af << (4u * pin));
  } else {
    LF_GPIO_AFRH(port) = (LF_GPIO_AFRH(port) & ~(0xFu << (4u * (pin - 8u)))) | (af << (4u * (pin - 8u)));
  }
}

#endif
