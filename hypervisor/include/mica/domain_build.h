/*
 * Layout of a PV domain's bootstrap region (see docs/boot.md and the ABI
 * fact sheet, section 4.2).  Pure arithmetic, host-tested.
 */
#ifndef MICA_DOMAIN_BUILD_H
#define MICA_DOMAIN_BUILD_H

#include <mica/types.h>

struct dom_layout {
    /* inputs */
    uint64_t virt_base, kern_start, kern_end;   /* from the ELF image */
    uint64_t initrd_len;
    unsigned long nr_pages;                     /* domain size */
    bool is_initdomain;                         /* no xenstore/console pages */
    /* outputs: VAs, all page-aligned; each range is [start, end) */
    uint64_t initrd_start, initrd_end;
    uint64_t p2m_start, p2m_end;
    uint64_t start_info;
    uint64_t xenstore, console;                 /* 0 for the initial domain */
    uint64_t pt_start, pt_end;
    unsigned int nr_pt_frames, nr_l2, nr_l1;
    uint64_t stack_start, stack_end;
    uint64_t v_end;                             /* end of the mapped region */
};

/* 0, or a negative errno with msg filled in. */
int dom_layout_compute(struct dom_layout *l, uint64_t hole_start,
                       char *msg, size_t msglen);

/* Is L3 slot `slot` needed for [virt_base, v_end)?  (slot 3 always is) */
bool dom_layout_l3_slot_used(const struct dom_layout *l, unsigned int slot);

#endif
