/*
 * public/sysctl.h - system control (hypercall 35), the toolstack's view of
 * the machine and the hypervisor itself.
 *
 * The control domain reads the hypervisor's console ring (`xl dmesg`),
 * the host's CPUs and memory (`xl info`), the list of domains (`xl list`)
 * and per-CPU idle time (`xl top`) with sysctl.  As with domctl.h, the
 * interface is **Xen 4.2**'s: interface version 0x09, 4.2's op numbers and
 * 32-bit layouts; any other interface_version gets -EACCES, and an
 * unprivileged caller gets -EPERM before anything else is looked at.
 *
 * The same 32/64-bit invariance rule as domctl: 8-byte aligned 64-bit
 * fields and 8-byte handles whose high half must be zero, so one layout
 * serves -m32 and -m64 (tests/host/abi-layout.c pins them).
 */
#ifndef MICA_PUBLIC_SYSCTL_H
#define MICA_PUBLIC_SYSCTL_H

#include "xen.h"
#include "domctl.h"

#define XEN_SYSCTL_INTERFACE_VERSION    0x00000009      /* Xen 4.2 */

/* sysctl ops (xen_sysctl.cmd). */
#define XEN_SYSCTL_readconsole          1
#define XEN_SYSCTL_tbuf_op              2
#define XEN_SYSCTL_physinfo             3
#define XEN_SYSCTL_sched_id             4
#define XEN_SYSCTL_perfc_op             5
#define XEN_SYSCTL_getdomaininfolist    6
#define XEN_SYSCTL_debug_keys           7
#define XEN_SYSCTL_getcpuinfo           8
#define XEN_SYSCTL_availheap            9
#define XEN_SYSCTL_get_pmstat           10
#define XEN_SYSCTL_cpu_hotplug          11
#define XEN_SYSCTL_pm_op                12
#define XEN_SYSCTL_page_offline_op      14
#define XEN_SYSCTL_lockprof_op          15
#define XEN_SYSCTL_topologyinfo         16
#define XEN_SYSCTL_numainfo             17
#define XEN_SYSCTL_cpupool_op           18
#define XEN_SYSCTL_scheduler_op         19
/*
 * Mica's own ops, numbered above every op Xen has defined, so a Xen
 * toolstack never names one by accident (docs/reliability.md):
 *   resources   what the hypervisor holds for the domains, for the soak
 *               and scale tests to see that it all comes back
 *   fail_alloc  arm the allocation-failure injector (testing only: -EPERM
 *               unless the hypervisor was booted with fail_alloc=ctl)
 */
#define MICA_SYSCTL_resources           48
#define MICA_SYSCTL_fail_alloc          49

/* physinfo.capabilities. */
#define _XEN_SYSCTL_PHYSCAP_hvm         0
#define XEN_SYSCTL_PHYSCAP_hvm          (1U << _XEN_SYSCTL_PHYSCAP_hvm)
#define _XEN_SYSCTL_PHYSCAP_hvm_directio 1
#define XEN_SYSCTL_PHYSCAP_hvm_directio (1U << _XEN_SYSCTL_PHYSCAP_hvm_directio)

#ifndef __ASSEMBLY__

#include <stdint.h>

/*
 * XEN_SYSCTL_readconsole: copy up to `count` bytes of the hypervisor's
 * console ring into buffer, from the oldest byte kept, or from `index`
 * when `incremental` and index is still in the ring.  OUT: count = bytes
 * copied, index = the position after them (a free-running counter).
 * clear != 0 forgets what was read.  24 bytes.
 */
struct xen_sysctl_readconsole {
    uint8_t  clear;
    uint8_t  incremental;
    uint8_t  pad0;
    uint8_t  pad1;
    uint32_t index;
    XEN_GUEST_HANDLE_64(char) buffer;
    uint32_t count;
};
typedef struct xen_sysctl_readconsole xen_sysctl_readconsole_t;

/* XEN_SYSCTL_physinfo (whole struct written).  96 bytes. */
struct xen_sysctl_physinfo {
    uint32_t threads_per_core;
    uint32_t cores_per_socket;
    uint32_t nr_cpus;                       /* online */
    uint32_t max_cpu_id;
    uint32_t nr_nodes;
    uint32_t max_node_id;
    uint32_t cpu_khz;
    uint32_t _pad0;
    uint64_aligned8_t total_pages;
    uint64_aligned8_t free_pages;
    uint64_aligned8_t scrub_pages;
    uint32_t hw_cap[8];                     /* boot CPU feature words */
    uint32_t capabilities;                  /* XEN_SYSCTL_PHYSCAP_* */
};
typedef struct xen_sysctl_physinfo xen_sysctl_physinfo_t;

/* XEN_SYSCTL_sched_id.  4 bytes. */
struct xen_sysctl_sched_id {
    uint32_t sched_id;                      /* OUT: XEN_SCHEDULER_* */
};
typedef struct xen_sysctl_sched_id xen_sysctl_sched_id_t;

