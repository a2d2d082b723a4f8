/*
 * The PV domain builder (build.h): the order of the hypercalls that turn a
 * kernel image into a paused domain, and the undoing of them on failure.
 *
 *   check     parse the ELF (libelf), lay out the bootstrap region
 *             (domain_layout) and check the memory size -- before any
 *             hypercall, so a bad image or size costs nothing;
 *   create    createdomain (paused, empty), max_vcpus (all of them made
 *             now, down), max_mem;
 *   memory    populate_physmap of PFNs 0..n-1, 2 MiB extents first: the
 *             MFNs are the P2M;
 *   contents  through foreign mappings (build_map.c) and the shared writer
 *             (common/pv_image.c): kernel, initrd, P2M list, hypercall
 *             page, zeroed console and xenstore pages, page tables;
 *   devices   two ports of the new domain offered to the xenstore and
 *             console backends (store first, as the boot builder does);
 *             shared_info's upcall masks; start_info; the grant table's
 *             reserved entries 0 (console) and 1 (xenstore) for the
 *             backends;
 *   start     unmap everything, pin the L3 on the domain's behalf
 *             (MMUEXT_PIN_L3_TABLE with the domain as foreigndom: the
 *             hypervisor validates the whole tree), set vCPU 0's context.
 *             Only vCPU 0 starts, as on Xen: the guest brings the others
 *             up itself (VCPUOP_initialise + VCPUOP_up), when and with
 *             the context it chooses.
 *
 * The domain stays paused; the caller unpauses it when its backends are
 * connected.  From `create` on, a failure unmaps every foreign page and
 * destroys the domain, which gives all its frames back: the caller never
 * sees a half-built domain.
 */
#include "build.h"
#include "build_map.h"
#include "../ctrl/ctrl.h"
#include <mica/libelf.h>
#include <mica/domain_build.h>
#include <mica/pv_image.h>
#include <public/grant_table.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POPULATE_BATCH 2048ul           /* PFNs per populate_physmap call */
#define SUPERPAGE_ORDER 9u              /* 2 MiB extents: the largest any domain may ask */
#define SUPERPAGE (1ul << SUPERPAGE_ORDER)
#define SUPERPAGE_BATCH 64ul            /* extents per call */

struct builder {
    struct build_dom *b;
    struct elf_dom_parms parms;
    struct dom_layout l;
    size_t ramdisk_len;                 /* 0 without a ramdisk */
    bool initrd_unmapped;               /* MOD_START_PFN: after the region */
    unsigned long initrd_pages;
    xen_pfn_t *p2m;
    struct build_map map;
    struct pv_image img;
    char *err;
    size_t errlen;
};

/* Say why in err; return rc. */
static int __attribute__((format(printf, 3, 4))) fail(struct builder *bd, int rc,
                                                      const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (bd->errlen)
        vsnprintf(bd->err, bd->errlen, fmt, ap);
    va_end(ap);
    return rc;
}

/* Lay out the region for nr_pages: 0, or -errno (err filled). */
static int layout(struct builder *bd, unsigned long nr_pages)
{
    char msg[160];

    memset(&bd->l, 0, sizeof(bd->l));
    bd->l.virt_base = bd->parms.virt_base;
    bd->l.kern_start = bd->parms.virt_kstart;
    bd->l.kern_end = bd->parms.virt_kend;
    bd->l.initrd_len = bd->initrd_unmapped ? 0 : bd->ramdisk_len;
    bd->l.nr_pages = nr_pages;
    bd->l.is_initdomain = false;
    int rc = dom_layout_compute(&bd->l, HYPERVISOR_VIRT_START, msg, sizeof(msg));
    if (rc)
        return fail(bd, rc, "%s", msg);
    return 0;
}

/* Pages of the region (and of an initrd placed after it). */
static unsigned long pages_needed(const struct builder *bd)
{
    return (unsigned long)((bd->l.v_end - bd->l.virt_base) >> 12) + bd->initrd_pages;
}

