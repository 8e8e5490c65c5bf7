#include "msd.h"

#include <math.h>

static const float msd_k[MSD_NX] = {20.0f, 6.0f};
static const float msd_stiffness = 2.0f;
static const float msd_limit = 10.0f;

int msd_control(const float *state, const float *reference, float *input_out) {
  float s = msd_stiffness * reference[0];
  for (int j = 0; j < MSD_NX; j++) {
    if (!isfinite(state[j])) {
      return 2; /* ERR_NONFINITE_INPUT of the contract's error codes */
    }
    s = s - msd_k[j] * (state[j] - reference[j]);
  }
  input_out[0] = s > msd_limit ? msd_limit : (s < -msd_limit ? -msd_limit : s);
  return 0;
}
