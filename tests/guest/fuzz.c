/*
 * fuzz: a seeded hypercall fuzzer (docs/reliability.md).
 *
 * Every hypercall number 0..63 is called, with random arguments (raw mode:
 * boundary values, pointers from the pools of fuzz/fuzz.h, random words)
 * or, for every hypercall Mica implements, structure-aware ones built by
 * fuzz/calls.c (every sub-op of the calls that have them) (real requests with corrupted fields, multicalls of fuzzed
 * entries, domctl/sysctl); one step in eight is a privileged instruction
 * or segment load instead (fuzz/insn.c), caught by our own trap handlers.
 * A hypercall may fail as it likes; what must never happen is a
 * hypervisor fault (the run stops with a panic), an audit failure at
 * teardown (mm_audit), a crash of this domain by the hypervisor for a
 * call it should have refused, or harm to the companion domain, which
 * keeps answering pings throughout (tests/guest/fuzz-peer.c).
 *
 * Command line: seed=N (default 1), calls=N (default 20000), self=ID (our
 * domain id, 0 if privileged), peer=ID (the companion; when we are the
 * privileged domain we ping it ourselves every 256 steps and close the
 * channel at the end, which tells it to report), raw=P (percent of raw
 * calls, default 35).  At the end a table gives, per hypercall, the calls
 * made, how many failed, and how many the fuzzer skipped; trace (trace
 * =1) prints every call before it is made (trace_from=N: from step N on),
 * progress=N prints a line every N steps (where did a run stop?), check=1
 * checks after every call that our buffers are still mapped, to narrow a
 * finding down; the summary line
 * "fuzz: seed=... calls=... errors=..." is what `make fuzz` collects.
 */
#include "fuzz/fuzz.h"
#include <events.h>
#include <ctl.h>
#include <public/callback.h>
#include <public/nmi.h>
#include <public/physdev.h>

struct fuzz F;

