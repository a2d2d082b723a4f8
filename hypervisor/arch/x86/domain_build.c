/*
 * Building a domain from a 32-bit PV kernel image (the initial domain,
 * and the unprivileged ones started from boot modules).
 *
 * What the guest finds when it starts is fixed by the ABI (fact sheet
 * sections 4 and 17): its kernel loaded at the ELF addresses, the P2M list,
 * start_info, bootstrap page tables mapping the whole region (with the
 * page-table pages themselves read-only), a boot stack, the hypercall page
 * filled in, the M2P readable at 0xF5800000, and vCPU 0 in ring 1 at the
 * entry point with ESI = start_info.  This file does exactly that, in the
 * order: parse and check the image (libelf), compute the layout
 * (domain_layout.c), allocate the domain's frames, load, write the tables,
 * account every reference the tables create in the frame table, and set up
 * the vCPU.  Any failure is reported with a reason; nothing is half-built
 * into a running domain.
 *
 * Reference accounting is not done by hand: the builder writes the tables'
 * contents, then asks the page-type core (common/page_type.c) for the L3
 * as a table -- which validates the whole tree exactly as it would for a
 * guest, taking every reference the entries imply and filling the
 * hypervisor's slots of the slot-3 L2 -- then pins it; committing vCPU 0's
 * context takes the CR3 reference.  So the first instruction of the guest runs on state the
 * auditor and every later hypercall agree with.
 */
#include <mica/types.h>
#include <mica/domain.h>
#include <mica/domain_build.h>
#include <mica/libelf.h>
#include <mica/mm.h>
#include <mica/lib.h>
#include <mica/printk.h>
#include <mica/errno.h>
#include <mica/cmdline.h>
#include <mica/event.h>
#include <mica/pv_image.h>
#include <public/xen.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/m2p.h>
#include <asm/regs.h>
#include <asm/vcpu.h>
#include <asm/domain_build.h>
#include <asm/vcpu_context.h>

struct build_ctx {
    struct domain *d;
    struct dom_layout l;
    xen_pfn_t *p2m;            /* pfn -> mfn, hypervisor copy during build */
    struct pv_image img;
};

/* The pv_image map callback: the direct map. */
static void *map_pfn(void *ctx, unsigned long pfn)
{
    struct build_ctx *c = ctx;
    return mfn_to_virt(c->p2m[pfn]);
}

/*
 * Validate the tree the image wrote (non-preemptibly: nothing runs yet)
 * and pin its L3, as a toolstack does with MMUEXT_PIN_L3_TABLE.
 */
static void pin_page_tables(struct domain *d, unsigned long l3_mfn)
{
    struct page_info *l3pg = mfn_to_page(l3_mfn);

    if (get_page_and_type(l3pg, d, PGT_l3_page_table))
        panic("domain builder: the initial page tables do not validate");
    l3pg->type_info |= PGT_pinned;
}

/* vCPU 0's first context, through the checks every context passes. */
static int start_vcpu0(struct domain *d, const struct dom_layout *l, uint64_t entry,
                       unsigned long l3_mfn)
{
    static struct vcpu_context ck;      /* boot is single-threaded; 3 KiB */
    static vcpu_guest_context_t ctxt;
    int rc;

    pv_initial_context(&ctxt, l, entry, l3_mfn, d->vm_assist);
    rc = arch_vcpu_context_validate(d->vcpu[0], &ctxt, &ck);
    if (!rc)
        rc = arch_vcpu_context_commit(d->vcpu[0], &ck);
    return rc;
}

