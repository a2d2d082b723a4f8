/*
 * xen-version: every XENVER_* sub-op Mica implements, and its error paths.
 *
 * Guests learn the hypervisor's identity and rules here before anything
 * else (Linux reads the features and the hole start from it), so values
 * must be exactly those of the Xen 4.2-compatible ABI Mica claims:
 * version 0x00040002 with extraversion "-mica", the PAE capability
 * string, the hole at 0xF5800000 and the dom0 feature word.  Every sub-op
 * that writes a buffer is also called with buffers the hypervisor must
 * refuse (-XEN_EFAULT) - NULL, inside or above the hole, unmapped, and
 * straddling the end of the mapping - and with a good buffer followed by a
 * guard area that must stay untouched (no write past the documented size).
 * Unknown sub-ops must fail with -XEN_ENOSYS.  The hypervisor command line
 * is expected to contain "debug_exit", which the QEMU harness always passes.
 */
#include <test.h>
#include <public/features.h>

static const struct {
    int cmd;
    const char *name;
    uint32_t size;
} buf_cmds[] = {
    { XENVER_extraversion,         "extraversion",        sizeof(xen_extraversion_t) },
    { XENVER_compile_info,         "compile_info",        sizeof(xen_compile_info_t) },
    { XENVER_capabilities,         "capabilities",        sizeof(xen_capabilities_info_t) },
    { XENVER_changeset,            "changeset",           sizeof(xen_changeset_info_t) },
    { XENVER_platform_parameters,  "platform_parameters", sizeof(xen_platform_parameters_t) },
    { XENVER_get_features,         "get_features",        sizeof(xen_feature_info_t) },
    { XENVER_guest_handle,         "guest_handle",        sizeof(xen_domain_handle_t) },
    { XENVER_commandline,          "commandline",         sizeof(xen_commandline_t) },
};

#define GUARD 64
static uint8_t buf[XEN_COMMANDLINE_LEN + GUARD];

/* A string field must be NUL-terminated within its size and non-empty. */
static void check_string(const char *what, const char *s, size_t size)
{
    size_t n = strnlen(s, size);

    CHECK(n < size, "%s is not NUL-terminated", what);
    CHECK(n > 0, "%s is empty", what);
}

static void good_buffer_calls(void)
{
    unsigned int i, j;

    for (i = 0; i < ARRAY_SIZE(buf_cmds); i++) {
        memset(buf, 0x5a, sizeof(buf));
        ((xen_feature_info_t *)buf)->submap_idx = 0;
        CHECK_RC(HYPERVISOR_xen_version(buf_cmds[i].cmd, buf), 0, buf_cmds[i].name);
        for (j = buf_cmds[i].size; j < buf_cmds[i].size + GUARD; j++)
            if (buf[j] != 0x5a) {
                test_fail("%s wrote past its %u bytes (offset %u)",
                      buf_cmds[i].name, buf_cmds[i].size, j);
                break;
            }
        if (buf_cmds[i].cmd == XENVER_guest_handle) {
            for (j = 0; j < 16 && buf[j] == 0x5a; j++)
                ;
            CHECK(j < 16, "guest_handle wrote nothing");
        }
    }
}

static void bad_buffer_calls(void)
{
    struct bad_buf bad[BAD_BUF_MAX];
    unsigned int i, j, n;

    for (i = 0; i < ARRAY_SIZE(buf_cmds); i++) {
        n = bad_buffers(buf_cmds[i].size, bad);
        for (j = 0; j < n; j++) {
            long rc = HYPERVISOR_xen_version(buf_cmds[i].cmd, (void *)bad[j].va);

            if (rc != -XEN_EFAULT)
                test_fail("%s with %s buffer 0x%08x returned %ld, expected %d",
                      buf_cmds[i].name, bad[j].what, bad[j].va, rc, -XEN_EFAULT);
        }
    }
}

