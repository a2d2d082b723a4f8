/*
 * The page-table entry rules (common/pt_validate.c) on the fake machine of
 * mm-world.c: every check of an entry's bits at every level, what an entry
 * may point at (ownership, RAM, types), linear L2 tables and the rule that
 * forbids chains and loops of them, the L3 rules (slot 3, unshared
 * pae_xen_l2, no L3->L3), and single-entry updates (mod_l{1,2,3}_entry):
 * references taken before the write and dropped after, nothing changed on
 * refusal, the RW-toggle shortcut closed (XSA-182).
 */
#include "htest.h"
#include "mm-world.h"
#include <mica/iomem.h>
#include <mica/iocaps.h>

#define RSVD   (1ULL << 52)
#define NX     _PAGE_NX

/* Validate a one-entry table of the given type; the error or 0. */
static int one_entry(unsigned int level, uint64_t e, struct domain *d)
{
    unsigned long t = frame(d);
    static const uint32_t types[] = { 0, PGT_l1_page_table, PGT_l2_page_table };
    int rc;

    tab(t)[0] = e;
    rc = pin(t, types[level]);
    if (rc == 0)
        unpin(t);
    mm_finish_pending(false);
    return rc;
}

HTEST(l1_bits)
{
    world_init();
    CHECK_EQ(l1e_check(P | RW | US | A | D | _PAGE_AVAIL, false, true), 0);
    CHECK_EQ(l1e_check(P | _PAGE_GLOBAL, true, true), -EINVAL);
    CHECK_EQ(l1e_check(P | RSVD, true, true), -EINVAL);
    CHECK_EQ(l1e_check(P | (1ULL << 62), true, true), -EINVAL);
    CHECK_EQ(l1e_check(P | NX, false, true), 0);
    CHECK_EQ(l1e_check(P | NX, false, false), -EINVAL);      /* no NX on this CPU */
    CHECK_EQ(l1e_check(P | _PAGE_PCD, false, true), -EINVAL);
    CHECK_EQ(l1e_check(P | _PAGE_PWT, false, true), -EINVAL);
    CHECK_EQ(l1e_check(P | _PAGE_PAT, false, true), -EINVAL);
    CHECK_EQ(l1e_check(P | _PAGE_PCD | _PAGE_PWT | _PAGE_PAT, true, true), 0); /* I/O priv */
}

HTEST(l2_and_l3_bits)
{
    world_init();
    CHECK_EQ(l2e_check(P | RW | US | A | D | _PAGE_AVAIL, true), 0);
    CHECK_EQ(l2e_check(P | _PAGE_PSE, true), -EINVAL);
    CHECK_EQ(l2e_check(P | _PAGE_GLOBAL, true), -EINVAL);
    CHECK_EQ(l2e_check(P | _PAGE_PCD, true), -EINVAL);
    CHECK_EQ(l2e_check(P | _PAGE_PWT, true), -EINVAL);
    CHECK_EQ(l2e_check(P | RSVD, true), -EINVAL);
    CHECK_EQ(l2e_check(P | NX, false), -EINVAL);
    CHECK_EQ(l3e_check(P | RW | US | A | D | _PAGE_AVAIL), 0);
    CHECK_EQ(l3e_check(P | _PAGE_PSE), -EINVAL);
    CHECK_EQ(l3e_check(P | _PAGE_GLOBAL), -EINVAL);
    CHECK_EQ(l3e_check(P | _PAGE_PCD), -EINVAL);
    CHECK_EQ(l3e_check(P | _PAGE_PWT), -EINVAL);
    CHECK_EQ(l3e_check(P | NX), -EINVAL);
    CHECK_EQ(l3e_check(P | RSVD), -EINVAL);
}

HTEST(l1_cache_attributes_need_io_privilege)
{
    world_init();
    CHECK_EQ(one_entry(1, pte(frame(&dom_a), P | _PAGE_PCD), &dom_a), -EINVAL);
    CHECK_EQ(one_entry(1, pte(frame(&dom_priv), P | _PAGE_PCD), &dom_priv), 0);
    CHECK(audit_ok());
}

