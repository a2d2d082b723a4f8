/*
 * The machine state a guest was entered with, recorded by head.S before any
 * instruction could change it (start-info and demo check/print it).
 *
 * entry_regs[] is a flat array of 32-bit slots so assembly and C share it
 * through these index macros alone (no struct layout to keep in step).
 * Segment selectors and the machine status word (smsw = CR0 bits 15:0) are
 * stored as 16-bit values into zero-initialised 32-bit slots.
 */
#ifndef GUEST_ENTRY_H
#define GUEST_ENTRY_H

#define ENTRY_EAX     0
#define ENTRY_EBX     1
#define ENTRY_ECX     2
#define ENTRY_EDX     3
#define ENTRY_ESI     4
#define ENTRY_EDI     5
#define ENTRY_EBP     6
#define ENTRY_ESP     7
#define ENTRY_EFLAGS  8
#define ENTRY_CS      9
#define ENTRY_DS      10
#define ENTRY_ES      11
#define ENTRY_FS      12
#define ENTRY_GS      13
#define ENTRY_SS      14
#define ENTRY_MSW     15    /* smsw: low 16 bits of CR0 (TS is bit 3) */
#define ENTRY_NR      16

#ifndef __ASSEMBLY__
#include <stdint.h>
extern uint32_t entry_regs[ENTRY_NR];
#endif

#endif /* GUEST_ENTRY_H */
