/*
 * Dom0's device support (hw.h says what and why): the virtual IOPL, DMA
 * memory and its machine addresses, and device interrupts shared per GSI.
 *
 * Contiguous DMA memory.  hw_dma_alloc(n) takes n frames from the frame
 * allocator; if their P2M entries are consecutive and below 4 GiB (Dom0's
 * memory is usually handed out in order) they are used as they are.
 * Otherwise the run is rounded up to a power of two and exchanged, as
 * Linux's xen_create_contiguous_region does: the frames' direct-map PTEs
 * are cleared (XENMEM_exchange takes only frames nothing maps), the
 * hypervisor swaps them for one extent of that order below 4 GiB, and
 * each pfn gets its new frame in the M2P (MMU_MACHPHYS_UPDATE), the P2M
 * and the direct map.  If the exchange fails the old frames are mapped
 * back and nothing is lost.
 *
 * Interrupt lines.  One struct hw_line per GSI in use: its PIRQ (= the
 * GSI, as Linux numbers them), its event channel, its handlers.  The
 * event handler runs every handler, counts the interrupts nobody claimed
 * (a shared line's other device, or a spurious one), and EOIs.
 */
#include "hw.h"
#include "os_blk.h"
#include "../kernel/kernel.h"
#include "../kernel/mm.h"
#include "../kernel/events.h"
#include "../kernel/hypercall.h"
#include <stdlib.h>
#include <errno.h>
#include <stdio.h>

/* dma=exchange: every multi-page DMA allocation goes through
 * XENMEM_exchange, even when the frames are already contiguous (on QEMU
 * Dom0's memory usually is, and the path would never run in the tests). */
static bool always_exchange;
static unsigned int nr_exchanges;

int hw_init(void)
{
    struct physdev_set_iopl p = { .iopl = 1 };
    char opt[16];

    always_exchange = cmdline_get("dma", opt, sizeof(opt)) && !strcmp(opt, "exchange");
    return (int)HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &p);
}

unsigned int hw_dma_exchanges(void)
{
    return nr_exchanges;
}

/* ---- DMA memory ---- */

#define PTE_RW (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

static bool usable_as_is(uint32_t pfn, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        if (p2m[pfn + i] != p2m[pfn] + i || p2m[pfn + i] >= (1u << (32 - PAGE_SHIFT)))
            return false;
    return true;
}

static void map_direct(uint32_t pfn, uint32_t mfn)
{
    long rc = HYPERVISOR_update_va_mapping((unsigned long)(uintptr_t)pfn_to_virt(pfn),
                                           ((uint64_t)mfn << PAGE_SHIFT) | PTE_RW,
                                           UVMF_INVLPG);
    BUG_ON(rc);
}

/* Swap the frames of pfn..pfn+2^order-1 for one machine-contiguous extent. */
static int exchange(uint32_t pfn, unsigned int order)
{
    unsigned int n = 1u << order;
    xen_pfn_t *in = malloc(n * sizeof(*in));
    xen_pfn_t out = pfn;
    struct xen_memory_exchange x = { 0 };
    long rc;

    if (!in)
        return -ENOMEM;
    for (unsigned int i = 0; i < n; i++) {
        in[i] = p2m[pfn + i];
        rc = HYPERVISOR_update_va_mapping((unsigned long)(uintptr_t)pfn_to_virt(pfn + i),
                                          0, UVMF_INVLPG);
        BUG_ON(rc);
    }
    set_xen_guest_handle(x.in.extent_start, in);
    x.in.nr_extents = n;
    x.in.domid = DOMID_SELF;
    set_xen_guest_handle(x.out.extent_start, &out);
    x.out.nr_extents = 1;
    x.out.extent_order = order;
    x.out.mem_flags = XENMEMF_address_bits(32);
    x.out.domid = DOMID_SELF;
    rc = HYPERVISOR_memory_op(XENMEM_exchange, &x);
    if (rc || x.nr_exchanged != n) {
        for (unsigned int i = 0; i < n; i++)
            map_direct(pfn + i, in[i]);
        free(in);
        return rc ? (int)rc : -ENOMEM;
    }
    for (unsigned int i = 0; i < n; i++) {
        mmu_update_t u = { .ptr = ((uint64_t)(out + i) << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE,
                           .val = pfn + i };
        rc = HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF);
        BUG_ON(rc);
        mm_p2m_set(pfn + i, out + i);
        map_direct(pfn + i, out + i);
    }
    free(in);
    memset(pfn_to_virt(pfn), 0, n * PAGE_SIZE);
    nr_exchanges++;
    return 0;
}