HTEST(l1_targets)
{
    world_init();
    unsigned long mine = frame(&dom_a), theirs = frame(&dom_b);
    CHECK_EQ(one_entry(1, pte(mine, P | RW), &dom_a), 0);
    CHECK_EQ(one_entry(1, pte(theirs, P), &dom_a), -EINVAL);         /* another domain's */
    CHECK_EQ(one_entry(1, pte(W_HV_FRAME, P), &dom_a), -EINVAL);     /* the hypervisor's */
    CHECK_EQ(one_entry(1, pte(W_FRAMES - 1, P), &dom_a), -EINVAL);   /* free */
    CHECK_EQ(one_entry(1, pte(W_FRAMES + 5, P), &dom_a), -EPERM);    /* I/O, not granted */
    CHECK_EQ(one_entry(1, pte(0xfffffffffULL, P), &dom_a), -EINVAL); /* past the width */
    CHECK_EQ(one_entry(1, pte(theirs, 0), &dom_a), 0);               /* not present: anything */
    CHECK_EQ(one_entry(1, 0xffffffffffffff00ULL, &dom_a), 0);
    CHECK(audit_ok());
}

HTEST(l1_io_memory)
{
    world_init();
    unsigned long io = W_FRAMES + 5, t;

    /* The initial domain holds all I/O memory but the hypervisor's. */
    CHECK_EQ(one_entry(1, pte(io, P | RW | _PAGE_PCD | _PAGE_PWT), &dom_priv), 0);
    CHECK_EQ(one_entry(1, pte(W_HV_IO, P), &dom_priv), -EPERM);
    CHECK_EQ(one_entry(1, pte(W_IO_LIMIT, P), &dom_priv), -EINVAL);
    /* Another domain: exactly its grants. */
    CHECK_EQ(iocaps_iomem(&dom_a, W_FRAMES + 8, 2, true), 0);
    CHECK_EQ(one_entry(1, pte(W_FRAMES + 8, P | RW), &dom_a), 0);
    CHECK_EQ(one_entry(1, pte(W_FRAMES + 9, P), &dom_a), 0);
    CHECK_EQ(one_entry(1, pte(W_FRAMES + 10, P), &dom_a), -EPERM);
    CHECK_EQ(iocaps_iomem(&dom_a, W_HV_IO, 1, true), 0);
    CHECK_EQ(one_entry(1, pte(W_HV_IO, P), &dom_a), -EPERM);      /* granted or not */
    domain_free_iocaps(&dom_a);

    /* A read-only range: a writable request is mapped read-only. */
    CHECK_EQ(iomem_ro_add(io, io), 0);
    t = frame(&dom_priv);
    tab(t)[0] = pte(io, P | RW);
    tab(t)[1] = pte(io + 1, P | RW);
    CHECK_EQ(pin(t, PGT_l1_page_table), 0);
    CHECK_EQ(tab(t)[0], pte(io, P));
    CHECK_EQ(tab(t)[1], pte(io + 1, P | RW));
    CHECK_EQ(mod_l1_entry(pg(t), 2, pte(io, P | RW), &dom_priv, false, false), 0);
    CHECK_EQ(tab(t)[2], pte(io, P));
    iomem_ro_remove(io, io);
    CHECK(!iomem_is_ro(io));

    /* DOMID_IO: the caller's permission, never RAM. */
    world_set_current(&dom_priv);
    CHECK_EQ(mod_l1_entry(pg(t), 3, pte(io, P | RW), &dom_io, false, false), 0);
    CHECK_EQ(mod_l1_entry(pg(t), 4, pte(frame(&dom_priv), P), &dom_io, false, false), -EINVAL);
    world_set_current(&dom_a);
    CHECK_EQ(mod_l1_entry(pg(t), 4, pte(io, P), &dom_io, false, false), -EPERM);
    CHECK_EQ(tab(t)[4], 0);
    CHECK(audit_ok());                  /* I/O entries hold no references */
    CHECK_EQ(mod_l1_entry(pg(t), 3, 0, &dom_priv, false, false), 0);
    unpin(t);
    mm_finish_pending(false);
    CHECK(audit_ok());
}

