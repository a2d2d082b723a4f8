/*
 * x86 segment descriptors and call gates as the descriptor tests build
 * them (descriptors, ldt, call-gates, ring3-rights): the 8-byte encodings
 * of the SDM, as constant expressions so a table can be filled from them.
 *
 *   segment:  limit[15:0] | base[23:0] << 16 | access << 40 |
 *             limit[19:16] << 48 | flags << 52 | base[31:24] << 56
 *   access:   P(0x80) | DPL << 5 | S(0x10) | type  (0x9a code, 0x92 data)
 *   flags:    G(8) | D/B(4) | L(2)  (0xc: 4 KiB pages, 32-bit)
 *
 *   call gate: offset[15:0] | selector << 16 | parameter dwords << 32 |
 *              (P | DPL << 5 | type 0xc) << 40 | offset[31:16] << 48
 *
 * The hypervisor checks every one a guest installs; tests build wrong ones
 * on purpose, so nothing here validates.
 */
#ifndef GUEST_DESC_H
#define GUEST_DESC_H

#include <stdint.h>

#define SEG_DESC(base, lim, access, flags) \
    ((uint64_t)((lim) & 0xffff) | ((uint64_t)((base) & 0xffffff) << 16) | \
     ((uint64_t)(access) << 40) | ((uint64_t)(((lim) >> 16) & 0xf) << 48) | \
     ((uint64_t)(flags) << 52) | ((uint64_t)((base) >> 24) << 56))
/* Base 0, 4 GiB in pages, 32-bit: the flat segments of the PV ABI. */
#define SEG_FLAT(access)    SEG_DESC(0, 0xfffff, access, 0xc)

#define CALL_GATE(sel, off, dpl, params) \
    ((uint64_t)((uint32_t)(off) & 0xffff) | ((uint64_t)(sel) << 16) | \
     ((uint64_t)(params) << 32) | ((uint64_t)(0x8c | ((dpl) << 5)) << 40) | \
     ((uint64_t)((uint32_t)(off) >> 16) << 48))

#endif /* GUEST_DESC_H */
