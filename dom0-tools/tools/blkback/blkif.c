/*
 * The blkif ring in Dom0 (see blkback.h): requests taken from a guest's
 * ring, checked, their pages mapped and handed to the virtual disk, and
 * answered.
 *
 * Trust: the ring page and every granted page belong to the guest, which
 * may change them at any moment.  So
 *   - a request is copied out of the ring once (RING_COPY_REQUEST) and
 *     only the copy is looked at; indirect segment pages are copied too;
 *   - a producer index more than a ring ahead of our consumer is no
 *     protocol at all: the device is closed (xb_dev_fatal) and nothing
 *     outside the ring is read;
 *   - every field is checked before anything is mapped: the operation,
 *     1..11 segments (1..32 indirect), first_sect <= last_sect <= 7 (a
 *     segment is inside its page), the sectors inside the disk, writes to
 *     a read-only disk; a bad request gets BLKIF_RSP_ERROR (an unknown
 *     operation BLKIF_RSP_EOPNOTSUPP) and the ring goes on;
 *   - a grant that cannot be mapped (bad ref, not granted to Dom0,
 *     read-only for a read) fails its request alone; what was mapped for
 *     it is unmapped first;
 *   - at most BLKBACK_BUDGET requests per turn of Dom0's loop: a flood
 *     gets its share of the loop and no more; requests in flight are
 *     bounded by the ring (32) anyway.
 *
 * Data, grant map (the default): the guest's pages are mapped into Dom0
 * and given to the virtual disk as they are -- a Dom0 disk DMAs straight
 * into them, a ramfs file is copied once.  With feature-persistent the
 * mappings are kept (up to BLKBACK_MAX_PGRANTS per device) and reused by
 * gref, so a frontend that recycles its pages costs no map or unmap at all;
 * indirect pages too.  A kept page's machine address is looked up once and
 * handed to the disk with each segment (os_blk_req seg.maddr): the driver
 * need not walk Dom0's page tables per page and request.
 *
 * Data, grant copy (blkback_data_mode BLKBACK_COPY when the connection is
 * made): nothing of the guest but the ring is mapped.  Each segment gets
 * a Dom0 bounce page (kept per device for reuse, BLKBACK_MAX_BOUNCE); a
 * write's segments are copied in from the grants before the disk sees
 * them, a read's copied out to the grants when the disk has filled them,
 * all segments of a request in one os_gnt_copy (one GNTTABOP_copy).  A
 * grant that cannot be copied (bad ref, not ours, a read into a read-only
 * grant) fails its request alone, as a failed map does.  A guest dying
 * with requests at the disk holds nothing but the ring mapping: the copy
 * of a late read fails and the response goes to the orphaned ring.
 * The copying and the bounce-page pool are in blkif_copy.c.
 *
 * docs/split-drivers.md has the figures of map against copy.
 *
 * Order: READ, WRITE and DISCARD run concurrently; FLUSH_DISKCACHE and
 * WRITE_BARRIER wait until everything before them has completed, then
 * run their parts one after the other (flush, the data, flush again for
 * a barrier or a flush carrying data, i.e. a FUA write), and nothing
 * after them starts until they complete.
 *
 * A disconnect stops taking requests; requests in flight complete (their
 * responses still pushed, the frontend may be alive); when the last one
 * has, every mapping is released, the ring unmapped and the port closed.
 */
#include "blkback.h"
#include "blkif_int.h"
#include "xenbus_be.h"
#include "os_events.h"
#include "os_grant.h"
#include "os_loop.h"
#include "os_time.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

static void process(void *arg);
static void pump(struct blkif *bi, struct breq *r);
static void start(struct blkif *bi, struct breq *r);

/* ---- grants ------------------------------------------------------------------ */

static unsigned int pg_slot(grant_ref_t g)
{
    return (g * 2654435761u) >> 23;             /* 9 bits: BLKBACK_PG_HASH */
}