static uint8_t fbuf[(FUZZ_BUF_PAGES + 1) * PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t area[PAGE_SIZE] __attribute__((aligned(4096)));
static uint32_t out_next;

struct stat { uint32_t calls, errors, skipped; };
static struct stat st[64];
static uint32_t insn_steps, insn_exc, pings;

/* ---- pools ------------------------------------------------------------------ */

/*
 * Any word the fuzzer hands over may be used as a pointer the hypervisor
 * writes through (an extent list, a status, a "done" count).  Inside the
 * bootstrap region only our buffers, the area page and our page tables
 * (mapped read-only) are fair game; a word pointing at our code, stack or
 * state is moved to the same offset in the sandbox instead.
 */
uint32_t safe_word(uint32_t v)
{
    uint32_t b = (uint32_t)F.buf, pt = start_info->pt_base & PAGE_MASK;
    if (v < VIRT_BASE || v >= F.region_end)
        return v;
    if ((v >= b && v < b + FUZZ_BUF_PAGES * PAGE_SIZE) ||
        (v >= (uint32_t)area && v < (uint32_t)area + PAGE_SIZE) ||
        (v >= pt && v < pt + PAGE_SIZE))
        return v;
    return SANDBOX_VA + (v & 0x1fffff);
}

static void corrupt_fields(uint8_t *b, uint32_t size);

uint32_t r_interesting(void)
{
    static const uint32_t v[] = {
        0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255, 256, 511, 512,
        1023, 1024, 4095, 4096, 4097, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7ff0, 0x7ff1,
        0x7ff2, 0x7ff3, 0x7ff4, 0x7fff, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe,
        0xffffffff, 0xfffff000, 0xc0000000, 0xf5800000, 0xf5800000 - 1, 0xfc000000,
    };
    return safe_word(v[rnd(ARRAY_SIZE(v))]);
}

void reset_out_bufs(void) { out_next = rnd(64) * 4; }

uint32_t r_out_buf(uint32_t size)
{
    uint32_t total = FUZZ_BUF_PAGES * PAGE_SIZE;
    size = (size + 7) & ~7u;
    if (size > total)
        size = total;
    if (out_next + size > total)
        out_next = 0;
    uint32_t p = (uint32_t)F.buf + out_next;
    out_next += size + rnd(4) * 8;
    return p;
}

uint32_t r_area(void) { return (uint32_t)area + rnd(PAGE_SIZE / 64 - 1) * 64; }
bool in_area(uint32_t p, uint32_t size)
{
    return size <= PAGE_SIZE && p >= (uint32_t)area && p <= (uint32_t)area + PAGE_SIZE - size;
}

uint32_t r_ptr(uint32_t size)
{
    uint32_t end = (uint32_t)F.buf + FUZZ_BUF_PAGES * PAGE_SIZE;
    switch (rnd(12)) {
    case 0: return 0;
    case 1: return end - rnd(size ? size : 1);              /* straddles the guard page */
    case 2: return end + rnd(PAGE_SIZE);                    /* the guard page */
    case 3: return start_info->pt_base + rnd(PAGE_SIZE);   /* our L3, mapped read-only */
    case 4: return (uint32_t)mfn_to_virt(F.l1_mfn) + rnd(PAGE_SIZE);   /* an L1 */
    case 5: return HYPERVISOR_VIRT_START + rnd32() % (0u - HYPERVISOR_VIRT_START);
    case 6: return F.region_end + rnd(16) * PAGE_SIZE;    /* unmapped */
    case 7: return SANDBOX_VA + rnd(512) * PAGE_SIZE + rnd(PAGE_SIZE);
    case 8: return r_interesting();
    default: return (uint32_t)F.buf + rnd(FUZZ_BUF_PAGES * PAGE_SIZE);
    }
}

uint32_t r_mfn(void)
{
    switch (rnd(10)) {
    case 0: return F.l3_mfn;
    case 1: return F.l2_mfn;
    case 2: return F.l1_mfn;
    case 3: return F.image_mfn[rnd(4)];
    case 4: return rnd(F.max_mfn + 1);          /* anyone's, or the hypervisor's */
    case 5: return rnd(2) ? F.max_mfn + 1 + rnd(100) : r_interesting();
    case 6: return F.sandbox_l1;
    default: return F.spare[rnd(F.nspare)];
    }
}

/* A live frame of ours outside the spare list: never one to lose. */
bool own_live(uint32_t mfn)
{
    if (mfn > F.max_mfn)
        return false;
    uint32_t pfn = m2p(mfn);
    if (pfn >= start_info->nr_pages || p2m()[pfn] != mfn)
        return false;
    for (uint32_t k = 0; k < F.nspare; k++)
        if (F.spare[k] == mfn)
            return false;
    return true;
}

uint32_t r_sacrificial_mfn(void)
{
    uint32_t m;
    switch (rnd(8)) {
    case 0:                                     /* anyone's but our live ones */
        m = rnd(F.max_mfn + 1);
        return own_live(m) ? F.spare[rnd(F.nspare)] : m;
    case 1: return F.max_mfn + 1 + rnd(100);
    case 2: return r_interesting();
    default: return F.spare[rnd(F.nspare)];
    }
}

/* A VA to (re)map: never one of the bootstrap region, where we live. */
uint32_t r_va(void)
{
    uint32_t va;
    switch (rnd(8)) {
    case 0: return HYPERVISOR_VIRT_START + rnd(0x1000) * PAGE_SIZE;
    case 1: va = r_interesting() & ~0xfffu; break;
    case 2: return F.region_end + rnd(64) * PAGE_SIZE;
    default: return SANDBOX_VA + rnd(512) * PAGE_SIZE + (chance(16) ? rnd(PAGE_SIZE) : 0);
    }
    return va >= VIRT_BASE && va < F.region_end ? SANDBOX_VA : va;
}

domid_t r_domid(void)
{
    domid_t d;
    switch (rnd(8)) {
    case 0: d = DOMID_SELF; break;
    case 1: d = F.self; break;
    case 2: d = 0x7ff0 + rnd(16); break;
    case 3: d = rnd32(); break;
    case 4: d = F.protect; break;
    default: d = rnd(8);
    }
    return d;
}

uint32_t r_vcpu(void) { return chance(2) ? rnd(4) : r_interesting(); }

void fill_random(void *p, uint32_t size)
{
    uint8_t *b = p;
    for (uint32_t i = 0; i + 4 <= size; i += 4) {
        uint32_t v = safe_word(rnd(4) ? rnd32() : r_interesting());
        memcpy(b + i, &v, 4);
    }
}

void corrupt(void *p, uint32_t size)
{
    uint8_t *b = p;
    if (!size)
        return;
    if (rnd(3) == 0)
        corrupt_fields(b, size);
    /* a flipped bit may have made a pointer into our own image */
    for (uint32_t off = 0; off + 4 <= size; off += 4) {
        uint32_t v;
        memcpy(&v, b + off, 4);
        v = safe_word(v);
        memcpy(b + off, &v, 4);
    }
}

static void corrupt_fields(uint8_t *b, uint32_t size)
{
    for (uint32_t n = 1 + rnd(3); n; n--) {
        uint32_t off = rnd(size);
        switch (rnd(4)) {
        case 0: b[off] ^= 1u << rnd(8); break;
        case 1: b[off] = rnd32(); break;
        case 2: if (off + 4 <= size) { uint32_t v = r_interesting(); memcpy(b + off, &v, 4); } break;
        default: if (off + 4 <= size) { uint32_t v = r_ptr(8); memcpy(b + off, &v, 4); }
        }
    }
}

/* ---- setup, repair, the companion ------------------------------------------------ */

static bool setup(void)
{
    uint64_t e[3];

    F.buf = fbuf;
    F.region_end = mapped_end();
    for (uint32_t i = 0; i < FUZZ_SPARES && spare_frames_left() > 4; i++)
        F.spare[F.nspare++] = spare_frame();
    if (F.nspare < 8 || pt_walk(SANDBOX_VA, e) != 2) {
        test_error("no spare frames (%u) or the sandbox VA is in use", F.nspare);
        return false;
    }
    F.l3_mfn = current_l3_mfn();
    F.l2_mfn = PTE_MFN(e[0]);
    F.l1_mfn = l1_mfn_of(VIRT_BASE);
    /* Known from the start: a walk later would trust the M2P, which
     * the fuzz changes for frames that are not ours. */
    for (uint32_t va = VIRT_BASE; va < F.region_end && F.nimage_l1 < FUZZ_IMAGE_L1S;
         va += 1u << 21)
        F.image_l1[F.nimage_l1++] = l1_mfn_of(va);
    if (F.region_end - VIRT_BASE > FUZZ_IMAGE_L1S << 21) {
        test_error("the bootstrap region is larger than %u MiB", FUZZ_IMAGE_L1S * 2);
        return false;
    }
    F.image_mfn[0] = va_to_mfn((void *)VIRT_BASE);
    F.image_mfn[1] = va_to_mfn(hypercall_page);
    F.image_mfn[2] = va_to_mfn(fbuf);
    F.image_mfn[3] = va_to_mfn(&F);
    F.max_mfn = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
    F.sandbox_l1 = make_table(NULL, 0, 0);
    /* the guard page after the buffers: unmapped for good */
    if (HYPERVISOR_update_va_mapping((uint32_t)fbuf + FUZZ_BUF_PAGES * PAGE_SIZE, 0,
                                     UVMF_INVLPG) ||
        mmu1(MADDR(F.l2_mfn, L2_INDEX(SANDBOX_VA)), PTE(F.sandbox_l1, 0x67))) {
        test_error("cannot set up the guard page or the sandbox L1");
        return false;
    }
    return true;
}

static struct trap_info full_table[257];

/* Put back what a fuzzed call may have pointed somewhere random. */
static void repair(void)
{
    struct callback_unregister cu = { .type = CALLBACKTYPE_nmi };
    struct physdev_set_iopl iopl = { 0 };

    if (!full_table[0].address)
        for (unsigned int v = 0; v < 256; v++)
            full_table[v] = (struct trap_info){
                .vector = v, .flags = (v == 3 || v == 4 || v == EXC_RET2KERN) ? 3 : 0,
                .cs = FLAT_RING1_CS, .address = exc_stub(v) };
    hypercall1(__HYPERVISOR_set_trap_table, (long)full_table);
    traps_init();
    HYPERVISOR_callback_op(CALLBACKOP_unregister, &cu);
    HYPERVISOR_nmi_op(XENNMI_unregister_callback, NULL);
    HYPERVISOR_fpu_taskswitch(0);
    HYPERVISOR_set_debugreg(7, 0);
    HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &iopl);
    asm volatile ("mov %0, %%fs; mov %0, %%gs" :: "r" (0) : "memory");
}