HTEST(l2_targets_and_superpages)
{
    world_init();
    unsigned long data = frame(&dom_a);
    CHECK_EQ(one_entry(2, pte(data, P | RW | _PAGE_PSE), &dom_a), -EINVAL);  /* XSA-148 */
    CHECK_EQ(one_entry(2, pte(frame(&dom_a), P | RW), &dom_a), 0);           /* an L1 */
    CHECK_EQ(one_entry(2, pte(frame(&dom_b), P | RW), &dom_a), -EINVAL);
    CHECK_EQ(get_page_type(pg(data), PGT_writable_page), 0);
    CHECK_EQ(one_entry(2, pte(data, P | RW), &dom_a), -EINVAL);              /* writable frame */
    put_page_type(pg(data));
    CHECK(audit_ok());
}

HTEST(l2_self_map_read_only_only)
{
    world_init();
    unsigned long l2 = frame(&dom_a);
    tab(l2)[7] = pte(l2, P | RW);
    CHECK_EQ(pin(l2, PGT_l2_page_table), -EINVAL);
    mm_finish_pending(false);
    tab(l2)[7] = pte(l2, P | A);
    CHECK_EQ(pin(l2, PGT_l2_page_table), 0);
    CHECK_EQ(gcount(l2), 2);            /* allocation + pin: the self-map takes none */
    CHECK_EQ(tcount(l2), 1);
    CHECK(audit_ok());
    unpin(l2);
    CHECK_EQ(mm_finish_pending(false), 0);
    CHECK(audit_ok());
}

HTEST(linear_l2_rules)
{
    world_init();
    unsigned long a = frame(&dom_a), b = frame(&dom_a), c = frame(&dom_a);
    CHECK_EQ(pin(b, PGT_l2_page_table), 0);
    CHECK_EQ(pin(c, PGT_l2_page_table), 0);
    /* a -> b read-only: a linear table */
    tab(a)[0] = pte(b, P | RW);
    CHECK_EQ(pin(a, PGT_l2_page_table), -EINVAL);                 /* not writable */
    mm_finish_pending(false);
    tab(a)[0] = pte(b, P);
    CHECK_EQ(pin(a, PGT_l2_page_table), 0);
    CHECK_EQ(pg(a)->linear_count, -1);
    CHECK_EQ(pg(b)->linear_count, 1);
    CHECK_EQ(tcount(b), 2);
    CHECK(audit_ok());
    /* No chains: b is a target, so it may not have linear entries ... */
    CHECK_EQ(mod_l2_entry(pg(b), 1, pte(c, P), false, false), -EINVAL);
    /* ... and a has some, so it may not be a target; nor may it loop back. */
    CHECK_EQ(mod_l2_entry(pg(c), 1, pte(a, P), false, false), -EINVAL);
    CHECK_EQ(mod_l2_entry(pg(b), 1, pte(a, P), false, false), -EINVAL);
    /* A second linear entry from a is fine (a only ever contains). */
    CHECK_EQ(mod_l2_entry(pg(a), 1, pte(c, P), false, false), 0);
    CHECK_EQ(pg(a)->linear_count, -2);
    CHECK(audit_ok());
    /* Removing entries restores the counts. */
    CHECK_EQ(mod_l2_entry(pg(a), 0, 0, false, false), 0);
    CHECK_EQ(mod_l2_entry(pg(a), 1, 0, false, false), 0);
    CHECK_EQ(pg(a)->linear_count, 0);
    CHECK_EQ(pg(b)->linear_count, 0);
    CHECK_EQ(tcount(b), 1);
    /* Now b may have linear entries itself. */
    CHECK_EQ(mod_l2_entry(pg(b), 1, pte(c, P), false, false), 0);
    CHECK(audit_ok());
}

HTEST(linear_target_must_be_a_validated_plain_l2)
{
    world_init();
    unsigned long a = frame(&dom_a), l3 = frame(&dom_a), x = frame(&dom_a);
    unsigned long slot3 = frame(&dom_a), l1 = frame(&dom_a);
    tab(l3)[3] = pte(slot3, P);
    CHECK_EQ(pin(l3, PGT_l3_page_table), 0);
    CHECK_EQ(pin(a, PGT_l2_page_table), 0);
    CHECK_EQ(pin(l1, PGT_l1_page_table), 0);
    /* An untyped frame is taken as an L1, not as a linear target. */
    CHECK_EQ(mod_l2_entry(pg(a), 0, pte(x, P), false, false), 0);
    CHECK_EQ(ptype(x), PGT_l1_page_table);
    /* The slot-3 L2 and L3s are never linear targets. */
    CHECK_EQ(mod_l2_entry(pg(a), 1, pte(slot3, P), false, false), -EINVAL);
    CHECK_EQ(mod_l2_entry(pg(a), 2, pte(l3, P), false, false), -EINVAL);
    /* ... and the slot-3 L2 has no linear or self entries. */
    CHECK_EQ(mod_l2_entry(pg(slot3), 0, pte(a, P), false, false), -EINVAL);
    CHECK_EQ(mod_l2_entry(pg(slot3), 0, pte(slot3, P), false, false), -EINVAL);
    CHECK_EQ(mod_l2_entry(pg(slot3), 0, pte(l1, P | RW), false, false), 0);
    CHECK(audit_ok());
}

