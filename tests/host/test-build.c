/*
 * The toolstack's PV domain builder (dom0-tools/lib/build) on the
 * simulated hypervisor (fake-hypercalls.c), through the real libctrl.
 *
 * The built image is checked exactly, by reading the new domain's frames
 * the way its CPU would: the page tables from the pinned L3 that vCPU 0's
 * CR3 names, every VA of the region mapped to its PFN's frame with the
 * tables read-only, start_info's every field, the P2M list against the
 * frames the hypervisor handed out, the kernel's bytes and bss, the
 * hypercall page, the zeroed rings, their ports and grant entries.
 *
 * And the hostile side: images and sizes that must be refused before the
 * first hypercall, and a failure injected at every hypercall and every
 * foreign mapping of a build, after each of which no domain, frame,
 * mapping, buffer or port may be left.
 */
#include "htest.h"
#include "elf-image.h"
#include "fake-hypercalls.h"
#include "../../dom0-tools/lib/build/build.h"
#include "../../dom0-tools/lib/ctrl/ctrl.h"
#include <mica/pv_image.h>
#include <public/grant_table.h>
#include <public/elfnote.h>
#include <public/mica.h>
#include <errno.h>

#define KIB 1024u
static uint8_t ramdisk[5000];
static struct build_dom B;
static char msg[256];

static void setup(void)
{
    fx_reset();
    default_spec();
    build();
    for (size_t i = 0; i < sizeof(ramdisk); i++)
        ramdisk[i] = (uint8_t)(i * 7 + 3);
    memset(&B, 0, sizeof(B));
    B.kernel = img;
    B.kernel_len = img_len;
    B.ramdisk = ramdisk;
    B.ramdisk_len = sizeof(ramdisk);
    B.cmdline = "console=hvc0 root=/dev/ram0";
    B.memory_kb = 4096;
    memcpy(B.handle, "0123456789abcdef", 16);
    msg[0] = '\0';
}

/* Nothing of any domain but dom0 is left, and nothing is open. */
static void check_clean(void)
{
    CHECK_EQ(fx_domains(), 0);
    CHECK_EQ(fx.free_frames, FX_FRAMES);
    CHECK_EQ(fx.maps_open, 0);
    CHECK_EQ(fx.bufs_open, 0);
}

/* The L1 entry mapping va under the L3 frame l3 (0: not mapped). */
static uint64_t pte_of(uint32_t l3, uint64_t va)
{
    const uint64_t *t = fx_page(l3);
    uint64_t e = t ? t[va >> 30] : 0;
    if (!(e & 1) || !(t = fx_page((uint32_t)(e >> 12))))
        return 0;
    e = t[(va >> 21) & 511];
    if (!(e & 1) || !(t = fx_page((uint32_t)(e >> 12))))
        return 0;
    return t[(va >> 12) & 511];
}

/* The guest's byte at va, as its tables map it (NULL: not mapped). */
static uint8_t *guest_va(uint32_t l3, uint64_t va)
{
    uint64_t e = pte_of(l3, va);
    uint8_t *page = (e & 1) ? fx_page((uint32_t)(e >> 12)) : NULL;
    return page ? page + (va & 4095) : NULL;
}

