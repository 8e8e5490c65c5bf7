#include "badinit.h"

int badinit_init(badinit_workspace *ws) {
  (void)ws;
  return 4;
}

int badinit_control(badinit_workspace *ws, const float *state, const float *reference, float *input_out) {
  (void)ws;
  (void)state;
  (void)reference;
  input_out[0] = 0.0f;
  return 0;
}