/* Parse and check the image; the layout is left for the caller. */
static int parse(struct builder *bd)
{
    const struct build_dom *b = bd->b;
    char msg[160];

    if (!b->kernel || !b->kernel_len)
        return fail(bd, -EINVAL, "no kernel image");
    int rc = elf_parse(b->kernel, b->kernel_len, &bd->parms, msg, sizeof(msg));
    if (rc)
        return fail(bd, rc, "kernel image rejected: %s", msg);
    bd->ramdisk_len = b->ramdisk ? b->ramdisk_len : 0;
    /* A ramdisk bigger than any domain can hold is refused before its
     * size enters any arithmetic. */
    if (bd->ramdisk_len / 4096 >= BUILD_MAX_MEMORY_KB / 4)
        return fail(bd, -E2BIG, "ramdisk of %lu KiB is larger than any domain",
                    (unsigned long)(bd->ramdisk_len / 1024));
    bd->initrd_unmapped = bd->ramdisk_len && bd->parms.mod_start_pfn;
    bd->initrd_pages = bd->initrd_unmapped ? (bd->ramdisk_len + 4095) / 4096 : 0;
    return 0;
}

long build_min_memory_kb(const struct build_dom *b, char *err, size_t errlen)
{
    struct build_dom copy = *b;
    struct builder bd = { .b = &copy, .err = err, .errlen = errlen };
    unsigned long nr = 1024;

    int rc = parse(&bd);
    if (rc)
        return rc;
    /* The region grows with the P2M, which grows with the domain: iterate
     * to the smallest size that holds its own region (a page of P2M per
     * 4 MiB, so two or three rounds). */
    for (unsigned int round = 0; round < 16; round++) {
        rc = layout(&bd, nr);
        unsigned long need = pages_needed(&bd);
        if (rc && bd.l.v_end <= bd.l.virt_base)
            return rc;
        if (rc && need <= nr)
            return rc;                  /* not a question of size */
        if (!rc && need <= nr)
            return (long)(nr * 4);
        nr = need;
        if (nr > BUILD_MAX_MEMORY_KB / 4)
            return fail(&bd, -ENOMEM, "the kernel and ramdisk need more than %u MiB",
                        BUILD_MAX_MEMORY_KB / 1024);
    }
    return fail(&bd, -ENOMEM, "the layout does not converge");
}

/* Everything that needs no hypercall. */
static int check(struct builder *bd)
{
    struct build_dom *b = bd->b;

    int rc = parse(bd);
    if (rc)
        return rc;
    if (b->memory_kb < 4 || b->memory_kb % 4)
        return fail(bd, -EINVAL, "memory %lu KiB is not a positive multiple of 4 KiB",
                    (unsigned long)b->memory_kb);
    if (b->memory_kb > BUILD_MAX_MEMORY_KB)
        return fail(bd, -EINVAL, "memory %lu KiB exceeds the %u MiB a 32-bit PV "
                    "domain can have", (unsigned long)b->memory_kb, BUILD_MAX_MEMORY_KB / 1024);
    if (b->maxmem_kb && b->maxmem_kb < b->memory_kb)
        return fail(bd, -EINVAL, "maxmem %lu KiB is below memory %lu KiB",
                    (unsigned long)b->maxmem_kb, (unsigned long)b->memory_kb);
    if (b->max_vcpus > XEN_LEGACY_MAX_VCPUS)
        return fail(bd, -EINVAL, "%u vCPUs: at most %u (those with a vcpu_info in "
                    "shared_info)", b->max_vcpus, XEN_LEGACY_MAX_VCPUS);
    if (b->console_domid >= DOMID_FIRST_RESERVED || b->store_domid >= DOMID_FIRST_RESERVED)
        return fail(bd, -EINVAL, "bad backend domain id");

    unsigned long nr = b->memory_kb / 4;
    rc = layout(bd, nr);
    if (rc)
        return rc;
    if (pages_needed(bd) > nr)
        return fail(bd, -ENOMEM, "domain memory too small: the kernel, ramdisk and boot "
                    "structures need %lu KiB, the domain has %lu KiB",
                    pages_needed(bd) * 4, (unsigned long)b->memory_kb);
    return 0;
}

