/*
 * The grant-entry state machine: pins and the flags the hypervisor owns.
 *
 * A v1 grant entry {flags, domid, frame} sits in the granter's memory.  The
 * granter writes GTF_permit_access (maybe | GTF_readonly), the grantee's
 * domid and the frame; the hypervisor sets GTF_reading while any pin
 * exists and GTF_writing while a read-write pin exists.  The granter ends
 * the grant with a compare-and-exchange of flags to 0 that it only does
 * while neither bit is set, which is how "revoke while mapped" is refused:
 * the revoke fails in the granter and the mapping is untouched.
 *
 * Rules (the XSA-218/224/236/255 lessons):
 *   - the guest may rewrite its entry at any moment, so the flags and the
 *     domid are checked and updated together by one 32-bit compare-and-
 *     exchange; if the guest changed them in between, we look again;
 *   - the frame is read once, at the first pin, into the active entry, and
 *     every later pin, map and unmap uses that copy: a granter that changes
 *     `frame` afterwards changes nothing we hold;
 *   - every pin is counted (read-only and read-write separately) and the
 *     bits are cleared only when the matching count reaches zero;
 *   - counts saturate with an error, never wrap.
 *
 * Version 2 splits the word: the guest owns hdr {flags, domid} and the
 * hypervisor a separate status word (GTF_reading / GTF_writing), so one
 * compare-and-exchange cannot check one and set the other.  The order is
 * Xen's: check hdr, set the status bits, full barrier, read hdr again --
 * if the guest changed it meanwhile (a revoke racing the pin), the bits
 * this pin set are taken back and the pin fails.  A guest revoking a v2
 * grant writes hdr.flags = 0, then reads the status word: if a bit is
 * set, the grant is still in use.  Either the pin saw the revoke or the
 * revoker sees the bit.  Sub-page grants (GTF_sub_page: only bytes
 * [page_off, page_off + length) may be copied) and transitive grants
 * (the grantee may use another domain's grant as if its own, for copies)
 * exist only in v2; the caller says which kinds it accepts.
 *
 * Also defined here: the pseudo-domain that owns frames of dead granters
 * still mapped by others (grant_table.c), so the auditor and the host
 * tests can name it without the rest of the grant code.
 *
 * Pure C (no arch code), compiled into the host unit tests.
 */
#include <mica/grant_table.h>
#include <mica/domain.h>

struct domain dom_grant_orphans = {
    .domain_id = DOMID_XEN,
    .name = "grant-orphans",
    .page_list = LIST_HEAD_INIT(dom_grant_orphans.page_list),
    .mm_pending = LIST_HEAD_INIT(dom_grant_orphans.mm_pending),   /* never has tables */
    .state = DOMSTATE_RUNNING,
};

#define CAS_TRIES 4     /* a guest racing us this often on one CPU is hostile */

static inline uint32_t combo(uint16_t flags, domid_t domid)
{
    return flags | ((uint32_t)domid << 16);
}

int gnttab_pin(struct active_grant *act, grant_entry_v1_t *e, domid_t dom, bool write)
{
    volatile uint32_t *word = (volatile uint32_t *)(void *)e;
    uint16_t *cnt = write ? &act->pin_rw : &act->pin_ro;

    if (*cnt == UINT16_MAX)
        return GNTST_general_error;
    if (gnttab_pinned(act)) {
        if (act->domid != dom)
            return GNTST_permission_denied;
        if (!write || act->pin_rw) {   /* bits already say what we need */
            (*cnt)++;
            return GNTST_okay;
        }
    }
    for (unsigned int i = 0; i < CAS_TRIES; i++) {
        uint32_t old = __atomic_load_n(word, __ATOMIC_ACQUIRE);
        uint16_t fl = (uint16_t)old;
        uint32_t new;

        if ((fl & GTF_type_mask) != GTF_permit_access || (domid_t)(old >> 16) != dom)
            return GNTST_general_error;
        if (write && (fl & GTF_readonly))
            return GNTST_general_error;
        new = combo((uint16_t)(fl | GTF_reading | (write ? GTF_writing : 0)), dom);
        if (__atomic_compare_exchange_n(word, &old, new, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE)) {
            if (!gnttab_pinned(act)) {
                act->frame = __atomic_load_n(&e->frame, __ATOMIC_ACQUIRE);
                act->domid = dom;
                act->start = 0;
                act->length = 4096;
                act->transitive = false;
            }
            (*cnt)++;
            return GNTST_okay;
        }
    }
    return GNTST_general_error;
}

/* Drop one pin (read-write or read-only): the GTF_reading/GTF_writing
 * bits the entry loses with it.  Both versions unpin through here; they
 * differ only in where the bits live. */
static uint16_t unpin_one(struct active_grant *act, bool write)
{
    uint16_t clear = 0;

    if (write) {
        if (--act->pin_rw == 0)
            clear |= GTF_writing;
    } else {
        act->pin_ro--;
    }
    if (!gnttab_pinned(act))
        clear |= GTF_reading | GTF_writing;
    return clear;
}

