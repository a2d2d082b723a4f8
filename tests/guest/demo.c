/*
 * demo: the guest `make run` boots - a guided look at what a PV guest sees.
 *
 * It prints the start_info summary (magic, memory, flags, command line,
 * boot module), what xen_version says about the hypervisor, and walks the
 * P2M/M2P pair, then reports SUCCESS and powers off.  Any inconsistency
 * it trips over is reported as a failure, but it is a tour, not a test:
 * start-info and xen-version are the thorough checks.
 */
#include <test.h>

static void show_start_info(void)
{
    const start_info_t *si = start_info;

    printf("  magic         %.32s\n", si->magic);
    printf("  memory        %u pages (%u MiB)\n", si->nr_pages, si->nr_pages >> 8);
    printf("  flags         0x%x%s%s\n", si->flags,
           si->flags & SIF_PRIVILEGED ? " privileged" : "",
           si->flags & SIF_INITDOMAIN ? " initdomain" : "");
    printf("  shared_info   machine address 0x%x\n", si->shared_info);
    printf("  page tables   L3 at 0x%x, %u frames\n", si->pt_base, si->nr_pt_frames);
    printf("  P2M           at 0x%x\n", si->mfn_list);
    printf("  bootstrap     0x%x - 0x%x\n", VIRT_BASE, mapped_end());
    printf("  command line  \"%s\"\n", si->cmd_line);
    if (si->mod_len)
        printf("  module        %u bytes at 0x%x: \"%.40s...\"\n", si->mod_len,
               si->mod_start, (const char *)si->mod_start);
    else
        printf("  module        none\n");
}

static void show_version(void)
{
    static char caps[XEN_CAPABILITIES_INFO_LEN];
    xen_extraversion_t extra;
    long v = HYPERVISOR_xen_version(XENVER_version, NULL);

    if (HYPERVISOR_xen_version(XENVER_extraversion, extra))
        extra[0] = '\0';
    if (HYPERVISOR_xen_version(XENVER_capabilities, caps))
        caps[0] = '\0';
    printf("  hypervisor    Xen-compatible %ld.%ld%.16s, capabilities \"%s\"\n",
           v >> 16, v & 0xffff, extra, caps);
}

static void walk_p2m(void)
{
    uint32_t pfn, ok = 0, n = start_info->nr_pages;

    for (pfn = 0; pfn < n; pfn++) {
        uint32_t mfn = p2m()[pfn];

        if (mfn < M2P_ENTRIES && m2p(mfn) == pfn)
            ok++;
        if (pfn < 3 || pfn == n - 1)
            printf("  pfn %5u -> mfn 0x%05x -> pfn %u\n", pfn, mfn,
                   mfn < M2P_ENTRIES ? m2p(mfn) : 0xffffffff);
    }
    printf("  P2M/M2P       %u of %u pages agree\n", ok, n);
    CHECK(ok == n, "P2M and M2P disagree for %u pages", n - ok);
}

void test_main(void)
{
    printf("\n  Hello from a paravirtualized guest kernel in ring 1 on Mica!\n\n");
    show_start_info();
    show_version();
    walk_p2m();
    printf("\n");
    test_success();
}
