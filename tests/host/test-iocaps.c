/*
 * test-iocaps: the I/O capabilities a toolstack grants a domain
 * (hypervisor/common/iocaps.c) and the privilege table (xsm.c).
 *
 * Ports: a grant covers exactly its range, revoking part of it leaves the
 * rest, ranges past 65535 are refused whole, an empty range is a no-op,
 * a multi-byte access needs every port.  Machine-frame ranges: merged
 * when they touch, split when part is revoked, a wrapping range refused,
 * the table's limit refused whole with the old set intact.  PIRQs.  The
 * privileged domain holds everything without grants; a domain given
 * nothing costs nothing (no structure).  XSM: all capabilities for the
 * initial domain, none for others, every action refused to a domain
 * without caps, an action out of range refused.
 */
#include "htest.h"
#include <mica/iocaps.h>
#include <mica/xsm.h>
#include <mica/domain.h>
#include <mica/errno.h>

/* domain_xzalloc/domain_xfree for the host: calloc, counted. */
static long live;
void *domain_xzalloc(struct domain *d, size_t n)
{
    void *p = calloc(1, n);
    if (p)
        live++;
    return p;
}
void domain_xfree(struct domain *d, void *p, size_t n)
{
    if (p) {
        live--;
        free(p);
    }
}

static struct domain *new_domain(bool priv)
{
    struct domain *d = calloc(1, sizeof(*d));
    d->is_privileged = priv;
    d->xsm_caps = xsm_initial_caps(priv);
    return d;
}

static void drop(struct domain *d)
{
    domain_free_iocaps(d);
    free(d);
}

HTEST(ports_granted_and_revoked_by_range)
{
    struct domain *d = new_domain(false);

    CHECK(!iocaps_ioport_allowed(d, 0x3f8, 1));
    CHECK_EQ(iocaps_ioport(d, 0x3f8, 0, true), 0);
    CHECK(d->iocaps == NULL);                       /* nothing given: nothing spent */
    CHECK_EQ(iocaps_ioport(d, 0xfff0, 0x11, true), -EINVAL);
    CHECK(d->iocaps == NULL);
    CHECK_EQ(iocaps_ioport(d, 0xffff, 1, true), 0);
    CHECK_EQ(iocaps_ioport(d, 0x3f8, 8, true), 0);
    CHECK(iocaps_ioport_allowed(d, 0x3f8, 1) && iocaps_ioport_allowed(d, 0x3fc, 4));
    CHECK(!iocaps_ioport_allowed(d, 0x3f7, 1) && !iocaps_ioport_allowed(d, 0x3fe, 4));
    CHECK(iocaps_any_io(d->iocaps));
    CHECK_EQ(iocaps_ioport(d, 0x3fc, 4, false), 0);
    CHECK(iocaps_ioport_allowed(d, 0x3f8, 4) && !iocaps_ioport_allowed(d, 0x3fc, 1));
    CHECK_EQ(iocaps_ioport(d, 0, 65536, false), 0);
    CHECK(!iocaps_any_io(d->iocaps) && !iocaps_ioport_allowed(d, 0xffff, 1));
    CHECK(!iocaps_ioport_allowed(d, 0xffff, 2));    /* past the last port */
    drop(d);
    CHECK_EQ(live, 0);
}

