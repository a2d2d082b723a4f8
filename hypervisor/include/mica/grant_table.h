/*
 * Grant tables, versions 1 and 2 (common/grant_entry.c, common/grant_table.c,
 * common/grant_version.c, common/grant_table_op.c; docs/grants.md explains
 * the design).
 *
 * A domain shares a frame by writing a grant entry {flags, domid, frame} in
 * its grant table, a few hypervisor pages it maps itself.  The entry lives
 * in guest memory and may change under us at any time, so the hypervisor
 * keeps its own view of every entry in use -- the *active* entry: which
 * frame was pinned for whom and how many pins of each kind exist.  Each
 * mapping is recorded by the *mapper* in its maptrack table; the handle the
 * guest gets back is the maptrack index, and the maptrack entry holds the
 * frame references the mapping needs (a general reference against the
 * granter, plus a writable type reference for a read-write mapping).
 *
 * A grant-mapped PTE carries _PAGE_GNTTAB (bit 52, ignored by the MMU and
 * refused in every guest-written entry) and holds no references itself.
 */
#ifndef MICA_GRANT_TABLE_H
#define MICA_GRANT_TABLE_H

#include <mica/types.h>
#include <public/grant_table.h>

struct domain;
struct page_info;

/*
 * Sizes.  A table starts with GNTTAB_INITIAL_FRAMES hypervisor pages
 * (allocated at creation) and grows, when setup_table asks for more, up to
 * its max_frames: the gnttab_max_frames= option (Xen's name and default,
 * 64), at most GNTTAB_MAX_FRAMES_LIMIT.  Version 1 puts 512 entries in a
 * frame, version 2 256 (plus one 2-byte status word per entry in separate
 * status frames, 2048 to a frame).
 */
#define GNTTAB_INITIAL_FRAMES       4
#define GNTTAB_DEFAULT_MAX_FRAMES   64
#define GNTTAB_MAX_FRAMES_LIMIT     256
#define GNTTAB_V2_ENTRIES_PER_FRAME (4096 / 16)
#define GNTTAB_STATUS_PER_FRAME     (4096 / 2)
#define GNTTAB_MAX_STATUS_FRAMES    (GNTTAB_MAX_FRAMES_LIMIT * GNTTAB_V2_ENTRIES_PER_FRAME / \
                                     GNTTAB_STATUS_PER_FRAME)
/* The maptrack grows by one page of entries at a time when a map finds no
 * free one, up to gnttab_max_maptrack_frames= pages (Xen's option and
 * default, 1024); it never shrinks (handles stay valid). */
#define GNTTAB_DEFAULT_MAPTRACK_FRAMES 1024
#define GNTTAB_MAPTRACK_FRAMES_LIMIT   65536
#define _PAGE_GNTTAB          (1ULL << 52)

/* gnttab_max_frames=, gnttab_max_maptrack_frames= (arch/x86/setup.c parses
 * them; grant_table.c uses them). */
extern unsigned int opt_gnttab_max_frames, opt_gnttab_max_maptrack_frames;

/*
 * gnttab=max-ver:N,transitive=B,transfer=B (Xen's switches; defaults 2,
 * on, on): the highest version set_version accepts (2 refused with
 * -ENOSYS when max-ver is 1, as Xen), whether transitive grants may be
 * followed (GNTST_general_error if not) and whether GNTTABOP_transfer is
 * offered (-EOPNOTSUPP if not).  "transitive" and "no-transitive" work
 * as for boolean options.  0, or -1 with nothing changed.
 */
extern unsigned int opt_gnttab_max_version;
extern bool opt_gnttab_transitive, opt_gnttab_transfer;
int gnttab_parse_opt(const char *s);

/*
 * The hypervisor's view of one entry in use (per granter, per ref).  One
 * array chunk of GNTTAB_V1_ENTRIES_PER_FRAME per table frame: enough for
 * either version.
 */
struct active_grant {
    uint16_t pin_ro;          /* read-only pins (maps and copies) */
    uint16_t pin_rw;          /* read-write pins */
    domid_t domid;            /* who holds the pins */
    uint16_t start, length;   /* the bytes granted (v2 sub-page; else 0, 4096) */
    uint32_t frame;           /* the MFN pinned (read once, at the first pin) */
    bool transitive;          /* v2 transitive: no frame of its own */
};

