/*
 * What the toolstack asks of the hypervisor and the domain builder: the
 * seam between xl's logic and the control plane.
 *
 * xl's commands and its domain bookkeeping (toolstack.c) are written
 * against these few calls.  On Mica they are implemented by hv_ctrl.c
 * over libctrl (typed domctl/sysctl wrappers) and libbuild (the PV domain
 * builder), both under dom0-tools/lib; the host tests implement them with
 * a simulated hypervisor (tests/host/fake-hv.c), which is how xl's
 * command layer is tested without a machine.  All errors are -errno.
 */
#ifndef XL_HV_H
#define XL_HV_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

struct hv_dominfo {
    uint16_t domid;
    bool dying, shutdown, paused, blocked, running;
    unsigned int shutdown_reason;       /* SHUTDOWN_* while shutdown */
    uint64_t tot_pages, max_pages;
    uint64_t cpu_time_ns;
    unsigned int nr_online_vcpus;
    unsigned int max_vcpu_id;
};

/* Every domain, ascending ids, at most max: the count or -errno. */
int hv_domain_list(struct hv_dominfo *out, unsigned int max);
/* One domain (exactly that id): 0, -ESRCH. */
int hv_domain_info(uint16_t domid, struct hv_dominfo *out);

struct hv_build {
    /* in */
    const char *name;
    uint32_t memory_kb, maxmem_kb;
    unsigned int max_vcpus;             /* vCPU 0 starts; the guest brings up the rest */
    const void *kernel;
    size_t kernel_len;
    const void *ramdisk;                /* NULL: none */
    size_t ramdisk_len;
    const char *cmdline;
    /* out */
    uint16_t domid;
    uint32_t console_mfn;               /* its console ring page */
    uint32_t console_port;              /* its port, offered to Dom0 */
    uint32_t store_mfn, store_port;
    uint8_t uuid[16];                   /* the handle it was created with */
};
/*
 * Create and build a PV domain, left paused.  On failure nothing is left
 * behind (a half-built domain is destroyed) and err says why.
 */
int hv_domain_build(struct hv_build *b, char *err, size_t errlen);
int hv_domain_unpause(uint16_t domid);
int hv_domain_pause(uint16_t domid);
/* Destroy (all its memory back to the hypervisor): 0 or -errno. */
int hv_domain_destroy(uint16_t domid);
/* Ask the domain to stop, as if it had called SCHEDOP_shutdown(reason). */
int hv_domain_shutdown(uint16_t domid, unsigned int reason);

struct hv_vcpuinfo {
    bool online, blocked, running;
    uint64_t cpu_time_ns;
    unsigned int cpu;
};
int hv_vcpu_info(uint16_t domid, unsigned int vcpu, struct hv_vcpuinfo *out);

struct hv_physinfo {
    unsigned int nr_cpus, threads_per_core, cores_per_socket, nr_nodes, max_cpu_id;
    uint32_t cpu_khz;
    uint64_t total_pages, free_pages, scrub_pages;
    uint32_t hw_cap[8];
    uint32_t capabilities;              /* bit 0 hvm, bit 1 hvm_directio */
};
int hv_physinfo(struct hv_physinfo *out);

/*
 * What the hypervisor holds for all domains (Mica's sysctl resources):
 * the soak and scale tests check each comes back to where it started.
 */
struct hv_resources {
    unsigned int nr_domains;
    unsigned int evtchn_ports;          /* ports not free, every domain */
    unsigned int evtchn_buckets;        /* port structures allocated (x1024) */
    unsigned int grant_entries;         /* entries offered (type set) */
    unsigned int grant_pins;            /* entries mapped or in a copy */
    unsigned int maptrack_entries;      /* mappings held of others' grants */
    unsigned int grant_frames;          /* shared + status frames */
    unsigned int maptrack_frames;       /* maptrack pages: grow, kept while a domain lives */
    uint64_t free_pages;
    uint64_t alloc_counted, alloc_injected;     /* the failure injector */
    uint64_t sched_calls, sched_switches, sched_ns;     /* schedule()'s cost */
};
int hv_resources(struct hv_resources *out);
/* Arm the hypervisor's allocation-failure injector (fail_alloc=ctl boots
 * only; -EPERM otherwise): allocation nth from now fails, then every
 * every-th; nth 0 disarms. */
int hv_fail_alloc(uint64_t nth, uint64_t every);

struct hv_version {
    unsigned int major, minor;
    char extra[16];
    char capabilities[128];
    char changeset[64];
    char commandline[1024];
    char compiler[64], compile_by[16], compile_domain[32], compile_date[32];
    unsigned long pagesize;
    unsigned long virt_start;
    unsigned int sched_id;              /* 5 = credit */
};
int hv_version(struct hv_version *out);

/*
 * The hypervisor's console ring: copy what is there from *index on (or
 * from the oldest byte kept), advance *index; with clear, discard what was
 * read.  The number of bytes copied, or -errno.
 */
int hv_readconsole(char *buf, size_t size, uint32_t *index, bool clear);

/* Credit scheduler parameters of a domain. */
int hv_sched_credit_get(uint16_t domid, unsigned int *weight, unsigned int *cap);
int hv_sched_credit_set(uint16_t domid, unsigned int weight, unsigned int cap);

#endif