static struct pgrant *pg_find(struct blkif *bi, grant_ref_t g)
{
    for (unsigned int i = 0, s = pg_slot(g); i < BLKBACK_PG_HASH; i++, s = (s + 1) % BLKBACK_PG_HASH) {
        if (!bi->pg[s].page)
            return NULL;
        if (bi->pg[s].gref == g)
            return &bi->pg[s];
    }
    return NULL;
}

static struct pgrant *pg_insert(struct blkif *bi, grant_ref_t g, void *page, bool writable)
{
    unsigned int s = pg_slot(g);

    while (bi->pg[s].page)
        s = (s + 1) % BLKBACK_PG_HASH;
    bi->pg[s].gref = g;
    bi->pg[s].page = page;
    bi->pg[s].writable = writable;
    /* The disk is handed the page's machine address with each request:
     * found here once, not per request and page. */
    bi->pg[s].maddr = os_blk_dma_addr(page);
    bi->npg++;
    return &bi->pg[s];
}

/*
 * A kept (persistent) mapping of g good for `writable` access: found, or
 * made now while there is room -- writable, since the frontend reuses its
 * pages for reads and writes alike, or, when the grant is read-only and
 * keep_ro allows it (indirect pages), read-only.  NULL: use a mapping for
 * this request only.
 */
static struct pgrant *pg_get(struct blkif *bi, grant_ref_t g, bool writable, bool keep_ro)
{
    struct pgrant *p = pg_find(bi, g);
    void *va;

    if (p) {
        if (writable && !p->writable)
            return NULL;
        bi->st.pg_hits++;
        return p;
    }
    if (bi->npg >= BLKBACK_MAX_PGRANTS)
        return NULL;
    if (!os_gnt_map(bi->domid, g, true, &va))
        p = pg_insert(bi, g, va, true);
    else if (keep_ro && !writable && !os_gnt_map(bi->domid, g, false, &va))
        p = pg_insert(bi, g, va, false);
    else
        return NULL;
    bi->mapped++;
    bi->st.maps++;
    return p;
}

static int map_seg(struct blkif *bi, struct breq_seg *s, bool writable)
{
    int rc;

    struct pgrant *p;

    /* One granted read-only is mapped for this request only. */
    if (bi->persistent && (p = pg_get(bi, s->gref, writable, false))) {
        s->page = p->page;
        s->maddr = p->maddr;
        s->persistent = true;
        return 0;
    }
    if ((rc = os_gnt_map(bi->domid, s->gref, writable, &s->page)))
        return rc;
    s->persistent = false;
    s->maddr = 0;
    bi->mapped++;
    bi->st.maps++;
    return 0;
}

static void unmap_seg(struct blkif *bi, struct breq_seg *s)
{
    if (!s->page || s->persistent)
        return;
    if (os_gnt_unmap(s->page))
        printf("blkback: d%u: cannot unmap a page of gref %u\n", bi->domid, s->gref);
    else
        bi->mapped--;
    bi->st.unmaps++;
    s->page = NULL;
}

/* ---- responses and completion ----------------------------------------------------- */

static void respond(struct blkif *bi, uint64_t id, uint8_t op, int16_t status)
{
    blkif_response_t *rsp;
    int notify;

    if (!bi->ring_page)
        return;
    rsp = RING_GET_RESPONSE(&bi->ring, bi->ring.rsp_prod_pvt);
    rsp->id = id;
    rsp->operation = op;
    rsp->_pad = 0;
    rsp->status = status;
    bi->ring.rsp_prod_pvt++;
    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&bi->ring, notify);
    if (notify && bi->port >= 0) {
        os_evtchn_notify((unsigned int)bi->port);
        bi->st.notifies++;
    }
    if (status == BLKIF_RSP_ERROR)
        bi->st.errors++;
    else if (status == BLKIF_RSP_EOPNOTSUPP)
        bi->st.unsupported++;
}

static void release(struct blkif *bi);

static void put_req(struct blkif *bi, struct breq *r)
{
    r->next_free = bi->free_reqs;
    bi->free_reqs = r;
}