/*
 * XEN_SYSCTL_getdomaininfolist: up to max_domains getdomaininfo records
 * (88 bytes each), ascending ids from first_domain.  24 bytes.
 */
struct xen_sysctl_getdomaininfolist {
    domid_t  first_domain;
    uint16_t _pad0;
    uint32_t max_domains;
    XEN_GUEST_HANDLE_64(xen_domctl_getdomaininfo_t) buffer;
    uint32_t num_domains;                   /* OUT */
};
typedef struct xen_sysctl_getdomaininfolist xen_sysctl_getdomaininfolist_t;

/* XEN_SYSCTL_debug_keys: feed keys to the debug-key handler.  16 bytes. */
struct xen_sysctl_debug_keys {
    XEN_GUEST_HANDLE_64(char) keys;
    uint32_t nr_keys;
};
typedef struct xen_sysctl_debug_keys xen_sysctl_debug_keys_t;

/* One CPU of getcpuinfo.  8 bytes. */
struct xen_sysctl_cpuinfo {
    uint64_aligned8_t idletime;             /* ns */
};
typedef struct xen_sysctl_cpuinfo xen_sysctl_cpuinfo_t;

/* XEN_SYSCTL_getcpuinfo.  24 bytes. */
struct xen_sysctl_getcpuinfo {
    uint32_t max_cpus;                      /* IN: entries in info */
    uint32_t _pad0;
    XEN_GUEST_HANDLE_64(xen_sysctl_cpuinfo_t) info;
    uint32_t nr_cpus;                       /* OUT: entries written */
};
typedef struct xen_sysctl_getcpuinfo xen_sysctl_getcpuinfo_t;

/*
 * MICA_SYSCTL_resources: counters over every domain that exists (dying
 * ones included), all OUT.  An event-channel port is in use when it is not
 * free (bound, unbound or reserved port 0); a grant entry when its type is
 * not GTF_invalid (the granter offers it); a pin is an active grant entry
 * (mapped or being copied by someone); maptrack entries are the mappings
 * domains hold of others' grants.  free_pages as physinfo's, the moment
 * the counters were taken.  The scheduler's cost: schedule()'s calls,
 * those that switched to another vCPU, and the ns spent in it outside the
 * idle wait (under QEMU -icount shift=0, instructions).  80 bytes.
 */
struct mica_sysctl_resources {
    uint32_t nr_domains;
    uint32_t evtchn_ports;
    uint32_t grant_entries;
    uint32_t grant_pins;
    uint32_t maptrack_entries;
    uint32_t grant_frames;                  /* shared + status frames allocated */
    uint64_aligned8_t free_pages;
    uint64_aligned8_t alloc_counted;        /* allocations the injector counted */
    uint64_aligned8_t alloc_injected;       /* ... and made to fail */
    uint32_t evtchn_buckets;                /* port structures allocated (x1024) */
    uint32_t maptrack_frames;               /* maptrack pages (kept while a domain lives) */
    uint64_aligned8_t sched_calls;
    uint64_aligned8_t sched_switches;
    uint64_aligned8_t sched_ns;
};
typedef struct mica_sysctl_resources mica_sysctl_resources_t;

/*
 * MICA_SYSCTL_fail_alloc: from now, heap allocation `nth` fails, then
 * every `every`-th one (nth 0 disarms); counters restart.  OUT: the
 * counts of the previous arming (what it counted, what it failed).
 * -EPERM unless booted with fail_alloc=ctl.  32 bytes.
 */
struct mica_sysctl_fail_alloc {
    uint64_aligned8_t nth;
    uint64_aligned8_t every;
    uint64_aligned8_t counted;              /* OUT */
    uint64_aligned8_t injected;             /* OUT */
};
typedef struct mica_sysctl_fail_alloc mica_sysctl_fail_alloc_t;

/* The call: EBX points at one of these.  136 bytes. */
struct xen_sysctl {
    uint32_t cmd;                           /* XEN_SYSCTL_* */
    uint32_t interface_version;             /* XEN_SYSCTL_INTERFACE_VERSION */
    union {
        struct xen_sysctl_readconsole       readconsole;
        struct xen_sysctl_physinfo          physinfo;
        struct xen_sysctl_sched_id          sched_id;
        struct xen_sysctl_getdomaininfolist getdomaininfolist;
        struct xen_sysctl_debug_keys        debug_keys;
        struct xen_sysctl_getcpuinfo        getcpuinfo;
        struct mica_sysctl_resources        resources;
        struct mica_sysctl_fail_alloc       fail_alloc;
        uint8_t                             pad[128];
    } u;
};
typedef struct xen_sysctl xen_sysctl_t;

#endif /* !__ASSEMBLY__ */

#endif /* MICA_PUBLIC_SYSCTL_H */
