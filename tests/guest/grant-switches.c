/*
 * grant-switches: Xen's gnttab= boot switches (docs/grants.md), run with
 * hv gnttab=max-ver:1,no-transfer.  set_version(2) is -ENOSYS ("as
 * before set_version existed") and leaves version 1 in force, version 1
 * is accepted, get_version says 1; GNTTABOP_transfer is -EOPNOTSUPP for
 * any batch, touching nothing; the rest of grant_table_op works (query
 * size).  With switches=0 (no option) version 2 and transfer are offered.
 * gnttab=no-transitive is grant-v2-notrans (grant-v2 with notrans=1).
 */
#include <test.h>
#include <grant.h>

void test_main(void)
{
    const char *sw = cmdline_value((const char *)start_info->cmd_line, "switches");
    bool on = !sw || *sw != '0';
    struct gnttab_set_version sv = { .version = 2 };
    struct gnttab_get_version gv = { .dom = DOMID_SELF };
    struct gnttab_query_size qs = { .dom = DOMID_SELF };
    struct gnttab_transfer tr = { .mfn = 0, .domid = DOMID_SELF, .ref = 0, .status = 1 };

    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_set_version, &sv, 1),
             on ? -XEN_ENOSYS : 0, "set_version 2");
    CHECK(sv.version == (on ? 1u : 2u), "version in force %u", sv.version);
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_get_version, &gv, 1), 0, "get_version");
    CHECK(gv.version == sv.version, "get_version %u", gv.version);
    sv.version = 1;
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_set_version, &sv, 1), 0, "set_version 1");
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_transfer, &tr, 1),
             on ? -XEN_EOPNOTSUPP : 0, "transfer");
    CHECK(on ? tr.status == 1 : tr.status != 0, "transfer status %d", tr.status);
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_query_size, &qs, 1), 0, "query_size");
    CHECK(qs.status == GNTST_okay && qs.max_nr_frames >= 4, "query_size %d %u", qs.status,
          qs.max_nr_frames);
    test_success();
}
