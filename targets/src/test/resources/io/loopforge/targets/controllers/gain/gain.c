#include "gain.h"

static const float gain_k[GAIN_NU][GAIN_NX] = {{1.0f, 0.5f, 0.25f}, {-0.5f, 2.0f, 0.0f}};

int gain_control(const float *state, const float *reference, float *input_out) {
  for (int i = 0; i < GAIN_NU; i++) {
    float s = 0.0f;
    for (int j = 0; j < GAIN_NX; j++) {
      s = s + gain_k[i][j] * (state[j] - reference[j]);
    }
    float u = -s;
    input_out[i] = u > 1.0f ? 1.0f : (u < -1.0f ? -1.0f : u);
  }
  return 0;
}
