#include "integrator.h"

#define INTEGRATOR_READY 0x1A2B3C4Du

int integrator_init(integrator_workspace *ws) {
  ws->ready = INTEGRATOR_READY;
  ws->inits = ws->inits + 1u;
  ws->steps = 0u;
  ws->integral = 0.0f;
  return 0;
}

int integrator_control(integrator_workspace *ws, const float *state, const float *reference, float *input_out) {
  if (ws->ready != INTEGRATOR_READY) {
    return INTEGRATOR_ERR_NOT_INITIALISED;
  }
  ws->steps = ws->steps + 1u;
  ws->integral = ws->integral + (reference[0] - state[0]) * INTEGRATOR_DT;
  input_out[0] = (float)ws->steps;
  input_out[1] = ws->integral;
  input_out[2] = (float)ws->inits;
  return 0;
}