/* One mapping held by a mapper; handle = index. */
struct maptrack {
    bool in_use;
    bool rw;                  /* holds a writable type reference */
    bool pte_form;            /* GNTMAP_contains_pte */
    domid_t granter_id;
    struct domain *granter;   /* NULL once the granter is gone (orphan) */
    grant_ref_t ref;
    uint32_t frame;
    uint64_t pte_maddr;       /* machine address of the PTE written */
    uint32_t va;              /* host_addr of the VA form */
    uint32_t handle;          /* its own index (while in use) */
    uint32_t next_free;       /* free list link while !in_use */
};

#define GNTTAB_MAPTRACK_PER_FRAME (4096 / sizeof(struct maptrack))
#define GNTTAB_MAPTRACK_NONE      0xffffffffu

struct grant_table {
    unsigned int version;                       /* 1 or 2 (set_version) */
    unsigned int nr_frames;                     /* set up so far */
    unsigned int nr_alloc;                      /* frames allocated (>= nr_frames) */
    unsigned int max_frames;                    /* the domain's limit */
    void *shared[GNTTAB_MAX_FRAMES_LIMIT];      /* the entries' pages */
    unsigned long frame_mfn[GNTTAB_MAX_FRAMES_LIMIT];
    struct active_grant *active[GNTTAB_MAX_FRAMES_LIMIT];  /* a chunk per frame */
    unsigned int nr_status;                     /* status frames (v2 only) */
    grant_status_t *status[GNTTAB_MAX_STATUS_FRAMES];
    unsigned long status_mfn[GNTTAB_MAX_STATUS_FRAMES];
    struct maptrack **maptrack;                 /* max_maptrack_frames pages */
    unsigned int maptrack_frames;               /* pages allocated so far */
    unsigned int max_maptrack_frames;
    uint32_t maptrack_free;                     /* free list head (or _NONE) */
    unsigned int maptrack_used;
    unsigned long maps, unmaps, copies;         /* statistics */
};

/* Maptrack handles in use so far: [0, this). */
static inline unsigned int gnttab_maptrack_limit(const struct grant_table *gt)
{
    return gt->maptrack_frames * (unsigned int)GNTTAB_MAPTRACK_PER_FRAME;
}
static inline struct maptrack *gnttab_maptrack(const struct grant_table *gt, unsigned int h)
{
    return &gt->maptrack[h / GNTTAB_MAPTRACK_PER_FRAME][h % GNTTAB_MAPTRACK_PER_FRAME];
}

/* Entries the table has in its version (the refs a grantee may name). */
static inline unsigned int gnttab_nr_entries(const struct grant_table *gt)
{
    return gt->nr_frames * (gt->version == 2 ? GNTTAB_V2_ENTRIES_PER_FRAME
                                             : GNTTAB_V1_ENTRIES_PER_FRAME);
}
static inline struct active_grant *gnttab_active(struct grant_table *gt, grant_ref_t ref)
{
    return &gt->active[ref / GNTTAB_V1_ENTRIES_PER_FRAME][ref % GNTTAB_V1_ENTRIES_PER_FRAME];
}
static inline grant_entry_v1_t *gnttab_entry_v1(struct grant_table *gt, grant_ref_t ref)
{
    return (grant_entry_v1_t *)gt->shared[ref / GNTTAB_V1_ENTRIES_PER_FRAME] +
           ref % GNTTAB_V1_ENTRIES_PER_FRAME;
}
static inline grant_entry_v2_t *gnttab_entry_v2(struct grant_table *gt, grant_ref_t ref)
{
    return (grant_entry_v2_t *)gt->shared[ref / GNTTAB_V2_ENTRIES_PER_FRAME] +
           ref % GNTTAB_V2_ENTRIES_PER_FRAME;
}
static inline grant_status_t *gnttab_status(struct grant_table *gt, grant_ref_t ref)
{
    return gt->status[ref / GNTTAB_STATUS_PER_FRAME] + ref % GNTTAB_STATUS_PER_FRAME;
}

/* ---- the entry state machine (grant_entry.c: pure, host-tested) ------- */

/*
 * Take a pin of domain `dom` on the shared entry e (guest memory); write:
 * a read-write pin.  `act` is the active entry: its first pin reads the
 * frame from e once.
 * The flags update is one compare-and-exchange of {flags, domid}, retried
 * if the guest changed them, so a check and the update it allows cannot be
 * separated.  Returns GNTST_okay or GNTST_permission_denied /
 * GNTST_general_error, with nothing changed.
 */
int gnttab_pin(struct active_grant *act, grant_entry_v1_t *e, domid_t dom, bool write);
/* Drop one pin taken by gnttab_pin; clears GTF_writing / GTF_reading when
 * the last read-write / any pin goes (e NULL: the granter is gone). */
void gnttab_unpin(struct active_grant *act, grant_entry_v1_t *e, bool write);
static inline bool gnttab_pinned(const struct active_grant *act)
{
    return act->pin_ro || act->pin_rw;
}

