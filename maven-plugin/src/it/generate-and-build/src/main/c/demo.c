/* Runs the generated controller and model; prints the result bits, one line per state. */
#include <stdio.h>
#include <string.h>

#include "dynamics.h"
#include "pendulum_lqr.h"

static unsigned int bits(float f)
{
  unsigned int u;
  memcpy(&u, &f, sizeof u);
  return u;
}

int main(int argc, char **argv)
{
  if (argc != 2) {
    return 2;
  }
  FILE *out = fopen(argv[1], "w");
  if (out == NULL) {
    return 3;
  }
  for (int i = 0; i < 8; i++) {
    float x[PENDULUM_LQR_NX] = {0.1f * (float)i - 0.3f, 0.05f * (float)i};
    float r[PENDULUM_LQR_NR] = {0.0f, 0.0f};
    float u[PENDULUM_LQR_NU];
    float next[DYNAMICS_NX];
    if (pendulum_lqr_control(x, r, u) != PENDULUM_LQR_OK || dynamics_step(x, u, next) != DYNAMICS_OK) {
      return 4;
    }
    fprintf(out, "%08x %08x %08x\n", bits(u[0]), bits(next[0]), bits(next[1]));
  }
  return fclose(out) == 0 ? 0 : 5;
}
