/*
 * blkif_int.h - what blkback's request path (blkif.c) and its grant-copy
 * data path (blkif_copy.c) share, and nobody else: the kinds of a
 * request's data parts and the bounce-page calls.  The rest of blkback
 * sees only blkback.h.
 */
#ifndef BLKIF_INT_H
#define BLKIF_INT_H

#include "blkback.h"

enum { KIND_READ = OS_BLK_READ, KIND_WRITE = OS_BLK_WRITE, KIND_FLUSH = OS_BLK_FLUSH };

/* Bounce pages for r's segments, a write's data copied in: 0 or -errno
 * (nothing held). */
int blkif_copy_in(struct blkif *bi, struct breq *r);
/* Every segment of r between its grant and its bounce page (to_grant: a
 * read's data out to the guest), in one call: 0 or -errno (the first
 * failed segment's). */
int blkif_copy_segs(struct blkif *bi, struct breq *r, bool to_grant);
/* The bounce pages of r's first n segments back to the device's pool. */
void blkif_bounce_put_segs(struct blkif *bi, struct breq *r, unsigned int n);
/* Free the device's pool (at release: no request holds a page). */
void blkif_bounce_drain(struct blkif *bi);

#endif /* BLKIF_INT_H */
