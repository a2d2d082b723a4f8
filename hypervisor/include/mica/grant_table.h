/*
 * Grant tables, version 1 (common/grant_entry.c, common/grant_table.c,
 * common/grant_table_op.c; docs/grants.md explains the design).
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

#define GNTTAB_MAX_FRAMES     4     /* per domain: 2048 v1 entries */
#define GNTTAB_MAX_ENTRIES    (GNTTAB_MAX_FRAMES * GNTTAB_V1_ENTRIES_PER_FRAME)
#define GNTTAB_MAPTRACK_MAX   512   /* mappings one domain may hold */
#define _PAGE_GNTTAB          (1ULL << 52)

/* The hypervisor's view of one entry in use (per granter, per ref). */
struct active_grant {
    uint16_t pin_ro;          /* read-only pins (maps and copies) */
    uint16_t pin_rw;          /* read-write pins */
    domid_t domid;            /* who holds the pins */
    uint32_t frame;           /* the MFN pinned (read once, at the first pin) */
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
};

struct grant_table {
    unsigned int nr_frames;                     /* set up so far */
    void *shared[GNTTAB_MAX_FRAMES];            /* the entries' pages */
    unsigned long frame_mfn[GNTTAB_MAX_FRAMES];
    struct active_grant *active;                /* GNTTAB_MAX_ENTRIES */
    struct maptrack *maptrack;                  /* GNTTAB_MAPTRACK_MAX */
    unsigned int maptrack_used;
    unsigned long maps, unmaps, copies;         /* statistics */
};

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
void gnttab_copy(struct gnttab_copy *op);

/* The builder's seeding of the reserved entries (console, xenstore). */
void gnttab_seed_reserved(struct domain *d, domid_t backend, unsigned long console_mfn,
                          unsigned long store_mfn);

#endif
