/*
 * Loopforge HIL lock-step protocol, firmware side (the host side is io.loopforge.hil.Frame).
 *
 * Frame on the wire: SYNC (0xA5), payload length (u16 little-endian, 1..LF_FRAME_MAX_PAYLOAD),
 * payload, CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) of the length bytes and the payload, u16
 * little-endian. Payload byte 0 is the frame type; all multi-byte fields are little-endian, floats are
 * IEEE-754 binary32.
 *
 *   HELLO  fw->host  type, version u8, transport u8, nx u8, nu u8, nr u8, systick_hz u32,
 *                    name_len u8, name (controller prefix)
 *   STEP   host->fw  type, step u32, x f32[nx], r f32[nr]
 *   RESULT fw->host  type, step u32, status u32, instructions u32 (spent in the controller call,
 *                    SysTick-measured, empty-call overhead subtracted; within a few instructions under
 *                    -icount shift=0), u f32[nu]. status: bits 0-15 the control call's error code (0 =
 *                    OK); when that is 0, bits 16-31 the solver status after the step (0 for a
 *                    controller whose contract names no status function)
 *   STOP   host->fw  type
 *   BYE    fw->host  type, steps u32 (STEP frames answered); then exit code 0
 *   ERROR  fw->host  type, code u8, detail u32 (a bad frame is answered with this, never used)
 *   FAULT  fw->host  type, exception u32, cfsr, hfsr, mmfar, bfar, pc, lr, xpsr, sp (u32 each)
 */
#ifndef LF_FRAME_H
#define LF_FRAME_H

#include <stdint.h>

#define LF_PROTOCOL_VERSION 1u
#define LF_FRAME_SYNC 0xA5u
#define LF_FRAME_MAX_PAYLOAD 1024u

#define LF_FRAME_HELLO 0x01u
#define LF_FRAME_STEP 0x10u
#define LF_FRAME_RESULT 0x11u
#define LF_FRAME_STOP 0x12u
#define LF_FRAME_BYE 0x13u
#define LF_FRAME_ERROR 0x7Eu
#define LF_FRAME_FAULT 0x7Fu

#define LF_ERR_BAD_CRC 1u          /* detail: received CRC << 16 | computed CRC */
#define LF_ERR_BAD_LENGTH 2u       /* detail: the length field */
#define LF_ERR_UNKNOWN_TYPE 3u     /* detail: the type byte */
#define LF_ERR_BAD_PAYLOAD_SIZE 4u /* detail: the payload length */

/* The RESULT status word: the error code in the low 16 bits, the solver status from this bit on. */
#define LF_STATUS_SOLVER_SHIFT 16u

#define LF_TRANSPORT_SEMIHOSTING 1u
#define LF_TRANSPORT_UART 2u

/* Exit code when the controller's init call fails (before HELLO); lf_board.h has the board's own. */
#define LF_EXIT_CONTROLLER_INIT 6

uint16_t lf_crc16(uint16_t crc, const uint8_t *data, uint32_t len);

static inline void lf_put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t lf_get_u32(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

#endif