void gnttab_unpin(struct active_grant *act, grant_entry_v1_t *e, bool write)
{
    uint16_t clear = unpin_one(act, write);

    if (clear && e)
        __atomic_fetch_and(&e->flags, (uint16_t)~clear, __ATOMIC_ACQ_REL);
}

/* Set bits in a status word the guest may read (never write, but do not
 * trust that): atomically. */
static uint16_t status_or(grant_status_t *st, uint16_t bits)
{
    return __atomic_fetch_or(st, bits, __ATOMIC_SEQ_CST);
}

int gnttab_pin_v2(struct active_grant *act, grant_entry_v2_t *e, grant_status_t *st,
                  domid_t dom, bool write, unsigned int kinds)
{
    volatile grant_entry_header_t *h = &e->hdr;
    uint16_t *cnt = write ? &act->pin_rw : &act->pin_ro;

    if (*cnt == UINT16_MAX)
        return GNTST_general_error;
    if (gnttab_pinned(act)) {
        if (act->domid != dom)
            return GNTST_permission_denied;
        if (!write || act->pin_rw) {
            (*cnt)++;
            return GNTST_okay;
        }
    }
    uint16_t fl = h->flags;
    domid_t id = h->domid;
    unsigned int type = fl & GTF_type_mask;

    if (id != dom)
        return GNTST_general_error;
    if (type == GTF_transitive ? !(kinds & GNTPIN_TRANSITIVE)
        : type != GTF_permit_access || ((fl & GTF_sub_page) && !(kinds & GNTPIN_SUB_PAGE)))
        return GNTST_general_error;
    if (write && (fl & GTF_readonly))
        return GNTST_general_error;

    uint16_t want = (uint16_t)(GTF_reading | (write ? GTF_writing : 0));
    uint16_t had = status_or(st, want);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (h->flags != fl || h->domid != id) {
        /* Revoked or changed under us: take back what this pin added. */
        uint16_t added = (uint16_t)(want & ~had);
        if (added)
            __atomic_fetch_and(st, (uint16_t)~added, __ATOMIC_SEQ_CST);
        return GNTST_general_error;
    }
    if (!gnttab_pinned(act)) {
        act->domid = dom;
        act->transitive = type == GTF_transitive;
        if (type == GTF_transitive) {
            act->frame = 0;                 /* followed by the caller, per use */
            act->start = 0;
            act->length = 0;
        } else if (fl & GTF_sub_page) {
            uint64_t f = __atomic_load_n(&e->sub_page.frame, __ATOMIC_ACQUIRE);
            uint16_t off = e->sub_page.page_off, len = e->sub_page.length;
            act->frame = f >> 32 ? ~0u : (uint32_t)f;
            /* A window past the page end grants nothing beyond the page. */
            act->start = off < 4096 ? off : 4096;
            act->length = (uint16_t)(len > 4096 - act->start ? 4096 - act->start : len);
        } else {
            uint64_t f = __atomic_load_n(&e->full_page.frame, __ATOMIC_ACQUIRE);
            act->frame = f >> 32 ? ~0u : (uint32_t)f;   /* ~0: never a valid MFN */
            act->start = 0;
            act->length = 4096;
        }
    }
    (*cnt)++;
    return GNTST_okay;
}

void gnttab_unpin_v2(struct active_grant *act, grant_status_t *st, bool write)
{
    uint16_t clear = unpin_one(act, write);

    if (clear && st)
        __atomic_fetch_and(st, (uint16_t)~clear, __ATOMIC_SEQ_CST);
}

/*
 * Transfer (GNTTABOP_transfer): the receiver offers an entry of type
 * GTF_accept_transfer naming the donor; the hypervisor commits to it by
 * setting GTF_transfer_committed, with the same compare-and-exchange
 * discipline as a pin -- the flags must be exactly GTF_accept_transfer
 * (nothing committed or completed already, no other bit) and the domid
 * the donor's, both checked in the word that is changed.  The header
 * {flags, domid} is the first word of both versions' entries.
 */
int gnttab_commit_transfer(grant_entry_header_t *h, domid_t from)
{
    volatile uint32_t *word = (volatile uint32_t *)(void *)h;

    for (unsigned int i = 0; i < CAS_TRIES; i++) {
        uint32_t old = __atomic_load_n(word, __ATOMIC_ACQUIRE);

        if ((uint16_t)old != GTF_accept_transfer || (domid_t)(old >> 16) != from)
            return GNTST_general_error;
        if (__atomic_compare_exchange_n(word, &old, old | GTF_transfer_committed, false,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            return GNTST_okay;
    }
    return GNTST_general_error;
}

/* The page is the receiver's: say so (after the frame field is written). */
void gnttab_complete_transfer(grant_entry_header_t *h)
{
    __atomic_fetch_or(&h->flags, (uint16_t)GTF_transfer_completed, __ATOMIC_SEQ_CST);
}
