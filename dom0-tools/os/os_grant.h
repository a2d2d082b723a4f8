/*
 * The OS interface: grant tables (see os_loop.h for the whole).
 *
 * Mapping another domain's grants is how a backend reaches a frontend's
 * rings and buffers (the console backend maps ref GNTTAB_RESERVED_CONSOLE,
 * xenstored GNTTAB_RESERVED_XENSTORE); granting is how Dom0 would share a
 * page of its own.  Maps are page-sized and page-aligned.
 */
#ifndef DOM0_OS_GRANT_H
#define DOM0_OS_GRANT_H

#include <stdint.h>
#include <stdbool.h>

/* Map grant `ref` of domain `dom`: 0 and *addr, or -errno (-EINVAL for a
 * ref not granted to us, -ESRCH for a missing domain, -ENOSPC when Dom0
 * has no mapping slot left). */
int os_gnt_map(uint16_t dom, uint32_t ref, bool writable, void **addr);
/* Unmap what os_gnt_map returned: 0 or -errno. */
int os_gnt_unmap(void *addr);

/*
 * Grant copy: bytes between another domain's granted pages and Dom0's own
 * memory, without mapping anything (GNTTABOP_copy).  Netback moves every
 * packet this way: nothing of a guest stays mapped after the call, and a
 * bad reference fails one operation, never the others.  `buf` is Dom0
 * memory (heap or os_page_alloc), any alignment; the granted side must
 * stay inside its page (offset + len <= 4096).  Each operation gets its
 * own status: 0, -EINVAL (not a grant of ours, or outside the page),
 * -EPERM (a read-only grant written), -ESRCH (no such domain), -EFAULT
 * (buf is not Dom0 memory).  The answer is the number of operations that
 * failed.
 */
struct os_gnt_copy {
    uint16_t dom;               /* the granting domain */
    uint16_t offset;            /* within the granted page */
    uint32_t ref;
    uint16_t len;
    bool to_grant;              /* true: buf -> grant; false: grant -> buf */
    void *buf;
    int status;                 /* OUT */
};
int os_gnt_copy(struct os_gnt_copy *ops, unsigned int n);

/* Grant domain `to` access to one page of ours (page-aligned, allocated
 * with os_page_alloc): the ref, or -errno. */
int os_gnt_grant(uint16_t to, void *page, bool readonly);
/* Take the grant back: 0, or -EBUSY while the grantee still uses it. */
int os_gnt_revoke(uint32_t ref);

/* Whole zeroed pages of Dom0 memory (for grants and rings), or NULL. */
void *os_page_alloc(void);
void os_page_free(void *page);

#endif
