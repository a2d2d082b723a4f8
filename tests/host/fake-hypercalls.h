/*
 * The simulated hypervisor at the hypercall level: the host tests' side of
 * the privileged OS interface (dom0-tools/os/os_priv.h), under libctrl and
 * the domain builder.  (fake-hv.c is the same idea one level up, at xl's
 * seam.)
 *
 * Machine memory is a memfd of FX_FRAMES pages; a foreign mapping maps the
 * very frames (mmap of the memfd at their offsets), so what the builder
 * writes through a mapping is what the test reads from the frame, and a
 * read-only mapping really is read-only.  MFNs start at FX_MFN_BASE and
 * frames are handed out in a scrambled order, so a PFN mistaken for an MFN,
 * or a P2M assumed contiguous, shows.
 *
 * The fake keeps the rules the builder depends on, with Xen's error codes:
 * interface versions, ownership of every frame a call names, max_pages,
 * hypercall buffers (every pointer and handle the hypervisor follows must
 * lie inside one, the high half of a 64-bit handle must be zero), the
 * page-table rules of a pin (the tree must be the domain's, the table
 * frames mapped read-only by the tree and writable nowhere), a vCPU
 * context's CR3 naming a pinned L3, frames of a destroyed domain freed
 * only when their last foreign mapping goes.  And it counts, so a test
 * can prove nothing leaked: frames, mappings, buffers, ports, domains.
 *
 * populate_physmap gives extents of any order up to 9 (contiguous,
 * aligned runs), unless fx.no_superpages.
 *
 * Fault injection: fx.fail_call makes the Nth hypercall from now fail
 * (memory_op with 0 extents done, everything else with fx.fail_rc),
 * fx.fail_map the Nth foreign mapping.
 */
#ifndef FAKE_HYPERCALLS_H
#define FAKE_HYPERCALLS_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <public/xen.h>
#include <public/domctl.h>

#define FX_FRAMES       8192u           /* 32 MiB of machine memory */
#define FX_MFN_BASE     0x40000u
#define FX_MAX_DOMS     16
#define FX_MAX_PORTS    64
#define FX_GNT_FRAMES   4               /* grant frames a domain may have */
#define FX_NO_OWNER     0xffffu

enum fx_type { FX_NONE, FX_L1, FX_L2, FX_L3 };

struct fx_frame {
    uint16_t owner;                     /* FX_NO_OWNER: free */
    bool xen;                           /* a hypervisor page shared with owner */
    bool zombie;                        /* owner destroyed, still foreign-mapped */
    enum fx_type type;                  /* validated as, while pinned */
    bool pinned;                        /* the root of a pinned tree */
    uint32_t gpfn;                      /* M2P */
    unsigned int maps, wmaps;           /* foreign mappings, writable ones */
};

struct fx_port {
    bool used;
    uint16_t remote;
};

struct fx_dom {
    bool exists;
    uint16_t id;
    uint8_t handle[16];
    bool paused, dying, shutdown;
    unsigned int shutdown_reason;
    unsigned int max_vcpus;
    uint64_t max_pages, tot_pages;
    uint32_t shared_info_mfn;
    uint32_t gnt_mfn[FX_GNT_FRAMES];
    unsigned int gnt_frames;
    struct fx_port port[FX_MAX_PORTS];
    bool ctxt_set;
    uint64_t ctxt_vcpus;                /* bit n: vCPU n's context was set */
    vcpu_guest_context_t ctxt;
};

struct fx {
    int memfd;
    uint8_t *mach;                      /* all machine memory, for the fake itself */
    struct fx_frame frame[FX_FRAMES];
    unsigned int free_frames;
    struct fx_dom dom[FX_MAX_DOMS];
    uint16_t next_domid;
    /* counters */
    unsigned long calls;                /* hypercalls made */
    unsigned long calls_by_nr[64];
    unsigned int bufs_open, maps_open, maps_made;
    /* fault injection: the Nth call/mapping from now fails (0: none) */
    unsigned long fail_call, fail_map;
    int fail_rc;
    bool no_superpages;                 /* refuse extents of order > 0 */
    unsigned int destroy_eagain;        /* destroydomain says -EAGAIN this often first */
    char console[256];                  /* what sysctl readconsole shows */
};
extern struct fx fx;

/* Fresh machine: dom0 exists (privileged, the caller), everything else free. */
void fx_reset(void);
void fx_fini(void);

struct fx_dom *fx_dom(uint16_t id);
/* The frame of mfn (NULL: not a machine frame), and its bytes. */
struct fx_frame *fx_frame(uint32_t mfn);
void *fx_page(uint32_t mfn);
/* Frames owned by a domain (including Xen pages shared with it). */
unsigned int fx_frames_of(uint16_t id);
/* Domains other than dom0; ports allocated in all domains. */
unsigned int fx_domains(void);
unsigned int fx_ports(uint16_t id);

#endif