HTEST(l3_rules)
{
    world_init();
    unsigned long l3 = frame(&dom_a), l2a = frame(&dom_a), l2x = frame(&dom_a);
    tab(l3)[0] = pte(l2a, P);
    CHECK_EQ(pin(l3, PGT_l3_page_table), -EINVAL);          /* no slot 3 */
    mm_finish_pending(false);
    tab(l3)[3] = pte(l2x, P);
    tab(l3)[100] = pte(frame(&dom_a), P);                   /* beyond the PDPT */
    tab(l3)[4] = 0x1234567;
    CHECK_EQ(pin(l3, PGT_l3_page_table), 0);
    CHECK_EQ(tab(l3)[100], 0);                              /* cleared */
    CHECK_EQ(tab(l3)[4], 0);
    CHECK_EQ(tab(l3)[0], pte(l2a, P | RW | US | A | D));
    CHECK_EQ(ptype(l2x), PGT_l2_page_table | PGT_pae_xen_l2);
    CHECK_EQ(ptype(l2a), PGT_l2_page_table);
    CHECK(audit_ok());

    /* Slot 3 and the slots past it cannot be updated; 0..2 can. */
    CHECK_EQ(mod_l3_entry(pg(l3), 3, pte(frame(&dom_a), P), false, false), -EINVAL);
    CHECK_EQ(mod_l3_entry(pg(l3), 3, 0, false, false), -EINVAL);
    CHECK_EQ(mod_l3_entry(pg(l3), 4, 0, false, false), -EINVAL);
    CHECK_EQ(mod_l3_entry(pg(l3), 1, pte(frame(&dom_a), P), false, false), 0);
    /* An L3 entry never links an L3 (XSA-185), itself included. */
    CHECK_EQ(mod_l3_entry(pg(l3), 2, pte(l3, P), false, false), -EINVAL);
    /* The slot-3 L2 cannot also be an ordinary L2 ... */
    CHECK_EQ(mod_l3_entry(pg(l3), 2, pte(l2x, P), false, false), -EINVAL);
    /* ... nor the slot 3 of a second L3. */
    unsigned long l3b = frame(&dom_a);
    tab(l3b)[3] = pte(l2x, P);
    CHECK_EQ(pin(l3b, PGT_l3_page_table), -EINVAL);
    mm_finish_pending(false);
    CHECK_EQ(tcount(l2x), 1);
    CHECK(audit_ok());
    /* Replacing slot 0 releases the old L2. */
    CHECK_EQ(mod_l3_entry(pg(l3), 0, 0, false, false), 0);
    CHECK_EQ(mm_finish_pending(false), 0);
    CHECK_EQ(pg(l2a)->type_info, 0);
    CHECK(audit_ok());
}

HTEST(l3_loop_through_another_l3)
{
    world_init();
    unsigned long l3a = frame(&dom_a), l3b = frame(&dom_a);
    tab(l3a)[3] = pte(frame(&dom_a), P);
    tab(l3b)[3] = pte(frame(&dom_a), P);
    tab(l3a)[0] = pte(l3b, P);
    tab(l3b)[0] = pte(l3a, P);
    CHECK_EQ(pin(l3a, PGT_l3_page_table), -EINVAL);
    mm_finish_pending(false);
    CHECK_EQ(pg(l3a)->type_info, 0);
    CHECK_EQ(pg(l3b)->type_info, 0);
    CHECK(audit_ok());
}