void *hw_dma_alloc(unsigned int n)
{
    unsigned int order = 0;
    long pfn;

    if (n == 0 || n > 512)
        return NULL;
    pfn = frame_alloc(n);
    if (pfn < 0)
        return NULL;
    if (usable_as_is((uint32_t)pfn, n) && !(always_exchange && n > 1))
        return pfn_to_virt((uint32_t)pfn);
    frame_free((uint32_t)pfn, n);
    while ((1u << order) < n)
        order++;
    pfn = frame_alloc(1u << order);
    if (pfn < 0)
        return NULL;
    if (exchange((uint32_t)pfn, order)) {
        frame_free((uint32_t)pfn, 1u << order);
        return NULL;
    }
    if (n < (1u << order))
        frame_free((uint32_t)pfn + n, (1u << order) - n);  /* the tail stays ours */
    return pfn_to_virt((uint32_t)pfn);
}

void hw_dma_free(void *va, unsigned int n)
{
    if (va)
        frame_free(virt_to_pfn(va), n);
}

uint64_t hw_dma_maddr(const void *va)
{
    uint32_t v = (uint32_t)(uintptr_t)va;
    uint64_t pte;

    if (v >= VIRT_BASE && v < VIRT_BASE + (mm_nr_direct << PAGE_SHIFT))
        return virt_to_maddr(va);
    if (v >= WINDOW_START && v < WINDOW_END) {
        pte = window_pte(va);
        if (!(pte & _PAGE_PRESENT))
            return 0;
        return ((uint64_t)PTE_MFN(pte) << PAGE_SHIFT) | (v & ~PAGE_MASK);
    }
    return 0;
}

/* os_blk.h: what a disk's driver would find for a segment's page. */
uint64_t os_blk_dma_addr(const void *va)
{
    return hw_dma_maddr(va);
}

int hw_pci_removed(uint16_t bdf)
{
    struct physdev_manage_pci p = { .bus = (uint8_t)(bdf >> 8), .devfn = (uint8_t)bdf };

    return (int)HYPERVISOR_physdev_op(PHYSDEVOP_manage_pci_remove, &p);
}

/* ---- interrupt lines ---- */

struct hw_line {
    unsigned int gsi;
    int pirq;
    int port;
    struct hw_irq *handlers;
    uint64_t fired, nobody;
    struct hw_line *next;
};

static struct hw_line *lines;

static int run_line(struct hw_line *l)
{
    struct physdev_eoi eoi = { .irq = (uint32_t)l->pirq };
    int claimed = 0;

    l->fired++;
    for (struct hw_irq *h = l->handlers, *next; h; h = next) {
        next = h->next;             /* a handler may detach itself */
        if (h->fn(h->arg)) {
            h->count++;
            claimed++;
        } else {
            h->unclaimed++;
        }
    }
    if (!claimed)
        l->nobody++;
    HYPERVISOR_physdev_op(PHYSDEVOP_eoi, &eoi);
    return claimed;
}

static void line_event(void *arg, evtchn_port_t port)
{
    (void)port;
    run_line(arg);
}

static struct hw_line *line_get(unsigned int gsi, int *err)
{
    struct physdev_map_pirq m = { .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_GSI,
                                  .index = (int)gsi, .pirq = (int)gsi };
    struct hw_line *l;
    long rc;

