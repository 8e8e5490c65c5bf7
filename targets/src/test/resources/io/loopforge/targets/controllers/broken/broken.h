/* Test controller that does not compile warning-free (unused variable). */
#ifndef BROKEN_H
#define BROKEN_H

#define BROKEN_NX 1
#define BROKEN_NU 1
#define BROKEN_NR 1

int broken_control(const float *state, const float *reference, float *input_out);

#endif
