/*
 * The frame allocator: which pseudo-physical frames of the direct map are
 * free.  One bit per frame (1 = in use), next-fit search for runs, so the
 * heap's single pages and the occasional multi-page buffer (a kernel image
 * being loaded, a P2M) come from one pool.  Frames the kernel holds for
 * good (image, ramfs, P2M, start_info, page tables) are reserved at boot
 * and counted apart, so "free" in the statistics is what the heap and the
 * tools can still get.
 *
 * Callers: mm.c (boot), heap.c (pages for malloc), the OS interface
 * (os_alloc_pages).  Not reentrant (nothing in Dom0 is interrupted).
 */
#include "mm.h"

#define MAX_WORDS ((DIRECT_MAX_PAGES + 31) / 32)

static uint32_t used[MAX_WORDS];
static uint32_t nr_frames, nr_free, nr_kernel, hint;
static bool ready;

static bool is_used(uint32_t pfn) { return used[pfn / 32] & (1u << (pfn % 32)); }

static void set_used(uint32_t pfn, bool u)
{
    if (u)
        used[pfn / 32] |= 1u << (pfn % 32);
    else
        used[pfn / 32] &= ~(1u << (pfn % 32));
}

void frames_init(uint32_t nr_direct)
{
    nr_frames = nr_free = nr_direct;
}

void frames_reserve(uint32_t pfn, uint32_t n)
{
    for (uint32_t i = pfn; i < pfn + n && i < nr_frames; i++) {
        if (!is_used(i)) {
            set_used(i, true);
            nr_free--;
        }
    }
}

void frames_set_hint(uint32_t pfn) { hint = pfn < nr_frames ? pfn : 0; }
/* What is in use when the kernel is up (image, ramfs, P2M, start_info,
 * page tables) stays in use: that is the kernel's share. */
void frames_ready(void)
{
    ready = true;
    nr_kernel = nr_frames - nr_free;
}

long frame_alloc(uint32_t n)
{
    if (n == 0 || n > nr_free)
        return -1;
    for (uint32_t pass = 0, start = hint; pass < 2; pass++, start = 0) {
        uint32_t run = 0;
        for (uint32_t i = start; i < nr_frames; i++) {
            if (run == 0 && !(i % 32) && used[i / 32] == ~0u) {
                i += 31;                    /* skip a full word */
                continue;
            }
            run = is_used(i) ? 0 : run + 1;
            if (run == n) {
                uint32_t first = i + 1 - n;
                for (uint32_t j = first; j <= i; j++)
                    set_used(j, true);
                nr_free -= n;
                hint = i + 1 < nr_frames ? i + 1 : 0;
                if (ready)
                    memset(pfn_to_virt(first), 0, n * PAGE_SIZE);
                return first;
            }
        }
    }
    return -1;
}

void frame_free(uint32_t pfn, uint32_t n)
{
    for (uint32_t i = pfn; i < pfn + n; i++) {
        BUG_ON(i >= nr_frames || !is_used(i));
        set_used(i, false);
    }
    nr_free += n;
}

void frames_stats(struct frame_stats *st)
{
    st->total = nr_frames;
    st->free = nr_free;
    st->kernel = nr_kernel;
}