HTEST(frame_ranges_merge_split_and_refuse_whole)
{
    struct domain *d = new_domain(false);

    CHECK_EQ(iocaps_iomem(d, ~0ULL - 3, 8, true), -EINVAL);
    CHECK_EQ(iocaps_iomem(d, 100, 10, true), 0);    /* 100..109 */
    CHECK_EQ(iocaps_iomem(d, 110, 5, true), 0);     /* touches: 100..114 */
    CHECK_EQ(d->iocaps->nr_iomem, 1);
    CHECK_EQ(iocaps_iomem(d, 50, 10, true), 0);     /* 50..59 before it */
    CHECK_EQ(d->iocaps->nr_iomem, 2);
    CHECK(d->iocaps->iomem[0].first == 50 && d->iocaps->iomem[1].last == 114);
    CHECK_EQ(iocaps_iomem(d, 104, 2, false), 0);    /* split 100..103, 106..114 */
    CHECK_EQ(d->iocaps->nr_iomem, 3);
    CHECK(iocaps_iomem_allowed(d, 103) && !iocaps_iomem_allowed(d, 104) &&
          !iocaps_iomem_allowed(d, 105) && iocaps_iomem_allowed(d, 106));
    CHECK_EQ(iocaps_iomem(d, 0, ~0ULL, false), 0);  /* all gone */
    CHECK_EQ(d->iocaps->nr_iomem, 0);
    for (unsigned int i = 0; i < IOCAPS_IOMEM_RANGES; i++)
        CHECK_EQ(iocaps_iomem(d, i * 10, 1, true), 0);
    CHECK_EQ(iocaps_iomem(d, 1000, 1, true), -ENOMEM);
    CHECK_EQ(d->iocaps->nr_iomem, IOCAPS_IOMEM_RANGES);
    CHECK(!iocaps_iomem_allowed(d, 1000) && iocaps_iomem_allowed(d, 310));
    CHECK_EQ(iocaps_iomem(d, 5, 1, false), 0);      /* a hole in no range: no change */
    CHECK_EQ(iocaps_iomem(d, 10, 1, false), 0);
    CHECK_EQ(d->iocaps->nr_iomem, IOCAPS_IOMEM_RANGES - 1);
    CHECK_EQ(iocaps_iomem(d, 0, 31, true), 0);      /* merges 0, 20 and 30 with the gap */
    CHECK_EQ(d->iocaps->nr_iomem, IOCAPS_IOMEM_RANGES - 3);
    drop(d);
}

HTEST(pirqs_and_the_privileged_domain)
{
    struct domain *d = new_domain(false), *d0 = new_domain(true);

    CHECK(!iocaps_irq_allowed(d, 9));
    CHECK_EQ(iocaps_irq(d, 9, true), 0);
    CHECK(iocaps_irq_allowed(d, 9) && !iocaps_irq_allowed(d, 10));
    CHECK_EQ(iocaps_irq(d, 256, true), -EINVAL);
    CHECK_EQ(iocaps_irq(d, 9, false), 0);
    CHECK(!iocaps_irq_allowed(d, 9));
    CHECK(iocaps_irq_allowed(d0, 200) && iocaps_ioport_allowed(d0, 0x80, 1) &&
          iocaps_iomem_allowed(d0, 0xfee00));
    CHECK(d0->iocaps == NULL);
    drop(d);
    drop(d0);
}

HTEST(xsm_all_for_the_initial_domain_nothing_for_others)
{
    struct domain *d = new_domain(false), *d0 = new_domain(true);

    for (int a = 0; a < XSM_NR_ACTIONS; a++) {
        CHECK_EQ(xsm_check((enum xsm_action)a, d0, d), 0);
        CHECK_EQ(xsm_check((enum xsm_action)a, d, d0), -EPERM);
        CHECK_EQ(xsm_check((enum xsm_action)a, d, NULL), -EPERM);
    }
    CHECK_EQ(xsm_check(XSM_NR_ACTIONS, d0, NULL), -EPERM);
    CHECK_EQ(xsm_check(XSM_DOMCTL, NULL, NULL), -EPERM);
    d->xsm_caps = XSM_CAP_EVTCHN | XSM_CAP_GRANT;   /* a xenstore domain's set */
    CHECK_EQ(xsm_check(XSM_EVTCHN_FOREIGN, d, d0), 0);
    CHECK_EQ(xsm_check(XSM_GNTTAB_FOREIGN, d, d0), 0);
    CHECK_EQ(xsm_check(XSM_DOMCTL, d, d0), -EPERM);
    CHECK_EQ(xsm_check(XSM_MMU_FOREIGN, d, d0), -EPERM);
    drop(d);
    drop(d0);
}
