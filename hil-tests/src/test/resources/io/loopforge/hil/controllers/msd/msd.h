/*
 * Test controller for the mass-spring-damper plant (stiffness 2 N/m): state feedback around the
 * reference with the equilibrium force as feedforward, u = 2 r0 - K (x - r), K = [20, 6], clamped to
 * the plant's ±10 N. float32, evaluated left to right (mirrored bit for bit by the Java twin).
 */
#ifndef MSD_H
#define MSD_H

#define MSD_NX 2
#define MSD_NU 1
#define MSD_NR 2

/* Returns 0, or 2 (ERR_NONFINITE_INPUT) when the state is not finite. */
int msd_control(const float *state, const float *reference, float *input_out);

#endif