/* A started request is over: unmap, answer, let waiting work go on. */
static void complete(struct breq *r)
{
    struct blkif *bi = r->bi;

    if (r->copy) {
        /* A read's data goes to the guest only when all of it is there. */
        if (r->kind == KIND_READ && r->nsegs && !r->status)
            r->status = blkif_copy_segs(bi, r, true);
        blkif_bounce_put_segs(bi, r, r->nsegs);
    } else {
        for (unsigned int i = 0; i < r->nsegs; i++)
            unmap_seg(bi, &r->seg[i]);
    }
    respond(bi, r->id, r->op, r->status ? BLKIF_RSP_ERROR : BLKIF_RSP_OKAY);
    bi->st.requests++;
    bi->inflight--;
    if (bi->ordered == r)
        bi->ordered = NULL;
    put_req(bi, r);
    if (bi->ordered && bi->inflight == 0)       /* it waited for this one */
        start(bi, bi->ordered);
    if (bi->stopping && bi->inflight == 0) {
        release(bi);
        blkif_maybe_free(bi);
        return;
    }
    os_work_queue(bi->work);                    /* the ring may have more */
}

static void sub_done(struct os_blk_req *sub, int status)
{
    struct breq *r = sub->arg;
    struct blkif *bi = r->bi;

    if (status)
        r->status = status;
    r->pending--;
    if (!bi->vbd.is_file)
        bi->at_device--;
    if (bi->stalled)                            /* room at the device again */
        os_work_queue(bi->work);
    if (r->in_pump || r->is_stalled)            /* pump() or process() goes on */
        return;
    if (r->next_sub < r->nsub)
        pump(bi, r);                            /* ordered parts: the next */
    else if (!r->pending)
        complete(r);
}

static void stall(struct blkif *bi, struct breq *r)
{
    struct breq **pp = &bi->stalled;

    if (!r->is_stalled) {
        while (*pp)
            pp = &(*pp)->next_stalled;
        r->next_stalled = NULL;
        *pp = r;
        r->is_stalled = true;
    }
    /* Our own parts at the device will complete and bring us back; if
     * none are there, other users fill the device: look again in 1 ms. */
    if (!bi->at_device)
        os_timer_set(bi->retry, os_now_ns() + OS_NS_PER_MS);
}

/*
 * Submit what can go: all parts of a plain request, one at a time for an
 * ordered one (the next from sub_done).  A part the device's full queue
 * refuses (-EAGAIN) waits on the stalled list; another refusal fails the
 * request's remaining parts.
 */
static void pump(struct blkif *bi, struct breq *r)
{
    bool serial = r->flush_before || r->flush_after;

    r->in_pump = true;
    while (r->next_sub < r->nsub && !(serial && (r->pending || r->status))) {
        struct os_blk_req *sub = &r->sub[r->next_sub];
        int rc;
        r->pending++;
        r->next_sub++;
        if (!bi->vbd.is_file)
            bi->at_device++;
        rc = vbd_submit(&bi->vbd, sub);         /* a file completes inline */
        if (rc) {
            r->pending--;
            if (!bi->vbd.is_file)
                bi->at_device--;
        }
        if (rc == -EAGAIN) {
            r->next_sub--;
            r->in_pump = false;
            stall(bi, r);
            return;
        }
        if (rc) {
            r->status = rc;
            if (!serial)
                r->next_sub = r->nsub;          /* the rest is not done */
        }
    }
    r->in_pump = false;
    if (serial && r->status && !r->pending)
        r->next_sub = r->nsub;
    if (!r->pending && r->next_sub == r->nsub)
        complete(r);
}

/* Map the request's pages (or, with grant copy, give it bounce pages and
 * copy a write's data in) and cut it into parts of at most max_pieces
 * pages (and the flushes around an ordered one). */
