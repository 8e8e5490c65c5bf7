#include "lf_semihost.h"

static int32_t lf_sh_call(int32_t op, void *arg) {
  register int32_t r0 __asm__("r0") = op;
  register void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

int32_t lf_sh_open_tt(uint32_t mode) {
  uint32_t block[3] = {(uint32_t)":tt", mode, 3u};
  return lf_sh_call(LF_SH_SYS_OPEN, block);
}

uint32_t lf_sh_write(int32_t fd, const void *buf, uint32_t len) {
  uint32_t block[3] = {(uint32_t)fd, (uint32_t)buf, len};
  return (uint32_t)lf_sh_call(LF_SH_SYS_WRITE, block);
}

uint32_t lf_sh_read(int32_t fd, void *buf, uint32_t len) {
  uint32_t block[3] = {(uint32_t)fd, (uint32_t)buf, len};
  uint32_t not_read = (uint32_t)lf_sh_call(LF_SH_SYS_READ, block);
  return not_read > len ? 0u : len - not_read;
}

int32_t lf_sh_cmdline(char *buf, uint32_t size) {
  uint32_t block[2] = {(uint32_t)buf, size - 1u};
  int32_t rc = lf_sh_call(LF_SH_SYS_GET_CMDLINE, block);
  buf[rc == 0 && block[1] < size ? block[1] : 0u] = '\0';
  return rc;
}

void lf_sh_exit(int32_t code) {
  uint32_t block[2] = {LF_SH_APPLICATION_EXIT, (uint32_t)code};
  for (;;) {
    lf_sh_call(LF_SH_SYS_EXIT_EXTENDED, block);
  }
}
