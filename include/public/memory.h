/*
 * public/memory.h - memory_op(cmd, arg): growing, shrinking and
 * describing a domain's memory.
 *
 * For a PV (non-translated) guest every frame number here is a machine
 * frame: increase_reservation / populate_physmap return MFNs, and the
 * guest itself records them in its P2M and in the M2P
 * (MMU_MACHPHYS_UPDATE).  The low 6 bits of cmd are the command; the
 * hypervisor uses the bits above to resume a preempted call
 * (MEMOP_EXTENT_SHIFT), so guests pass 0 there.
 */
#ifndef MICA_PUBLIC_MEMORY_H
#define MICA_PUBLIC_MEMORY_H

#include "xen.h"

#define MEMOP_CMD_MASK                  0x3f
#define MEMOP_EXTENT_SHIFT              6

#define XENMEM_increase_reservation     0   /* xen_memory_reservation */
#define XENMEM_decrease_reservation     1   /* xen_memory_reservation */
#define XENMEM_maximum_ram_page         2   /* arg NULL; highest MFN */
#define XENMEM_current_reservation      3   /* arg domid_t *; pages */
#define XENMEM_maximum_reservation      4   /* arg domid_t *; pages */
#define XENMEM_machphys_mfn_list        5   /* xen_machphys_mfn_list */
#define XENMEM_populate_physmap         6   /* xen_memory_reservation */
#define XENMEM_add_to_physmap           7   /* translated guests */
#define XENMEM_memory_map               9   /* xen_memory_map */
#define XENMEM_machine_memory_map       10  /* xen_memory_map, privileged */
#define XENMEM_exchange                 11  /* xen_memory_exchange */
#define XENMEM_machphys_mapping         12  /* xen_machphys_mapping */
#define XENMEM_set_memory_map           13  /* xen_foreign_memory_map */
#define XENMEM_maximum_gpfn             14  /* arg domid_t *; highest PFN */
#define XENMEM_remove_from_physmap      15  /* xen_remove_from_physmap */
#define XENMEM_add_to_physmap_batch     23  /* xen_add_to_physmap_batch */

/*
 * xen_memory_reservation.mem_flags: bits 7:0 are the largest number of
 * address bits the returned frames may have (0 = no limit); node bits
 * 15:8 hold NUMA node + 1.
 */
#define XENMEMF_address_bits(x)         (x)
#define XENMEMF_get_address_bits(x)     ((x) & 0xff)
#define XENMEMF_node(x)                 (((x) + 1) << 8)
#define XENMEMF_get_node(x)             ((((x) >> 8) - 1) & 0xff)
#define XENMEMF_populate_on_demand      (1 << 16)
#define XENMEMF_exact_node_request      (1 << 17)
#define XENMEMF_exact_node(n)           (XENMEMF_node(n) | XENMEMF_exact_node_request)

/* xen_add_to_physmap.space. */
#define XENMAPSPACE_shared_info         0
#define XENMAPSPACE_grant_table         1
#define XENMAPSPACE_gmfn                2
#define XENMAPSPACE_gmfn_range          3
#define XENMAPSPACE_gmfn_foreign        4
#define XENMAPSPACE_dev_mmio            5
#define XENMAPIDX_grant_table_status    0x80000000

/* E820 types in XENMEM_memory_map buffers. */
#define XEN_E820_RAM                    1
#define XEN_E820_RESERVED               2
#define XEN_E820_ACPI                   3
#define XEN_E820_NVS                    4
#define XEN_E820_UNUSABLE               5

#ifndef __ASSEMBLY__

/*
 * increase/decrease_reservation and populate_physmap.  Returns the number
 * of extents handled.  20 bytes.
 */
struct xen_memory_reservation {
    /*
     * increase: OUT frames allocated; decrease: IN frames to release;
     * populate: IN PFNs to fill (translated guests), OUT MFNs (PV).
     */
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;
    xen_ulong_t nr_extents;         /* number of extents */
    uint32_t    extent_order;       /* each extent is 2^order pages */
    uint32_t    mem_flags;          /* XENMEMF_*; was address_bits */
    domid_t     domid;              /* DOMID_SELF unless privileged */
};
typedef struct xen_memory_reservation xen_memory_reservation_t;

