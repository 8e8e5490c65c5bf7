/*
 * Stateful test controller: what it answers depends on how many steps ran since its init call, which
 * only a workspace kept across steps and an init called once can give.
 *   u[0] = steps since init (1 at the first step)
 *   u[1] = the integral of the first state's tracking error, (r[0] - x[0]) * INTEGRATOR_DT summed over
 *          those steps in float32, left to right
 *   u[2] = init calls this workspace has seen (it starts zeroed, as a static object does)
 * A control call on a workspace that init has not prepared returns INTEGRATOR_ERR_NOT_INITIALISED.
 */
#ifndef INTEGRATOR_H
#define INTEGRATOR_H

#include <stdint.h>

#define INTEGRATOR_NX 2
#define INTEGRATOR_NU 3
#define INTEGRATOR_NR 2
#define INTEGRATOR_DT 0.01f
#define INTEGRATOR_ERR_NOT_INITIALISED 4

typedef struct {
  uint32_t ready; /* INTEGRATOR_READY once init ran */
  uint32_t inits;
  uint32_t steps;
  float integral;
} integrator_workspace;

int integrator_init(integrator_workspace *ws);
int integrator_control(integrator_workspace *ws, const float *state, const float *reference, float *input_out);

#endif