    for (l = lines; l; l = l->next)
        if (l->gsi == gsi)
            return l;
    if (!(l = calloc(1, sizeof(*l)))) {
        *err = -ENOMEM;
        return NULL;
    }
    rc = HYPERVISOR_physdev_op(PHYSDEVOP_map_pirq, &m);
    if (rc) {
        free(l);
        *err = (int)rc;
        return NULL;
    }
    l->gsi = gsi;
    l->pirq = m.pirq;
    l->port = evtchn_bind_pirq((uint32_t)m.pirq, BIND_PIRQ__WILL_SHARE, line_event, l);
    if (l->port < 0) {
        struct physdev_unmap_pirq u = { .domid = DOMID_SELF, .pirq = m.pirq };
        *err = l->port;
        HYPERVISOR_physdev_op(PHYSDEVOP_unmap_pirq, &u);
        free(l);
        return NULL;
    }
    l->next = lines;
    lines = l;
    return l;
}

int hw_irq_attach(struct hw_irq *h, unsigned int gsi, hw_irq_fn *fn, void *arg)
{
    int err = 0;
    struct hw_line *l = line_get(gsi, &err);

    if (!l)
        return err;
    h->fn = fn;
    h->arg = arg;
    h->line = l;
    h->count = h->unclaimed = 0;
    h->next = l->handlers;
    l->handlers = h;
    return 0;
}

void hw_irq_detach(struct hw_irq *h)
{
    struct hw_line *l = h->line, **lp;
    struct hw_irq **pp;

    if (!l)
        return;
    for (pp = &l->handlers; *pp; pp = &(*pp)->next)
        if (*pp == h) {
            *pp = h->next;
            break;
        }
    h->line = NULL;
    if (l->handlers)
        return;
    struct physdev_unmap_pirq u = { .domid = DOMID_SELF, .pirq = l->pirq };
    evtchn_close_port((evtchn_port_t)l->port);
    HYPERVISOR_physdev_op(PHYSDEVOP_unmap_pirq, &u);
    for (lp = &lines; *lp; lp = &(*lp)->next)
        if (*lp == l) {
            *lp = l->next;
            break;
        }
    free(l);
}

int hw_irq_simulate(struct hw_irq *h)
{
    return h->line ? run_line(h->line) : 0;
}

void hw_irq_where(const struct hw_irq *h, int *pirq, int *port)
{
    *pirq = h->line ? h->line->pirq : -1;
    *port = h->line ? h->line->port : -1;
}

void hw_irq_line_stats(const struct hw_irq *h, uint64_t *fired, uint64_t *nobody)
{
    *fired = h->line ? h->line->fired : 0;
    *nobody = h->line ? h->line->nobody : 0;
}

/*
 * irqs: the device interrupt lines Dom0 listens to -- GSI, PIRQ, event
 * channel, handlers, interrupts taken and those no handler claimed.
 * `irqs -s GSI N` runs the line's handlers N times as if it had fired
 * with nothing to do (each followed by its EOI, as for a real one): the
 * spurious-interrupt test -- every driver must find its device idle, claim
 * nothing and lose nothing.
 */
int hw_irqs_main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "-s")) {
        char *e1, *e2;
        unsigned long gsi = strtoul(argv[2], &e1, 0), n = strtoul(argv[3], &e2, 0);
        struct hw_line *l;
        if (*e1 || *e2 || n == 0 || n > 1000000) {
            printf("usage: irqs [-s GSI N]\n");
            return 2;
        }
        for (l = lines; l && l->gsi != gsi; l = l->next)
            ;
        if (!l) {
            printf("irqs: no device listens to GSI %lu\n", gsi);
            return 1;
        }
        unsigned long claimed = 0;
        for (unsigned long i = 0; i < n; i++)
            claimed += (unsigned long)run_line(l);
        printf("irqs: GSI %lu fired %lu times by hand, claimed %lu times\n", gsi, n, claimed);
        return 0;
    }
    if (argc != 1) {
        printf("usage: irqs [-s GSI N]\n");
        return 2;
    }
    if (!lines) {
        printf("irqs: no device interrupt lines\n");
        return 0;
    }
    printf(" GSI  PIRQ  PORT  HANDLERS       FIRED   UNCLAIMED\n");
    for (struct hw_line *l = lines; l; l = l->next) {
        unsigned int nh = 0;
        for (struct hw_irq *h = l->handlers; h; h = h->next)
            nh++;
        printf("%4u  %4d  %4d  %8u  %10llu  %10llu\n", l->gsi, l->pirq, l->port, nh,
               (unsigned long long)l->fired, (unsigned long long)l->nobody);
    }
    return 0;
}
