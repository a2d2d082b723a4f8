/*
 * public/io/blkif.h - the block-device ring (vbd), x86_32 layout.
 *
 * The frontend grants its data pages to the backend and queues requests
 * naming them (grant ref + 512-byte sector range within the page); the
 * backend answers each with a response carrying the request's id.  One
 * ring page holds 32 entries.
 *
 * These are the i386 layouts ("x86_32-abi", see protocols.h): 64-bit
 * fields are only 4-byte aligned, so a request is 108 bytes and the id
 * sits at offset 4.  An x86_64 frontend's entries differ (request 112
 * bytes, id at 8, response 16); a backend must follow the frontend's
 * `protocol` node.
 *
 * Handshake (frontend /local/domain/<F>/device/vbd/<devid>/):
 * ring-ref, event-channel, protocol, then state = Connected; the backend
 * publishes sectors, sector-size, info (VDISK_*), mode and feature-*.
 */
#ifndef MICA_PUBLIC_IO_BLKIF_H
#define MICA_PUBLIC_IO_BLKIF_H

#include "ring.h"
#include "protocols.h"
#include "../grant_table.h"

#define BLKIF_OP_READ               0
#define BLKIF_OP_WRITE              1
#define BLKIF_OP_WRITE_BARRIER      2   /* feature-barrier */
#define BLKIF_OP_FLUSH_DISKCACHE    3   /* feature-flush-cache */
#define BLKIF_OP_RESERVED_1         4
#define BLKIF_OP_DISCARD            5   /* struct blkif_request_discard */
#define BLKIF_OP_INDIRECT           6   /* struct blkif_request_indirect */

/* Segments a direct request carries. */
#define BLKIF_MAX_SEGMENTS_PER_REQUEST          11
/* Grant refs of segment pages an indirect request carries. */
#define BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST    8

/* blkif_request_discard.flag. */
#define BLKIF_DISCARD_SECURE        (1 << 0)

/* blkif_response.status. */
#define BLKIF_RSP_EOPNOTSUPP        (-2)
#define BLKIF_RSP_ERROR             (-1)
#define BLKIF_RSP_OKAY              0

/* Bits of the backend's `info` node. */
#define VDISK_CDROM                 0x1
#define VDISK_REMOVABLE             0x2
#define VDISK_READONLY              0x4

#ifndef __ASSEMBLY__

typedef uint16_t blkif_vdev_t;
typedef uint64_aligned_t blkif_sector_t;    /* 512-byte units */

/*
 * A page of data: sectors first_sect..last_sect (inclusive, 0-7) of the
 * granted frame.  8 bytes.
 */
struct blkif_request_segment {
    grant_ref_t gref;
    uint8_t     first_sect, last_sect;
    uint16_t    _pad;
};

/* READ / WRITE / barrier / flush.  108 bytes. */
struct blkif_request {
    uint8_t          operation;     /* BLKIF_OP_* */
    uint8_t          nr_segments;   /* 0 for a flush */
    blkif_vdev_t     handle;        /* the virtual device */
    uint64_aligned_t id;            /* echoed in the response */
    blkif_sector_t   sector_number; /* first sector on disk */
    struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};
typedef struct blkif_request blkif_request_t;

/* Overlays blkif_request when operation is BLKIF_OP_DISCARD.  28 bytes. */
struct blkif_request_discard {
    uint8_t          operation;
    uint8_t          flag;          /* BLKIF_DISCARD_SECURE */
    blkif_vdev_t     handle;
    uint64_aligned_t id;
    blkif_sector_t   sector_number;
    uint64_aligned_t nr_sectors;
};
typedef struct blkif_request_discard blkif_request_discard_t;

/*
 * Overlays blkif_request when operation is BLKIF_OP_INDIRECT: the
 * segments live in up to 8 granted pages of blkif_request_segment.
 * 64 bytes (the trailing pad keeps i386 and x86_64 sizes equal).
 */
struct blkif_request_indirect {
    uint8_t          operation;     /* BLKIF_OP_INDIRECT */
    uint8_t          indirect_op;   /* READ or WRITE */
    uint16_t         nr_segments;
    uint64_aligned_t id;
    blkif_sector_t   sector_number;
    blkif_vdev_t     handle;
    uint16_t         _pad1;
    grant_ref_t      indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
    uint64_aligned_t _pad2;
};
typedef struct blkif_request_indirect blkif_request_indirect_t;

/* 12 bytes. */
struct blkif_response {
    uint64_aligned_t id;            /* from the request */
    uint8_t          operation;     /* from the request */
    uint8_t          _pad;
    int16_t          status;        /* BLKIF_RSP_* */
};
typedef struct blkif_response blkif_response_t;

DEFINE_RING_TYPES(blkif, struct blkif_request, struct blkif_response);

#endif /* !__ASSEMBLY__ */

#endif /* MICA_PUBLIC_IO_BLKIF_H */
