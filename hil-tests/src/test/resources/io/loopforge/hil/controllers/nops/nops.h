/* Test controller of known cost: u = 1 and 200 NOP instructions (checks the instruction counter). */
#ifndef NOPS_H
#define NOPS_H

#define NOPS_NX 2
#define NOPS_NU 1
#define NOPS_NR 2

int nops_control(const float *state, const float *reference, float *input_out);

#endif
