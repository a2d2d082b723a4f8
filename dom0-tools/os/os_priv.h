/*
 * The OS interface: what only a privileged domain's tools need (see
 * os_loop.h for the whole) -- the raw hypercall entry, memory the
 * hypervisor may read and write on the tools' behalf, and mappings of
 * other domains' frames.
 *
 * libctrl (dom0-tools/lib/ctrl) is the one user: every tool, the domain
 * builder included, reaches the hypervisor through its typed calls, never
 * through os_hypercall() directly.
 *
 * Hypercall buffers.  A structure the hypervisor reads or writes through a
 * guest handle must live in memory obtained from os_hcall_buf_alloc():
 * on Mica's Dom0 that is ordinary heap memory (every Dom0 address is a
 * valid guest address); a Linux Dom0 would hand out pages locked for
 * privcmd; the host tests' simulated hypervisor hands out memory below
 * 4 GiB, because a guest handle is 32 bits wide.  libctrl bounces its
 * callers' arrays through such buffers, as Xen's libxc does.
 *
 * Foreign mappings.  os_foreign_map() maps machine frames of another
 * domain (the privileged domain's right: the hypervisor checks each frame
 * belongs to `dom`) into consecutive pages of the caller's address space.
 * A writable mapping of a frame that is a page table or descriptor table
 * of that domain is refused by the hypervisor; a frame stays allocated
 * while it is mapped, even if its domain is destroyed.  Every mapping
 * must be undone with os_foreign_unmap(), with the same page count.
 *
 * Implementations: os/mica/priv.c (int $0x82, Dom0's mapping window);
 * tests/host/fake-hypercalls.c (a simulated hypervisor).  Errors are
 * -errno, the hypervisor's values (equal to Linux's).
 */
#ifndef DOM0_OS_PRIV_H
#define DOM0_OS_PRIV_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

/* Hypercall `nr` with up to five register arguments: its result. */
long os_hypercall(unsigned int nr, unsigned long a1, unsigned long a2,
                  unsigned long a3, unsigned long a4, unsigned long a5);

/* size bytes the hypervisor may access through a guest handle (zeroed),
 * or NULL; and their release (NULL is allowed). */
void *os_hcall_buf_alloc(size_t size);
void os_hcall_buf_free(void *buf, size_t size);

/* Map n machine frames of domain dom at consecutive pages: 0 and *addr,
 * or -errno with nothing mapped (-ENOSPC: no address space left). */
int os_foreign_map(uint16_t dom, const uint32_t *mfns, unsigned int n, bool writable,
                   void **addr);
/* Undo os_foreign_map (same n): 0 or -errno. */
int os_foreign_unmap(void *addr, unsigned int n);

#endif
