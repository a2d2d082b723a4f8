/*
 * Guest-memory accesses of 4 and 8 bytes as single moves.
 *
 * copy_from_guest()/copy_to_guest() (mica/guest_access.h) of a size the
 * compiler knows -- an event-channel port, a request word, the words of an
 * iret frame -- come here instead of raw_copy(): one MOV between STAC and
 * CLAC, with an exception-table entry whose fixup makes it -EFAULT, as
 * raw_copy's does.  The range check against the hypervisor hole stays in
 * the caller (guest_range_ok).  Every rule of guest_access.h holds: the
 * access goes through the guest's own page tables with CR0.WP set, and a
 * fault can only turn into an error code.  The one difference a byte copy
 * could show -- which bytes of a store crossing into an inaccessible page
 * were written before the fault -- is avoided: a store that crosses a page
 * boundary takes raw_copy instead (guest_access.h), so partial writes are
 * byte-exact as before.  A load that faults leaves the destination
 * undefined, and no caller reads it after -EFAULT.
 *
 * The STAC/CLAC pair is listed in .smap_sites like entry.S's, so it
 * becomes NOPs on a CPU without SMAP (cpu_protect.c).
 */
#ifndef ASM_UACCESS_H
#define ASM_UACCESS_H

#include <mica/types.h>

#define UA_SMAP_SITE(insn)                                  \
    "771: " insn "\n"                                       \
    ".pushsection .smap_sites, \"a\"\n"                     \
    ".align 8\n"                                            \
    ".quad 771b\n"                                          \
    ".popsection\n"

#define UA_FIXUP                                            \
    ".pushsection .text.fixup, \"ax\"\n"                    \
    "3: mov $-14, %[err]\n"         /* -EFAULT */           \
    "   jmp 2b\n"                                           \
    ".popsection\n"                                         \
    ".pushsection __ex_table, \"a\"\n"                      \
    ".align 8\n"                                            \
    ".quad 1b, 3b\n"                                        \
    ".popsection\n"

static inline int ua_get_u32(uint32_t *dst, uint64_t va)
{
    int err = 0;
    uint32_t v = 0;

    __asm__ volatile(UA_SMAP_SITE("stac")
                     "1: movl (%[p]), %[v]\n"
                     "2:\n"
                     UA_SMAP_SITE("clac")
                     UA_FIXUP
                     : [v] "+r"(v), [err] "+r"(err) : [p] "r"(va));
    *dst = v;
    return err;
}

static inline int ua_get_u64(uint64_t *dst, uint64_t va)
{
    int err = 0;
    uint64_t v = 0;

    __asm__ volatile(UA_SMAP_SITE("stac")
                     "1: movq (%[p]), %[v]\n"
                     "2:\n"
                     UA_SMAP_SITE("clac")
                     UA_FIXUP
                     : [v] "+r"(v), [err] "+r"(err) : [p] "r"(va));
    *dst = v;
    return err;
}

/* 16 bytes as two quadwords, under one STAC/CLAC (a fault in either: -EFAULT). */
static inline int ua_get_u64x2(uint64_t *lo, uint64_t *hi, uint64_t va)
{
    int err = 0;
    uint64_t a, b;              /* undefined after a fault: not read then */

    __asm__ volatile(UA_SMAP_SITE("stac")
                     "1: movq (%[p]), %[a]\n"
                     "4: movq 8(%[p]), %[b]\n"
                     "2:\n"
                     UA_SMAP_SITE("clac")
                     ".pushsection .text.fixup, \"ax\"\n"
                     "3: mov $-14, %[err]\n"
                     "   jmp 2b\n"
                     ".popsection\n"
                     ".pushsection __ex_table, \"a\"\n"
                     ".align 8\n"
                     ".quad 1b, 3b\n"
                     ".quad 4b, 3b\n"
                     ".popsection\n"
                     : [a] "=&r"(a), [b] "=r"(b), [err] "+r"(err) : [p] "r"(va));
    *lo = a;
    *hi = b;
    return err;
}

static inline int ua_put_u32(uint64_t va, uint32_t v)
{
    int err = 0;

    __asm__ volatile(UA_SMAP_SITE("stac")
                     "1: movl %[v], (%[p])\n"
                     "2:\n"
                     UA_SMAP_SITE("clac")
                     UA_FIXUP
                     : [err] "+r"(err) : [p] "r"(va), [v] "r"(v) : "memory");
    return err;
}

static inline int ua_put_u64(uint64_t va, uint64_t v)
{
    int err = 0;

    __asm__ volatile(UA_SMAP_SITE("stac")
                     "1: movq %[v], (%[p])\n"
                     "2:\n"
                     UA_SMAP_SITE("clac")
                     UA_FIXUP
                     : [err] "+r"(err) : [p] "r"(va), [v] "r"(v) : "memory");
    return err;
}

#endif
