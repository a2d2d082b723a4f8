/*
 * Guest frames the hypervisor writes behind the guest's back: the
 * references that keep them safe, and the record the auditor reads.
 *
 * A registration (guest_frame_get) is one general reference plus one
 * writable type reference on a frame the domain owns -- exactly what a
 * writable PTE mapping the frame would hold, so the one-type rule of
 * page_type.c keeps the frame from becoming a page table or descriptor
 * page while the hypervisor may write it, and the frame cannot be freed
 * under the hypervisor (decrease_reservation only drops the allocation
 * reference; ours keeps it alive until the registration goes).  The
 * hypervisor writes through its direct map (map_frame), never through a
 * guest mapping, so nothing depends on the guest's page tables.
 *
 * The record is one page per domain, allocated at the first registration
 * and counted against the domain (domain_xzalloc): {mfn, count} pairs,
 * unsorted -- a domain holds a few hundred at most (GUEST_FRAME_MAX), and
 * registrations happen at start of day, not on hot paths.  The users
 * (event_fifo.c, vcpu registrations) drop their registrations when the
 * guest unregisters or resets, and in domain_kill(); teardown then finds
 * the record empty -- anything left is a bug in a user, reported and
 * released so the frame is not leaked.
 *
 * Generic code; host-tested on the fake machine (test-guest-frame).
 */
#include <mica/guest_frame.h>
#include <mica/domain.h>
#include <mica/mm.h>
#include <mica/errno.h>
#include <mica/printk.h>
#include <mica/bug.h>
#include <asm/page.h>
#include <asm/mm_arch.h>

struct guest_frames {
    unsigned int nr;
    struct { uint32_t mfn, count; } e[GUEST_FRAME_MAX];
};
BUILD_BUG_ON(sizeof(struct guest_frames) > PAGE_SIZE);

static int find(const struct guest_frames *gf, unsigned long mfn)
{
    for (unsigned int i = 0; gf && i < gf->nr; i++)
        if (gf->e[i].mfn == mfn)
            return (int)i;
    return -1;
}

int guest_frame_get(struct domain *d, unsigned long mfn, void **va)
{
    struct guest_frames *gf = d->guest_frames;
    int i = find(gf, mfn);

    if (!mfn_valid(mfn))
        return -EINVAL;
    if (i < 0 && gf && gf->nr == GUEST_FRAME_MAX)
        return -ENOSPC;
    if (!gf) {
        gf = domain_xzalloc(d, sizeof(*gf));
        if (!gf)
            return -ENOMEM;
        d->guest_frames = gf;
    }
    if (get_page_and_type(mfn_to_page(mfn), d, PGT_writable_page))
        return -EINVAL;
    if (i < 0) {
        i = (int)gf->nr++;
        gf->e[i].mfn = (uint32_t)mfn;
        gf->e[i].count = 0;
    }
    gf->e[i].count++;
    *va = map_frame(mfn);
    return 0;
}

void guest_frame_put(struct domain *d, unsigned long mfn)
{
    struct guest_frames *gf = d->guest_frames;
    int i = find(gf, mfn);

    BUG_ON(i < 0);
    if (--gf->e[i].count == 0)
        gf->e[i] = gf->e[--gf->nr];
    put_page_and_type(mfn_to_page(mfn));
}

unsigned int guest_frame_count(const struct domain *d, unsigned long mfn)
{
    int i = find(d->guest_frames, mfn);

    return i < 0 ? 0 : d->guest_frames->e[i].count;
}

void guest_frame_for_each(const struct domain *d,
                          void (*fn)(const struct domain *d, unsigned long mfn,
                                     unsigned int count, void *arg), void *arg)
{
    const struct guest_frames *gf = d->guest_frames;

    for (unsigned int i = 0; gf && i < gf->nr; i++)
        fn(d, gf->e[i].mfn, gf->e[i].count, arg);
}

unsigned int guest_frame_total(const struct domain *d)
{
    const struct guest_frames *gf = d->guest_frames;
    unsigned int n = 0;

    for (unsigned int i = 0; gf && i < gf->nr; i++)
        n += gf->e[i].count;
    return n;
}

void guest_frame_release_all(struct domain *d)
{
    struct guest_frames *gf = d->guest_frames;

    if (!gf)
        return;
    while (gf->nr) {
        unsigned long mfn = gf->e[0].mfn;
        pr_err("d%u: guest frame %#lx still registered at teardown: released\n",
               d->domain_id, mfn);
        guest_frame_put(d, mfn);
    }
    domain_xfree(d, gf, sizeof(*gf));
    d->guest_frames = NULL;
}
