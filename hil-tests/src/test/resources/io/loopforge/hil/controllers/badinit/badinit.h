/* Stateful test controller whose init call fails: the firmware must stop before it answers a step. */
#ifndef BADINIT_H
#define BADINIT_H

#define BADINIT_NX 2
#define BADINIT_NU 1
#define BADINIT_NR 2

typedef struct {
  int unused;
} badinit_workspace;

int badinit_init(badinit_workspace *ws);
int badinit_control(badinit_workspace *ws, const float *state, const float *reference, float *input_out);

#endif
