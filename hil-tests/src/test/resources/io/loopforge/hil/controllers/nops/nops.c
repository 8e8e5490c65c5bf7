#include "nops.h"

int nops_control(const float *state, const float *reference, float *input_out) {
  (void)state;
  (void)reference;
  input_out[0] = 1.0f;
  __asm__ volatile(".rept 200\n\tnop\n\t.endr\n");
  return 0;
}
