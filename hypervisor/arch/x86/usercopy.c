/*
 * Copies between the hypervisor and guest virtual memory.
 *
 * The guest's address space is live under the hypervisor (PML4 slot 0 of
 * the current vCPU's table), so a guest pointer is dereferenced directly --
 * after the range check -- by raw_copy() in entry.S, whose single faulting
 * instruction has an exception-table fixup.  CR0.WP is set, so a guest
 * cannot use a hypercall to write through one of its read-only mappings
 * (its page tables, the M2P): that faults and becomes -EFAULT like any
 * unmapped address.
 */
#include <mica/guest_access.h>
#include <mica/errno.h>
#include <public/xen.h>

unsigned long raw_copy(void *dst, const void *src, unsigned long n);

bool guest_range_ok(guest_va_t va, uint64_t len)
{
    return (uint64_t)va + len <= HYPERVISOR_VIRT_START;
}

/* (in parentheses: guest_access.h makes the names macros for small copies) */
int (copy_from_guest)(void *dst, guest_va_t src, size_t len)
{
    if (!guest_range_ok(src, len))
        return -EFAULT;
    if (len && raw_copy(dst, (const void *)(uintptr_t)src, len))
        return -EFAULT;
    return 0;
}

int guest_probe_writable(guest_va_t va, size_t len)
{
    if (!guest_range_ok(va, len))
        return -EFAULT;
    if (len == 0)
        return 0;
    uint64_t end = (uint64_t)va + len;
    for (uint64_t p = va; p < end; p = (p & ~0xfffULL) + 0x1000) {
        uint8_t b;
        if (raw_copy(&b, (const void *)(uintptr_t)p, 1) ||
            raw_copy((void *)(uintptr_t)p, &b, 1))
            return -EFAULT;
    }
    return 0;
}

int (copy_to_guest)(guest_va_t dst, const void *src, size_t len)
{
    if (!guest_range_ok(dst, len))
        return -EFAULT;
    if (len && raw_copy((void *)(uintptr_t)dst, src, len))
        return -EFAULT;
    return 0;
}

