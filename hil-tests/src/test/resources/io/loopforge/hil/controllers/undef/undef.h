/* Test controller that executes an undefined instruction on its first call (UsageFault UNDEFINSTR). */
#ifndef UNDEF_H
#define UNDEF_H

#define UNDEF_NX 2
#define UNDEF_NU 1
#define UNDEF_NR 2

int undef_control(const float *state, const float *reference, float *input_out);

#endif
