/*
 * The guest's descriptor tables: set_gdt (2), update_descriptor (10), the
 * LDT (MMUEXT_SET_LDT calls arch_set_ldt) and looking up what a selector
 * means.
 *
 * Where the tables live.  The CPU's GDTR always points at the GDT area
 * (desc.c): pages 0-13 show the running vCPU's GDT frames, or a zero page
 * (every descriptor not present) where it has none; page 14 is the
 * hypervisor's reserved page.  The LDTR, when the guest has an LDT, points
 * at the LDT area, the 16 pages after the GDT; those are mapped lazily:
 * the first access to an LDT page faults (#PF at a hypervisor address,
 * taken in guest context or, while segment registers are reloaded, in the
 * hypervisor), ldt_lazy_map() finds the guest's frame through the guest's
 * page tables at ldt_base, types it, checks it and maps it.  Both areas
 * are mapped read-only: descriptors get their accessed bit preset when
 * checked, so the CPU never writes them.
 *
 * The rules.  A frame can be part of a GDT or LDT only with the page type
 * PGT_seg_desc_page, which it cannot take while the guest maps it
 * writable anywhere (page_type.c's one-type rule), and only after all
 * 512 of its descriptors pass check_descriptor() (desc_check.c); never
 * one of the domain's hypervisor-heap frames (shared_info), which the
 * hypervisor writes itself.  So while
 * the hypervisor shows a frame as a descriptor table nobody can change it
 * except through update_descriptor, which checks the new descriptor first.
 * set_gdt checks everything before it changes anything: the old GDT is
 * released only once the new one is in place.  Each mapped frame holds a
 * general and a type reference (gdt_frames[] and ldt_mfns[] in the vCPU).
 *
 * Lookups.  Emulation and bounce frames need to know a segment's base,
 * and call-gate emulation the gate and its target.  guest_descriptor()
 * respects the table limits the guest set (gdt_ents, ldt_ents): an LDT
 * selector with no LDT names nothing -- the check whose absence was
 * XSA-298 -- and it only ever returns checked descriptors: LDT entries are
 * read from the mapped (typed, checked) LDT page, mapping it first if need
 * be, never straight from guest memory.
 */
#include <mica/types.h>
#include <mica/domain.h>
#include <mica/mm.h>
#include <mica/guest_walk.h>
#include <mica/hypercall.h>
#include <mica/guest_access.h>
#include <mica/errno.h>
#include <mica/lib.h>
#include <public/xen.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/mm_arch.h>
#include <asm/pv.h>
#include <asm/desc_check.h>

#define LDT_FIRST_AREA_PAGE 16          /* page of the GDT area's L1 */
#define LDT_MAX_ENTS        8192

/*
 * The vCPU whose GDT frames and LDT pages the descriptor-table area shows
 * (normally current; it stays loaded across idle periods, and the frames
 * it shows must be dropped from the area when that vCPU dies).
 */
static struct vcpu *area_owner;

/* ---- lookups ------------------------------------------------------------- */

bool guest_descriptor(struct vcpu *v, uint16_t sel, uint64_t *desc)
{
    unsigned int idx = SEL_INDEX(sel);

    if (sel & SEL_TI) {
        /* Only from a checked LDT page, mapped now if it was not yet. */
        unsigned int p = idx / 512;
        if (idx >= v->ldt_ents || v != area_owner ||
            (!v->ldt_mfns[p] && !ldt_lazy_map(v, LDT_VIRT_START + (uint64_t)idx * 8)))
            return false;
        *desc = ((const uint64_t *)mfn_to_virt(v->ldt_mfns[p]))[idx % 512];
        return true;
    }
    if (idx >= FIRST_RESERVED_GDT_ENTRY) {
        if (idx - FIRST_RESERVED_GDT_ENTRY >= 512)
            return false;
        *desc = desc_reserved_entry(idx - FIRST_RESERVED_GDT_ENTRY);
        return true;
    }
    if (idx >= v->gdt_ents)
        return false;
    *desc = ((const uint64_t *)mfn_to_virt(v->gdt_frames[idx / 512]))[idx % 512];
    return true;
}

