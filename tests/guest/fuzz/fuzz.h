/*
 * The hypercall fuzzer's shared state (tests/guest/fuzz.c drives it,
 * fuzz/calls.c builds structure-aware calls, fuzz/insn.c runs privileged
 * instructions and segment loads).
 *
 * Everything is derived from one 64-bit seed (xorshift64*), so a finding
 * is reproduced by booting the same guest with the same seed= and calls=
 * (docs/reliability.md).  Arguments come from pools the fuzzer knows the
 * meaning of: its own scratch buffers (writable, followed by an unmapped
 * guard page), its page tables (mapped read-only), the hypervisor's range,
 * unmapped addresses; frames that are spare (owned, sacrificial), its page
 * tables, its image, and frames that are not its own.  Sacrificial frames
 * and the sandbox VA range (one L1 of its own) are the only things the
 * fuzzer lets the hypervisor change for real, so a valid call never
 * destroys the fuzzer's own code, stack or tables; the hypervisor still
 * has to validate everything, because the pools are mixed and corrupted.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <test.h>
#include <traps.h>
#include <pt.h>

#define FUZZ_BUF_PAGES  4
#define FUZZ_SPARES     24
#define SANDBOX_VA      0xD0000000u     /* one L1 of our own: 2 MiB */

/* L1s of the bootstrap region, one per 2 MiB (it is 4 MiB) */
#define FUZZ_IMAGE_L1S 8

struct fuzz {
    uint64_t rng;
    bool priv;              /* we are the privileged domain */
    bool trace;             /* print every step before it is made */
    bool probing;           /* a probed read: its fault is expected */
    domid_t self;           /* our domain id */
    domid_t protect;        /* a domain we must not hurt (companion), or 0x7fff */
    evtchn_port_t protect_port;     /* our channel to it (0: none) */
    evtchn_port_t timer_port;       /* VIRQ_TIMER: wakes HLT (0: none) */
    uint8_t *buf;           /* FUZZ_BUF_PAGES pages, then an unmapped page */
    uint32_t spare[FUZZ_SPARES];
    uint32_t nspare;
    uint32_t l3_mfn, l2_mfn, l1_mfn;    /* the L1 that maps our image */
    uint32_t image_l1[FUZZ_IMAGE_L1S];  /* the L1s of the bootstrap region */
    uint32_t nimage_l1;
    uint32_t sandbox_l1;
    uint32_t image_mfn[4];
    uint32_t max_mfn;
    uint32_t region_end;    /* end of the bootstrap region (mapped_end()) */
    domid_t created[8];     /* domains createdomain gave us (privileged) */
    unsigned int ncreated;
};
extern struct fuzz F;

/* xorshift64* */
static inline uint32_t rnd32(void)
{
    F.rng ^= F.rng >> 12;
    F.rng ^= F.rng << 25;
    F.rng ^= F.rng >> 27;
    return (uint32_t)((F.rng * 2685821657736338717ull) >> 32);
}
static inline uint32_t rnd(uint32_t n) { return n ? rnd32() % n : 0; }
static inline bool chance(uint32_t one_in) { return rnd(one_in) == 0; }
static inline uint64_t rnd64(void) { return ((uint64_t)rnd32() << 32) | rnd32(); }

uint32_t r_interesting(void);           /* boundary values */
uint32_t safe_word(uint32_t v);         /* v, unless it points into our live image */
uint32_t r_ptr(uint32_t size);          /* a guest pointer from the pools */
uint32_t r_out_buf(uint32_t size);      /* a buffer of ours for a struct of size */
void reset_out_bufs(void);              /* before each top-level call */
uint32_t r_area(void);                  /* in the page for registered areas */
bool in_area(uint32_t p, uint32_t size);
uint32_t r_mfn(void);                   /* a frame number from the pools */
uint32_t r_sacrificial_mfn(void);       /* a frame we may lose, or not ours */
bool own_live(uint32_t mfn);            /* a frame of ours that is not spare */
uint32_t r_va(void);                    /* a VA the fuzzer may remap */
domid_t r_domid(void);
uint32_t r_vcpu(void);
void corrupt(void *p, uint32_t size);   /* flip/replace a few fields, sometimes */
void fill_random(void *p, uint32_t size);

/* One call: nr and its arguments; the structure builders fill args. */
struct call {
    uint32_t nr;
    uint32_t a[6];
};
/* Build a structure-aware call of hypercall nr (false: none for nr). */
bool build_call(uint32_t nr, struct call *c);
/* false if the call would legitimately end or cripple the fuzzer. */
bool call_allowed(const struct call *c);

/* Privileged instructions and segment loads; returns exceptions taken. */
unsigned int fuzz_insn(void);

#endif
