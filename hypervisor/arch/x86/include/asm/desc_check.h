/*
 * Segment descriptors and selectors a PV guest hands the hypervisor: the
 * pure rules (arch/x86/desc_check.c, host-tested by tests/host/
 * test-desc-check.c).  No inline assembly here or there.
 *
 * A descriptor is one little-endian 64-bit word:
 *
 *   63      56 55 54 53 52 51   48 47 46 45 44 43  40 39      32
 *  +----------+--+--+--+--+-------+--+-----+--+------+----------+
 *  |base 31:24| G|DB| L|AV|lim19:16| P| DPL | S| type |base 23:16|
 *  +----------+--+--+--+--+-------+--+-----+--+------+----------+
 *  31                16 15                                     0
 *  +-------------------+---------------------------------------+
 *  |    base 15:0      |              limit 15:0               |
 *  +-------------------+---------------------------------------+
 *
 * A 32-bit call gate (S=0, type 0xC) instead holds offset 15:0 in bits
 * 15:0, the target code selector in 31:16, the parameter count in 36:32
 * (39:37 reserved, zero) and offset 31:16 in 63:48.
 */
#ifndef ASM_DESC_CHECK_H
#define ASM_DESC_CHECK_H

#include <mica/types.h>

#define DESC_TYPE_SHIFT   40
#define DESC_TYPE_MASK    (0xfULL << DESC_TYPE_SHIFT)
#define DESC_ACCESSED     (1ULL << 40)    /* code/data: type bit 0 */
#define DESC_CODE         (1ULL << 43)    /* code/data: type bit 3 */
#define DESC_S            (1ULL << 44)    /* code/data (1) or system (0) */
#define DESC_DPL_SHIFT    45
#define DESC_DPL_MASK     (3ULL << DESC_DPL_SHIFT)
#define DESC_P            (1ULL << 47)
#define DESC_L            (1ULL << 53)    /* 64-bit code */
#define DESC_DB           (1ULL << 54)
#define DESC_G            (1ULL << 55)

#define SYS_TYPE_CALL_GATE 0xc           /* 32-bit (in long mode: 64-bit) gate */

#define SEL_RPL(s)   ((unsigned int)(s) & 3)
#define SEL_TI       4                   /* selector names the LDT */
#define SEL_INDEX(s) ((unsigned int)(s) >> 3)

static inline unsigned int desc_dpl(uint64_t d)
{
    return (unsigned int)((d & DESC_DPL_MASK) >> DESC_DPL_SHIFT);
}
static inline unsigned int desc_type(uint64_t d)
{
    return (unsigned int)((d & DESC_TYPE_MASK) >> DESC_TYPE_SHIFT);
}
static inline uint32_t desc_base(uint64_t d)
{
    return (uint32_t)(((d >> 16) & 0xffffff) | (((d >> 56) & 0xff) << 24));
}
/* The segment's last valid offset (limit scaled by G). */
static inline uint32_t desc_limit(uint64_t d)
{
    uint32_t raw = (uint32_t)((d & 0xffff) | (((d >> 48) & 0xf) << 16));
    return (d & DESC_G) ? (raw << 12) | 0xfff : raw;
}
static inline uint16_t gate_selector(uint64_t d) { return (uint16_t)(d >> 16); }
static inline uint32_t gate_offset(uint64_t d)
{
    return (uint32_t)((d & 0xffff) | ((d >> 32) & 0xffff0000));
}
static inline unsigned int gate_params(uint64_t d) { return (unsigned int)((d >> 32) & 0x1f); }

/*
 * Validate (and, where the rules say so, rewrite) one descriptor a guest
 * wants in its GDT or LDT.  true = acceptable, *d may have been rewritten;
 * false = refused, *d untouched.  Idempotent: checking an accepted
 * descriptor again accepts it unchanged.
 */
bool check_descriptor(uint64_t *d);

/*
 * A call gate accepted by check_descriptor() has DPL 0 in the table (so
 * every use faults and can be emulated); its real DPL is here.
 */
static inline unsigned int gate_real_dpl(uint64_t d) { return SEL_RPL(gate_selector(d)); }

/*
 * A whole descriptor page (512 entries), as set_gdt and the LDT use them:
 * first check every entry without changing anything, then (only once
 * every page involved passed) apply the rewrites.
 */
bool descriptor_page_ok(const uint64_t *page);
void fixup_descriptor_page(uint64_t *page);

/*
 * Selectors a guest registers for later use.  Each raises RPL 0 to 1 and
 * returns false for anything that cannot be a ring-1 guest selector of
 * that kind: the null selector, RPL 2 or 3, and the hypervisor's reserved
 * GDT page except the flat ring-1 selector of the right kind.
 */
bool fixup_guest_code_selector(uint16_t *sel);   /* trap table, callbacks */
bool fixup_guest_stack_selector(uint16_t *sel);  /* stack_switch */
/* A call gate's target: a guest GDT or LDT selector or FLAT_RING1_CS. */
bool gate_target_ok(uint16_t sel);

#endif