/*
 * The domain's memory, PFNs 0..n-1.  As Xen's current builder does, 2 MiB
 * extents first (one hypercall step per 512 frames instead of per frame:
 * most of the cost of a small domain's build), then single frames for the
 * tail and for whatever the hypervisor could not give contiguously -- a
 * superpage refused is not an error, only a slower path.
 */
static int populate(struct builder *bd, uint16_t domid)
{
    unsigned long nr = bd->l.nr_pages, pfn = 0;
    xen_pfn_t base[SUPERPAGE_BATCH];
    bool superpages = true;

    bd->p2m = malloc(nr * sizeof(xen_pfn_t));
    if (!bd->p2m)
        return fail(bd, -ENOMEM, "no memory for a P2M of %lu pages", nr);
    while (superpages && nr - pfn >= SUPERPAGE) {
        unsigned long n = (nr - pfn) / SUPERPAGE;
        if (n > SUPERPAGE_BATCH)
            n = SUPERPAGE_BATCH;
        for (unsigned long i = 0; i < n; i++)
            base[i] = (xen_pfn_t)(pfn + i * SUPERPAGE);
        long got = ctrl_populate_physmap(domid, n, SUPERPAGE_ORDER, base);
        if (got < 0 || (unsigned long)got < n)
            superpages = false;
        for (long i = 0; i < got; i++)
            for (unsigned long j = 0; j < SUPERPAGE; j++)
                bd->p2m[pfn++] = base[i] + (xen_pfn_t)j;
    }
    for (unsigned long i = pfn; i < nr; i++)
        bd->p2m[i] = (xen_pfn_t)i;
    while (pfn < nr) {
        unsigned long n = nr - pfn < POPULATE_BATCH ? nr - pfn : POPULATE_BATCH;
        long got = ctrl_populate_physmap(domid, n, 0, &bd->p2m[pfn]);
        if (got < 0)
            return fail(bd, (int)got, "populate_physmap failed (%ld)", got);
        pfn += (unsigned long)got;
        if ((unsigned long)got < n)
            return fail(bd, -ENOMEM, "out of memory: the hypervisor gave %lu of %lu pages",
                        pfn, nr);
    }
    return 0;
}

/* Write rc's reason unless a mapping failure explains it better. */
static int write_failed(struct builder *bd, int rc, const char *what)
{
    if (bd->map.error)
        rc = bd->map.error;
    return fail(bd, rc, "writing the %s failed (%d)", what, rc);
}

static int load(struct builder *bd)
{
    const struct build_dom *b = bd->b;
    const struct dom_layout *l = &bd->l;
    int rc;

    rc = elf_load(b->kernel, b->kernel_len, &bd->parms, pv_image_write, &bd->img);
    if (rc)
        return write_failed(bd, rc, "kernel");
    if (l->initrd_len && (rc = pv_image_write(&bd->img, l->initrd_start, b->ramdisk,
                                              bd->ramdisk_len)))
        return write_failed(bd, rc, "ramdisk");
    if (bd->initrd_unmapped) {
        unsigned long first = (unsigned long)((l->v_end - l->virt_base) >> 12);
        for (unsigned long i = 0; i < bd->initrd_pages; i++) {
            uint8_t *page = build_map_pfn(&bd->map, first + i);
            size_t off = i * 4096, n = bd->ramdisk_len - off < 4096 ? bd->ramdisk_len - off : 4096;
            if (!page)
                return write_failed(bd, -EFAULT, "ramdisk");
            memcpy(page, (const uint8_t *)b->ramdisk + off, n);
            memset(page + n, 0, 4096 - n);
        }
    }
    if ((rc = pv_image_write_p2m(&bd->img)))
        return write_failed(bd, rc, "P2M list");
    if (bd->parms.virt_hypercall != UNSET_ADDR) {
        uint8_t *page = build_map_pfn(&bd->map, pv_image_pfn(l, bd->parms.virt_hypercall));
        if (!page)
            return write_failed(bd, -EFAULT, "hypercall page");
        pv_hypercall_page(page);
    }
    if ((rc = pv_image_write(&bd->img, l->xenstore, NULL, 4096)) ||
        (rc = pv_image_write(&bd->img, l->console, NULL, 4096)))
        return write_failed(bd, rc, "console and xenstore pages");
    bd->b->l3_mfn = (uint32_t)pv_image_write_page_tables(&bd->img);
    if (!bd->b->l3_mfn)
        return write_failed(bd, -EFAULT, "page tables");
    return 0;
}

