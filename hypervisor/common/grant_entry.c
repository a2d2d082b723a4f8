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
            }
            (*cnt)++;
            return GNTST_okay;
        }
    }
    return GNTST_general_error;
}

void gnttab_unpin(struct active_grant *act, grant_entry_v1_t *e, bool write)
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
    if (clear && e)
        __atomic_fetch_and(&e->flags, (uint16_t)~clear, __ATOMIC_ACQ_REL);
}