static bool needs_repair(uint32_t nr)
{
    switch (nr) {
    case __HYPERVISOR_set_trap_table: case __HYPERVISOR_set_callbacks:
    case __HYPERVISOR_fpu_taskswitch: case __HYPERVISOR_set_debugreg:
    case __HYPERVISOR_multicall: case __HYPERVISOR_callback_op:
    case __HYPERVISOR_nmi_op: case __HYPERVISOR_physdev_op:
    case __HYPERVISOR_physdev_op_compat: case __HYPERVISOR_set_gdt:
        return true;
    default:
        return false;
    }
}

/* Hardware breakpoints and CR0.TS the fuzz set: not the hypervisor's fault. */
static bool hook_db(struct exc_frame *f)
{
    HYPERVISOR_set_debugreg(7, 0);
    f->eflags &= ~0x100u;
    return true;
}
static bool hook_nm(struct exc_frame *f)
{
    HYPERVISOR_fpu_taskswitch(0);
    return true;
}

/* The last calls made, printed when something unexpected stops the run. */
#define RECENT 8
static struct { uint32_t step; struct call c; } recent[RECENT];
static uint32_t recent_n;

static bool in_insn;        /* a probe's faults are recovered by its fixup */

static bool hook_report(struct exc_frame *f)
{
    if (in_insn || F.probing)
        return false;
    printf("fuzz: unexpected #%u at %x (cr2 %x); the last calls:\n", f->vector, f->eip,
           last_exc.cr2);
    for (uint32_t k = recent_n > RECENT ? recent_n - RECENT : 0; k < recent_n; k++) {
        const struct call *c = &recent[k % RECENT].c;
        printf("fuzz:   step %u: %u (%x %x %x %x %x)\n", recent[k % RECENT].step, c->nr,
               c->a[0], c->a[1], c->a[2], c->a[3], c->a[4]);
    }
    if (f->vector == 6) {
        const uint8_t *p = (const uint8_t *)(f->eip & ~31u);
        printf("fuzz: bytes at %p: %x %x %x %x %x %x %x %x\n", p, p[0], p[1], p[2], p[3],
               p[4], p[5], p[6], p[7]);
    }
    return false;       /* the runtime reports the failure */
}