HTEST(hypervisor_slots_of_slot3_l2)
{
    world_init();
    unsigned long l3 = frame(&dom_a), x = frame(&dom_a);
    tab(x)[XEN_L2_FIRST_SLOT] = pte(frame(&dom_a), P | RW);  /* guest junk: ignored */
    tab(l3)[3] = pte(x, P);
    CHECK_EQ(pin(l3, PGT_l3_page_table), 0);
    CHECK_EQ(tab(x)[XEN_L2_FIRST_SLOT], pte(4, P | A));     /* overwritten */
    CHECK_EQ(mod_l2_entry(pg(x), XEN_L2_FIRST_SLOT, 0, false, false), -EINVAL);
    CHECK_EQ(mod_l2_entry(pg(x), 511, 0, false, false), -EINVAL);
    CHECK_EQ(mod_l2_entry(pg(x), XEN_L2_FIRST_SLOT - 1, pte(frame(&dom_a), P), false, false), 0);
    CHECK(audit_ok());
}

HTEST(mod_l1_takes_then_writes_then_drops)
{
    world_init();
    unsigned long l1 = frame(&dom_a), a = frame(&dom_a), b = frame(&dom_a);
    CHECK_EQ(pin(l1, PGT_l1_page_table), 0);
    CHECK_EQ(mod_l1_entry(pg(l1), 3, pte(a, P | RW), &dom_a, false, false), 0);
    CHECK_EQ(gcount(a), 2);
    CHECK_EQ(tcount(a), 1);
    CHECK_EQ(mod_l1_entry(pg(l1), 3, pte(b, P), &dom_a, false, false), 0);
    CHECK_EQ(gcount(a), 1);
    CHECK_EQ(tcount(a), 0);
    CHECK_EQ(gcount(b), 2);
    /* refused: nothing changes */
    CHECK_EQ(mod_l1_entry(pg(l1), 3, pte(W_HV_FRAME, P), &dom_a, false, false), -EINVAL);
    CHECK_EQ(tab(l1)[3], pte(b, P));
    CHECK_EQ(mod_l1_entry(pg(l1), 3, pte(b, P | _PAGE_GLOBAL), &dom_a, false, false), -EINVAL);
    CHECK_EQ(tab(l1)[3], pte(b, P));
    /* only flags: same references */
    CHECK_EQ(mod_l1_entry(pg(l1), 3, pte(b, P | A | US), &dom_a, false, false), 0);
    CHECK_EQ(gcount(b), 2);
    CHECK(audit_ok());
    /* another domain's frame through a foreign owner only */
    unsigned long f = frame(&dom_b);
    CHECK_EQ(mod_l1_entry(pg(l1), 4, pte(f, P), &dom_a, false, false), -EINVAL);
    /* unmapping */
    CHECK_EQ(mod_l1_entry(pg(l1), 3, 0, &dom_a, false, false), 0);
    CHECK_EQ(gcount(b), 1);
    CHECK(audit_ok());
}

HTEST(rw_toggle_on_a_table_mapping_is_refused)
{
    world_init();
    unsigned long l1 = frame(&dom_a), victim = frame(&dom_a);
    CHECK_EQ(pin(l1, PGT_l1_page_table), 0);
    CHECK_EQ(pin(victim, PGT_l1_page_table), 0);
    CHECK_EQ(mod_l1_entry(pg(l1), 0, pte(victim, P | A), &dom_a, false, false), 0);
    /* Same frame, only RW set: must go through the type check (XSA-182). */
    CHECK_EQ(mod_l1_entry(pg(l1), 0, pte(victim, P | A | RW), &dom_a, false, false), -EINVAL);
    CHECK_EQ(mod_l1_entry(pg(l1), 0, pte(victim, P | A | RW), &dom_a, true, false), -EINVAL);
    CHECK_EQ(tab(l1)[0], pte(victim, P | A));
    CHECK(audit_ok());
}