void test_main(void)
{
    xen_compile_info_t ci;
    xen_feature_info_t fi;
    static char s[XEN_COMMANDLINE_LEN];
    xen_platform_parameters_t pp;
    static const uint32_t unknown[] = { 15, 64, 0x7fffffff, 0x80000000, 0xffffffff };
    unsigned int i;
    long v = HYPERVISOR_xen_version(XENVER_version, NULL);

    printf("xen_version: %ld.%ld\n", v >> 16, v & 0xffff);
    CHECK_RC(v, 0x00040002, "XENVER_version");
    CHECK_RC(HYPERVISOR_xen_version(XENVER_version, (void *)0xfffff000), 0x00040002,
         "XENVER_version (arg ignored)");
    CHECK_RC(HYPERVISOR_xen_version(XENVER_pagesize, NULL), 4096, "XENVER_pagesize");

    CHECK_RC(HYPERVISOR_xen_version(XENVER_extraversion, s), 0, "extraversion");
    CHECK(!strcmp(s, "-mica"), "extraversion is \"%.16s\", expected \"-mica\"", s);

    memset(&ci, 0x5a, sizeof(ci));
    CHECK_RC(HYPERVISOR_xen_version(XENVER_compile_info, &ci), 0, "compile_info");
    check_string("compiler", ci.compiler, sizeof(ci.compiler));
    check_string("compile_by", ci.compile_by, sizeof(ci.compile_by));
    check_string("compile_domain", ci.compile_domain, sizeof(ci.compile_domain));
    check_string("compile_date", ci.compile_date, sizeof(ci.compile_date));

    CHECK_RC(HYPERVISOR_xen_version(XENVER_capabilities, s), 0, "capabilities");
    CHECK(!strcmp(s, "xen-3.0-x86_32p"), "capabilities \"%.64s\"", s);
    CHECK_RC(HYPERVISOR_xen_version(XENVER_changeset, s), 0, "changeset");
    check_string("changeset", s, XEN_CHANGESET_INFO_LEN);
    CHECK_RC(HYPERVISOR_xen_version(XENVER_commandline, s), 0, "commandline");
    check_string("commandline", s, XEN_COMMANDLINE_LEN);
    CHECK(strstr(s, "debug_exit"), "commandline \"%.80s\" lacks debug_exit", s);
    printf("changeset/commandline ok: \"%.80s\"\n", s);

    CHECK_RC(HYPERVISOR_xen_version(XENVER_platform_parameters, &pp), 0, "platform_parameters");
    CHECK(pp.virt_start == HYPERVISOR_VIRT_START, "virt_start 0x%x", pp.virt_start);

    fi.submap_idx = 0;
    CHECK_RC(HYPERVISOR_xen_version(XENVER_get_features, &fi), 0, "get_features(0)");
    /* PAE_MODE "yes" in our notes = extended-cr3, so the builder enabled
     * VMASST_TYPE_pae_extended_cr3 and bit 4 (pae_pgdir_above_4gb) shows. */
    CHECK(fi.submap == ((1u << XENFEAT_pae_pgdir_above_4gb) |
                (1u << XENFEAT_mmu_pt_update_preserve_ad) |
                (1u << XENFEAT_highmem_assist) |
                (1u << XENFEAT_gnttab_map_avail_bits) | (1u << XENFEAT_dom0)),
          "features submap 0 = 0x%x", fi.submap);
    fi.submap_idx = 1;
    CHECK_RC(HYPERVISOR_xen_version(XENVER_get_features, &fi), -XEN_EINVAL, "get_features(1)");
    fi.submap_idx = 0xffffffff;
    CHECK_RC(HYPERVISOR_xen_version(XENVER_get_features, &fi), -XEN_EINVAL,
         "get_features(0xffffffff)");

    for (i = 0; i < ARRAY_SIZE(unknown); i++)
        if ((v = HYPERVISOR_xen_version((int)unknown[i], s)) != -XEN_ENOSYS)
            test_fail("unknown cmd 0x%x returned %ld", unknown[i], v);

    good_buffer_calls();
    bad_buffer_calls();
    test_success();
}
