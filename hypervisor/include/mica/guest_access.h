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

#endif