static void start(struct blkif *bi, struct breq *r)
{
    unsigned int per = bi->vbd.max_pieces, i;

    if (per * BLKBACK_DATA_PARTS < r->nsegs)
        per = (r->nsegs + BLKBACK_DATA_PARTS - 1) / BLKBACK_DATA_PARTS;
    uint64_t sector = r->sector;

    r->nsub = r->next_sub = r->pending = 0;
    r->status = 0;
    if ((r->copy = bi->copy)) {
        r->status = blkif_copy_in(bi, r);
    } else {
        for (i = 0; i < r->nsegs; i++) {
            /* A read fills the guest's page: it must be mapped writable. */
            if (map_seg(bi, &r->seg[i], r->kind == KIND_READ)) {
                r->seg[i].page = NULL;
                r->status = -EFAULT;
                for (unsigned int k = 0; k < i; k++)
                    unmap_seg(bi, &r->seg[k]);
                break;
            }
        }
    }
    if (r->status) {                            /* nothing is held */
        r->nsegs = 0;
        complete(r);
        return;
    }
    if (r->flush_before) {
        r->sub[r->nsub] = (struct os_blk_req){ .op = OS_BLK_FLUSH, .done = sub_done, .arg = r };
        r->nsub++;
    }
    for (i = 0; i < r->nsegs; i += per) {
        struct os_blk_req *s = &r->sub[r->nsub++];
        unsigned int n = r->nsegs - i < per ? r->nsegs - i : per;
        /* Every field the disk reads is set (seg[] up to nr_segs): no
         * clearing of the whole request, 300 bytes, per part. */
        s->op = r->kind == KIND_READ ? OS_BLK_READ : OS_BLK_WRITE;
        s->sector = sector;
        s->nr_segs = n;
        for (unsigned int k = 0; k < n; k++) {
            const struct breq_seg *g = &r->seg[i + k];
            s->seg[k].buf = (uint8_t *)g->page + g->first * OS_BLK_SECTOR;
            s->seg[k].len = (uint32_t)(g->last - g->first + 1) * OS_BLK_SECTOR;
            s->seg[k].maddr = g->maddr ? g->maddr + g->first * OS_BLK_SECTOR : 0;
            sector += g->last - g->first + 1u;
        }
        s->done = sub_done;
        s->arg = r;
    }
    if (r->flush_after) {
        r->sub[r->nsub] = (struct os_blk_req){ .op = OS_BLK_FLUSH, .done = sub_done, .arg = r };
        r->nsub++;
    }
    pump(bi, r);
}

/* ---- taking requests ------------------------------------------------------------- */

/*
 * The segments of an indirect request (at most 32: one page of
 * descriptors), read once.  A grant copy connection copies the descriptors
 * out (nothing mapped).  With persistent grants the page is kept mapped
 * like a data page -- Linux's blkfront takes its indirect pages from the
 * same pool -- read-only if that is how it is granted: a request then
 * costs no map or unmap for its descriptors either.  Otherwise the page is
 * mapped read-only for this request only.
 */
static int read_indirect(struct blkif *bi, const struct blkif_request_indirect *in,
                         struct breq *r)
{
    struct blkif_request_segment d[BLKBACK_MAX_INDIRECT_SEGS];
    unsigned int n = in->nr_segments;           /* checked: 1..32 */
    grant_ref_t ref = in->indirect_grefs[0];
    void *va = NULL;

    if (bi->copy) {
        struct os_gnt_copy op = { .dom = bi->domid, .ref = ref,
                                  .len = (uint16_t)(n * sizeof(d[0])), .buf = d };
        bi->st.copy_calls++;
        if (os_gnt_copy(&op, 1))
            return -EFAULT;
    } else {
        struct pgrant *p = bi->persistent ? pg_get(bi, ref, false, true) : NULL;
        bool kept = p != NULL;
        if (kept)
            va = p->page;
        if (!kept) {
            if (os_gnt_map(bi->domid, ref, false, &va))
                return -EFAULT;
            bi->st.maps++;
        }
        memcpy(d, va, n * sizeof(d[0]));
        if (!kept) {
            os_gnt_unmap(va);
            bi->st.unmaps++;
        }
    }
    for (unsigned int k = 0; k < n; k++) {
        r->seg[k].gref = d[k].gref;
        r->seg[k].first = d[k].first_sect;
        r->seg[k].last = d[k].last_sect;
        r->seg[k].page = NULL;
        r->seg[k].maddr = 0;
    }
    return 0;
}

