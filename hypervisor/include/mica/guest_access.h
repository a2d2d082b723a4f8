/*
 * Access to guest memory through guest virtual addresses.
 *
 * Every pointer a guest hands to a hypercall is untrusted.  The rules:
 *  1. the whole range [va, va+len) must lie below the guest's hypervisor
 *     hole (HYPERVISOR_VIRT_START); the check is done in 64-bit arithmetic,
 *     so a huge length cannot wrap around;
 *  2. the copy runs through the guest's own page tables (the hypervisor
 *     runs on the current vCPU's address space), with CR0.WP set, so a
 *     read-only guest mapping cannot be written by a hypercall either;
 *  3. a fault during the copy is caught by the exception table and turns
 *     into -EFAULT, never into a hypervisor crash.
 * Validate-then-commit: handlers copy arguments in, validate, act, and copy
 * results out last.
 */
#ifndef MICA_GUEST_ACCESS_H
#define MICA_GUEST_ACCESS_H

#include <mica/types.h>

/* 0 on success, -EFAULT if any byte was inaccessible. */
int copy_from_guest(void *dst, guest_va_t src, size_t len);
int copy_to_guest(guest_va_t dst, const void *src, size_t len);
/*
 * 0 iff every page of [va, va+len) is mapped and writable by the guest
 * (each probed byte is read and written back unchanged), else -EFAULT.
 * For calls that may write a buffer only partly, or not at all.
 */
int guest_probe_writable(guest_va_t va, size_t len);
/* true iff [va, va + len) is entirely below the hole (no wrap). */
bool guest_range_ok(guest_va_t va, uint64_t len);

#ifdef MICA_HYPERVISOR
/*
 * Copies of 4 and 8 bytes whose size the compiler knows are single moves
 * (asm/uaccess.h says why that keeps every rule above); everything else,
 * and a store that would cross a page boundary, is the functions above.
 */
#include <asm/uaccess.h>
#include <mica/errno.h>
#include <public/xen.h>

static inline bool guest_small_ok(guest_va_t va, uint64_t len)
{
    return (uint64_t)va + len <= HYPERVISOR_VIRT_START;
}

static inline int copy_from_guest_inline(void *dst, guest_va_t src, size_t len)
{
    int rc;

    if (!guest_small_ok(src, len))
        return -EFAULT;
    if (len == 4) {
        uint32_t v;
        rc = ua_get_u32(&v, src);
        __builtin_memcpy(dst, &v, 4);
    } else {
        uint64_t v;
        rc = ua_get_u64(&v, src);
        __builtin_memcpy(dst, &v, 8);
    }
    return rc;
}

static inline int copy_to_guest_inline(guest_va_t dst, const void *src, size_t len)
{
    if (!guest_small_ok(dst, len))
        return -EFAULT;
    if (((dst & 0xfff) + len) > 0x1000)
        return copy_to_guest(dst, src, len);    /* byte-exact partial write */
    if (len == 4) {
        uint32_t v;
        __builtin_memcpy(&v, src, 4);
        return ua_put_u32(dst, v);
    }
    uint64_t v;
    __builtin_memcpy(&v, src, 8);
    return ua_put_u64(dst, v);
}

/*
 * 8 bytes from a guest address whose range the caller has already checked
 * against the hole (guest_range_ok over a whole array): one move.
 */
static inline int get_guest_u64(uint64_t *dst, guest_va_t va)
{
    return ua_get_u64(dst, va);
}

/* The same for two consecutive quadwords (a 16-byte request). */
static inline int get_guest_u64x2(uint64_t *lo, uint64_t *hi, guest_va_t va)
{
    return ua_get_u64x2(lo, hi, va);
}

/*
 * n 32-bit words to the guest, a word at a time: 0 or -EFAULT.  Not
 * byte-exact on failure (a word straddling into a bad page is not written
 * at all), so only for callers to whom any failure is fatal to the guest:
 * bounce frames.
 */
unsigned long raw_copy_dwords(void *dst, const void *src, unsigned long n);
static inline int copy_dwords_to_guest(guest_va_t dst, const uint32_t *src, unsigned int n)
{
    if (!guest_small_ok(dst, (uint64_t)n * 4))
        return -EFAULT;
    if (n && raw_copy_dwords((void *)(uintptr_t)dst, src, n))
        return -EFAULT;
    return 0;
}

#define copy_from_guest(dst, src, len)                                      \
    (__builtin_constant_p(len) && ((len) == 4 || (len) == 8)                \
         ? copy_from_guest_inline(dst, src, len) : (copy_from_guest)(dst, src, len))
#define copy_to_guest(dst, src, len)                                        \
    (__builtin_constant_p(len) && ((len) == 4 || (len) == 8)                \
         ? copy_to_guest_inline(dst, src, len) : (copy_to_guest)(dst, src, len))
#endif

#endif
