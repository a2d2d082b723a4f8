/* The fake machine of mm-world.h. */
#include <mica/fail_inject.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include "mm-world.h"
#include <mica/xsm.h>
#include <mica/printk.h>
#include <mica/hypercall.h>
#include <mica/lib.h>
#include <asm/mm_arch.h>
#include <asm/m2p.h>

struct page_info *frame_table;
unsigned long max_mfn;
struct domain dom_a, dom_b, dom_priv;
LIST_HEAD(domain_list);
static struct vcpu w_vcpu[3];
struct vcpu *current;
unsigned int preempt_every;
unsigned long nr_preempt_checks, nr_flushes;
bool world_nx = true;
uint32_t w_m2p[W_FRAMES];
uint32_t tlbflush_clock = 1;
char last_log[512];
char world_log[8192];
static uint8_t *ram;

void *map_frame(unsigned long mfn)
{
    if (mfn >= W_FRAMES)
        abort();
    return ram + mfn * 4096;
}

bool arch_mfn_is_ram_high(unsigned long mfn) { return mfn >= W_IO_LIMIT; }
bool arch_iomem_hypervisor(unsigned long mfn) { return mfn == W_HV_IO; }

void clear_page(void *va) { memset(va, 0, 4096); }
void copy_page(void *dst, const void *src) { memmove(dst, src, 4096); }
void flush_guest_tlb(void) { nr_flushes++; tlbflush_clock++; }
void flush_guest_tlb_one(unsigned long va) { (void)va; }
void flush_cache_all(void) { }
bool cpu_has_nx(void) { return world_nx; }

bool hypercall_preempt_check(void)
{
    nr_preempt_checks++;
    return preempt_every && nr_preempt_checks % preempt_every == 0;
}

void m2p_set(unsigned long mfn, uint32_t pfn)
{
    if (mfn < W_FRAMES)
        w_m2p[mfn] = pfn;
}

/* The hypervisor's slots: links to hypervisor frames 4.., read-only. */
void m2p_fill_guest_l2(uint64_t *l2)
{
    for (unsigned int i = XEN_L2_FIRST_SLOT; i < 512; i++)
        l2[i] = i < XEN_L2_FIRST_SLOT + 4 ? mk_pte(4 + i - XEN_L2_FIRST_SLOT, P | A) : 0;
}

/* Like the hypervisor's, these allocations can be made to fail (fail_inject.c). */
void *xzalloc_bytes(size_t n) { return alloc_fail_now() ? NULL : calloc(1, n); }
void xfree_bytes(void *p, size_t n) { (void)n; free(p); }
void *domain_xzalloc(struct domain *d, size_t n)
{
    void *p = alloc_fail_now() ? NULL : calloc(1, n);
    if (p)
        d->mm_heap_extra++;
    return p;
}
void domain_xfree(struct domain *d, void *p, size_t n)
{
    (void)n;
    if (p) {
        free(p);
        d->mm_heap_extra--;
    }
}

void printk_level(enum log_level lvl, const char *fmt, ...)
{
    va_list ap;
    (void)lvl;
    va_start(ap, fmt);
    vsnprintf(last_log, sizeof(last_log), fmt, ap);
    va_end(ap);
    strncat(world_log, last_log, sizeof(world_log) - strlen(world_log) - 1);
    if (getenv("MM_WORLD_VERBOSE"))
        fputs(last_log, stderr);
}

void bug_fail(const char *file, int line, const char *cond)
{
    fprintf(stderr, "BUG at %s:%d: %s\n", file, line, cond);
    abort();
}

static void dom_init(struct domain *d, domid_t id, bool priv)
{
    memset(d, 0, sizeof(*d));
    d->domain_id = id;
    d->is_privileged = priv;
    d->xsm_caps = priv ? XSM_CAP_ALL : 0;
    d->max_pages = W_FRAMES;
    d->max_vcpus = 0;
    list_init(&d->page_list);
    list_init(&d->mm_pending);
    list_add_tail(&d->domain_list, &domain_list);
}

void world_init(void)
{
    ram = aligned_alloc(4096, (size_t)W_FRAMES * 4096);
    memset(ram, 0xa5, (size_t)W_FRAMES * 4096);
    frame_table = calloc(W_FRAMES, sizeof(struct page_info));
    max_mfn = W_FRAMES;
    heap_init();
    heap_add_range(W_FIRST_RAM, W_FRAMES - W_FIRST_RAM);
    list_init(&domain_list);
    dom_init(&dom_a, 1, false);
    dom_init(&dom_b, 2, false);
    dom_init(&dom_priv, 0, true);
    memset(w_m2p, 0xff, sizeof(w_m2p));
    world_set_current(&dom_a);
    preempt_every = 0;
    opt_mm_preempt_stress = false;
}

void world_set_current(struct domain *d)
{
    struct vcpu *v = &w_vcpu[d == &dom_a ? 0 : d == &dom_b ? 1 : 2];

    v->domain = d;
    current = v;
}

unsigned long frame(struct domain *d)
{
    struct page_info *p = mm_alloc_domain_frame(d);
    if (!p) {
        fprintf(stderr, "world: out of frames\n");
        abort();
    }
    return page_to_mfn(p);
}

uint64_t *tab(unsigned long mfn) { return map_frame(mfn); }
struct page_info *pg(unsigned long mfn) { return mfn_to_page(mfn); }
uint32_t gcount(unsigned long mfn) { return pg(mfn)->count_info & PGC_count_mask; }
uint32_t tcount(unsigned long mfn) { return pg(mfn)->type_info & PGT_count_mask; }
uint32_t ptype(unsigned long mfn) { return pg(mfn)->type_info & (PGT_type_mask | PGT_pae_xen_l2); }
bool frame_is_free(unsigned long mfn) { return pg(mfn)->count_info & PGC_free; }
bool audit_ok(void) { return mm_audit("host test") == 0; }

int pin(unsigned long mfn, uint32_t type)
{
    int rc = get_page_and_type(pg(mfn), pg(mfn)->owner, type);
    if (!rc)
        pg(mfn)->type_info |= PGT_pinned;
    return rc;
}

void unpin(unsigned long mfn)
{
    pg(mfn)->type_info &= ~PGT_pinned;
    put_page_and_type(pg(mfn));
}
