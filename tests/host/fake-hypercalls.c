/*
 * The simulated hypervisor of fake-hypercalls.h, part 1: machine memory,
 * frames, hypercall buffers, foreign mappings and the hypercall entry.
 * The operations themselves are in fake-hypercalls-ops.c.
 *
 * Ownership rule, as in Xen: a frame is free, or owned by one domain (a
 * Xen page such as shared_info or a grant frame is owned by the domain it
 * is shared with, flagged xen).  A destroyed domain's frame that is still
 * foreign-mapped becomes a zombie, still counted, freed at its last unmap.
 */
#define _GNU_SOURCE             /* memfd_create, MAP_32BIT */
#include "fake-hypercalls.h"
#include "fake-hypercalls-int.h"
#include "os_priv.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct fx fx;

#define MAX_BUFS 256
#define MAX_MAPS 64

static struct { uint8_t *p; size_t size; } bufs[MAX_BUFS];
static struct { uint8_t *va; unsigned int n; uint32_t *mfns; bool w; } maps[MAX_MAPS];
static uint32_t free_stack[FX_FRAMES];

void fx_reset(void)
{
    fx_fini();
    memset(&fx, 0, sizeof(fx));
    memset(bufs, 0, sizeof(bufs));
    memset(maps, 0, sizeof(maps));
    fx.memfd = memfd_create("fx-machine", 0);
    if (fx.memfd < 0 || ftruncate(fx.memfd, (off_t)FX_FRAMES * 4096)) {
        perror("fake hypervisor: machine memory");
        abort();
    }
    fx.mach = mmap(NULL, (size_t)FX_FRAMES * 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
                   fx.memfd, 0);
    if (fx.mach == MAP_FAILED) {
        perror("fake hypervisor: mapping machine memory");
        abort();
    }
    /* Free frames are handed out in a scrambled order (2749 is odd, so
     * i * 2749 mod 8192 is a permutation). */
    for (unsigned int i = 0; i < FX_FRAMES; i++) {
        fx.frame[i].owner = FX_NO_OWNER;
        free_stack[FX_FRAMES - 1 - i] = (i * 2749u) % FX_FRAMES;
    }
    fx.free_frames = FX_FRAMES;
    fx.dom[0] = (struct fx_dom){ .exists = true, .id = 0, .max_vcpus = 1 };
    fx.next_domid = 1;
    fx.fail_rc = -ENOMEM;
    snprintf(fx.console, sizeof(fx.console), "(mica) Mica hypervisor\n(mica) d0 built\n");
}

void fx_fini(void)
{
    for (unsigned int i = 0; i < MAX_MAPS; i++)
        if (maps[i].va) {
            munmap(maps[i].va, (size_t)maps[i].n * 4096);
            free(maps[i].mfns);
            maps[i].va = NULL;
        }
    for (unsigned int i = 0; i < MAX_BUFS; i++)
        if (bufs[i].p) {
            munmap(bufs[i].p, bufs[i].size);
            bufs[i].p = NULL;
        }
    if (fx.mach)
        munmap(fx.mach, (size_t)FX_FRAMES * 4096);
    if (fx.memfd > 0)
        close(fx.memfd);
    fx.mach = NULL;
    fx.memfd = 0;
}

struct fx_dom *fx_dom(uint16_t id)
{
    for (unsigned int i = 0; i < FX_MAX_DOMS; i++)
        if (fx.dom[i].exists && fx.dom[i].id == id)
            return &fx.dom[i];
    return NULL;
}

struct fx_frame *fx_frame(uint32_t mfn)
{
    if (mfn < FX_MFN_BASE || mfn - FX_MFN_BASE >= FX_FRAMES)
        return NULL;
    return &fx.frame[mfn - FX_MFN_BASE];
}

void *fx_page(uint32_t mfn)
{
    return fx_frame(mfn) ? fx.mach + (size_t)(mfn - FX_MFN_BASE) * 4096 : NULL;
}

unsigned int fx_frames_of(uint16_t id)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < FX_FRAMES; i++)
        n += fx.frame[i].owner == id;
    return n;
}

