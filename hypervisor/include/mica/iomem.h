/*
 * Mapping I/O memory (common/iomem.c): which guest may map which
 * machine frame that is not RAM (mica/mm.h: mfn_is_io), and how.
 *
 * A PV guest maps device memory (a PCI BAR, the VGA window, ACPI tables)
 * with an ordinary L1 entry written by mmu_update, update_va_mapping or a
 * writable page-table write, naming the frame by its machine address; the
 * frame owner given to mmu_update may be DOMID_SELF or DOMID_IO (Xen's
 * rules: DOMID_IO names "I/O memory, permission checked against the
 * caller", and never reaches RAM).  The rules, in order:
 *
 *   1. RAM never: a RAM frame follows the ordinary rules (owned by the
 *      frame owner named), and a RAM frame with DOMID_IO is refused;
 *   2. the hypervisor's own I/O memory never, whoever asks: the local
 *      APIC and the whole MSI window (0xfee00000-0xfeefffff), the
 *      IO-APICs (arch_iomem_hypervisor);
 *   3. otherwise the domain needs the frame in its I/O memory
 *      capabilities (XEN_DOMCTL_iomem_permission; the initial domain
 *      holds all I/O memory) -- the frame owner's, or the caller's with
 *      DOMID_IO;
 *   4. frames in a read-only range (the MSI-X table of a device whose
 *      MSI-X the hypervisor programs) are mapped read-only: a writable
 *      request is granted with RW cleared, as Xen does (Linux maps the
 *      table with ioremap and, as a Xen guest, never writes it).
 *
 * Refusals are -EPERM (Xen's).  I/O frames take no references and
 * belong to no domain: mapping one is only a permission.  Cache
 * attributes (PCD, PWT, PAT) are allowed in any L1 entry of a domain with
 * I/O capabilities (pt_rules.h), so BARs can be mapped uncached or
 * write-combining.
 */
#ifndef MICA_IOMEM_H
#define MICA_IOMEM_H

#include <mica/types.h>

struct domain;

/* The owner DOMID_IO names (owns no frame; never runs). */
extern struct domain dom_io;

/*
 * May `who` map I/O frame mfn?  0: yes, as asked; 1: yes, read-only
 * (clear RW); -EPERM: no.
 */
int iomem_map_check(const struct domain *who, unsigned long mfn, bool writable);

/* Read-only ranges (counted: the same range may be added twice). */
int iomem_ro_add(unsigned long first, unsigned long last);    /* 0, -ENOSPC */
void iomem_ro_remove(unsigned long first, unsigned long last);
bool iomem_is_ro(unsigned long mfn);

/* arch: the hypervisor's own I/O frames; boot: mark I/O frames (PGF_io). */
bool arch_iomem_hypervisor(unsigned long mfn);
void iomem_init(void);

#endif
