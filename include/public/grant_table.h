/*
 * public/grant_table.h - grant_table_op(cmd, ops, count): sharing pages
 * between domains.
 *
 * A domain shares a frame by filling an entry of its grant table (a set of
 * pages it obtains with GNTTABOP_setup_table and maps itself) naming the
 * grantee and the frame.  The grantee then maps the grant by (domain, ref)
 * with GNTTABOP_map_grant_ref, or copies through it with GNTTABOP_copy.
 *
 * Publishing a v1 grant: write domid, then frame, write barrier, then
 * flags.  Revoking an unused grant: compare-and-swap flags to 0, which
 * succeeds only while neither GTF_reading nor GTF_writing is set (the
 * hypervisor sets those while the grant is mapped).
 *
 * Refs 0 (console) and 1 (xenstore) are filled by the domain builder;
 * the first GNTTAB_NR_RESERVED_ENTRIES refs are reserved for tools.
 */
#ifndef MICA_PUBLIC_GRANT_TABLE_H
#define MICA_PUBLIC_GRANT_TABLE_H

#include "xen.h"

#define GNTTABOP_map_grant_ref          0
#define GNTTABOP_unmap_grant_ref        1
#define GNTTABOP_setup_table            2   /* count must be 1 */
#define GNTTABOP_dump_table             3
#define GNTTABOP_transfer               4
#define GNTTABOP_copy                   5
#define GNTTABOP_query_size             6
#define GNTTABOP_unmap_and_replace      7
#define GNTTABOP_set_version            8
#define GNTTABOP_get_status_frames      9
#define GNTTABOP_get_version            10
#define GNTTABOP_swap_grant_ref         11
#define GNTTABOP_cache_flush            12  /* Arm */

#define GNTTAB_NR_RESERVED_ENTRIES      8
#define GNTTAB_RESERVED_CONSOLE         0
#define GNTTAB_RESERVED_XENSTORE        1

/* v1 entries per table frame. */
#define GNTTAB_V1_ENTRIES_PER_FRAME     (4096 / 8)

/*
 * grant_entry_v1.flags.  Bits 1:0 are the type.  For permit_access,
 * GTF_readonly limits the grantee to reading, and GTF_reading/GTF_writing
 * are set by the hypervisor while the frame is mapped or being copied.
 * For accept_transfer the same bits 2 and 3 mean transfer_committed and
 * transfer_completed.  Bits 7:5 are cache attributes for the mapping.
 */
#define GTF_invalid                 0
#define GTF_permit_access           1
#define GTF_accept_transfer         2
#define GTF_transitive              3
#define GTF_type_mask               3
#define _GTF_readonly               2
#define GTF_readonly                (1 << _GTF_readonly)
#define _GTF_reading                3
#define GTF_reading                 (1 << _GTF_reading)
#define _GTF_writing                4
#define GTF_writing                 (1 << _GTF_writing)
#define _GTF_PWT                    5
#define GTF_PWT                     (1 << _GTF_PWT)
#define _GTF_PCD                    6
#define GTF_PCD                     (1 << _GTF_PCD)
#define _GTF_PAT                    7
#define GTF_PAT                     (1 << _GTF_PAT)
#define _GTF_sub_page               8
#define GTF_sub_page                (1 << _GTF_sub_page)  /* v2 only */
#define _GTF_transfer_committed     2
#define GTF_transfer_committed      (1 << _GTF_transfer_committed)
#define _GTF_transfer_completed     3
#define GTF_transfer_completed      (1 << _GTF_transfer_completed)

/* gnttab_map_grant_ref.flags. */
#define _GNTMAP_device_map          0   /* return dev_bus_addr */
#define GNTMAP_device_map           (1 << _GNTMAP_device_map)
#define _GNTMAP_host_map            1   /* map at host_addr */
#define GNTMAP_host_map             (1 << _GNTMAP_host_map)
#define _GNTMAP_readonly            2
#define GNTMAP_readonly             (1 << _GNTMAP_readonly)
#define _GNTMAP_application_map     3   /* usable from ring 3 */
#define GNTMAP_application_map      (1 << _GNTMAP_application_map)
#define _GNTMAP_contains_pte        4   /* host_addr is the maddr of a PTE */
#define GNTMAP_contains_pte         (1 << _GNTMAP_contains_pte)
/* Bits 31:16 are copied into the PTE's AVAIL bits (gnttab_map_avail_bits). */
#define _GNTMAP_guest_avail0        16
#define GNTMAP_guest_avail_mask     0xffff0000

