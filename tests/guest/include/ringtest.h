/*
 * The request/response protocol of the grant-ring test pair
 * (grant-ring.c frontend, grant-peer.c role=backend).
 *
 * A request names a payload page the frontend granted for it (gref) and
 * how many bytes of it hold data (len); the backend sums those bytes and
 * writes a 4-byte proof at offset len: with RT_COPY it moves the data by
 * grant copy (page -> its own buffer, proof back by copy), with RT_MAP it
 * maps the page, reads it in place, writes ~sum and unmaps.  RT_QUIT ends
 * the conversation (the backend unmaps the ring and powers off).
 */
#ifndef GUEST_RINGTEST_H
#define GUEST_RINGTEST_H

#include <stdint.h>
#include <public/grant_table.h>
#include <public/io/ring.h>

enum { RT_COPY = 1, RT_MAP = 2, RT_QUIT = 3, RT_NOP = 4 /* answer at once (benchmark) */ };

struct rt_req {
    uint32_t id;
    uint16_t op;
    uint16_t len;           /* 1..4092 */
    grant_ref_t gref;
};

struct rt_rsp {
    uint32_t id;
    int32_t status;         /* GNTST_* of the backend's grant operations */
    uint32_t sum;
};

DEFINE_RING_TYPES(rt, struct rt_req, struct rt_rsp);

#endif