HTEST(builds_the_exact_image)
{
    setup();
    int rc = build_pv_domain(&B, msg, sizeof(msg));
    if (!CHECK_EQ(rc, 0))
        return;
    struct fx_dom *d = fx_dom(B.domid);
    CHECK(d && d->paused && d->ctxt_set);
    CHECK_EQ(d->max_vcpus, 1);
    CHECK_EQ(d->tot_pages, 1024);
    CHECK_EQ(d->max_pages, 1024);
    CHECK(!memcmp(d->handle, "0123456789abcdef", 16));
    CHECK_EQ(B.nr_pages, 1024);
    CHECK_EQ(fx.maps_open, 0);
    CHECK_EQ(fx.bufs_open, 0);

    /* The layout the shared code computes is what the guest must find. */
    struct dom_layout l = { .virt_base = 0xC0000000u, .kern_start = 0xC0100000u,
                            .kern_end = 0xC0105000u, .initrd_len = sizeof(ramdisk),
                            .nr_pages = 1024 };
    char lmsg[128];
    CHECK_EQ(dom_layout_compute(&l, 0xF5800000u, lmsg, sizeof(lmsg)), 0);

    /* vCPU 0: ring 1 at the entry, stack, start_info, CR3 = pinned L3. */
    const vcpu_guest_context_t *c = &d->ctxt;
    uint32_t l3 = xen_cr3_to_pfn(c->ctrlreg[3]);
    CHECK_EQ(l3, B.l3_mfn);
    CHECK(fx_frame(l3)->pinned && fx_frame(l3)->type == FX_L3);
    CHECK_EQ(c->user_regs.eip, 0xC0100000u);
    CHECK_EQ(c->user_regs.cs, FLAT_KERNEL_CS);
    CHECK_EQ(c->user_regs.esi, l.start_info);
    CHECK_EQ(c->user_regs.esp, l.stack_end);
    CHECK_EQ(c->kernel_sp, l.stack_end);
    CHECK_EQ(c->flags & (VGCF_in_kernel | VGCF_online), VGCF_in_kernel | VGCF_online);
    CHECK_EQ(c->vm_assist, 1u << VMASST_TYPE_pae_extended_cr3);   /* PAE_MODE "yes" */

    /* Page tables: every VA of the region maps its PFN's frame; the
     * tables themselves read-only; beyond the region nothing. */
    const xen_pfn_t *p2m = (const xen_pfn_t *)guest_va(l3, l.p2m_start);
    if (!CHECK(p2m))
        return;
    for (uint64_t va = l.virt_base; va < l.v_end; va += 4096) {
        unsigned long pfn = (unsigned long)((va - l.virt_base) >> 12);
        uint64_t e = pte_of(l3, va);
        bool is_pt = va >= l.pt_start && va < l.pt_end;
        if (!CHECK_EQ(e & ~0xfffull, (uint64_t)p2m[pfn] << 12) ||
            !CHECK_EQ(e & 0xfff, is_pt ? 0x21 : 0x23))
            return;
        if (is_pt)
            CHECK(fx_frame(p2m[pfn])->type != FX_NONE);
    }
    CHECK_EQ(pte_of(l3, l.v_end), 0);
    CHECK_EQ(pte_of(l3, l.virt_base - 4096), 0);

    /* Two 2 MiB extents: each a contiguous run of frames. */
    CHECK_EQ(p2m[511], p2m[0] + 511);
    CHECK_EQ(p2m[1023], p2m[512] + 511);
    CHECK_EQ(p2m[0] % 512, 0);

    /* The P2M is the domain's frames, PFN order, each one's M2P entry. */
    for (unsigned long pfn = 0; pfn < 1024; pfn++) {
        struct fx_frame *f = fx_frame(p2m[pfn]);
        if (!CHECK(f && f->owner == B.domid && f->gpfn == pfn))
            return;
    }

    /* start_info. */
    const start_info_t *si = (const start_info_t *)guest_va(l3, l.start_info);
    if (!CHECK(si))
        return;
    CHECK_STREQ(si->magic, MICA_GUEST_ABI);
    CHECK_EQ(si->nr_pages, 1024);
    CHECK_EQ(si->shared_info, (uint64_t)d->shared_info_mfn << 12);
    CHECK_EQ(si->flags, 0);
    CHECK_EQ(si->pt_base, l.pt_start);
    CHECK_EQ(si->nr_pt_frames, l.nr_pt_frames);
    CHECK_EQ(si->mfn_list, l.p2m_start);
    CHECK_EQ(si->mod_start, l.initrd_start);
    CHECK_EQ(si->mod_len, sizeof(ramdisk));
    CHECK_EQ(si->store_mfn, p2m[(l.xenstore - l.virt_base) >> 12]);
    CHECK_EQ(si->store_mfn, B.store_mfn);
    CHECK_EQ(si->store_evtchn, B.store_port);
    CHECK_EQ(si->console.domU.mfn, p2m[(l.console - l.virt_base) >> 12]);
    CHECK_EQ(si->console.domU.mfn, B.console_mfn);
    CHECK_EQ(si->console.domU.evtchn, B.console_port);
    CHECK_STREQ((const char *)si->cmd_line, "console=hvc0 root=/dev/ram0");

    /* Kernel bytes (its second page is the hypercall page), bss, ramdisk,
     * hypercall page, zeroed rings. */
    for (uint32_t b = 0; b < 0x1000; b++)
        if (!CHECK_EQ(*guest_va(l3, 0xC0100000u + b), img[0x1000 + b]))
            return;
    for (uint32_t b = 0; b < 0x3000; b++)
        if (!CHECK_EQ(*guest_va(l3, 0xC0102000u + b), b < 0x800 ? img[0x3000 + b] : 0))
            return;
    for (uint32_t b = 0; b < sizeof(ramdisk); b++)
        if (!CHECK_EQ(*guest_va(l3, l.initrd_start + b), ramdisk[b]))
            return;
    uint8_t hc[4096];
    pv_hypercall_page(hc);
    CHECK(!memcmp(guest_va(l3, 0xC0101000u), hc, 4096));
    for (uint32_t b = 0; b < 4096; b++)
        if (!CHECK(*guest_va(l3, l.xenstore + b) == 0 && *guest_va(l3, l.console + b) == 0))
            return;

    /* Ports offered to dom0, store first; grant refs 0 and 1 to dom0;
     * every upcall masked. */
    CHECK_EQ(B.store_port, 1);
    CHECK_EQ(B.console_port, 2);
    CHECK(d->port[1].used && d->port[1].remote == 0);
    CHECK(d->port[2].used && d->port[2].remote == 0);
    CHECK_EQ(d->gnt_frames, 1);
    const grant_entry_v1_t *g = fx_page(d->gnt_mfn[0]);
    CHECK_EQ(g[GNTTAB_RESERVED_CONSOLE].flags, GTF_permit_access);
    CHECK_EQ(g[GNTTAB_RESERVED_CONSOLE].domid, 0);
    CHECK_EQ(g[GNTTAB_RESERVED_CONSOLE].frame, B.console_mfn);
    CHECK_EQ(g[GNTTAB_RESERVED_XENSTORE].flags, GTF_permit_access);
    CHECK_EQ(g[GNTTAB_RESERVED_XENSTORE].frame, B.store_mfn);
    const shared_info_t *sh = fx_page(d->shared_info_mfn);
    for (unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
        CHECK_EQ(sh->vcpu_info[i].evtchn_upcall_mask, 1);

    /* The pinned tables cannot be mapped writable any more. */
    void *va;
    CHECK_EQ(ctrl_map_foreign(B.domid, &B.l3_mfn, 1, true, &va), -EINVAL);
}

HTEST(destroy_gives_every_frame_back)
{
    setup();
    for (int round = 0; round < 4; round++) {
        fx.no_superpages = round & 1;   /* the single-frame path too */
        if (!CHECK_EQ(build_pv_domain(&B, msg, sizeof(msg)), 0))
            return;
        CHECK_EQ(fx_frames_of(B.domid), 1024 + 2);    /* + shared_info, grant frame */
        CHECK_EQ(fx_dom(B.domid)->tot_pages, 1024);
        CHECK_EQ(ctrl_domain_destroy(B.domid), 0);
        check_clean();
    }
}

/* A rejection before any hypercall, with a message containing `why`. */
#define REFUSED(expect_rc, why) do {                                         \
        unsigned long calls_ = fx.calls;                                     \
        CHECK_EQ(build_pv_domain(&B, msg, sizeof(msg)), expect_rc);          \
        if (!strstr(msg, why))                                               \
            htest_fail(__FILE__, __LINE__, "message \"%s\" lacks \"%s\"", msg, why); \
        CHECK_EQ(fx.calls, calls_);                                          \
        check_clean();                                                       \
    } while (0)