bool guest_segment_base_lookup(struct vcpu *v, uint16_t sel, uint32_t *base)
{
    uint64_t d;

    if (SEL_INDEX(sel) == 0 && !(sel & SEL_TI))
        return false;
    if (!guest_descriptor(v, sel, &d) || !(d & DESC_P) || !(d & DESC_S))
        return false;
    *base = desc_base(d);
    return true;
}

/* ---- the GDT ------------------------------------------------------------- */

/*
 * Take a descriptor-page reference on a frame of d.  Hypervisor-heap
 * frames the domain owns (shared_info, later grant tables) are refused:
 * the hypervisor itself writes them (event bits, CR2, time), and a
 * descriptor table must change only through update_descriptor.
 */
static int get_desc_frame(struct domain *d, unsigned long mfn)
{
    if (!mfn_valid(mfn) || (mfn_to_page(mfn)->count_info & PGC_xen_heap))
        return -EINVAL;
    return get_page_and_type(mfn_to_page(mfn), d, PGT_seg_desc_page);
}

static void release_frames(const unsigned long *mfns, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        put_page_and_type(mfn_to_page(mfns[i]));
}

static void map_gdt(const struct vcpu *v)
{
    unsigned int nr = (v->gdt_ents + 511) / 512;
    for (unsigned int p = 0; p < FIRST_RESERVED_GDT_PAGE; p++)
        gdt_area_map(p, p < nr ? v->gdt_frames[p] : desc_zero_page_mfn(), false);
}

int gdt_frames_acquire(struct domain *d, const unsigned long *mfns, unsigned int nr)
{
    unsigned int got;

    for (got = 0; got < nr; got++) {
        if (get_desc_frame(d, mfns[got]))
            break;
        if (!descriptor_page_ok(mfn_to_virt(mfns[got]))) {
            put_page_and_type(mfn_to_page(mfns[got]));
            break;
        }
    }
    if (got == nr)
        return 0;
    release_frames(mfns, got);
    return -EINVAL;
}

void gdt_install(struct vcpu *v, const unsigned long *mfns, unsigned int entries)
{
    unsigned int nr = (entries + 511) / 512;

    for (unsigned int i = 0; i < nr; i++)
        fixup_descriptor_page(mfn_to_virt(mfns[i]));
    release_frames(v->gdt_frames, (v->gdt_ents + 511) / 512);
    memset(v->gdt_frames, 0, sizeof(v->gdt_frames));
    memcpy(v->gdt_frames, mfns, nr * sizeof(mfns[0]));
    v->gdt_ents = entries;
    if (v == area_owner)
        map_gdt(v);
}

HYPERCALL_PROTO(set_gdt)
{
    struct vcpu *v = current;
    unsigned int entries = (unsigned int)a2;
    unsigned int nr = (entries + 511) / 512;
    uint32_t list[FIRST_RESERVED_GDT_PAGE];
    unsigned long mfns[FIRST_RESERVED_GDT_PAGE];

    if (a2 > FIRST_RESERVED_GDT_ENTRY)
        return -EINVAL;
    if (copy_from_guest(list, (guest_va_t)a1, nr * sizeof(uint32_t)))
        return -EFAULT;
    /* Our own deferred devalidations first, preemptibly: the type
     * references below then never have long work to do. */
    if (mm_finish_pending(true) == -ERESTART)
        return hypercall_create_continuation(__HYPERVISOR_set_gdt, 2, a1, a2);
    for (unsigned int i = 0; i < nr; i++)
        mfns[i] = list[i];
    /* Validate: every frame ours, typed as a descriptor page, all entries OK. */
    if (gdt_frames_acquire(v->domain, mfns, nr))
        return -EINVAL;
    gdt_install(v, mfns, entries);          /* commit */
    return 0;
}

