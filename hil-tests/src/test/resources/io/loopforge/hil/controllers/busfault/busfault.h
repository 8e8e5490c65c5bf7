/* Test controller that answers two steps, then writes to an unmapped address (precise BusFault). */
#ifndef BUSFAULT_H
#define BUSFAULT_H

#define BUSFAULT_NX 2
#define BUSFAULT_NU 1
#define BUSFAULT_NR 2

int busfault_control(const float *state, const float *reference, float *input_out);

#endif