unsigned int fx_domains(void)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < FX_MAX_DOMS; i++)
        n += fx.dom[i].exists && fx.dom[i].id != 0;
    return n;
}

unsigned int fx_ports(uint16_t id)
{
    struct fx_dom *d = fx_dom(id);
    unsigned int n = 0;

    for (unsigned int p = 0; d && p < FX_MAX_PORTS; p++)
        n += d->port[p].used;
    return n;
}

/* ---- frames ---- */

uint32_t fx_alloc_frame(uint16_t owner, bool xen)
{
    if (!fx.free_frames)
        return 0;
    uint32_t i = free_stack[--fx.free_frames];
    fx.frame[i] = (struct fx_frame){ .owner = owner, .xen = xen, .gpfn = ~0u };
    memset(fx.mach + (size_t)i * 4096, 0, 4096);
    return FX_MFN_BASE + i;
}

uint32_t fx_alloc_run(uint16_t owner, unsigned int order)
{
    uint32_t n = 1u << order;

    if (order == 0)
        return fx_alloc_frame(owner, false);
    if (fx.no_superpages)
        return 0;
    for (uint32_t first = 0; first + n <= FX_FRAMES; first += n) {
        uint32_t i;
        for (i = 0; i < n && fx.frame[first + i].owner == FX_NO_OWNER; i++)
            ;
        if (i < n)
            continue;
        /* Take the run out of the free stack, keeping the others' order. */
        unsigned int k = 0;
        for (unsigned int j = 0; j < fx.free_frames; j++)
            if (free_stack[j] < first || free_stack[j] >= first + n)
                free_stack[k++] = free_stack[j];
        fx.free_frames = k;
        for (i = 0; i < n; i++) {
            fx.frame[first + i] = (struct fx_frame){ .owner = owner, .gpfn = ~0u };
            memset(fx.mach + (size_t)(first + i) * 4096, 0, 4096);
        }
        return FX_MFN_BASE + first;
    }
    return 0;
}

void fx_free_frame(uint32_t mfn)
{
    struct fx_frame *f = fx_frame(mfn);

    if (f->maps) {                      /* a foreign mapping keeps it */
        f->zombie = true;
        f->type = FX_NONE;
        f->pinned = false;
        return;
    }
    memset(fx_page(mfn), 0xdd, 4096);   /* freed memory is garbage */
    *f = (struct fx_frame){ .owner = FX_NO_OWNER };
    free_stack[fx.free_frames++] = mfn - FX_MFN_BASE;
}

/* ---- hypercall buffers: below 4 GiB, so a 32-bit handle reaches them ---- */

void *os_hcall_buf_alloc(size_t size)
{
    size_t len = (size + 4095) & ~(size_t)4095;

    for (unsigned int i = 0; i < MAX_BUFS; i++) {
        if (bufs[i].p)
            continue;
        void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
        if (p == MAP_FAILED)
            return NULL;
        bufs[i].p = p;
        bufs[i].size = len;
        fx.bufs_open++;
        return p;
    }
    return NULL;
}

void os_hcall_buf_free(void *buf, size_t size)
{
    if (!buf)
        return;
    for (unsigned int i = 0; i < MAX_BUFS; i++)
        if (bufs[i].p == buf) {
            if (((size + 4095) & ~(size_t)4095) != bufs[i].size) {
                fprintf(stderr, "fake hypervisor: buffer %p freed with size %zu\n", buf, size);
                abort();
            }
            munmap(buf, bufs[i].size);
            bufs[i].p = NULL;
            fx.bufs_open--;
            return;
        }
    fprintf(stderr, "fake hypervisor: freeing %p, not a hypercall buffer\n", buf);
    abort();
}

void *fx_user(uint64_t addr, size_t size)
{
    for (unsigned int i = 0; i < MAX_BUFS; i++) {
        uint64_t b = (uint64_t)(uintptr_t)bufs[i].p;
        if (bufs[i].p && addr >= b && addr - b <= bufs[i].size && size <= bufs[i].size - (addr - b))
            return (void *)(uintptr_t)addr;
    }
    return NULL;
}