HYPERCALL_PROTO(update_descriptor)
{
    struct domain *d = current_domain();
    uint64_t pa = (uint64_t)(uint32_t)a1 | ((uint64_t)(uint32_t)a2 << 32);
    uint64_t desc = (uint64_t)(uint32_t)a3 | ((uint64_t)(uint32_t)a4 << 32);
    unsigned long mfn = (unsigned long)(pa >> PAGE_SHIFT);
    struct page_info *pg;
    uint32_t type;

    if ((pa & 7) || !check_descriptor(&desc) || !mfn_valid(mfn))
        return -EINVAL;
    if (mm_finish_pending(true) == -ERESTART)      /* as set_gdt */
        return hypercall_create_continuation(__HYPERVISOR_update_descriptor, 4, a1, a2,
                                             a3, a4);
    pg = mfn_to_page(mfn);
    if (get_page(pg, d))
        return -EINVAL;
    /* A descriptor page stays one; anything else must accept writes
     * (shared_info among them: the guest may write that page anyway). */
    type = (pg->type_info & PGT_type_mask) == PGT_seg_desc_page
         ? PGT_seg_desc_page : PGT_writable_page;
    if (get_page_type(pg, type)) {
        put_page(pg);
        return -EINVAL;
    }
    *(volatile uint64_t *)((uint8_t *)mfn_to_virt(mfn) + (pa & (PAGE_SIZE - 1))) = desc;
    put_page_and_type(pg);
    return 0;
}

/* ---- the LDT ------------------------------------------------------------- */

void arch_invalidate_ldt(struct vcpu *v)
{
    for (unsigned int p = 0; p < LDT_AREA_PAGES; p++) {
        if (!v->ldt_mfns[p])
            continue;
        if (v == area_owner)
            gdt_area_unmap(LDT_FIRST_AREA_PAGE + p);
        put_page_and_type(mfn_to_page(v->ldt_mfns[p]));
        v->ldt_mfns[p] = 0;
    }
}

int arch_set_ldt(struct vcpu *v, uint32_t base, uint32_t ents)
{
    if (ents > LDT_MAX_ENTS || (base & (PAGE_SIZE - 1)) ||
        (ents && (uint64_t)base + (uint64_t)ents * 8 > HYPERVISOR_VIRT_START))
        return -EINVAL;
    arch_invalidate_ldt(v);
    v->ldt_base = ents ? base : 0;
    v->ldt_ents = ents;
    if (v == area_owner)
        desc_load_ldt(ents);
    return 0;
}

/* The machine frame the guest maps at va, or 0.  The CPU reads the LDT
 * with supervisor rights, whatever ring loads the selector. */
static unsigned long guest_va_to_mfn(const struct vcpu *v, uint32_t va)
{
    struct guest_walk w;

    return guest_walk(v, va, GW_READ, &w) ? w.mfn : 0;
}

bool ldt_lazy_map(struct vcpu *v, uint64_t cr2)
{
    uint64_t off = cr2 - LDT_VIRT_START;
    unsigned int p = (unsigned int)(off >> PAGE_SHIFT);
    unsigned long mfn;

    if (v != area_owner || cr2 < LDT_VIRT_START || off >= (uint64_t)v->ldt_ents * 8 ||
        v->ldt_mfns[p])
        return false;
    mfn = guest_va_to_mfn(v, v->ldt_base + p * PAGE_SIZE);
    if (!mfn || get_desc_frame(v->domain, mfn))
        return false;
    if (!descriptor_page_ok(mfn_to_virt(mfn))) {
        put_page_and_type(mfn_to_page(mfn));
        return false;
    }
    fixup_descriptor_page(mfn_to_virt(mfn));
    v->ldt_mfns[p] = mfn;
    gdt_area_map(LDT_FIRST_AREA_PAGE + p, mfn, false);
    return true;
}

void release_descriptor_tables(struct vcpu *v)
{
    arch_invalidate_ldt(v);
    v->ldt_base = v->ldt_ents = 0;
    release_frames(v->gdt_frames, (v->gdt_ents + 511) / 512);
    memset(v->gdt_frames, 0, sizeof(v->gdt_frames));
    v->gdt_ents = 0;
    if (v == area_owner) {
        map_gdt(v);                     /* all zero pages now */
        desc_load_ldt(0);
        area_owner = NULL;
    }
}

void load_descriptor_tables(struct vcpu *v)
{
    area_owner = v;
    map_gdt(v);
    for (unsigned int p = 0; p < LDT_AREA_PAGES; p++) {
        if (v->ldt_mfns[p])
            gdt_area_map(LDT_FIRST_AREA_PAGE + p, v->ldt_mfns[p], false);
        else
            gdt_area_unmap(LDT_FIRST_AREA_PAGE + p);
    }
    desc_load_ldt(v->ldt_ents);
}