HTEST(bad_kernels_cost_no_hypercall)
{
    static uint8_t junk[8192];

    setup();
    for (size_t i = 0; i < sizeof(junk); i++)
        junk[i] = (uint8_t)(i * 131 + 7);
    B.kernel = junk;
    B.kernel_len = sizeof(junk);
    REFUSED(-ENOEXEC, "not an ELF image");
    B.kernel = img;
    B.kernel_len = 40;
    REFUSED(-ENOEXEC, "too small");
    B.kernel_len = 0;
    REFUSED(-EINVAL, "no kernel");
    B.kernel_len = img_len;
    drop_note(XEN_ELFNOTE_PAE_MODE);
    build();
    REFUSED(-ENOEXEC, "not PAE");
    default_spec();
    S.segs[1].paddr = 0x101800;         /* inside segment 0 */
    build();
    REFUSED(-ENOEXEC, "overlap");
    default_spec();
    build();
    B.kernel_len = 0x2800;              /* segment 1's bytes cut off */
    REFUSED(-ENOEXEC, "outside the image");
}

HTEST(bad_sizes_cost_no_hypercall)
{
    setup();
    B.memory_kb = 1024;
    REFUSED(-ENOMEM, "too small");
    B.memory_kb = 4098;
    REFUSED(-EINVAL, "multiple of 4");
    B.memory_kb = 0;
    REFUSED(-EINVAL, "multiple of 4");
    B.memory_kb = 8u << 20;
    REFUSED(-EINVAL, "exceeds");
    B.memory_kb = 8192;
    B.maxmem_kb = 4096;
    REFUSED(-EINVAL, "below memory");
    B.maxmem_kb = 0;
    B.console_domid = DOMID_SELF;
    REFUSED(-EINVAL, "backend");
    B.console_domid = 0;

    /* Huge ramdisks: larger than any domain (never read), larger than
     * the hole leaves, larger than this domain. */
    B.ramdisk_len = (size_t)5 << 30;
    REFUSED(-E2BIG, "larger than any domain");
    B.ramdisk_len = (size_t)3 << 30;
    REFUSED(-ENOMEM, "past the hole");
    static uint8_t big[6 << 20];
    B.memory_kb = 4096;
    B.ramdisk = big;
    B.ramdisk_len = sizeof(big);
    REFUSED(-ENOMEM, "too small");
}

