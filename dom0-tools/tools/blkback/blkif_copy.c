/*
 * blkback's grant-copy data path (blkback_data_mode BLKBACK_COPY; see
 * blkif.c for when it is chosen and what it means for a dying guest):
 * each segment of a request gets a Dom0 bounce page, a write's data is
 * copied in from the guest's grants before the disk sees it, a read's
 * copied out to them once the disk has filled every page, all segments
 * of a request in one os_gnt_copy (one GNTTABOP_copy).
 *
 * Why a file of its own: this is the one place blkback touches guest data
 * without mapping it, and it owns the device's bounce-page pool (kept for
 * reuse up to BLKBACK_MAX_BOUNCE, counted in bounce_out while requests
 * hold them).  blkif.c decides when to copy; this file does the copying
 * and keeps the pool's books, so the accounting that blkback_totals()
 * reports (pages held, copies made) is kept in one place.  The functions
 * are internal to blkback (blkif_int.h), not part of blkback.h.
 *
 * Trust: a segment's sectors were checked by parse() (inside its page)
 * before a request gets here; its grant reference is the hypervisor's to
 * check: what it refuses (a bad ref, not granted to Dom0, a read into a
 * read-only grant) comes back per segment and fails the request alone,
 * its bounce pages returned.
 */
#include "blkback.h"
#include "blkif_int.h"
#include "os_grant.h"
#include <errno.h>

static void *bounce_get(struct blkif *bi)
{
    void *p = bi->nbounce ? bi->bounce[--bi->nbounce] : os_page_alloc();

    if (p)
        bi->bounce_out++;
    return p;
}

static void bounce_put(struct blkif *bi, void *p)
{
    bi->bounce_out--;
    if (bi->nbounce < BLKBACK_MAX_BOUNCE)
        bi->bounce[bi->nbounce++] = p;
    else
        os_page_free(p);
}

void blkif_bounce_put_segs(struct blkif *bi, struct breq *r, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++) {
        if (r->seg[i].page)
            bounce_put(bi, r->seg[i].page);
        r->seg[i].page = NULL;
    }
}

int blkif_copy_segs(struct blkif *bi, struct breq *r, bool to_grant)
{
    struct os_gnt_copy ops[BLKBACK_MAX_SEGS];

    for (unsigned int i = 0; i < r->nsegs; i++) {
        const struct breq_seg *g = &r->seg[i];
        unsigned int off = g->first * OS_BLK_SECTOR;
        ops[i] = (struct os_gnt_copy){
            .dom = bi->domid, .ref = g->gref, .offset = (uint16_t)off,
            .len = (uint16_t)((g->last - g->first + 1u) * OS_BLK_SECTOR),
            .to_grant = to_grant, .buf = (uint8_t *)g->page + off,
        };
    }
    bi->st.copies += r->nsegs;
    bi->st.copy_calls++;
    if (os_gnt_copy(ops, r->nsegs))
        for (unsigned int i = 0; i < r->nsegs; i++)
            if (ops[i].status)
                return ops[i].status;
    return 0;
}

int blkif_copy_in(struct blkif *bi, struct breq *r)
{
    int rc = 0;

    for (unsigned int i = 0; i < r->nsegs; i++) {
        r->seg[i].maddr = 0;                    /* the driver looks it up */
        if (!(r->seg[i].page = bounce_get(bi))) {
            blkif_bounce_put_segs(bi, r, i);
            return -ENOMEM;
        }
    }
    if (r->kind != KIND_READ && (rc = blkif_copy_segs(bi, r, false)))
        blkif_bounce_put_segs(bi, r, r->nsegs);
    return rc;
}

void blkif_bounce_drain(struct blkif *bi)
{
    while (bi->nbounce)
        os_page_free(bi->bounce[--bi->nbounce]);
}