/*
 * Check a request copied from the ring and fill r: 0 (r is ready to
 * start), or the status to answer with at once.
 */
static int parse(struct blkif *bi, const blkif_request_t *q, struct breq *r)
{
    uint8_t op = q->operation;
    unsigned int n, max;
    uint64_t sectors = 0;

    r->op = op;
    r->id = q->id;
    r->nsub = r->next_sub = r->pending = 0;
    r->in_pump = r->is_stalled = false;
    r->flush_before = r->flush_after = false;
    r->copy = false;
    r->nsegs = 0;
    r->sector = q->sector_number;
    switch (op) {
    case BLKIF_OP_READ:
    case BLKIF_OP_WRITE:
    case BLKIF_OP_WRITE_BARRIER:
    case BLKIF_OP_FLUSH_DISKCACHE:
        n = q->nr_segments;
        if (n > BLKIF_MAX_SEGMENTS_PER_REQUEST ||
            (n == 0 && (op == BLKIF_OP_READ || op == BLKIF_OP_WRITE)))
            return BLKIF_RSP_ERROR;
        for (unsigned int i = 0; i < n; i++) {
            r->seg[i].gref = q->seg[i].gref;
            r->seg[i].first = q->seg[i].first_sect;
            r->seg[i].last = q->seg[i].last_sect;
            r->seg[i].page = NULL;
            r->seg[i].maddr = 0;
        }
        r->nsegs = n;
        r->kind = op == BLKIF_OP_READ ? KIND_READ : n ? KIND_WRITE : KIND_FLUSH;
        if (op == BLKIF_OP_WRITE_BARRIER) {
            r->flush_before = r->flush_after = true;
            bi->st.barriers++;
        } else if (op == BLKIF_OP_FLUSH_DISKCACHE) {
            r->flush_before = true;
            r->flush_after = n > 0;             /* a FUA write */
            bi->st.flushes++;
        }
        break;
    case BLKIF_OP_INDIRECT: {
        const struct blkif_request_indirect *in = (const void *)q;
        /* The response names the indirect operation (Linux's blkfront
         * checks it), whatever becomes of the request. */
        r->op = in->indirect_op;
        n = in->nr_segments;
        max = BLKBACK_MAX_INDIRECT_SEGS;
        if ((in->indirect_op != BLKIF_OP_READ && in->indirect_op != BLKIF_OP_WRITE) ||
            n == 0 || n > max)
            return BLKIF_RSP_ERROR;
        if (read_indirect(bi, in, r))
            return BLKIF_RSP_ERROR;
        r->nsegs = n;
        r->kind = in->indirect_op == BLKIF_OP_READ ? KIND_READ : KIND_WRITE;
        r->sector = in->sector_number;
        bi->st.indirect++;
        break;
    }
    case BLKIF_OP_DISCARD: {
        const struct blkif_request_discard *d = (const void *)q;
        bi->st.discards++;
        return vbd_discard(&bi->vbd, d->sector_number, d->nr_sectors) ? BLKIF_RSP_ERROR
                                                                       : BLKIF_RSP_OKAY;
    }
    default:
        return BLKIF_RSP_EOPNOTSUPP;
    }
    /* Every segment inside its page; the sectors inside the disk. */
    for (unsigned int i = 0; i < r->nsegs; i++) {
        if (r->seg[i].first > r->seg[i].last || r->seg[i].last > 7)
            return BLKIF_RSP_ERROR;
        sectors += r->seg[i].last - r->seg[i].first + 1u;
    }
    if (r->nsegs && (sectors > bi->vbd.sectors || r->sector > bi->vbd.sectors - sectors))
        return BLKIF_RSP_ERROR;
    if (r->kind != KIND_READ && r->nsegs && bi->vbd.ro)
        return BLKIF_RSP_ERROR;
    if (r->kind == KIND_READ)
        bi->st.reads++;
    else if (r->nsegs)
        bi->st.writes++;
    return 0;
}

