#include "busfault.h"

#include <stdint.h>

static uint32_t busfault_calls;

int busfault_control(const float *state, const float *reference, float *input_out) {
  (void)reference;
  input_out[0] = -state[0];
  if (++busfault_calls == 3u) {
    *(volatile uint32_t *)0xA0000000u = 0xDEADBEEFu; /* nothing is mapped there on either QEMU board */
  }
  return 0;
}
