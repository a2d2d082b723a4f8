/*
 * Dom0's grant table (gnttab.c): grants of its own pages to other
 * domains, and mappings of other domains' grants into the window.
 */
#ifndef DOM0_GNTTAB_H
#define DOM0_GNTTAB_H

#include "kernel.h"
#include <public/grant_table.h>

void gnttab_init(void);
/* Grant a direct-mapped page of ours: the ref (>= 8) or -errno. */
int gnttab_grant(domid_t to, const void *page, bool readonly);
/* End the grant: 0, or -EBUSY while mapped or being copied. */
int gnttab_revoke(grant_ref_t ref);
/* Map another domain's grant at a fresh window slot: 0 and *va, or -errno. */
int gnttab_map(domid_t dom, grant_ref_t ref, bool writable, void **va);
int gnttab_unmap(void *va);
/* GNTTABOP_copy of n operations (each status set): 0 or the hypercall's
 * -errno; gnttab_errno() turns a GNTST_* status into -errno. */
long gnttab_copy(gnttab_copy_t *ops, unsigned int n);
int gnttab_errno(int16_t status);
/* Statistics: grants in use, mappings in use. */
void gnttab_stats(unsigned int *grants, unsigned int *maps);

#endif
