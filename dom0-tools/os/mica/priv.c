/*
 * The OS interface on Mica's Dom0 kernel: the privileged part (os_priv.h)
 * -- the raw hypercall entry, hypercall buffers and foreign mappings.
 *
 * Every address of Dom0 is a valid guest address for the hypervisor, so
 * a hypercall buffer is plain heap memory.  Foreign mappings take slots of
 * the kernel's mapping window (kernel/mm.h) and have the hypervisor write
 * their PTEs with mmu_update naming the owner as foreign domain, which is
 * where the ownership and page-type checks happen.
 */
#include "os_priv.h"
#include "../../kernel/mm.h"
#include "../../kernel/hypercall.h"
#include <errno.h>
#include <stdlib.h>

long os_hypercall(unsigned int nr, unsigned long a1, unsigned long a2,
                  unsigned long a3, unsigned long a4, unsigned long a5)
{
    return hypercall_raw(nr, a1, a2, a3, a4, a5);
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

int os_foreign_map(uint16_t dom, const uint32_t *mfns, unsigned int n, bool writable,
                   void **addr)
{
    void *va;
    int rc;

    if (n == 0 || n > WINDOW_PAGES)
        return -EINVAL;
    if (!(va = window_alloc(n)))
        return -ENOSPC;
    rc = window_map(va, mfns, n, dom, writable);
    if (rc) {
        window_free(va, n);
        return rc;
    }
    *addr = va;
    return 0;
}

int os_foreign_unmap(void *addr, unsigned int n)
{
    uintptr_t va = (uintptr_t)addr;

    if (n == 0 || va < WINDOW_START || va & (PAGE_SIZE - 1) ||
        n > (WINDOW_END - va) / PAGE_SIZE)
        return -EINVAL;
    window_unmap(addr, n);
    window_free(addr, n);
    return 0;
}
