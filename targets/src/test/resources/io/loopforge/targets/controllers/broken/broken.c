#include "broken.h"

int broken_control(const float *state, const float *reference, float *input_out) {
  int unused_counter = 0;
  (void)reference;
  input_out[0] = -state[0];
  return 0;
}
