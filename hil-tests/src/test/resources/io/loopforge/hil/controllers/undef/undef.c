#include "undef.h"

int undef_control(const float *state, const float *reference, float *input_out) {
  (void)state;
  (void)reference;
  (void)input_out;
  __asm__ volatile("udf #42");
  return 0;
}