/*
 * check=1: the PTEs that map our bootstrap region, as setup() found them;
 * after every call they must be the same (the accessed and dirty bits
 * aside), so a call that remaps or write-protects us is named at once.
 */
#define IMAGE_PTES_MAX 2048
static uint64_t image_pte[IMAGE_PTES_MAX];
static uint32_t image_ptes;

static void snapshot_image(void)
{
    uint64_t e[3];
    for (uint32_t va = VIRT_BASE; va < F.region_end && image_ptes < IMAGE_PTES_MAX;
         va += PAGE_SIZE)
        image_pte[image_ptes++] = pt_walk(va, e) == 0 ? e[2] & ~0x60ull : 0;
}

/* The first page whose mapping changed, or 0. */
static uint32_t image_changed(uint64_t *now)
{
    uint64_t e[3];
    for (uint32_t k = 0; k < image_ptes; k++) {
        uint32_t va = VIRT_BASE + k * PAGE_SIZE;
        if (va == (uint32_t)F.buf + FUZZ_BUF_PAGES * PAGE_SIZE)
            continue;                   /* the guard page: unmapped on purpose */
        *now = pt_walk(va, e) == 0 ? e[2] & ~0x60ull : 0;
        if (*now != image_pte[k])
            return va;
    }
    return 0;
}

static bool ping_peer(void)
{
    evtchn_port_t p = F.protect_port;
    if (!p)
        return true;
    evtchn_clear_pending(p);
    if (evtchn_send(p) < 0 || wait_port(p, now_ns() + 5000 * NS_PER_MS) != 1)
        return false;
    pings++;
    return true;
}

/* Privileged: destroy the domains the fuzzed createdomain calls made. */
static void destroy_created(void)
{
    struct xen_domctl d;
    unsigned int n = 0;

    for (uint32_t id = 1; id < DOMID_FIRST_RESERVED; id++) {
        memset(&d, 0, sizeof(d));
        if (domctl(XEN_DOMCTL_getdomaininfo, id, &d) < 0)
            break;
        id = d.u.getdomaininfo.domain;
        if (id == F.self || id == F.protect)
            continue;
        unsigned int calls;
        long rc = ctl_destroy(id, &calls);
        CHECK(rc == 0, "destroying d%u that the fuzz created: %ld", id, rc);
        n++;
    }
    printf("fuzz: destroyed %u domains created by fuzzed domctls\n", n);
}

/* ---- the loop ---------------------------------------------------------------------- */

static const uint8_t structured[] = {
    0, 1, 2, 10, 12, 13, 14, 15, 16, 20, 22, 24, 26, 29, 32, 35, 36,
    3, 4, 5, 6, 7, 8, 9, 17, 18, 19, 21, 28, 30, 31, 33, 40,
};

