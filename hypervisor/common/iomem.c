/*
 * Who may map which I/O frame (mica/iomem.h has the rules), and the
 * read-only ranges the hypervisor keeps in device memory.
 *
 * The read-only ranges are MSI-X tables: the hypervisor writes a
 * device's MSI-X table entries itself (msi.c), so while it does, a guest
 * mapping of the table's frames is made read-only.  Mappings made before
 * (the initial domain maps a table before it asks for the vectors, as
 * Linux does) keep their rights: the initial domain is trusted with its
 * devices' DMA anyway (docs/devices.md), and Xen accepts the same.  A
 * handful of devices at a time: a small array of counted ranges.
 *
 * Generic code: the arch says what is its own (arch_iomem_hypervisor),
 * iocaps.c what a domain was granted.
 */
#include <mica/iomem.h>
#include <mica/iocaps.h>
#include <mica/domain.h>
#include <mica/errno.h>

#define RO_RANGES 32

struct domain dom_io = { .domain_id = DOMID_IO };

static struct ro_range {
    unsigned long first, last;
    unsigned int count;                 /* 0: free slot */
} ro[RO_RANGES];

int iomem_map_check(const struct domain *who, unsigned long mfn, bool writable)
{
    if (arch_iomem_hypervisor(mfn) || !iocaps_iomem_allowed(who, mfn))
        return -EPERM;
    return writable && iomem_is_ro(mfn) ? 1 : 0;
}

int iomem_ro_add(unsigned long first, unsigned long last)
{
    struct ro_range *free = NULL;

    for (unsigned int i = 0; i < RO_RANGES; i++) {
        if (ro[i].count && ro[i].first == first && ro[i].last == last) {
            ro[i].count++;
            return 0;
        }
        if (!ro[i].count && !free)
            free = &ro[i];
    }
    if (!free)
        return -ENOSPC;
    *free = (struct ro_range){ first, last, 1 };
    return 0;
}

void iomem_ro_remove(unsigned long first, unsigned long last)
{
    for (unsigned int i = 0; i < RO_RANGES; i++)
        if (ro[i].count && ro[i].first == first && ro[i].last == last) {
            ro[i].count--;
            return;
        }
}

bool iomem_is_ro(unsigned long mfn)
{
    for (unsigned int i = 0; i < RO_RANGES; i++)
        if (ro[i].count && mfn >= ro[i].first && mfn <= ro[i].last)
            return true;
    return false;
}