/* gnttab_copy.flags. */
#define _GNTCOPY_source_gref        0
#define GNTCOPY_source_gref         (1 << _GNTCOPY_source_gref)
#define _GNTCOPY_dest_gref          1
#define GNTCOPY_dest_gref           (1 << _GNTCOPY_dest_gref)

/* Per-operation status codes (the `status` fields, not the return value). */
#define GNTST_okay                  0
#define GNTST_general_error         (-1)
#define GNTST_bad_domain            (-2)
#define GNTST_bad_gntref            (-3)
#define GNTST_bad_handle            (-4)
#define GNTST_bad_virt_addr         (-5)
#define GNTST_bad_dev_addr          (-6)
#define GNTST_no_device_space       (-7)
#define GNTST_permission_denied     (-8)
#define GNTST_bad_page              (-9)
#define GNTST_bad_copy_arg          (-10)
#define GNTST_address_too_big       (-11)
#define GNTST_eagain                (-12)
#define GNTST_no_space              (-13)

/* Messages for -GNTST_* (index 0 = okay), for diagnostics. */
#define GNTTABOP_error_msgs {               \
    "okay",                                 \
    "undefined error",                      \
    "unknown domain",                       \
    "invalid grant reference",              \
    "invalid mapping handle",               \
    "invalid virtual address",              \
    "invalid device address",               \
    "no room for device mapping",           \
    "permission denied",                    \
    "bad page",                             \
    "copy crosses a page boundary",         \
    "address too big for this operation",   \
    "operation not done, try again",        \
    "out of space",                         \
}

#ifndef __ASSEMBLY__

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;
typedef uint16_t grant_status_t;

/* A version 1 grant entry.  8 bytes. */
struct grant_entry_v1 {
    uint16_t flags;         /* GTF_* */
    domid_t  domid;         /* grantee */
    uint32_t frame;         /* MFN being shared / accepting a transfer */
};
typedef struct grant_entry_v1 grant_entry_v1_t;
typedef struct grant_entry_v1 grant_entry_t;

/* A version 2 grant entry (status kept in a separate array).  16 bytes. */
struct grant_entry_header {
    uint16_t flags;
    domid_t  domid;
};
typedef struct grant_entry_header grant_entry_header_t;

union grant_entry_v2 {
    struct grant_entry_header hdr;
    struct {
        struct grant_entry_header hdr;
        uint32_t         pad0;
        uint64_aligned_t frame;
    } full_page;
    struct {
        struct grant_entry_header hdr;
        uint16_t         page_off;
        uint16_t         length;
        uint64_aligned_t frame;
    } sub_page;
    struct {
        struct grant_entry_header hdr;
        domid_t          trans_domid;
        uint16_t         pad0;
        grant_ref_t      gref;
    } transitive;
    uint32_t __spacer[4];
};
typedef union grant_entry_v2 grant_entry_v2_t;

/*
 * Map a grant.  With GNTMAP_host_map the frame is mapped at host_addr
 * (a VA, or with GNTMAP_contains_pte the machine address of the PTE to
 * write).  32 bytes.
 */
struct gnttab_map_grant_ref {
    uint64_aligned_t host_addr;     /* IN */
    uint32_t         flags;         /* IN: GNTMAP_* */
    grant_ref_t      ref;           /* IN */
    domid_t          dom;           /* IN: granting domain */
    int16_t          status;        /* OUT: GNTST_* */
    grant_handle_t   handle;        /* OUT: for unmap */
    uint64_aligned_t dev_bus_addr;  /* OUT: with GNTMAP_device_map */
};
typedef struct gnttab_map_grant_ref gnttab_map_grant_ref_t;

/* 24 bytes. */
struct gnttab_unmap_grant_ref {
    uint64_aligned_t host_addr;     /* IN */
    uint64_aligned_t dev_bus_addr;  /* IN */
    grant_handle_t   handle;        /* IN */
    int16_t          status;        /* OUT */
};
typedef struct gnttab_unmap_grant_ref gnttab_unmap_grant_ref_t;

/*
 * Grow the caller's table to nr_frames and return its frames, which a PV
 * guest then maps writable itself.  16 bytes.
 */