HTEST(preserve_ad_keeps_the_cpu_bits)
{
    world_init();
    unsigned long l1 = frame(&dom_a), a = frame(&dom_a);
    CHECK_EQ(pin(l1, PGT_l1_page_table), 0);
    CHECK_EQ(mod_l1_entry(pg(l1), 0, pte(a, P | RW), &dom_a, false, false), 0);
    tab(l1)[0] |= A | D;                 /* the CPU marks it */
    CHECK_EQ(mod_l1_entry(pg(l1), 0, pte(a, P | RW | US), &dom_a, true, false), 0);
    CHECK_EQ(tab(l1)[0], pte(a, P | RW | US | A | D));
    CHECK_EQ(mod_l1_entry(pg(l1), 0, pte(a, P | RW), &dom_a, false, false), 0);
    CHECK_EQ(tab(l1)[0], pte(a, P | RW));
    CHECK(audit_ok());
}

HTEST(mod_l2_relinks_l1_tables)
{
    world_init();
    unsigned long l2 = frame(&dom_a), l1a = frame(&dom_a), l1b = frame(&dom_a);
    CHECK_EQ(pin(l2, PGT_l2_page_table), 0);
    CHECK_EQ(mod_l2_entry(pg(l2), 9, pte(l1a, P | RW), false, false), 0);
    CHECK_EQ(ptype(l1a), PGT_l1_page_table);
    CHECK_EQ(mod_l2_entry(pg(l2), 9, pte(l1b, P | RW), false, false), 0);
    CHECK(pg(l1a)->mm_flags & PGF_pending);
    CHECK_EQ(mm_finish_pending(false), 0);
    CHECK_EQ(pg(l1a)->type_info, 0);
    CHECK_EQ(mod_l2_entry(pg(l2), 9, pte(l1b, P | RW | _PAGE_PSE), false, false), -EINVAL);
    CHECK(audit_ok());
}

HTEST(preempted_update_changes_nothing)
{
    world_init();
    unsigned long l3 = frame(&dom_a), big = frame(&dom_a);
    tab(l3)[3] = pte(frame(&dom_a), P);
    CHECK_EQ(pin(l3, PGT_l3_page_table), 0);
    for (unsigned int i = 0; i < 10; i++)
        tab(big)[i] = pte(frame(&dom_a), P | RW);
    preempt_every = 2;
    CHECK_EQ(mod_l3_entry(pg(l3), 0, pte(big, P), false, true), -ERESTART);
    CHECK_EQ(tab(l3)[0], 0);
    CHECK(audit_ok());
    CHECK_EQ(UNTIL_DONE(mod_l3_entry(pg(l3), 0, pte(big, P), false, true)), 0);
    preempt_every = 0;
    CHECK_EQ(tab(l3)[0], pte(big, P | RW | US | A | D));
    CHECK(audit_ok());
}

HTEST(foreign_frames_only_through_a_named_owner)
{
    world_init();
    unsigned long l1 = frame(&dom_priv), theirs = frame(&dom_a);
    CHECK_EQ(pin(l1, PGT_l1_page_table), 0);
    /* The table's owner maps its own frames; another domain's frame only
     * when the caller (a privileged front end) names that domain. */
    CHECK_EQ(mod_l1_entry(pg(l1), 0, pte(theirs, P | RW), &dom_priv, false, false), -EINVAL);
    CHECK_EQ(mod_l1_entry(pg(l1), 0, pte(theirs, P | RW), &dom_a, false, false), 0);
    CHECK_EQ(gcount(theirs), 2);
    CHECK_EQ(ptype(theirs), PGT_writable_page);
    CHECK(audit_ok());                  /* a privileged domain may map others' frames */
    /* The shortcut for an unchanged frame still checks the named owner. */
    CHECK_EQ(mod_l1_entry(pg(l1), 0, pte(theirs, P | RW | A), &dom_priv, false, false), -EINVAL);
    CHECK_EQ(mod_l1_entry(pg(l1), 0, 0, &dom_priv, false, false), 0);
    CHECK_EQ(gcount(theirs), 1);
    CHECK(audit_ok());
}

HTEST(broken_and_hypervisor_heap_frames_are_never_mapped)
{
    world_init();
    unsigned long b = frame(&dom_a);
    pg(b)->count_info |= PGC_broken;
    CHECK_EQ(one_entry(1, pte(b, P), &dom_a), -EINVAL);
    pg(b)->count_info &= ~PGC_broken;
    /* a hypervisor-heap page the domain owns (its shared_info) may be */
    pg(b)->count_info |= PGC_xen_heap;
    CHECK_EQ(one_entry(1, pte(b, P | RW), &dom_a), 0);
}
