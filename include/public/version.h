/*
 * public/version.h - xen_version(cmd, arg): who is the hypervisor?
 *
 * The first hypercall most guests make.  XENVER_version needs no buffer and
 * is also the idiomatic cheap call to let pending events be delivered.
 * The string buffers are fixed-size arrays the hypervisor fills,
 * NUL-terminated; the *2 variants (newer) return a length-prefixed buffer
 * instead.
 */
#ifndef MICA_PUBLIC_VERSION_H
#define MICA_PUBLIC_VERSION_H

#include "xen.h"
#include "features.h"   /* XENFEAT_*, XENFEAT_NR_SUBMAPS */

#define XENVER_version              0   /* arg NULL; returns major<<16|minor */
#define XENVER_extraversion         1   /* arg xen_extraversion_t */
#define XENVER_compile_info         2   /* arg xen_compile_info_t */
#define XENVER_capabilities         3   /* arg xen_capabilities_info_t */
#define XENVER_changeset            4   /* arg xen_changeset_info_t */
#define XENVER_platform_parameters  5   /* arg xen_platform_parameters_t */
#define XENVER_get_features         6   /* arg xen_feature_info_t */
#define XENVER_pagesize             7   /* arg NULL; returns 4096 */
#define XENVER_guest_handle         8   /* arg xen_domain_handle_t */
#define XENVER_commandline          9   /* arg xen_commandline_t */
#define XENVER_build_id             10  /* arg struct xen_varbuf */
#define XENVER_extraversion2        11  /* arg struct xen_varbuf */
#define XENVER_capabilities2        12  /* arg struct xen_varbuf */
#define XENVER_changeset2           13  /* arg struct xen_varbuf */
#define XENVER_commandline2         14  /* arg struct xen_varbuf */

#define XEN_EXTRAVERSION_LEN        16
#define XEN_CAPABILITIES_INFO_LEN   1024
#define XEN_CHANGESET_INFO_LEN      64
#define XEN_COMMANDLINE_LEN         1024

#ifndef __ASSEMBLY__

typedef char xen_extraversion_t[XEN_EXTRAVERSION_LEN];

/* 144 bytes. */
struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
typedef struct xen_compile_info xen_compile_info_t;

/*
 * Space-separated ABIs this hypervisor runs, e.g. "xen-3.0-x86_32p" -
 * the same string as start_info.magic of a PAE guest.
 */
typedef char xen_capabilities_info_t[XEN_CAPABILITIES_INFO_LEN];

typedef char xen_changeset_info_t[XEN_CHANGESET_INFO_LEN];

typedef char xen_commandline_t[XEN_COMMANDLINE_LEN];

/* Where the hypervisor hole starts for this guest.  4 bytes. */
struct xen_platform_parameters {
    xen_ulong_t virt_start;
};
typedef struct xen_platform_parameters xen_platform_parameters_t;

/* One 32-bit word of XENFEAT_* bits.  8 bytes. */
struct xen_feature_info {
    uint32_t submap_idx;    /* IN: which word (0 only) */
    uint32_t submap;        /* OUT: XENFEAT_* bits 32*idx .. 32*idx+31 */
};
typedef struct xen_feature_info xen_feature_info_t;

/*
 * Length-prefixed result of the newer XENVER_*2 and build_id calls.
 * IN: len = room in buf; OUT: bytes written.  The return value is the
 * full length, so a call with len 0 sizes the buffer.
 */
struct xen_varbuf {
    uint32_t len;
    char     buf[];
};
typedef struct xen_varbuf xen_varbuf_t;
typedef struct xen_varbuf xen_build_id_t;

#endif /* !__ASSEMBLY__ */

#endif /* MICA_PUBLIC_VERSION_H */