static void process(void *arg)
{
    struct blkif *bi = arg;
    unsigned int budget = BLKBACK_BUDGET;
    int more;

    bi->st.wakeups++;
    /* Parts the device had no room for go first, in order. */
    while (bi->stalled) {
        struct breq *r = bi->stalled;
        bi->stalled = r->next_stalled;
        r->is_stalled = false;
        pump(bi, r);
        if (r->is_stalled) {                    /* still no room: back to the head */
            struct breq **pp = &bi->stalled;
            while (*pp != r)
                pp = &(*pp)->next_stalled;
            *pp = r->next_stalled;
            r->next_stalled = bi->stalled;
            bi->stalled = r;
            return;
        }
    }
    if (!bi->connected || bi->stopping || bi->broken)
        return;
    while (budget) {
        RING_IDX rp = bi->ring.sring->req_prod, rc = bi->ring.req_cons;
        xen_rmb();                              /* the entries after the index */
        if (RING_REQUEST_PROD_OVERFLOW(&bi->ring, rp)) {
            bi->broken = true;
            bi->st.rings_broken++;
            if (bi->dev)
                xb_dev_fatal(bi->dev, -EIO, "request producer %u is more than a ring ahead "
                             "of the consumer %u", rp, rc);
            return;
        }
        while (rc != rp && budget && !bi->ordered && bi->free_reqs) {
            blkif_request_t q;
            struct breq *r;
            int status;

            RING_COPY_REQUEST(&bi->ring, rc, &q);
            bi->ring.req_cons = ++rc;
            budget--;
            r = bi->free_reqs;
            bi->free_reqs = r->next_free;
            if ((status = parse(bi, &q, r))) {
                bi->st.requests++;
                if (status == BLKIF_RSP_ERROR)
                    bi->st.bad++;
                respond(bi, q.id, r->op, (int16_t)(status == BLKIF_RSP_OKAY ? 0 : status));
                put_req(bi, r);
                continue;
            }
            bi->inflight++;
            if (r->flush_before) {              /* waits for the others */
                bi->ordered = r;
                if (bi->inflight == 1)
                    start(bi, r);
                continue;
            }
            start(bi, r);
        }
        if (rc != rp || !budget || bi->ordered || !bi->free_reqs || !bi->connected ||
            bi->stopping)
            break;
        RING_FINAL_CHECK_FOR_REQUESTS(&bi->ring, more);
        if (!more)
            return;
    }
    if (!budget && bi->connected && !bi->stopping)
        os_work_queue(bi->work);                /* the rest next turn */
}

/* ---- connection -------------------------------------------------------------------- */

static void on_event(void *arg, unsigned int port)
{
    struct blkif *bi = arg;
    (void)port;
    os_work_queue(bi->work);
}

int blkif_connect(struct blkif *bi, uint32_t ring_ref, uint32_t evtchn)
{
    int rc, port;

    if ((rc = os_gnt_map(bi->domid, ring_ref, true, &bi->ring_page)))
        return rc;
    bi->mapped++;
    if ((port = os_evtchn_bind_interdomain(bi->domid, evtchn, on_event, bi)) < 0) {
        os_gnt_unmap(bi->ring_page);
        bi->mapped--;
        bi->ring_page = NULL;
        return port;
    }
    bi->port = port;
    BACK_RING_INIT(&bi->ring, (blkif_sring_t *)bi->ring_page, 4096);
    bi->free_reqs = NULL;
    for (unsigned int i = 0; i < BLKBACK_RING_SIZE; i++) {
        bi->req[i].bi = bi;
        put_req(bi, &bi->req[i]);
    }
    bi->inflight = 0;
    bi->ordered = NULL;
    bi->copy = blkback_data_mode == BLKBACK_COPY;
    bi->stopping = bi->broken = false;
    bi->connected = true;
    os_work_queue(bi->work);                    /* requests queued before we came */
    return 0;
}

