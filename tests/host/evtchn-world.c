/*
 * The fake world of evtchn-world.h.  Stands in for everything the event
 * code calls outside itself: the heap, domain lookup, vCPU wake-ups, and
 * guest_frame.c's registrations.
 */
#include <mica/fail_inject.h>
#include "evtchn-world.h"
#include <mica/xsm.h>
#include <mica/guest_frame.h>
#include <mica/printk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct domain *doms[NDOM];
int kicks[NDOM], poll_checks[NDOM];
evtchn_port_t last_poll_port;
long heap_extra_pages;

static uint8_t frames[W_NFRAMES][4096] __attribute__((aligned(4096)));
static struct domain *frame_owner[W_NFRAMES];
static bool frame_table[W_NFRAMES];
static unsigned int regs[W_NFRAMES];

/* Like the hypervisor's, these allocations can be made to fail (fail_inject.c). */
void *xzalloc_bytes(size_t n) { return alloc_fail_now() ? NULL : calloc(1, n); }
void xfree_bytes(void *p, size_t n) { free(p); }

void *domain_xzalloc(struct domain *d, size_t n)
{
    void *p = alloc_fail_now() ? NULL : calloc(1, n);
    if (p) {
        d->mm_heap_extra++;
        heap_extra_pages++;
    }
    return p;
}

void domain_xfree(struct domain *d, void *p, size_t n)
{
    if (!p)
        return;
    free(p);
    d->mm_heap_extra--;
    heap_extra_pages--;
}

void vcpu_kick(struct vcpu *v) { kicks[v->domain->domain_id]++; }
void vcpu_poll_check(struct vcpu *v, evtchn_port_t p)
{
    poll_checks[v->domain->domain_id]++;
    last_poll_port = p;
}

struct domain *domain_lookup(domid_t id)
{
    for (int i = 0; i < NDOM; i++)
        if (doms[i] && doms[i]->domain_id == id)
            return doms[i];
    return NULL;
}

int guest_frame_get(struct domain *d, unsigned long mfn, void **va)
{
    if (mfn >= W_NFRAMES || frame_owner[mfn] != d || frame_table[mfn])
        return -EINVAL;
    regs[mfn]++;
    *va = frames[mfn];
    return 0;
}

void guest_frame_put(struct domain *d, unsigned long mfn)
{
    if (mfn >= W_NFRAMES || frame_owner[mfn] != d || !regs[mfn])
        abort();
    regs[mfn]--;
}

void frame_give(unsigned long mfn, struct domain *d)
{
    frame_owner[mfn] = d;
    frame_table[mfn] = false;
    memset(frames[mfn], 0, 4096);
}

void frame_make_table(unsigned long mfn) { frame_table[mfn] = true; }
unsigned int frame_regs(unsigned long mfn) { return regs[mfn]; }
void *frame_va(unsigned long mfn) { return frames[mfn]; }

static struct domain *mkdom(domid_t id, bool priv, unsigned int nvcpus)
{
    struct domain *d = calloc(1, sizeof(*d));
    d->domain_id = id;
    d->is_privileged = priv;
    d->xsm_caps = xsm_initial_caps(priv);
    d->state = DOMSTATE_RUNNING;
    d->shared_info = calloc(1, 4096);
    d->max_vcpus = nvcpus;
    for (unsigned int i = 0; i < nvcpus; i++) {
        struct vcpu *v = calloc(1, sizeof(struct vcpu));
        v->domain = d;
        v->vcpu_id = i;
        v->vcpu_info = &d->shared_info->vcpu_info[i];
        v->vcpu_info->evtchn_upcall_mask = 1;
        d->vcpu[i] = v;
    }
    if (evtchn_init(d))
        abort();
    return d;
}

void world_setup(unsigned int nvcpus)
{
    if (nvcpus > MAX_VIRT_CPUS)
        nvcpus = MAX_VIRT_CPUS;
    for (int i = 0; i < NDOM; i++) {
        doms[i] = mkdom((domid_t)i, i == 0, nvcpus);
        kicks[i] = poll_checks[i] = 0;
    }
    memset(frame_owner, 0, sizeof(frame_owner));
    memset(regs, 0, sizeof(regs));
    heap_extra_pages = 0;
}

/* ---- a fake interrupt controller and clock, for pirq.c and irq.c -------- */

uint8_t w_line_masked[W_NIRQS];
unsigned int w_unmasks[W_NIRQS], w_masks[W_NIRQS];
s_time_t w_now;
struct timer *w_timers[W_NIRQS * 2];

void arch_irq_mask(unsigned int irq)
{
    if (irq < W_NIRQS) {
        w_line_masked[irq] = 1;
        w_masks[irq]++;
    }
}

void arch_irq_unmask(unsigned int irq)
{
    if (irq < W_NIRQS) {
        w_line_masked[irq] = 0;
        w_unmasks[irq]++;
    }
}

int arch_irq_setup_msi(unsigned int irq) { return irq < W_NIRQS ? 0 : -ENOSPC; }

/* MSI devices: the fake programs nothing, it records who holds what. */
int w_msi_rc;                           /* the next setups' answer */
int w_msi_bdf[W_NIRQS];                 /* -1 (or 0 before any): none */
bool w_msi_on[W_NIRQS];
int arch_msi_setup(unsigned int irq, uint16_t bdf, bool msix, unsigned int entry)
{
    if (w_msi_rc || irq >= W_NIRQS)
        return w_msi_rc ? w_msi_rc : -EINVAL;
    w_msi_on[irq] = true;
    w_msi_bdf[irq] = bdf | (msix ? 0x10000 : 0) | (int)(entry << 17);
    return 0;
}
void arch_msi_teardown(unsigned int irq)
{
    if (irq < W_NIRQS)
        w_msi_on[irq] = false;
}
void arch_irq_teardown_msi(unsigned int irq) { (void)irq; }

s_time_t NOW(void) { return w_now; }

void init_timer(struct timer *t, void (*fn)(void *data), void *data)
{
    memset(t, 0, sizeof(*t));
    t->fn = fn;
    t->data = data;
}

void set_timer(struct timer *t, s_time_t expires)
{
    t->expires = expires;
    t->active = true;
}

void stop_timer(struct timer *t) { t->active = false; }

void world_irqs(unsigned int ngsi, unsigned int nirqs)
{
    free(irq_descs);
    irq_descs = NULL;
    irq_table_init(ngsi, nirqs);
    memset(w_line_masked, 1, sizeof(w_line_masked));
    memset(w_unmasks, 0, sizeof(w_unmasks));
    memset(w_masks, 0, sizeof(w_masks));
    w_now = 0;
}

void printk_level(enum log_level lvl, const char *fmt, ...) { (void)lvl; (void)fmt; }

void panic(const char *fmt, ...)
{
    fprintf(stderr, "panic: %s\n", fmt);
    abort();
}

void bug_fail(const char *file, int line, const char *cond)
{
    fprintf(stderr, "BUG at %s:%d: %s\n", file, line, cond);
    abort();
}
