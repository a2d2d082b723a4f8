/*
 * A blkif frontend for test guests (tests/guest/xs/blkfront.c): just
 * enough of what Linux's blkfront does to drive Dom0's blkback by hand --
 * the xenbus handshake over the guest's xenstore ring, a ring page and an
 * event channel, data pages granted to the backend -- with every step
 * exposed, so a test can also do what no real frontend would.
 *
 * Data pages: BF_PAGES pages of the guest, granted read-write to the
 * backend at refs BF_REF0 + i (bf_page(i)); bf_grant_ro() re-grants one
 * read-only.  The ring is ref BF_RING_REF.
 */
#ifndef XS_GUEST_BLKFRONT_H
#define XS_GUEST_BLKFRONT_H

#include <stdint.h>
#include <stdbool.h>
#include <public/io/blkif.h>
#include <public/io/xenbus.h>
#include "xs_client.h"

#define BF_PAGES        64
#define BF_RING_REF     8
#define BF_INDIRECT_REF 9       /* 9..12: four indirect pages */
#define BF_INDIRECT_PAGES 4
#define BF_REF0         16

struct bfront {
    struct xsc *xs;
    uint32_t devid;
    char fe[48];                /* device/vbd/<devid> (relative to our home) */
    char be[96];                /* the backend's directory */
    uint16_t be_id;
    uint64_t sectors;
    unsigned int info, sector_size, max_indirect;
    bool f_flush, f_barrier, f_discard, f_persistent;
    blkif_front_ring_t ring;
    uint32_t port;
    uint64_t timeout_ns;        /* one wait (default 5 s) */
};

/* Grant table, pages: once per guest.  0 or -1. */
int bf_setup(void);
/*
 * How every blkfront test guest begins: bf_setup(), the xenstore ring
 * `xs`, its first read (retried for up to 30 s while xenstored is not up
 * yet), then bf_find(f, xs, devid).  On failure it reports itself
 * (test_error: no grant table or ring; test_fail: the first read, no such
 * device) and returns false.
 */
bool bf_start(struct bfront *f, struct xsc *xs, uint32_t devid);
uint8_t *bf_page(unsigned int i);
grant_ref_t bf_ref(unsigned int i);
uint8_t *bf_indirect_page(void);
void bf_grant_ro(unsigned int i, bool ro);
/* Find device devid and wait for the backend's InitWait; read its nodes. */
int bf_find(struct bfront *f, struct xsc *xs, uint32_t devid);
/* Ring, port, nodes, Initialised; wait for the backend's Connected; then
 * Connected.  protocol NULL: the node is not written. */
int bf_connect(struct bfront *f, bool persistent, const char *protocol);
/* Our state node. */
int bf_set_state(struct bfront *f, enum xenbus_state s);
/* The backend's state (-1 if absent). */
int bf_be_state(struct bfront *f);
/* Wait until the backend's state is `want`: 0, or -1 on timeout. */
int bf_wait_be(struct bfront *f, int want);
/* Closing, wait for the backend's Closing/Closed, Closed; wait Closed.
 * Then the port is closed and the ring revoked. */
int bf_close(struct bfront *f);
/* Back to Initialising after a close (reconnection) and the backend's
 * InitWait. */
int bf_reinit(struct bfront *f);

/* Queue one request (copied into the ring, pushed, notified). */
void bf_push(struct bfront *f, const blkif_request_t *req);
void bf_push_many(struct bfront *f, const blkif_request_t *req, unsigned int n);
/* Wait for one response: 0 with *rsp, or -1 on timeout. */
int bf_response(struct bfront *f, blkif_response_t *rsp);
/* Is a response there (without waiting)? */
bool bf_has_response(struct bfront *f);

/* One request and its answer: the status (BLKIF_RSP_*), or -100 on a
 * timeout or a response for another id.  READ/WRITE over `n` whole pages
 * bf_page(first)...; a flush (op FLUSH_DISKCACHE, n may be 0). */
int bf_io(struct bfront *f, uint8_t op, uint64_t sector, unsigned int first, unsigned int n);
/* The same as one indirect request of n (<= 512) whole pages. */
int bf_io_indirect(struct bfront *f, uint8_t op, uint64_t sector, unsigned int first,
                   unsigned int n);
int bf_discard(struct bfront *f, uint64_t sector, uint64_t count);
/* Build (not push) an indirect request of n pages from bf_page(first),
 * its descriptors in indirect page k (0..3). */
void bf_make_indirect(struct bfront *f, blkif_request_t *r, uint8_t op, uint64_t sector,
                      unsigned int first, unsigned int n, unsigned int k, uint64_t id);

/* Dom0's test pattern (dom0-tools/tools/blk/blk.c, tests/qemu/mkdisk.py). */
void bf_pattern(uint64_t sector, uint32_t seed, uint8_t *out);
/* Fill / check n pages from bf_page(first) as sectors from `sector`:
 * check returns the first bad sector, or UINT64_MAX if all are right. */
void bf_fill(unsigned int first, unsigned int n, uint64_t sector, uint32_t seed);
uint64_t bf_check(unsigned int first, unsigned int n, uint64_t sector, uint32_t seed);

#endif