HTEST(min_memory_is_exact)
{
    setup();
    static uint8_t rd[3 << 20];
    B.ramdisk = rd;
    B.ramdisk_len = sizeof(rd);
    long min = build_min_memory_kb(&B, msg, sizeof(msg));
    if (!CHECK(min > 3 * 1024))
        return;
    B.memory_kb = (uint32_t)min - 4;
    REFUSED(-ENOMEM, "too small");
    B.memory_kb = (uint32_t)min;
    CHECK_EQ(build_pv_domain(&B, msg, sizeof(msg)), 0);
    CHECK_EQ(ctrl_domain_destroy(B.domid), 0);
    check_clean();
    B.kernel_len = 10;
    CHECK_EQ(build_min_memory_kb(&B, msg, sizeof(msg)), -ENOEXEC);
}

/* Inject a failure at the nth hypercall (or mapping), for every n until a
 * build gets through; each failed build must leave nothing behind. */
static void fail_each(unsigned long *knob, const char *what)
{
    for (unsigned long n = 1; n < 200; n++) {
        setup();
        *knob = n;
        int rc = build_pv_domain(&B, msg, sizeof(msg));
        if (rc == 0) {
            CHECK(n > 3);               /* some steps were failed before */
            *knob = 0;
            CHECK_EQ(ctrl_domain_destroy(B.domid), 0);
            check_clean();
            return;
        }
        *knob = 0;
        if (!CHECK(rc < 0 && msg[0]) || !CHECK_EQ(fx_domains(), 0) ||
            !CHECK_EQ(fx.free_frames, FX_FRAMES) || !CHECK_EQ(fx.maps_open, 0) ||
            !CHECK_EQ(fx.bufs_open, 0)) {
            htest_fail(__FILE__, __LINE__, "%s %lu: rc %d, \"%s\"", what, n, rc, msg);
            return;
        }
    }
    htest_fail(__FILE__, __LINE__, "the build never succeeded");
}

HTEST(a_failure_at_any_hypercall_leaks_nothing)
{
    fail_each(&fx.fail_call, "hypercall");
}

HTEST(a_failure_at_any_mapping_leaks_nothing)
{
    fail_each(&fx.fail_map, "mapping");
}

HTEST(out_of_host_memory)
{
    setup();
    /* Another domain takes all but 600 frames. */
    uint16_t hog = 0;
    CHECK_EQ(ctrl_domain_create(0, NULL, &hog), 0);
    CHECK_EQ(ctrl_domain_max_mem(hog, FX_FRAMES * 4), 0);
    static xen_pfn_t list[FX_FRAMES];
    unsigned long n = fx.free_frames - 600;
    for (unsigned long i = 0; i < n; i++)
        list[i] = (xen_pfn_t)i;
    CHECK_EQ(ctrl_populate_physmap(hog, n, 0, list), (long)n);
    unsigned int free_before = fx.free_frames;
    CHECK_EQ(build_pv_domain(&B, msg, sizeof(msg)), -ENOMEM);
    CHECK(strstr(msg, "gave 599 of 1024") != NULL);   /* one went to its shared_info */
    CHECK_EQ(fx.free_frames, free_before);
    CHECK_EQ(fx_domains(), 1);
    CHECK_EQ(ctrl_domain_destroy(hog), 0);
    check_clean();
}

