/*
 * The builder's cache of foreign mappings of the new domain (build_map.h
 * says why chunks and why least-recently-used).
 *
 * The cache trusts nothing about the PFN it is asked for: a PFN outside
 * the domain is refused, so a mistake in a layout can never make the
 * builder map a frame it did not get from populate_physmap.
 */
#include "build_map.h"
#include "../ctrl/ctrl.h"
#include <errno.h>
#include <string.h>

void build_map_init(struct build_map *m, uint16_t domid, const xen_pfn_t *p2m,
                    unsigned long nr_pages)
{
    memset(m, 0, sizeof(*m));
    m->domid = domid;
    m->p2m = p2m;
    m->nr_pages = nr_pages;
}

static void unmap_slot(struct build_map *m, unsigned int i)
{
    if (m->slot[i].va) {
        int rc = ctrl_unmap_foreign(m->slot[i].va, m->slot[i].n);
        if (rc && !m->error)
            m->error = rc;
        m->slot[i].va = NULL;
    }
}

void *build_map_pfn(void *arg, unsigned long pfn)
{
    struct build_map *m = arg;
    unsigned int victim = 0;

    if (pfn >= m->nr_pages) {
        if (!m->error)
            m->error = -EINVAL;
        return NULL;
    }
    for (unsigned int i = 0; i < BUILD_MAP_SLOTS; i++) {
        if (m->slot[i].va && pfn - m->slot[i].first < m->slot[i].n) {
            m->slot[i].used = ++m->clock;
            return m->slot[i].va + ((pfn - m->slot[i].first) << 12);
        }
        if (!m->slot[i].va || (m->slot[victim].va && m->slot[i].used < m->slot[victim].used))
            victim = i;
    }
    unmap_slot(m, victim);

    unsigned long first = pfn - pfn % BUILD_MAP_CHUNK;
    unsigned int n = (unsigned int)(m->nr_pages - first < BUILD_MAP_CHUNK ?
                                    m->nr_pages - first : BUILD_MAP_CHUNK);
    void *va;
    int rc = ctrl_map_foreign(m->domid, &m->p2m[first], n, true, &va);
    if (rc) {
        if (!m->error)
            m->error = rc;
        return NULL;
    }
    m->maps++;
    m->slot[victim].va = va;
    m->slot[victim].first = first;
    m->slot[victim].n = n;
    m->slot[victim].used = ++m->clock;
    return (uint8_t *)va + ((pfn - first) << 12);
}

void build_map_flush(struct build_map *m)
{
    for (unsigned int i = 0; i < BUILD_MAP_SLOTS; i++)
        unmap_slot(m, i);
}
