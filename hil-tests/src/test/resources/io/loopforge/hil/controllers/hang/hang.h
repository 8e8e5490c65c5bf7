/* Test controller that answers two steps, then never returns. */
#ifndef HANG_H
#define HANG_H

#define HANG_NX 2
#define HANG_NU 1
#define HANG_NR 2

int hang_control(const float *state, const float *reference, float *input_out);

#endif
