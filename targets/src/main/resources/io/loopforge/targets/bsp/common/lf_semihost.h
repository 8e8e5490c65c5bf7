/* ARM semihosting (BKPT 0xAB) calls used by Loopforge firmware under QEMU. */
#ifndef LF_SEMIHOST_H
#define LF_SEMIHOST_H

#include <stdint.h>

#define LF_SH_SYS_OPEN 0x01
#define LF_SH_SYS_WRITE 0x05
#define LF_SH_SYS_READ 0x06
#define LF_SH_SYS_GET_CMDLINE 0x15
#define LF_SH_SYS_EXIT_EXTENDED 0x20
#define LF_SH_APPLICATION_EXIT 0x20026

/* Opens ":tt": mode 1 ("rb") is QEMU's stdin, 5 ("wb") its stdout, 9 ("ab") its stderr. */
int32_t lf_sh_open_tt(uint32_t mode);
/* Returns the number of bytes NOT written (0 on success). */
uint32_t lf_sh_write(int32_t fd, const void *buf, uint32_t len);
/* Returns the number of bytes read (0 at end of file). */
uint32_t lf_sh_read(int32_t fd, void *buf, uint32_t len);
/* Copies QEMU's command line (-kernel file + -append text) into buf, NUL-terminated; 0 on success. */
int32_t lf_sh_cmdline(char *buf, uint32_t size);
void lf_sh_exit(int32_t code) __attribute__((noreturn));

#endif
