/*
 * I/O capabilities granted by the toolstack (mica/iocaps.h).
 *
 * A domain's grants live in one structure allocated on its first grant
 * and counted against it (domain_xzalloc), so a domain that is given
 * nothing costs nothing.  Ports are a bitmap (65536 bits, 8 KiB); machine
 * frames a short sorted list of disjoint ranges; PIRQs a bitmap.  Every
 * range is checked in 64-bit arithmetic before anything changes, and a
 * grant that does not fit (more than IOCAPS_IOMEM_RANGES ranges) is
 * refused whole with -ENOMEM, leaving the old set as it was.
 */
#include <mica/iocaps.h>
#include <mica/domain.h>
#include <mica/errno.h>
#include <mica/lib.h>

static struct domain_iocaps *caps_of(struct domain *d)
{
    if (!d->iocaps)
        d->iocaps = domain_xzalloc(d, sizeof(*d->iocaps));
    return d->iocaps;
}

int iocaps_ioport(struct domain *d, uint32_t first, uint32_t nr, bool allow)
{
    struct domain_iocaps *c;

    if ((uint64_t)first + nr > IOCAPS_PORTS)
        return -EINVAL;
    if (nr == 0 || (!allow && !d->iocaps))
        return 0;
    if (!(c = caps_of(d)))
        return -ENOMEM;
    for (uint32_t p = first; p < first + nr; p++) {
        uint8_t bit = (uint8_t)(1u << (p & 7));
        bool had = c->ports[p / 8] & bit;
        if (allow && !had) {
            c->ports[p / 8] |= bit;
            c->nr_ports++;
        } else if (!allow && had) {
            c->ports[p / 8] &= (uint8_t)~bit;
            c->nr_ports--;
        }
    }
    return 0;
}

/* Remove [first, last] from the range list of c (work on a copy). */
static bool iomem_remove(struct domain_iocaps *c, uint64_t first, uint64_t last)
{
    typeof(c->iomem) out;
    unsigned int n = 0;

    for (unsigned int i = 0; i < c->nr_iomem; i++) {
        uint64_t f = c->iomem[i].first, l = c->iomem[i].last;
        if (l < first || f > last) {
            if (n == IOCAPS_IOMEM_RANGES)
                return false;
            out[n].first = f, out[n++].last = l;
            continue;
        }
        if (f < first) {
            if (n == IOCAPS_IOMEM_RANGES)
                return false;
            out[n].first = f, out[n++].last = first - 1;
        }
        if (l > last) {
            if (n == IOCAPS_IOMEM_RANGES)
                return false;
            out[n].first = last + 1, out[n++].last = l;
        }
    }
    memcpy(c->iomem, out, sizeof(out));
    c->nr_iomem = n;
    return true;
}

/* Add [first, last], merging with what it touches; the list stays sorted. */
static bool iomem_add(struct domain_iocaps *c, uint64_t first, uint64_t last)
{
    typeof(c->iomem) out;
    unsigned int n = 0;
    bool placed = false;

    for (unsigned int i = 0; i < c->nr_iomem; i++) {
        uint64_t f = c->iomem[i].first, l = c->iomem[i].last;
        if (l != UINT64_MAX && l + 1 < first) {
            out[n].first = f, out[n++].last = l;          /* wholly before */
        } else if (last != UINT64_MAX && f > last + 1) {
            if (!placed) {
                if (n == IOCAPS_IOMEM_RANGES)
                    return false;
                out[n].first = first, out[n++].last = last;
                placed = true;
            }
            if (n == IOCAPS_IOMEM_RANGES)
                return false;
            out[n].first = f, out[n++].last = l;          /* wholly after */
        } else {
            first = MIN(first, f);                        /* touches: merge */
            last = MAX(last, l);
        }
    }
    if (!placed) {
        if (n == IOCAPS_IOMEM_RANGES)
            return false;
        out[n].first = first, out[n++].last = last;
    }
    memcpy(c->iomem, out, sizeof(out));
    c->nr_iomem = n;
    return true;
}

int iocaps_iomem(struct domain *d, uint64_t first, uint64_t nr, bool allow)
{
    struct domain_iocaps *c;
    uint64_t last = first + nr - 1;

    if (nr == 0)
        return 0;
    if (last < first)
        return -EINVAL;                 /* the range wraps */
    if (!allow && !d->iocaps)
        return 0;
    if (!(c = caps_of(d)))
        return -ENOMEM;
    if (!(allow ? iomem_add(c, first, last) : iomem_remove(c, first, last)))
        return -ENOMEM;
    return 0;
}

int iocaps_irq(struct domain *d, unsigned int pirq, bool allow)
{
    struct domain_iocaps *c;

    if (pirq >= IOCAPS_PIRQS)
        return -EINVAL;
    if (!allow && !d->iocaps)
        return 0;
    if (!(c = caps_of(d)))
        return -ENOMEM;
    if (allow)
        c->pirqs[pirq / 8] |= (uint8_t)(1u << (pirq & 7));
    else
        c->pirqs[pirq / 8] &= (uint8_t)~(1u << (pirq & 7));
    return 0;
}

bool iocaps_ioport_allowed(const struct domain *d, unsigned int port, unsigned int bytes)
{
    const struct domain_iocaps *c = d->iocaps;

    if (d->is_privileged)
        return true;
    if (!c || !bytes || port + bytes > IOCAPS_PORTS)
        return false;
    for (unsigned int p = port; p < port + bytes; p++)
        if (!(c->ports[p / 8] & (1u << (p & 7))))
            return false;
    return true;
}

bool iocaps_iomem_allowed(const struct domain *d, uint64_t mfn)
{
    const struct domain_iocaps *c = d->iocaps;

    if (d->is_privileged)
        return true;
    for (unsigned int i = 0; c && i < c->nr_iomem; i++)
        if (mfn >= c->iomem[i].first && mfn <= c->iomem[i].last)
            return true;
    return false;
}

bool iocaps_irq_allowed(const struct domain *d, unsigned int pirq)
{
    if (d->is_privileged)
        return true;
    return d->iocaps && pirq < IOCAPS_PIRQS &&
           (d->iocaps->pirqs[pirq / 8] & (1u << (pirq & 7)));
}

void domain_free_iocaps(struct domain *d)
{
    domain_xfree(d, d->iocaps, sizeof(*d->iocaps));
    d->iocaps = NULL;
}
