/*
 * The privileged OS interface (dom0-tools/os/os_priv.h) for test guests,
 * so that a privileged test guest runs the toolstack's libctrl and domain
 * builder unchanged (tests/guest/ctl.mk).
 *
 *   hypercalls   through the hypercall page;
 *   buffers      the test heap (tests/guest/xs/heap.c): every address of
 *                the guest is a valid guest address;
 *   mappings     a window of CTL_WINDOW_PAGES slots at CTL_WINDOW_VA, four
 *                L1 tables made from spare frames and hooked into the
 *                slot-3 L2 with mmu_update (the hypervisor validates them
 *                as L1s); a foreign frame is mapped by writing its PTE
 *                with mmu_update naming its owner as foreigndom -- the
 *                privileged domain's right, checked there.
 *
 * ctl_init() must run first (it also sets up the heap).
 */
#include <test.h>
#include <pt.h>
#include "os_priv.h"
#include "ctl_guest.h"
#include "../xs/heap.h"
#include <errno.h>
#include <stdlib.h>

#define CTL_WINDOW_VA    0xE0000000u
#define CTL_WINDOW_L1S   4u
#define CTL_WINDOW_PAGES (CTL_WINDOW_L1S * 512u)

static uint8_t heap_arena[512 * 1024] __attribute__((aligned(4096)));
static uint32_t window_l1[CTL_WINDOW_L1S];
static uint8_t slot_used[CTL_WINDOW_PAGES];

/* The C library functions the shared hypervisor code needs and the test
 * runtime lacks. */
char *strchr(const char *s, int c);
char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

size_t strlcpy(char *dst, const char *src, size_t size);
size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

void ctl_init(void)
{
    uint64_t e[3];

    heap_init(heap_arena, sizeof(heap_arena));
    /* The L2 of the window's GiB (slot 3, which always has one): the first
     * step of a walk to the window, which stops at the absent L2 entry. */
    pt_walk(CTL_WINDOW_VA, e);
    uint32_t l2 = PTE_MFN(e[0]);
    for (unsigned int i = 0; i < CTL_WINDOW_L1S; i++) {
        uint32_t va = CTL_WINDOW_VA + i * (512u << 12);
        window_l1[i] = make_table(NULL, 0, 0);
        long rc = mmu1(MADDR(l2, L2_INDEX(va)) | MMU_NORMAL_PT_UPDATE,
                       PTE(window_l1[i], _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED |
                                         _PAGE_DIRTY));
        if (rc) {
            test_error("hooking the mapping window's L1 %u in failed (%ld)", i, rc);
            test_exit();
        }
    }
}

long os_hypercall(unsigned int nr, unsigned long a1, unsigned long a2,
                  unsigned long a3, unsigned long a4, unsigned long a5)
{
    return hypercall5(nr, (long)a1, (long)a2, (long)a3, (long)a4, (long)a5);
}

void *os_hcall_buf_alloc(size_t size)
{
    return calloc(1, size);
}

void os_hcall_buf_free(void *buf, size_t size)
{
    (void)size;
    free(buf);
}

static uint64_t slot_maddr(unsigned int slot)
{
    return MADDR(window_l1[slot / 512], slot % 512) | MMU_NORMAL_PT_UPDATE;
}

static void clear_slots(unsigned int first, unsigned int n)
{
    mmu_update_t req[32];

    for (unsigned int done = 0; done < n;) {
        unsigned int k = n - done < 32 ? n - done : 32;
        for (unsigned int i = 0; i < k; i++)
            req[i] = (mmu_update_t){ .ptr = slot_maddr(first + done + i), .val = 0 };
        if (HYPERVISOR_mmu_update(req, k, NULL, DOMID_SELF))
            test_error("clearing window slots failed");
        done += k;
    }
    mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
}

int os_foreign_map(uint16_t dom, const uint32_t *mfns, unsigned int n, bool writable,
                   void **addr)
{
    mmu_update_t req[32];
    unsigned int first = 0, run = 0;

    for (unsigned int s = 0; s < CTL_WINDOW_PAGES && run < n; s++) {
        run = slot_used[s] ? 0 : run + 1;
        first = s + 1 - run;
    }
    if (n == 0 || run < n)
        return -ENOSPC;
    for (unsigned int done = 0; done < n;) {
        unsigned int k = n - done < 32 ? n - done : 32, ok = 0;
        for (unsigned int i = 0; i < k; i++)
            req[i] = (mmu_update_t){
                .ptr = slot_maddr(first + done + i),
                .val = PTE(mfns[done + i], _PAGE_PRESENT | _PAGE_ACCESSED |
                                           (writable ? _PAGE_RW | _PAGE_DIRTY : 0)) };
        long rc = HYPERVISOR_mmu_update(req, k, &ok, dom);
        if (rc) {
            clear_slots(first, done + ok);
            return (int)rc;
        }
        done += k;
    }
    for (unsigned int i = 0; i < n; i++)
        slot_used[first + i] = 1;
    *addr = (void *)(uintptr_t)(CTL_WINDOW_VA + first * PAGE_SIZE);
    return 0;
}

int os_foreign_unmap(void *addr, unsigned int n)
{
    uint32_t va = (uint32_t)(uintptr_t)addr;
    unsigned int first = (va - CTL_WINDOW_VA) / PAGE_SIZE;

    if (va < CTL_WINDOW_VA || va & (PAGE_SIZE - 1) || n == 0 ||
        first + n > CTL_WINDOW_PAGES)
        return -EINVAL;
    for (unsigned int i = 0; i < n; i++)
        if (!slot_used[first + i])
            return -EINVAL;
    clear_slots(first, n);
    for (unsigned int i = 0; i < n; i++)
        slot_used[first + i] = 0;
    return 0;
}

unsigned int ctl_window_in_use(void)
{
    unsigned int n = 0;

    for (unsigned int s = 0; s < CTL_WINDOW_PAGES; s++)
        n += slot_used[s];
    return n;
}