/* ---- foreign mappings ---- */

int os_foreign_map(uint16_t dom, const uint32_t *mfns, unsigned int n, bool writable,
                   void **addr)
{
    unsigned int slot;
    uint8_t *va;

    if (fx.fail_map && --fx.fail_map == 0)
        return fx.fail_rc;
    if (dom == 0 || dom >= DOMID_FIRST_RESERVED || !fx_dom(dom))
        return -ESRCH;
    for (unsigned int i = 0; i < n; i++) {
        struct fx_frame *f = fx_frame(mfns[i]);
        if (!f || f->owner != dom || f->zombie)
            return -EINVAL;
        if (writable && f->type != FX_NONE)
            return -EINVAL;             /* a page table never becomes writable */
    }
    for (slot = 0; slot < MAX_MAPS && maps[slot].va; slot++)
        ;
    if (slot == MAX_MAPS)
        return -ENOSPC;
    va = mmap(NULL, (size_t)n * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (va == MAP_FAILED)
        return -ENOSPC;
    for (unsigned int i = 0; i < n; i++)
        if (mmap(va + (size_t)i * 4096, 4096, PROT_READ | (writable ? PROT_WRITE : 0),
                 MAP_SHARED | MAP_FIXED, fx.memfd,
                 (off_t)(mfns[i] - FX_MFN_BASE) * 4096) == MAP_FAILED)
            abort();
    maps[slot].va = va;
    maps[slot].n = n;
    maps[slot].w = writable;
    maps[slot].mfns = malloc(n * sizeof(uint32_t));
    memcpy(maps[slot].mfns, mfns, n * sizeof(uint32_t));
    for (unsigned int i = 0; i < n; i++) {
        fx_frame(mfns[i])->maps++;
        fx_frame(mfns[i])->wmaps += writable;
    }
    fx.maps_open++;
    fx.maps_made++;
    *addr = va;
    return 0;
}

int os_foreign_unmap(void *addr, unsigned int n)
{
    for (unsigned int s = 0; s < MAX_MAPS; s++) {
        if (maps[s].va != addr)
            continue;
        if (maps[s].n != n)
            return -EINVAL;
        munmap(addr, (size_t)n * 4096);
        for (unsigned int i = 0; i < n; i++) {
            struct fx_frame *f = fx_frame(maps[s].mfns[i]);
            f->maps--;
            f->wmaps -= maps[s].w;
            if (f->zombie && !f->maps)
                fx_free_frame(maps[s].mfns[i]);
        }
        free(maps[s].mfns);
        maps[s].va = NULL;
        fx.maps_open--;
        return 0;
    }
    return -EINVAL;
}

/* ---- the hypercall entry ---- */

long os_hypercall(unsigned int nr, unsigned long a1, unsigned long a2,
                  unsigned long a3, unsigned long a4, unsigned long a5)
{
    fx.calls++;
    if (nr < 64)
        fx.calls_by_nr[nr]++;
    if (fx.fail_call && --fx.fail_call == 0)
        return nr == __HYPERVISOR_memory_op && a1 <= 6 ? 0 : fx.fail_rc;
    switch (nr) {
    case __HYPERVISOR_domctl:
        return fx_domctl(a1);
    case __HYPERVISOR_sysctl:
        return fx_sysctl(a1);
    case __HYPERVISOR_memory_op:
        return fx_memory_op(a1, a2);
    case __HYPERVISOR_mmuext_op:
        return fx_mmuext_op(a1, a2, a3, a4);
    case __HYPERVISOR_event_channel_op:
        return fx_evtchn_op(a1, a2);
    case __HYPERVISOR_grant_table_op:
        return fx_gnttab_op(a1, a2, a3);
    case __HYPERVISOR_xen_version:
        return fx_xen_version(a1, a2);
    case __HYPERVISOR_sched_op:
        return fx_sched_op(a1, a2);
    default:
        (void)a5;
        return -ENOSYS;
    }
}
