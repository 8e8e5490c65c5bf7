#include "hang.h"

#include <stdint.h>

static uint32_t hang_calls;

int hang_control(const float *state, const float *reference, float *input_out) {
  (void)reference;
  input_out[0] = -state[0];
  if (++hang_calls == 3u) {
    for (;;) {
      __asm__ volatile("nop");
    }
  }
  return 0;
}
