/* Test controller: u = -K (x - r), K fixed, clamped to [-1, 1]. */
#ifndef GAIN_H
#define GAIN_H

#define GAIN_NX 3
#define GAIN_NU 2
#define GAIN_NR 3

int gain_control(const float *state, const float *reference, float *input_out);

#endif
