/*
 * libbuild: the PV domain builder of the privileged domain.
 *
 * From a 32-bit PAE PV kernel (ELF with Xen notes, or the legacy
 * `__xen_guest` string), an optional initrd, a command line and a memory
 * size, build_pv_domain() creates a domain and leaves it paused and ready
 * to run, using nothing but hypercalls (through libctrl): createdomain,
 * max_vcpus, max_mem, populate_physmap, foreign mappings of the new
 * domain's frames, two event channels offered to the backends, its grant
 * table's reserved entries, MMUEXT_PIN_L3_TABLE on its behalf and
 * setvcpucontext.  docs/domain-builder.md tells the sequence and why.
 *
 * What the guest finds is decided by the pure code it shares with the
 * hypervisor's boot-time builder, compiled from the same sources: the ELF
 * parser and loader (common/libelf.c), the region layout
 * (common/domain_layout.c) and the writer of the P2M, page tables,
 * start_info, hypercall page and first vCPU context (common/pv_image.c).
 *
 * Everything the caller passes is untrusted (a kernel from a file): the
 * image and sizes are checked before the first hypercall, and a failure
 * at any later step destroys the half-built domain and unmaps every
 * foreign page, so nothing is leaked.  Errors are -errno with a one-line
 * reason in err.
 */
#ifndef DOM0_LIB_BUILD_H
#define DOM0_LIB_BUILD_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

struct build_dom {
    /* in */
    const void *kernel;
    size_t kernel_len;
    const void *ramdisk;                /* NULL or ramdisk_len 0: none */
    size_t ramdisk_len;
    const char *cmdline;                /* NULL: empty */
    uint32_t memory_kb;                 /* the domain's memory */
    uint32_t maxmem_kb;                 /* its limit (0: memory_kb) */
    unsigned int max_vcpus;             /* its vCPUs (0: 1); only vCPU 0 starts */
    uint8_t handle[16];                 /* the UUID createdomain records */
    uint16_t console_domid;             /* who serves the console (0: Dom0) */
    uint16_t store_domid;               /* who serves xenstore (0: Dom0) */

    /* out (valid when build_pv_domain returned 0) */
    uint16_t domid;
    uint32_t nr_pages;
    uint32_t console_mfn, console_port; /* the port is the new domain's */
    uint32_t store_mfn, store_port;
    uint64_t virt_base, virt_entry;
    uint32_t l3_mfn;                    /* the pinned bootstrap L3 */
};

/* The smallest memory (KiB) this kernel and ramdisk can be built in, or
 * -errno with err filled (the image is rejected).  No hypercall. */
long build_min_memory_kb(const struct build_dom *b, char *err, size_t errlen);

/* Create and build the domain, left paused: 0, or -errno with err filled
 * and nothing left behind. */
int build_pv_domain(struct build_dom *b, char *err, size_t errlen);

/* Largest domain the builder accepts (4 GiB: the P2M of a 32-bit PV
 * guest cannot describe more, and a bigger request is a mistake). */
#define BUILD_MAX_MEMORY_KB (4u << 20)

#endif
