/*
 * libctrl: typed calls into the hypervisor's control plane for the
 * privileged domain's tools -- domctl and sysctl (the Xen 4.2 interface:
 * domctl version 0x08, sysctl 0x09, include/public/domctl.h, sysctl.h),
 * memory_op, mmuext_op, event channels and grant tables on behalf of
 * another domain, and foreign mappings.
 *
 * Each call fills the hypercall's structure, bounces every array the
 * hypervisor reads or writes through a hypercall buffer (os_priv.h),
 * makes the call through the OS interface and returns -errno (the
 * hypervisor's value) or a result.  Nothing here keeps state between
 * calls, so the library is as usable from a test guest as from Dom0.
 *
 * The one interface of the tools to the hypervisor: xl's seam, the domain
 * builder (lib/build) and the benchmarks all go through it, so a change of
 * interface version or of the OS underneath touches this directory only.
 */
#ifndef DOM0_LIB_CTRL_H
#define DOM0_LIB_CTRL_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <public/xen.h>
#include <public/sysctl.h>

/* ---- domains (domctl) ---- */

/* Create a domain, paused, without memory or vCPUs: 0 and *domid (IN: the
 * id wanted, 0 for the next free one). */
int ctrl_domain_create(uint32_t flags, const uint8_t handle[16], uint16_t *domid);
/* Destroy, repeating while the hypervisor says -EAGAIN (the teardown is
 * preemptible): 0 or -errno. */
int ctrl_domain_destroy(uint16_t domid);
int ctrl_domain_pause(uint16_t domid);
int ctrl_domain_unpause(uint16_t domid);
/* Stop the domain as if it had called SCHEDOP_shutdown(reason)
 * (SCHEDOP_remote_shutdown): 0 or -errno. */
int ctrl_domain_shutdown(uint16_t domid, unsigned int reason);
int ctrl_domain_max_mem(uint16_t domid, uint64_t max_kb);
int ctrl_domain_max_vcpus(uint16_t domid, unsigned int max);
int ctrl_domain_set_handle(uint16_t domid, const uint8_t handle[16]);
int ctrl_domain_settimeoffset(uint16_t domid, int32_t seconds);

struct ctrl_dominfo {
    uint16_t domid;
    uint32_t flags;                     /* XEN_DOMINF_* as the hypervisor said */
    bool dying, shutdown, paused, blocked, running;
    unsigned int shutdown_reason;       /* SHUTDOWN_*, meaningful while shutdown */
    uint64_t tot_pages, max_pages;
    uint32_t shared_info_frame;         /* MFN */
    uint64_t cpu_time_ns;
    unsigned int nr_online_vcpus, max_vcpu_id;
    uint8_t handle[16];
};
/* Exactly this domain: 0 or -ESRCH. */
int ctrl_domain_info(uint16_t domid, struct ctrl_dominfo *out);
/* Domains with ids >= first, ascending, at most max: the count or -errno. */
int ctrl_domain_info_list(uint16_t first, struct ctrl_dominfo *out, unsigned int max);

/* vCPU context in the target's layout (32-bit PV: 2800 bytes). */
int ctrl_vcpu_setcontext(uint16_t domid, unsigned int vcpu, const vcpu_guest_context_t *c);
int ctrl_vcpu_getcontext(uint16_t domid, unsigned int vcpu, vcpu_guest_context_t *c);

struct ctrl_vcpuinfo {
    bool online, blocked, running;
    uint64_t cpu_time_ns;
    unsigned int cpu;
};
int ctrl_vcpu_info(uint16_t domid, unsigned int vcpu, struct ctrl_vcpuinfo *out);

/* Credit scheduler: weight 1..65535, cap in % of one CPU (0: none). */
int ctrl_sched_credit_get(uint16_t domid, unsigned int *weight, unsigned int *cap);
int ctrl_sched_credit_set(uint16_t domid, unsigned int weight, unsigned int cap);

/* Page types of n of the domain's frames (MFNs in, XEN_DOMCTL_PFINFO_*
 * | mfn... out, in place): 0 or -errno. */
int ctrl_page_types(uint16_t domid, uint32_t *frames, unsigned int n);

/* ---- the host (sysctl) ---- */

struct ctrl_physinfo {
    unsigned int threads_per_core, cores_per_socket, nr_cpus, max_cpu_id;
    unsigned int nr_nodes, max_node_id;
    uint32_t cpu_khz;
    uint64_t total_pages, free_pages, scrub_pages;
    uint32_t hw_cap[8];
    uint32_t capabilities;
};
int ctrl_physinfo(struct ctrl_physinfo *out);
/* The hypervisor's console ring from *index (incremental) or its oldest
 * byte, at most size bytes; *index advances.  Bytes copied or -errno. */
int ctrl_readconsole(char *buf, size_t size, uint32_t *index, bool incremental, bool clear);
int ctrl_sched_id(unsigned int *sched_id);
/* Mica's MICA_SYSCTL_resources (public/sysctl.h): what the hypervisor
 * holds for all domains.  0 or -errno. */
int ctrl_resources(struct mica_sysctl_resources *out);
/* Mica's MICA_SYSCTL_fail_alloc: fail heap allocation nth from now, then
 * every every-th (nth 0 disarms); the previous arming's counts in
 * *counted / *injected (may be NULL).  -EPERM unless the hypervisor was
 * booted with fail_alloc=ctl. */
int ctrl_fail_alloc(uint64_t nth, uint64_t every, uint64_t *counted, uint64_t *injected);
/* Idle time of up to max CPUs (ns): how many were written, or -errno. */
int ctrl_cpu_idle(uint64_t *idle_ns, unsigned int max);

/* ---- another domain's memory (memory_op, mmuext_op) ---- */

/* Populate n extents of 2^order frames at the PFNs in list[]; the MFNs
 * come back in list[].  The number of extents done (< n: out of memory or
 * over the domain's limit), or -errno. */
long ctrl_populate_physmap(uint16_t domid, unsigned long n, unsigned int order,
                           xen_pfn_t *list);
/* Give n extents at the MFNs in list[] back: the number done or -errno. */
long ctrl_decrease_reservation(uint16_t domid, unsigned long n, unsigned int order,
                               const xen_pfn_t *list);
long ctrl_current_reservation(uint16_t domid);
long ctrl_maximum_reservation(uint16_t domid);

/* Pin the domain's frame `mfn` as a page table of `level` (1..3), or
 * unpin it: 0 or -errno. */
int ctrl_pin_table(uint16_t domid, unsigned int level, uint32_t mfn);
int ctrl_unpin_table(uint16_t domid, uint32_t mfn);

/* Map n frames of another domain (os_priv.h): 0 and *addr, or -errno. */
int ctrl_map_foreign(uint16_t domid, const uint32_t *mfns, unsigned int n, bool writable,
                     void **addr);
int ctrl_unmap_foreign(void *addr, unsigned int n);

/* ---- event channels and grant tables of another domain ---- */

/* A port of domain `dom`, unbound, accepting `remote`: 0 and *port. */
int ctrl_evtchn_alloc_unbound(uint16_t dom, uint16_t remote, uint32_t *port);
/* Grow dom's grant table to nr frames; their MFNs in frames[]: 0, or
 * -EINVAL (too many), -ESRCH (no such domain), -EPERM (not allowed). */
int ctrl_gnttab_setup(uint16_t dom, unsigned int nr, uint32_t *frames);

/* ---- the hypervisor itself ---- */

/* XENVER_*: its result (the version number for XENVER_version) or -errno;
 * arg is copied through a hypercall buffer of size bytes. */
long ctrl_xen_version(int cmd, void *arg, size_t size);

#endif