HTEST(legacy_kernel)
{
    setup();
    S.nnotes = 0;
    S.notes_in_phdr = false;
    S.segs[0].paddr += 0xC0000000u;
    S.segs[1].paddr += 0xC0000000u;
    S.legacy = "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xC0000000,PAE=yes,"
               "HYPERCALL_PAGE=0x101,LOADER=generic";
    build();
    if (!CHECK_EQ(build_pv_domain(&B, msg, sizeof(msg)), 0))
        return;
    struct fx_dom *d = fx_dom(B.domid);
    CHECK_EQ(d->ctxt.user_regs.eip, 0xC0100000u);
    CHECK_EQ(d->ctxt.vm_assist, 0);    /* legacy "yes": L3 below 4 GiB, no assist */
    uint8_t hc[4096];
    pv_hypercall_page(hc);
    CHECK(!memcmp(guest_va(B.l3_mfn, 0xC0101000u), hc, 4096));
    CHECK_EQ(ctrl_domain_destroy(B.domid), 0);
    check_clean();
}

HTEST(initrd_by_pfn)
{
    setup();
    note_num(XEN_ELFNOTE_MOD_START_PFN, 1, 4);
    build();
    static uint8_t rd[1 << 20];
    for (size_t i = 0; i < sizeof(rd); i++)
        rd[i] = (uint8_t)(i ^ (i >> 9));
    B.ramdisk = rd;
    B.ramdisk_len = sizeof(rd) - 100;
    B.memory_kb = 8192;
    if (!CHECK_EQ(build_pv_domain(&B, msg, sizeof(msg)), 0))
        return;
    struct fx_dom *d = fx_dom(B.domid);
    uint32_t l3 = B.l3_mfn;
    const start_info_t *si = (const start_info_t *)guest_va(l3, d->ctxt.user_regs.esi);
    if (!CHECK(si))
        return;
    CHECK(si->flags & SIF_MOD_START_PFN);
    CHECK_EQ(si->mod_len, sizeof(rd) - 100);
    /* Right after the mapped region, which it does not enlarge. */
    uint64_t v_end = 0xC0000000ull + (uint64_t)si->mod_start * 4096;
    CHECK_EQ(v_end, 0xC0400000u);
    CHECK_EQ(pte_of(l3, v_end), 0);
    for (size_t i = 0; i < si->mod_len + 100; i++) {
        /* The P2M spans pages: read each entry through the tables. */
        const xen_pfn_t *e = (const xen_pfn_t *)guest_va(l3, si->mfn_list +
                                                         (si->mod_start + i / 4096) * 4);
        const uint8_t *page = e ? fx_page(*e) : NULL;
        if (!CHECK(page))
            return;
        if (!CHECK_EQ(page[i % 4096], i < si->mod_len ? rd[i] : 0))
            return;
    }
    CHECK_EQ(ctrl_domain_destroy(B.domid), 0);
    check_clean();
}

HTEST(refused_tables_are_reported)
{
    /* One pin per build, and when the hypervisor refuses it the reason
     * names the tables and the domain is gone. */
    setup();
    CHECK_EQ(build_pv_domain(&B, msg, sizeof(msg)), 0);
    CHECK_EQ(fx.calls_by_nr[__HYPERVISOR_mmuext_op], 1);
    unsigned long pin_at = 0;
    for (unsigned long n = 1; n <= 64 && !pin_at; n++) {
        setup();
        fx.fail_rc = -EINVAL;
        fx.fail_call = n;
        int rc = build_pv_domain(&B, msg, sizeof(msg));
        if (strstr(msg, "refused the page tables")) {
            pin_at = n;
            CHECK_EQ(rc, -EINVAL);
            CHECK_EQ(fx.calls_by_nr[__HYPERVISOR_mmuext_op], 1);
            check_clean();
        }
    }
    CHECK(pin_at > 0);
}