int construct_domain(struct domain *d, const void *image, size_t image_len,
                     const void *initrd, size_t initrd_len,
                     const char *cmdline, unsigned long nr_pages)
{
    struct build_ctx c = { .d = d };
    struct elf_dom_parms parms;
    struct pv_start st = { 0 };
    char err[160];
    int rc;

    rc = elf_parse(image, image_len, &parms, err, sizeof(err));
    if (rc) {
        pr_err("d%u: kernel image rejected: %s\n", d->domain_id, err);
        return rc;
    }
    pr_info("d%u: %s kernel \"%s\" %s, VIRT_BASE %#llx, entry %#llx, hypercall page %#llx\n",
            d->domain_id, parms.has_notes ? "ELF-note" : "legacy __xen_guest",
            parms.guest_os, parms.guest_ver, (unsigned long long)parms.virt_base,
            (unsigned long long)parms.virt_entry, (unsigned long long)parms.virt_hypercall);

    c.l.virt_base = parms.virt_base;
    c.l.kern_start = parms.virt_kstart;
    c.l.kern_end = parms.virt_kend;
    c.l.initrd_len = initrd ? initrd_len : 0;
    c.l.nr_pages = nr_pages;
    c.l.is_initdomain = d->domain_id == 0;
    rc = dom_layout_compute(&c.l, HYPERVISOR_VIRT_START, err, sizeof(err));
    if (rc) {
        pr_err("d%u: cannot lay out the domain: %s\n", d->domain_id, err);
        return rc;
    }

    /*
     * A kernel that declares PAE_MODE "yes" (or "bimodal") understands the
     * extended-CR3 format, so, as Xen's builder does, enable that assist for
     * it: its L3 may then live above 4 GiB (XENFEAT_pae_pgdir_above_4gb).
     */
    if (parms.pae == PAEMODE_EXTENDED_CR3 || parms.pae == PAEMODE_BIMODAL)
        d->vm_assist |= 1UL << VMASST_TYPE_pae_extended_cr3;

    /* Memory. */
    d->max_pages = nr_pages;
    c.p2m = xzalloc_bytes(nr_pages * sizeof(xen_pfn_t));
    if (!c.p2m)
        return -ENOMEM;
    c.img = (struct pv_image){ .l = &c.l, .p2m = c.p2m, .map = map_pfn, .ctx = &c };
    /* From here on, a failure leaves frames owned by d: the caller destroys d. */
    for (unsigned long pfn = 0; pfn < nr_pages; pfn++) {
        struct page_info *pg = mm_alloc_domain_frame(d);     /* zeroed */
        if (!pg) {
            pr_err("d%u: out of memory after %lu of %lu pages\n", d->domain_id, pfn, nr_pages);
            rc = -ENOMEM;
            goto out;
        }
        c.p2m[pfn] = (xen_pfn_t)page_to_mfn(pg);
        m2p_set(c.p2m[pfn], (uint32_t)pfn);
    }

    /* Contents. */
    rc = elf_load(image, image_len, &parms, pv_image_write, &c.img);
    if (rc) {
        pr_err("d%u: loading the kernel failed (%d)\n", d->domain_id, rc);
        goto out;
    }
    if (c.l.initrd_len)
        pv_image_write(&c.img, c.l.initrd_start, initrd, initrd_len);
    pv_image_write_p2m(&c.img);
    if (parms.virt_hypercall != UNSET_ADDR)
        pv_hypercall_page(map_pfn(&c, pv_image_pfn(&c.l, parms.virt_hypercall)));

    unsigned long l3_mfn = pv_image_write_page_tables(&c.img);
    if (!l3_mfn)
        panic("domain builder: page-table count mismatch");
    pin_page_tables(d, l3_mfn);

    st.nr_pages = (uint32_t)nr_pages;
    st.shared_info_mfn = (uint32_t)d->shared_info_mfn;
    st.flags = d->is_privileged ? (SIF_PRIVILEGED | SIF_INITDOMAIN) : 0;
    st.cmdline = cmdline;
    if (!c.l.is_initdomain) {
        /*
         * An unprivileged domain's xenstore and console rings (zeroed
         * pages of its region) and their ports, unbound and offered to
         * domain 0, which will serve them once it has backends.
         */
        long store_port = evtchn_alloc_unbound_port(d, 0);
        long console_port = evtchn_alloc_unbound_port(d, 0);
        if (store_port < 0 || console_port < 0) {
            rc = -ENOSPC;
            goto out;
        }
        st.store_mfn = c.p2m[pv_image_pfn(&c.l, c.l.xenstore)];
        st.store_evtchn = (uint32_t)store_port;
        st.console_mfn = c.p2m[pv_image_pfn(&c.l, c.l.console)];
        st.console_evtchn = (uint32_t)console_port;
    }
    pv_image_write_start_info(&c.img, &st);

    rc = start_vcpu0(d, &c.l, parms.virt_entry, l3_mfn);
    if (rc) {
        pr_err("d%u: the initial vCPU context was refused (%d)\n", d->domain_id, rc);
        goto out;
    }

    pr_info("d%u: %lu pages; region %#llx-%#llx: kernel %#llx-%#llx, initrd %#llx+%#llx, "
            "P2M %#llx, start_info %#llx, %u page tables at %#llx, stack %#llx\n",
            d->domain_id, nr_pages, (unsigned long long)c.l.virt_base,
            (unsigned long long)c.l.v_end, (unsigned long long)c.l.kern_start,
            (unsigned long long)c.l.kern_end, (unsigned long long)c.l.initrd_start,
            (unsigned long long)c.l.initrd_len, (unsigned long long)c.l.p2m_start,
            (unsigned long long)c.l.start_info, c.l.nr_pt_frames,
            (unsigned long long)c.l.pt_start, (unsigned long long)c.l.stack_start);
    d->state = DOMSTATE_RUNNING;
out:
    xfree_bytes(c.p2m, nr_pages * sizeof(xen_pfn_t));
    return rc;
}
