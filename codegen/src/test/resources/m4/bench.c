/*
 * Instruction count of one generated-model call on the Cortex-M4 under QEMU (-icount shift=0: SysTick
 * counts instructions, 40 per tick on mps2-an386). Prints "ticks <model> <empty>" for N calls of the
 * model's entry point and of an empty function with the same signature, then exits via semihosting.
 * Then prints the results of K calls on the inputs input(k, i) below as hex bit patterns, one line per
 * call (return code, outputs), for comparison with the Java twin.
 * BENCH_CALL(a, b, out), BENCH_NA/NB/NOUT and BENCH_SCALE are given with -D; the model header with
 * -include.
 */
#define SYST_CSR (*(volatile unsigned int *)0xE000E010u)
#define SYST_RVR (*(volatile unsigned int *)0xE000E014u)
#define SYST_CVR (*(volatile unsigned int *)0xE000E018u)
#define CPACR (*(volatile unsigned int *)0xE000ED88u)
#define N 200
#define BENCH_K 256

extern unsigned int _stack_top;
int main(void);

static int semihost(int op, const void *arg)
{
  register int r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

static void finish(int code)
{
  static unsigned int block[2];
  block[0] = 0x20026u; /* ADP_Stopped_ApplicationExit */
  block[1] = (unsigned int)code;
  semihost(0x20, block); /* SYS_EXIT_EXTENDED */
  for (;;) {
  }
}

static void fault(void)
{
  semihost(0x04, "!HARDFAULT\n");
  finish(3);
}

__attribute__((naked)) void reset(void)
{
  /* enable the FPU before any C code: main's prologue may push FP registers */
  __asm__ volatile("ldr r0, =0xE000ED88\n"
                   "ldr r1, [r0]\n"
                   "orr r1, r1, #(0xF << 20)\n"
                   "str r1, [r0]\n"
                   "dsb\n"
                   "isb\n"
                   "bl main\n"
                   "b .\n");
}

__attribute__((section(".vectors"), used)) void (*const vectors[16])(void) = {
    (void (*)(void))&_stack_top, reset, fault, fault, fault, fault, fault, 0, 0, 0, 0, fault, fault, 0, fault, fault};

volatile float sink;

__attribute__((noinline)) int empty(const float *x, const float *u, float *out)
{
  out[0] = x[0] + u[0];
  return 0;
}

static char *hex(char *p, unsigned int v)
{
  for (int i = 7; i >= 0; i--) {
    unsigned int d = (v >> (4 * i)) & 15u;
    *p++ = (char)(d < 10u ? '0' + d : 'a' + d - 10u);
  }
  return p;
}

static unsigned int bits(float f)
{
  union {
    float f;
    unsigned int u;
  } b;
  b.f = f;
  return b.u;
}

/* The same in the Java test (M4InstructionCountTest.input). */
static float input(int k, int i)
{
  return BENCH_SCALE * (0.173f * (float)((k * 37 + i * 11) % 97) - 8.0f);
}

static char *decimal(char *p, unsigned int v)
{
  char tmp[12];
  int n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10u);
    v /= 10u;
  } while (v != 0u);
  while (n > 0) {
    *p++ = tmp[--n];
  }
  return p;
}

int main(void)
{
  float x[BENCH_NA + 1];
  float u[BENCH_NB + 1];
  float out[BENCH_NOUT + 1];
  for (int i = 0; i <= BENCH_NA; i++) {
    x[i] = 0.25f * (float)i - 0.5f;
  }
  for (int i = 0; i <= BENCH_NB; i++) {
    u[i] = 0.1f * (float)i;
  }
  SYST_RVR = 0xFFFFFFu;
  SYST_CVR = 0u;
  SYST_CSR = 5u;
  int rc = 0;
  unsigned int t0 = SYST_CVR;
  for (int k = 0; k < N; k++) {
    x[0] = x[0] + 1e-3f;
    rc |= BENCH_CALL(x, u, out);
    sink = out[0];
  }
  unsigned int t1 = SYST_CVR;
  for (int k = 0; k < N; k++) {
    x[0] = x[0] + 1e-3f;
    rc |= empty(x, u, out);
    sink = out[0];
  }
  unsigned int t2 = SYST_CVR;
  static char line[64];
  char *p = line;
  *p++ = 't';
  *p++ = ' ';
  p = decimal(p, (t0 - t1) & 0xFFFFFFu);
  *p++ = ' ';
  p = decimal(p, (t1 - t2) & 0xFFFFFFu);
  *p++ = ' ';
  p = decimal(p, (unsigned int)N);
  *p++ = '\n';
  *p = '\0';
  semihost(0x04, line);
  for (int k = 0; k < BENCH_K; k++) {
    for (int i = 0; i < BENCH_NA; i++) {
      x[i] = input(k, i);
    }
    for (int i = 0; i < BENCH_NB; i++) {
      u[i] = input(k, BENCH_NA + i);
    }
    int code = BENCH_CALL(x, u, out);
    p = line;
    p = hex(p, (unsigned int)code);
    for (int i = 0; i < BENCH_NOUT; i++) {
      *p++ = ' ';
      p = hex(p, bits(out[i]));
    }
    *p++ = '\n';
    *p = '\0';
    semihost(0x04, line);
  }
  finish(rc == 0 ? 0 : 7);
  return 0;
}