/*
 * Swap frames of one size for frames of another (e.g. below 4 GiB).
 * 44 bytes.
 */
struct xen_memory_exchange {
    struct xen_memory_reservation in;
    struct xen_memory_reservation out;
    xen_ulong_t nr_exchanged;       /* OUT: extents of `in` done */
};
typedef struct xen_memory_exchange xen_memory_exchange_t;

/*
 * The MFNs of the frames that hold the read-only M2P, so a guest can map
 * them elsewhere.  12 bytes.
 */
struct xen_machphys_mfn_list {
    uint32_t max_extents;           /* IN: room in extent_start */
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;   /* OUT: MFNs */
    uint32_t nr_extents;            /* OUT */
};
typedef struct xen_machphys_mfn_list xen_machphys_mfn_list_t;

/*
 * Where the read-only M2P is mapped in this guest and the largest MFN it
 * covers.  Not implemented by native 32-bit Xen; a 32-on-64 hypervisor
 * (Mica) answers it.  12 bytes.
 */
struct xen_machphys_mapping {
    xen_ulong_t v_start, v_end;     /* [v_start, v_end) */
    xen_ulong_t max_mfn;
};
typedef struct xen_machphys_mapping xen_machphys_mapping_t;

/* Translated guests only.  16 bytes. */
struct xen_add_to_physmap {
    domid_t     domid;
    uint16_t    size;               /* gmfn_range: number of pages */
    uint32_t    space;              /* XENMAPSPACE_* */
    xen_ulong_t idx;                /* index within the space */
    xen_pfn_t   gpfn;               /* where to map it */
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;

/* Many add_to_physmap at once (translated guests).  24 bytes. */
struct xen_add_to_physmap_batch {
    domid_t     domid;
    uint16_t    space;              /* XENMAPSPACE_* */
    uint16_t    size;               /* number of idxs/gpfns/errs */
    uint16_t    foreign_domid;      /* gmfn_foreign: the frames' owner */
    XEN_GUEST_HANDLE(xen_ulong_t) idxs;
    XEN_GUEST_HANDLE(xen_pfn_t) gpfns;
    XEN_GUEST_HANDLE(int) errs;     /* OUT: one result per entry */
};
typedef struct xen_add_to_physmap_batch xen_add_to_physmap_batch_t;

/* Unhook a frame from a translated guest's physmap.  8 bytes. */
struct xen_remove_from_physmap {
    domid_t     domid;
    xen_pfn_t   gpfn;
};
typedef struct xen_remove_from_physmap xen_remove_from_physmap_t;

/* Most entries a memory map may have (XENMEM_set_memory_map). */
#define XEN_E820_MAX_ENTRIES            1024

/*
 * The guest's (or, privileged, the machine's) E820 map.  IN nr_entries:
 * room in buffer; OUT: entries written.  -ENOSYS when the toolstack set
 * no map; a PV guest then sizes memory from start_info.nr_pages.
 * 8 bytes.
 */
struct xen_memory_map {
    uint32_t nr_entries;
    XEN_GUEST_HANDLE(void) buffer;  /* array of struct xen_e820_entry */
};
typedef struct xen_memory_map xen_memory_map_t;

/* Privileged: set another domain's memory map.  12 bytes. */
struct xen_foreign_memory_map {
    domid_t domid;
    struct xen_memory_map map;
};
typedef struct xen_foreign_memory_map xen_foreign_memory_map_t;

/* One E820 entry, as BIOSes define it (packed: 20 bytes). */
struct xen_e820_entry {
    uint64_aligned_t addr;
    uint64_aligned_t size;
    uint32_t         type;          /* XEN_E820_* */
};
typedef struct xen_e820_entry xen_e820_entry_t;

#endif /* !__ASSEMBLY__ */

#endif /* MICA_PUBLIC_MEMORY_H */
