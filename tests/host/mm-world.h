/*
 * A small fake machine for the memory-management host tests: a frame
 * table and W_FRAMES frames of "RAM" (frames below W_FIRST_RAM belong to
 * the hypervisor, the rest start in the real buddy allocator), two
 * ordinary domains and a privileged one, and the arch hooks of
 * asm/mm_arch.h and asm/m2p.h with observable behaviour: TLB flushes are
 * counted, the M2P is an array, and hypercall_preempt_check() answers
 * "preempt" on every preempt_every-th call (0 = never).  `current` is a
 * vCPU of the domain set with world_set_current() (dom_a at first).
 *
 * The code under test is the real common/page_type.c, pt_validate.c,
 * mm_audit.c and page_alloc.c.
 */
#ifndef MM_WORLD_H
#define MM_WORLD_H

#include <mica/mm.h>
#include <mica/domain.h>
#include <mica/pt_rules.h>
#include <mica/errno.h>
#include <asm/page.h>
#include <asm/mm_arch.h>

#define W_FRAMES    512
#define W_FIRST_RAM 16
#define W_HV_FRAME  3            /* a hypervisor frame (owner NULL) */
/* Past the RAM: I/O memory up to W_IO_LIMIT (the "physical width"), of
 * which W_HV_IO is the hypervisor's own. */
#define W_IO_LIMIT  (W_FRAMES + 64)
#define W_HV_IO     (W_FRAMES + 63)

#define P   _PAGE_PRESENT
#define RW  _PAGE_RW
#define US  _PAGE_USER
#define A   _PAGE_ACCESSED
#define D   _PAGE_DIRTY

extern struct domain dom_a, dom_b, dom_priv;
extern unsigned int preempt_every;       /* see above */
extern unsigned long nr_preempt_checks, nr_flushes;
extern bool world_nx;
extern uint32_t w_m2p[W_FRAMES];
extern char last_log[512];
extern char world_log[8192];          /* everything printed, appended */

void world_init(void);
/* Run as d: the vCPU `current` points at (world_init: dom_a). */
void world_set_current(struct domain *d);
unsigned long frame(struct domain *d);   /* a zeroed frame of d (its MFN) */
uint64_t *tab(unsigned long mfn);
static inline uint64_t pte(unsigned long mfn, uint64_t flags) { return mk_pte(mfn, flags); }
struct page_info *pg(unsigned long mfn);
uint32_t gcount(unsigned long mfn);      /* general count */
uint32_t tcount(unsigned long mfn);      /* type count */
uint32_t ptype(unsigned long mfn);       /* type bits incl. pae_xen_l2 */
bool frame_is_free(unsigned long mfn);
bool audit_ok(void);                     /* mm_audit() found nothing */

/*
 * Hold a table the way a pin does (the auditor sees pins; a bare reference
 * held by the test would look like a leak to it), and let go again.
 */
int pin(unsigned long mfn, uint32_t type);
void unpin(unsigned long mfn);

/* Repeat a preemptible call until it stops saying -ERESTART. */
#define UNTIL_DONE(call) ({ int rc_; unsigned int n_ = 0; \
    while ((rc_ = (call)) == -ERESTART && ++n_ < 100000) ; rc_; })

#endif