/*
 * Version 2: the guest owns hdr (flags, domid) and the hypervisor the
 * status word st, so no compare-and-exchange can cover both: the status
 * bits are set first, then hdr is read again, and if the guest changed it
 * meanwhile the bits just set are taken back and the pin fails.
 * `kinds`: GNTPIN_SUB_PAGE accepts a sub-page grant (copies),
 * GNTPIN_TRANSITIVE a transitive one (copies; the caller follows it).
 * On the first pin the frame and the sub-page window are read into act.
 * GNTST_okay, or GNTST_general_error / permission_denied with nothing
 * changed.
 */
#define GNTPIN_SUB_PAGE     1u
#define GNTPIN_TRANSITIVE   2u
int gnttab_pin_v2(struct active_grant *act, grant_entry_v2_t *e, grant_status_t *st,
                  domid_t dom, bool write, unsigned int kinds);
void gnttab_unpin_v2(struct active_grant *act, grant_status_t *st, bool write);

/*
 * Transfer: commit the receiver's entry (header h) to a page from domain
 * `from` -- flags exactly GTF_accept_transfer and domid `from`, else
 * GNTST_general_error with nothing changed -- and, once the frame field
 * holds the page, mark it completed.
 */
int gnttab_commit_transfer(grant_entry_header_t *h, domid_t from);
void gnttab_complete_transfer(grant_entry_header_t *h);

/* Frames of dead granters still mapped by others: owned by this pseudo
 * domain (not on domain_list) until the last mapping goes. */
extern struct domain dom_grant_orphans;

/* ---- the table (grant_table.c) ----------------------------------------- */

int gnttab_init(struct domain *d);            /* at creation: 0 or -ENOMEM */
/* Teardown (domain_teardown.c), in this order: unmap every mapping d
 * holds (before its memory is relinquished); orphan its frames others
 * still map (while relinquishing); free its table (after). */
void gnttab_release_mappings(struct domain *d);
/* pg (owned by dying d) still has references: if they are exactly grant
 * mappings, hand it to dom_grant_orphans and return true. */
bool gnttab_orphan_frame(struct domain *d, struct page_info *pg);
void gnttab_destroy(struct domain *d);        /* last: free the table */
unsigned long gnttab_orphans_freed(void);

/* The operations, on copied-in arguments (grant_table_op.c copies). */
int gnttab_setup(struct domain *d, uint32_t nr_frames, unsigned long *mfns);
void gnttab_map(struct gnttab_map_grant_ref *op);
void gnttab_unmap(struct gnttab_unmap_grant_ref *op);
void gnttab_unmap_and_replace(struct gnttab_unmap_and_replace *op);
void gnttab_copy(struct gnttab_copy *op);
/* grant_transfer.c: give the caller's frame op->mfn to op->domid. */
void gnttab_transfer(struct gnttab_transfer *op);

/* ---- versions, growth, status frames (grant_version.c) ----------------- */

/* Grow d's table to nr frames (and its status frames, in v2): 0 or -ENOMEM
 * (what was allocated stays; nr_frames is the caller's to raise). */
int gnttab_grow(struct domain *d, unsigned int nr);
/* GNTTABOP_set_version: 0, -EINVAL, -EBUSY, -ERANGE, -ENOMEM. */
long gnttab_set_version(struct domain *d, unsigned int version);
/* GNTTABOP_swap_grant_ref on d's table: a GNTST_* code. */
int gnttab_swap(struct domain *d, grant_ref_t a, grant_ref_t b);
/* GNTTABOP_dump_table: d's table on the hypervisor console. */
void gnttab_dump(struct domain *d);
/* What d's table holds, added to the counters (MICA_SYSCTL_resources):
 * entries offered (type not GTF_invalid), entries pinned, maptrack
 * entries in use, shared and status frames allocated, maptrack pages. */
struct gnttab_counts {
    unsigned long entries, pins, maptrack, frames, maptrack_frames;
};
void gnttab_count(struct domain *d, struct gnttab_counts *c);
/* Free what d holds of version 2 (teardown): its status frames. */
void gnttab_free_status(struct domain *d);
/* Free one table or status frame d shared (teardown): orphaned if a
 * privileged domain still maps it. */
void gnttab_free_shared_frame(struct domain *d, unsigned long mfn, const char *what);

/* The builder's seeding of the reserved entries (console, xenstore). */
void gnttab_seed_reserved(struct domain *d, domid_t backend, unsigned long console_mfn,
                          unsigned long store_mfn);

#endif