static long issue(const struct call *c)
{
    if (chance(4))
        return raw_hypercall(c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4]);
    return hypercall5(c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4]);
}

void test_main(void)
{
    const char *cl = (const char *)start_info->cmd_line, *v;
    uint64_t seed = (v = cmdline_value(cl, "seed")) ? parse_ulong(&v) : 1;
    uint32_t calls = (v = cmdline_value(cl, "calls")) ? parse_ulong(&v) : 20000;
    uint32_t raw_pct = (v = cmdline_value(cl, "raw")) ? parse_ulong(&v) : 35;
    uint32_t errors = 0, skipped = 0, made = 0;
    bool trace = F.trace = cmdline_value(cl, "trace") != NULL;
    uint32_t trace_from = (v = cmdline_value(cl, "trace_from")) ? parse_ulong(&v) : 0;
    uint32_t progress = (v = cmdline_value(cl, "progress")) ? parse_ulong(&v) : 0;
    bool check = cmdline_value(cl, "check") != NULL;

    F.rng = seed * 0x9e3779b97f4a7c15ull + 1;
    F.priv = start_info->flags & SIF_PRIVILEGED;
    F.self = (v = cmdline_value(cl, "self")) ? parse_ulong(&v) : 0;
    F.protect = (v = cmdline_value(cl, "peer")) ? parse_ulong(&v) : 0x7fff;

    traps_init();
    exc_hook[1] = hook_db;
    exc_hook[7] = hook_nm;
    exc_hook[6] = exc_hook[13] = exc_hook[14] = hook_report;
    if (map_shared_info() || !setup()) {
        test_error("setup failed");
        return;
    }
    event_vcpu_info = vcpu0_info();     /* the upcall acknowledges events */
    long tp = evtchn_bind_virq(VIRQ_TIMER, 0);
    if (tp <= 0) {
        test_error("cannot bind VIRQ_TIMER: %ld", tp);
        return;
    }
    F.timer_port = tp;
    if (F.priv && F.protect != 0x7fff) {
        long p = evtchn_offer_and_wait(F.protect, 20000 * NS_PER_MS);
        if (p <= 0) {
            test_error("the companion d%u never greeted (%ld)", F.protect, p);
            return;
        }
        F.protect_port = p;
    }
    printf("fuzz: seed=%llu calls=%u %s, companion d%u\n", (unsigned long long)seed, calls,
           F.priv ? "privileged" : "unprivileged", F.protect);
    uint64_t t0 = now_ns();
    if (check)
        snapshot_image();

    for (uint32_t i = 0; i < calls; i++) {
        struct call c;

        if (progress && i % progress == 0)
            printf("fuzz: step %u, %u calls, %llu ms\n", i, made,
                   (unsigned long long)udiv64(now_ns() - t0, NS_PER_MS));
        if (trace_from && i == trace_from)
            trace = F.trace = true;

        if ((i & 255) == 0) {
            fill_random(F.buf, FUZZ_BUF_PAGES * PAGE_SIZE);
            if (!ping_peer()) {
                test_fail("the companion d%u stopped answering after %u steps (seed %llu)",
                          F.protect, i, (unsigned long long)seed);
                break;
            }
        }
        if (chance(8)) {
            insn_steps++;
            in_insn = true;
            insn_exc += fuzz_insn();
            in_insn = false;
            continue;
        }
        reset_out_bufs();
        uint32_t nr = rnd(2) ? structured[rnd(sizeof(structured))] : rnd(64);
        if (rnd(100) < raw_pct || !build_call(nr, &c)) {
            c.nr = nr;
            for (int k = 0; k < 6; k++)
                c.a[k] = rnd(3) == 0 ? r_interesting() : rnd(2) ? r_ptr(64) : safe_word(rnd32());
        }
        if (!call_allowed(&c)) {
            st[nr].skipped++;
            skipped++;
            continue;
        }
        bool fix = needs_repair(nr);
        if (fix)
            vcpu0_info()->evtchn_upcall_mask = 1;
        if (trace)
            printf("fuzz: step %u: hypercall %u (%x %x %x %x %x)\n", i, c.nr, c.a[0], c.a[1],
                   c.a[2], c.a[3], c.a[4]);
        recent[recent_n % RECENT].step = i;
        recent[recent_n++ % RECENT].c = c;
        long rc = issue(&c);
        if (trace && nr == __HYPERVISOR_multicall && c.a[0] >= (uint32_t)F.buf &&
            c.a[0] < (uint32_t)F.buf + FUZZ_BUF_PAGES * PAGE_SIZE)
            for (uint32_t k = 0; k < c.a[1] && k < 8 &&
                 c.a[0] + k * 32 + 32 <= (uint32_t)F.buf + FUZZ_BUF_PAGES * PAGE_SIZE; k++) {
                const uint32_t *m = (const uint32_t *)(c.a[0] + k * 32);
                printf("fuzz:   entry %u: %u -> %d (%x %x %x %x %x %x)\n", k, m[0], (int)m[1],
                       m[2], m[3], m[4], m[5], m[6], m[7]);
            }
        if (trace && (nr == __HYPERVISOR_mmu_update || nr == __HYPERVISOR_mmuext_op))
            for (uint32_t k = 0, sz = nr == __HYPERVISOR_mmu_update ? 16 : 12;
                 k < (c.a[1] & 0x7fffffff) && k < 8; k++) {
                uint64_t e[3];
                uint32_t p = c.a[0] + k * sz;
                if (p < VIRT_BASE || p + sz < p || pt_walk(p & PAGE_MASK, e) != 0 ||
                    pt_walk((p + sz - 1) & PAGE_MASK, e) != 0)
                    break;
                const uint32_t *w = (const uint32_t *)p;
                printf("fuzz:   entry %u: %x %x %x %x\n", k, w[0], w[1], w[2],
                       sz == 16 ? w[3] : 0);
            }
        if (trace)
            printf("fuzz: -> %ld\n", rc);
        if (check) {
            uint64_t pte;
            uint32_t va = image_changed(&pte);
            if (va) {
                test_fail("step %u: hypercall %u (%x %x %x %x %x) -> %ld changed the mapping "
                          "of %x: %llx -> %llx", i, c.nr, c.a[0], c.a[1], c.a[2], c.a[3],
                          c.a[4], rc, va,
                          (unsigned long long)image_pte[(va - VIRT_BASE) / PAGE_SIZE],
                          (unsigned long long)pte);
                check = false;
            }
        }
        if (check)
            for (uint32_t pg = 0; pg < FUZZ_BUF_PAGES; pg++)
                if (!va_mapped((uint32_t)F.buf + pg * PAGE_SIZE)) {
                    test_fail("step %u: hypercall %u (%x %x %x %x %x) -> %ld unmapped buffer page %u",
                              i, c.nr, c.a[0], c.a[1], c.a[2], c.a[3], c.a[4], rc, pg);
                    check = false;
                }
        st[nr].calls++;
        made++;
        if (rc < 0) {
            st[nr].errors++;
            errors++;
        }
        if (F.priv && nr == __HYPERVISOR_domctl && rc == 0 && F.ncreated < 8 &&
            *(uint32_t *)c.a[0] == XEN_DOMCTL_createdomain)
            F.created[F.ncreated++] = ((struct xen_domctl *)c.a[0])->domain;
        if (fix) {
            repair();
            vcpu0_info()->evtchn_upcall_mask = 0;
        }
    }
    repair();
    uint64_t ms = udiv64(now_ns() - t0, NS_PER_MS);

    /* per hypercall: calls/errors/skipped, eight to a line (the console
     * of an unprivileged domain is rate-limited) */
    char line[160];
    unsigned int len = 0, k = 0;
    for (unsigned int n = 0; n < 64; n++) {
        if (!st[n].calls && !st[n].skipped)
            continue;
        len += snprintf(line + len, sizeof(line) - len, " %u:%u/%u/%u", n, st[n].calls,
                        st[n].errors, st[n].skipped);
        if (++k % 8 == 0 || len > 120) {
            printf("fuzz: nr:calls/errors/skipped%s\n", line);
            len = 0;
        }
    }
    if (len)
        printf("fuzz: nr:calls/errors/skipped%s\n", line);
    if (F.priv)
        destroy_created();
    if (!ping_peer())
        test_fail("the companion d%u stopped answering at the end", F.protect);
    printf("fuzz: seed=%llu calls=%u errors=%u skipped=%u insn=%u exceptions=%u pings=%u ms=%llu\n",
           (unsigned long long)seed, made, errors, skipped, insn_steps, insn_exc, pings,
           (unsigned long long)ms);
    if (F.protect_port) {
        evtchn_close(F.protect_port);
        CHECK(wait_domain_gone(F.protect, 20000 * NS_PER_MS) == 0,
              "the companion d%u did not finish", F.protect);
    }
    test_success();
}