/* Everything of the connection goes: persistent grants, ring, port. */
static void release(struct blkif *bi)
{
    if (!bi->connected)
        return;
    for (unsigned int i = 0; i < BLKBACK_PG_HASH; i++) {
        if (bi->pg[i].page) {
            if (!os_gnt_unmap(bi->pg[i].page))
                bi->mapped--;
            bi->st.unmaps++;
            bi->pg[i].page = NULL;
        }
    }
    bi->npg = 0;
    blkif_bounce_drain(bi);
    if (bi->port >= 0)
        os_evtchn_close((unsigned int)bi->port);
    bi->port = -1;
    if (bi->ring_page && !os_gnt_unmap(bi->ring_page))
        bi->mapped--;
    bi->ring_page = NULL;
    bi->connected = false;
}

void blkif_disconnect(struct blkif *bi)
{
    bi->stopping = true;
    /* An ordered request that never started holds nothing: drop it. */
    if (bi->ordered && bi->ordered->nsub == 0 && bi->ordered->next_sub == 0 &&
        bi->inflight > 1) {
        /* it is counted in inflight but waits for the others: forget it */
        bi->inflight--;
        put_req(bi, bi->ordered);
        bi->ordered = NULL;
    }
    if (bi->inflight == 0)
        release(bi);
}

void blkif_kick(struct blkif *bi)
{
    os_work_queue(bi->work);
}

static void retry(void *arg)
{
    struct blkif *bi = arg;
    os_work_queue(bi->work);
}

static struct blkif *all;
static struct blkif_stats gone;            /* of the devices freed */

struct blkif *blkif_new(uint16_t domid, uint32_t devid)
{
    struct blkif *bi = calloc(1, sizeof(*bi));

    if (!bi)
        return NULL;
    if (!(bi->work = os_work_new(process, bi)) || !(bi->retry = os_timer_new(retry, bi))) {
        if (bi->work)
            os_work_free(bi->work);
        free(bi);
        return NULL;
    }
    bi->domid = domid;
    bi->devid = devid;
    bi->port = -1;
    bi->next = all;
    all = bi;
    return bi;
}

bool blkif_maybe_free(struct blkif *bi)
{
    if (!bi->removed || bi->connected || bi->inflight)
        return false;
    if (bi->zombie)
        printf("vbd %u/%u: its last request completed, nothing of it is mapped\n",
               bi->domid, bi->devid);
    for (struct blkif **pp = &all; *pp; pp = &(*pp)->next) {
        if (*pp == bi) {
            *pp = bi->next;
            break;
        }
    }
    gone.requests += bi->st.requests;
    gone.errors += bi->st.errors;
    gone.bad += bi->st.bad;
    gone.rings_broken += bi->st.rings_broken;
    gone.copies += bi->st.copies;
    gone.wakeups += bi->st.wakeups;
    gone.notifies += bi->st.notifies;
    vbd_close(&bi->vbd);
    os_work_free(bi->work);
    os_timer_free(bi->retry);
    free(bi);
    return true;
}

void blkback_totals(struct blkback_totals *t)
{
    memset(t, 0, sizeof(*t));
    t->requests = gone.requests;
    t->errors = gone.errors;
    t->bad = gone.bad;
    t->rings_broken = gone.rings_broken;
    t->copies = gone.copies;
    t->wakeups = gone.wakeups;
    t->notifies = gone.notifies;
    for (struct blkif *bi = all; bi; bi = bi->next) {
        t->devices++;
        t->inflight += bi->inflight;
        t->mapped += bi->mapped;
        t->bounce += bi->bounce_out + bi->nbounce;
        t->requests += bi->st.requests;
        t->errors += bi->st.errors;
        t->bad += bi->st.bad;
        t->rings_broken += bi->st.rings_broken;
        t->copies += bi->st.copies;
        t->wakeups += bi->st.wakeups;
        t->notifies += bi->st.notifies;
    }
}