struct gnttab_setup_table {
    domid_t     dom;                /* IN: DOMID_SELF unless privileged */
    uint32_t    nr_frames;          /* IN */
    int16_t     status;             /* OUT */
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list;  /* OUT: nr_frames MFNs */
};
typedef struct gnttab_setup_table gnttab_setup_table_t;

/* Print the table on the hypervisor console (debug).  4 bytes. */
struct gnttab_dump_table {
    domid_t dom;                    /* IN */
    int16_t status;                 /* OUT */
};
typedef struct gnttab_dump_table gnttab_dump_table_t;

/* Give a page to a domain that offered GTF_accept_transfer.  16 bytes. */
struct gnttab_transfer {
    xen_pfn_t   mfn;                /* IN */
    domid_t     domid;              /* IN */
    grant_ref_t ref;                /* IN */
    int16_t     status;             /* OUT */
};
typedef struct gnttab_transfer gnttab_transfer_t;

/*
 * Copy bytes between frames named by grant ref or by frame number; the
 * range may not cross a page.  24 bytes.
 */
struct gnttab_copy_ptr {
    union {
        grant_ref_t ref;
        xen_pfn_t   gmfn;
    } u;
    domid_t  domid;
    uint16_t offset;
};

struct gnttab_copy {
    struct gnttab_copy_ptr source;  /* IN */
    struct gnttab_copy_ptr dest;    /* IN */
    uint16_t len;                   /* IN */
    uint16_t flags;                 /* IN: GNTCOPY_* */
    int16_t  status;                /* OUT */
};
typedef struct gnttab_copy gnttab_copy_t;

/* 16 bytes. */
struct gnttab_query_size {
    domid_t  dom;                   /* IN */
    uint32_t nr_frames;             /* OUT: current */
    uint32_t max_nr_frames;         /* OUT: limit */
    int16_t  status;                /* OUT */
};
typedef struct gnttab_query_size gnttab_query_size_t;

/*
 * Unmap the grant at host_addr and put the mapping that new_addr had
 * there instead (new_addr's PTE is cleared).  24 bytes.
 */
struct gnttab_unmap_and_replace {
    uint64_aligned_t host_addr;     /* IN */
    uint64_aligned_t new_addr;      /* IN */
    grant_handle_t   handle;        /* IN */
    int16_t          status;        /* OUT */
};
typedef struct gnttab_unmap_and_replace gnttab_unmap_and_replace_t;

/* 4 bytes. */
struct gnttab_set_version {
    uint32_t version;               /* IN/OUT: 1 or 2 */
};
typedef struct gnttab_set_version gnttab_set_version_t;

/* v2 only.  12 bytes. */
struct gnttab_get_status_frames {
    uint32_t nr_frames;             /* IN */
    domid_t  dom;                   /* IN */
    int16_t  status;                /* OUT */
    XEN_GUEST_HANDLE(uint64_t) frame_list;   /* OUT: 64-bit frame numbers */
};
typedef struct gnttab_get_status_frames gnttab_get_status_frames_t;

/* 8 bytes. */
struct gnttab_get_version {
    domid_t  dom;                   /* IN */
    uint16_t pad;
    uint32_t version;               /* OUT */
};
typedef struct gnttab_get_version gnttab_get_version_t;

/* Swap two entries of the caller's table.  12 bytes. */
struct gnttab_swap_grant_ref {
    grant_ref_t ref_a;              /* IN */
    grant_ref_t ref_b;              /* IN */
    int16_t     status;             /* OUT */
};
typedef struct gnttab_swap_grant_ref gnttab_swap_grant_ref_t;

/* Arm only; listed for completeness.  16 bytes. */
#define GNTTAB_CACHE_CLEAN          (1 << 0)
#define GNTTAB_CACHE_INVAL          (1 << 1)
#define GNTTAB_CACHE_SOURCE_GREF    (1U << 31)
struct gnttab_cache_flush {
    union {
        uint64_aligned_t dev_bus_addr;
        grant_ref_t      ref;
    } a;
    uint16_t offset;
    uint16_t length;
    uint32_t op;                    /* GNTTAB_CACHE_* */
};
typedef struct gnttab_cache_flush gnttab_cache_flush_t;

#endif /* !__ASSEMBLY__ */

#endif /* MICA_PUBLIC_GRANT_TABLE_H */