/* Mask every vCPU's upcalls in shared_info, as Xen's builder does: the
 * kernel unmasks them once it has its callbacks. */
static int mask_upcalls(struct builder *bd, uint16_t domid, uint32_t *shared_info_mfn)
{
    struct ctrl_dominfo info;
    shared_info_t *si;

    int rc = ctrl_domain_info(domid, &info);
    if (rc)
        return fail(bd, rc, "getdomaininfo failed (%d)", rc);
    *shared_info_mfn = info.shared_info_frame;
    rc = ctrl_map_foreign(domid, shared_info_mfn, 1, true, (void **)&si);
    if (rc)
        return fail(bd, rc, "mapping shared_info failed (%d)", rc);
    for (unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
        si->vcpu_info[i].evtchn_upcall_mask = 1;
    ctrl_unmap_foreign(si, 1);
    return 0;
}

/* Grant entries 0 and 1 give the backends the console and xenstore pages. */
static int seed_grants(struct builder *bd, uint16_t domid)
{
    const struct build_dom *b = bd->b;
    uint32_t frame;
    grant_entry_v1_t *e;

    int rc = ctrl_gnttab_setup(domid, 1, &frame);
    if (rc)
        return fail(bd, rc, "grant table setup failed (%d)", rc);
    rc = ctrl_map_foreign(domid, &frame, 1, true, (void **)&e);
    if (rc)
        return fail(bd, rc, "mapping the grant table failed (%d)", rc);
    e[GNTTAB_RESERVED_CONSOLE] = (grant_entry_v1_t){ .domid = b->console_domid,
                                                     .frame = b->console_mfn };
    e[GNTTAB_RESERVED_XENSTORE] = (grant_entry_v1_t){ .domid = b->store_domid,
                                                      .frame = b->store_mfn };
    __atomic_store_n(&e[GNTTAB_RESERVED_CONSOLE].flags, GTF_permit_access, __ATOMIC_RELEASE);
    __atomic_store_n(&e[GNTTAB_RESERVED_XENSTORE].flags, GTF_permit_access, __ATOMIC_RELEASE);
    ctrl_unmap_foreign(e, 1);
    return 0;
}

static int devices(struct builder *bd, uint16_t domid)
{
    struct build_dom *b = bd->b;
    const struct dom_layout *l = &bd->l;
    struct pv_start st = { 0 };
    int rc;

    if ((rc = ctrl_evtchn_alloc_unbound(domid, b->store_domid, &b->store_port)))
        return fail(bd, rc, "allocating the xenstore port failed (%d)", rc);
    if ((rc = ctrl_evtchn_alloc_unbound(domid, b->console_domid, &b->console_port)))
        return fail(bd, rc, "allocating the console port failed (%d)", rc);
    b->store_mfn = bd->p2m[pv_image_pfn(l, l->xenstore)];
    b->console_mfn = bd->p2m[pv_image_pfn(l, l->console)];
    if ((rc = mask_upcalls(bd, domid, &st.shared_info_mfn)))
        return rc;

    st.nr_pages = (uint32_t)l->nr_pages;
    st.flags = 0;
    st.store_mfn = b->store_mfn;
    st.store_evtchn = b->store_port;
    st.console_mfn = b->console_mfn;
    st.console_evtchn = b->console_port;
    st.cmdline = b->cmdline;
    if (bd->initrd_unmapped) {
        st.initrd_pfn = (uint32_t)((l->v_end - l->virt_base) >> 12);
        st.initrd_pfn_len = (uint32_t)bd->ramdisk_len;
    }
    if ((rc = pv_image_write_start_info(&bd->img, &st)))
        return write_failed(bd, rc, "start_info");
    return seed_grants(bd, domid);
}

static int start(struct builder *bd, uint16_t domid)
{
    vcpu_guest_context_t *ctxt;
    unsigned long vm_assist = 0;
    int rc;

    build_map_flush(&bd->map);
    if (bd->map.error)
        return fail(bd, bd->map.error, "unmapping the new domain failed (%d)", bd->map.error);
    rc = ctrl_pin_table(domid, 3, bd->b->l3_mfn);
    if (rc)
        return fail(bd, rc, "the hypervisor refused the page tables (%d)", rc);
    /* A kernel that declares PAE_MODE "yes" or "bimodal" understands an
     * L3 above 4 GiB (the extended-CR3 assist), as in the boot builder. */
    if (bd->parms.pae == PAEMODE_EXTENDED_CR3 || bd->parms.pae == PAEMODE_BIMODAL)
        vm_assist |= 1ul << VMASST_TYPE_pae_extended_cr3;
    ctxt = malloc(sizeof(*ctxt));
    if (!ctxt)
        return fail(bd, -ENOMEM, "no memory for a vCPU context");
    pv_initial_context(ctxt, &bd->l, bd->parms.virt_entry, bd->b->l3_mfn, vm_assist);
    rc = ctrl_vcpu_setcontext(domid, 0, ctxt);
    free(ctxt);
    if (rc)
        return fail(bd, rc, "the hypervisor refused vCPU 0's context (%d)", rc);
    return 0;
}

int build_pv_domain(struct build_dom *b, char *err, size_t errlen)
{
    struct builder bd = { .b = b, .err = err, .errlen = errlen };
    uint16_t domid = 0;
    int rc;

    if ((rc = check(&bd)))
        return rc;
    rc = ctrl_domain_create(0, b->handle, &domid);
    if (rc)
        return fail(&bd, rc, "createdomain failed (%d)", rc);
    if ((rc = ctrl_domain_max_vcpus(domid, b->max_vcpus ? b->max_vcpus : 1))) {
        rc = fail(&bd, rc, "max_vcpus failed (%d)", rc);
        goto out;
    }
    if ((rc = ctrl_domain_max_mem(domid, b->maxmem_kb ? b->maxmem_kb : b->memory_kb))) {
        rc = fail(&bd, rc, "max_mem failed (%d)", rc);
        goto out;
    }
    if ((rc = populate(&bd, domid)))
        goto out;
    build_map_init(&bd.map, domid, bd.p2m, bd.l.nr_pages);
    bd.img = (struct pv_image){ .l = &bd.l, .p2m = bd.p2m, .map = build_map_pfn,
                                .ctx = &bd.map };
    if ((rc = load(&bd)) || (rc = devices(&bd, domid)) || (rc = start(&bd, domid)))
        goto out;
    b->domid = domid;
    b->nr_pages = (uint32_t)bd.l.nr_pages;
    b->virt_base = bd.parms.virt_base;
    b->virt_entry = bd.parms.virt_entry;
out:
    build_map_flush(&bd.map);
    if (rc) {
        /* The reason is already in err; the destroy gives every frame back. */
        int drc = ctrl_domain_destroy(domid);
        if (drc) {
            size_t len = strlen(err);
            snprintf(err + len, errlen > len ? errlen - len : 0,
                     "; destroying domain %u failed too (%d)", domid, drc);
        }
    }
    free(bd.p2m);
    return rc;
}
