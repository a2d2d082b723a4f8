/*
 * Benchmark: the hot paths guests use most, in exactly the forms the
 * published comparison with Xen 4.21 uses (docs/performance.md, "Against
 * Xen"), so that the figures compare one to one.  Every case is an
 * assembly loop whose body is the operation alone, timed against the same
 * loop with the operation left out ("net of the guest loop"): what is
 * counted is the guest's own instructions of the operation (the call into
 * the hypercall page, the page's stub, the return) plus everything the
 * hypervisor executes for it.
 *
 *  hypercall.null_net       xen_version(XENVER_version, NULL): a call into
 *                           the hypercall page with EBX = 0
 *  uvm.same_pte             update_va_mapping of a kernel page (a page of
 *                           this image) to the PTE it already has, flags 0
 *  uvm.same_pte_invlpg      the same with UVMF_INVLPG
 *  mmu_update.same_batchN   mmu_update rewriting N present L1 entries (one
 *                           L1 of the bootstrap region) to their current
 *                           values: per entry, N = 1, 64, 512
 *  evtchn.send_pending      EVTCHNOP_send on an IPI port of our own whose
 *                           event is already pending (upcalls masked)
 *  evtchn.send_newly        the same, the pending bit cleared before each
 *                           send (one locked BTR, in both loops), so every
 *                           send makes the event newly pending
 *  trap.int80_iret_hc       ring 3 int $0x80 -> ring-1 handler -> ring 3,
 *                           the handler returning with the iret hypercall
 *  trap.int80_iret_native   ... returning with a native IRET (ring 1 may
 *                           IRET to ring 3 itself: the hypervisor is not
 *                           entered on the way back)
 *  trap.pf_k_iret_hc        a #PF in ring 1 (a read of an unmapped page)
 *                           bounced to the ring-1 handler, which skips the
 *                           instruction and returns with the iret hypercall
 *  trap.pf_k_iret_native    ... with a native IRET
 *
 * With a hypervisor built with PHASES=1 (make bench-phases) each case is
 * also run n and 2n times between a reset and a report of the
 * hypervisor's per-phase instruction counters (MICA_HYPERVISOR_phases,
 * hypervisor/include/mica/phase.h); scripts/bench.py takes the difference
 * and prints where the instructions of one operation go.  With a normal
 * hypervisor that hypercall is -ENOSYS and nothing more is done.
 *
 * The handlers are a few instructions of assembly; trap_set() registers
 * them without the interrupt-gate flag, so no bounce masks events and a
 * native IRET leaves the event mask as it found it (the iret hypercall
 * sets it from the frame's IF, which says "enabled"; the guest runs with
 * upcalls masked in vcpu_info throughout, so no event is delivered).
 */
#include "bench.h"
#include <traps.h>
#include <events.h>
#include <pt.h>
#include <public/mica.h>

#define HC(nr) "hypercall_page + " #nr " * 32"

/*
 * LOOP(name, setup, body): uint32_t name(uint32_t n) runs `setup` once and
 * `body` n times, with EBP as the counter (every hypercall preserves it);
 * EBX, ESI and EDI are saved around it, so setup and body may use them.
 */
#define LOOP(name, setup, body)                                         \
    __asm__(".text\n.globl " #name "\n" #name ":\n"                     \
            "push %ebp\npush %ebx\npush %esi\npush %edi\n"              \
            "mov 20(%esp), %ebp\n"                                      \
            setup "\n"                                                  \
            "1:\n" body "\n"                                            \
            "dec %ebp\njnz 1b\n"                                        \
            "pop %edi\npop %esi\npop %ebx\npop %ebp\nret\n");           \
    uint32_t name(uint32_t n)

/* ---- null hypercall ----------------------------------------------------- */

LOOP(null_loop, "xor %ebx, %ebx\nxor %ecx, %ecx", "call " HC(17));
LOOP(empty_loop, "", "");

/* ---- update_va_mapping / mmu_update ------------------------------------- */

uint32_t uvm_va, uvm_lo, uvm_hi, uvm_flags;     /* read by the assembly loops */
LOOP(uvm_loop, "mov uvm_va, %ebx\nmov uvm_lo, %ecx\nmov uvm_hi, %edx\nmov uvm_flags, %esi",
     "call " HC(14));

mmu_update_t same_reqs[512];
uint32_t mmu_count;
LOOP(mmu_loop, "mov $same_reqs, %ebx\nmov mmu_count, %ecx\nxor %edx, %edx\n"
               "mov $0x7ff0, %esi",                     /* DOMID_SELF */
     "call " HC(1));

/* ---- EVTCHNOP_send ------------------------------------------------------ */

evtchn_send_t send_arg;
uint32_t pending_word;           /* &shared_info->evtchn_pending[port / 32] */
uint32_t port_bit;
LOOP(send_loop, "mov $" "4" ", %ebx\nmov $send_arg, %ecx",      /* EVTCHNOP_send */
     "call " HC(32));
LOOP(send_newly_loop, "mov $4, %ebx\nmov $send_arg, %ecx\nmov pending_word, %esi\n"
                      "mov port_bit, %edi",
     "lock btr %edi, (%esi)\ncall " HC(32));
LOOP(btr_loop, "mov pending_word, %esi\nmov port_bit, %edi", "lock btr %edi, (%esi)");

/* ---- traps -------------------------------------------------------------- */

void h_int80_hc(void);
void h_int80_native(void);
void h_pf_hc(void);
void h_pf_native(void);
__asm__(".text\n"
        ".globl h_int80_hc\nh_int80_hc: jmp " HC(23) "\n"
        ".globl h_int80_native\nh_int80_native: iret\n"
        ".globl h_pf_hc\nh_pf_hc:\n"
        "    addl $2, 4(%esp)\n"                /* skip the 2-byte mov */
        "    add $4, %esp\n"                    /* drop the error code */
        "    jmp " HC(23) "\n"
        ".globl h_pf_native\nh_pf_native:\n"
        "    addl $2, 4(%esp)\n"
        "    add $4, %esp\n"
        "    iret\n");

LOOP(int80_loop, "", "int $0x80");
uint32_t pf_va;
LOOP(pf_loop, "mov pf_va, %eax", ".byte 0x8b, 0x08");  /* mov (%eax), %ecx */

/* ---- measuring ---------------------------------------------------------- */

typedef uint32_t (*loop_fn)(uint32_t n);

/* ticks of op(n) - empty(n), per iteration, x100; median of BENCH_REPS */
static uint64_t measure_loops(loop_fn op, loop_fn empty, uint32_t n, uint32_t per)
{
    uint64_t v[BENCH_REPS];

    op(n / 10 + 1);                                     /* warm up */
    for (unsigned int r = 0; r < BENCH_REPS; r++) {
        uint64_t t0 = bench_rdtsc();
        op(n);
        uint64_t t1 = bench_rdtsc();
        empty(n);
        uint64_t t2 = bench_rdtsc(), t = t1 - t0, e = t2 - t1;
        v[r] = t > e ? bench_div((t - e) * 100, n * per) : 0;
    }
    for (unsigned int i = 1; i < BENCH_REPS; i++)
        for (unsigned int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t x = v[j]; v[j] = v[j - 1]; v[j - 1] = x;
        }
    return v[BENCH_REPS / 2];
}

/* Ring 3 cannot print: exec_user runs this and leaves the figure here. */
static loop_fn user_op;
static uint32_t user_n;
static volatile uint64_t user_result_x100;
static uint32_t user_measure(void)
{
    user_result_x100 = measure_loops(user_op, empty_loop, 2000, 1);
    return 0;
}

static uint32_t user_run(void)
{
    user_op(user_n);
    return 0;
}

/* ---- the per-phase breakdown (instrumented hypervisors only) ------------ */

static bool have_phases;

static void phases_report(const char *name, uint32_t n)
{
    static char tag[48];
    size_t len = strlen(name);

    if (len >= sizeof(tag))
        len = sizeof(tag) - 1;
    memcpy(tag, name, len);
    tag[len] = '\0';
    raw_hypercall(MICA_HYPERVISOR_phases, MICA_PHASEOP_report, (long)tag, (long)n, 0, 0);
}

/* op run n and 2n times (in ring 3 if user), each between reset and report */
static void breakdown(const char *name, loop_fn op, uint32_t n, bool user)
{
    if (!have_phases)
        return;
    for (uint32_t k = 1; k <= 2; k++) {
        raw_hypercall(MICA_HYPERVISOR_phases, MICA_PHASEOP_reset, 0, 0, 0, 0);
        if (user) {
            user_op = op;
            user_n = k * n;
            exec_user(user_run);
        } else {
            op(k * n);
        }
        phases_report(name, k * n);
    }
}

static bool uvm_setup(void)
{
    static volatile uint32_t target[1024] __attribute__((aligned(4096)));
    uint64_t e[3];

    target[0] = 1;                      /* accessed and dirty: stays so */
    uvm_va = (uint32_t)target;
    if (pt_walk(uvm_va, e) != 0) {
        test_error("the kernel page at %#x is not mapped", uvm_va);
        return false;
    }
    uvm_lo = (uint32_t)e[2];
    uvm_hi = (uint32_t)(e[2] >> 32);
    return true;
}

/* The first L1 of the bootstrap region: every entry present? */
static bool mmu_setup(void)
{
    uint32_t l1 = l1_mfn_of(VIRT_BASE);
    const volatile uint64_t *t = l1 == ~0u ? NULL : mfn_to_virt(l1);

    if (!t || mapped_end() - VIRT_BASE < 512 * PAGE_SIZE) {
        test_error("the first L1 of the bootstrap region is not full");
        return false;
    }
    /* Touch every page first: the CPU sets no A/D bit behind our back. */
    for (unsigned int i = 0; i < 512; i++)
        (void)*(volatile uint8_t *)(VIRT_BASE + i * PAGE_SIZE);
    for (unsigned int i = 0; i < 512; i++) {
        same_reqs[i].ptr = MADDR(l1, i);
        same_reqs[i].val = t[i];
        if (!(t[i] & _PAGE_PRESENT)) {
            test_error("L1 entry %u is not present", i);
            return false;
        }
    }
    return true;
}

static void mmu_case(const char *name, uint32_t n)
{
    mmu_count = n;
    bench_print(name, measure_loops(mmu_loop, empty_loop, n >= 512 ? 20 : 200, n));
    breakdown(name, mmu_loop, n >= 512 ? 10 : 100, false);   /* per call: bench.py divides */
}

static void kernel_case(const char *name, loop_fn op, loop_fn empty, uint32_t n)
{
    bench_print(name, measure_loops(op, empty, n, 1));
    breakdown(name, op, 1000, false);
}

void test_main(void)
{
    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    vcpu0_info()->evtchn_upcall_mask = 1;
    have_phases = raw_hypercall(MICA_HYPERVISOR_phases, MICA_PHASEOP_reset,
                                0, 0, 0, 0) == 0;

    kernel_case("hypercall.null_net", null_loop, empty_loop, 20000);

    if (!uvm_setup() || !mmu_setup())
        return;
    uvm_flags = UVMF_NONE;
    kernel_case("uvm.same_pte", uvm_loop, empty_loop, 2000);
    uvm_flags = UVMF_INVLPG | UVMF_LOCAL;
    kernel_case("uvm.same_pte_invlpg", uvm_loop, empty_loop, 2000);
    mmu_case("mmu_update.same_batch1", 1);
    mmu_case("mmu_update.same_batch64", 64);
    mmu_case("mmu_update.same_batch512", 512);

    long p = evtchn_bind_ipi(0);
    if (p <= 0) {
        test_error("bind_ipi: %ld", p);
        return;
    }
    send_arg.port = (evtchn_port_t)p;
    pending_word = (uint32_t)&shared_info->evtchn_pending[p / 32];
    port_bit = (uint32_t)p % 32;
    evtchn_send(send_arg.port);
    if (!evtchn_is_pending(send_arg.port)) {
        test_error("the IPI did not become pending");
        return;
    }
    kernel_case("evtchn.send_pending", send_loop, empty_loop, 2000);
    kernel_case("evtchn.send_newly", send_newly_loop, btr_loop, 2000);
    /* Nothing left pending: ring 3 below runs with events enabled. */
    evtchn_clear_pending(send_arg.port);
    evtchn_ack_upcall();
    evtchn_close(send_arg.port);

    traps_init();
    user_map_image();
    static const struct { const char *name; void (*h)(void); } int80[] = {
        { "trap.int80_iret_hc", h_int80_hc },
        { "trap.int80_iret_native", h_int80_native },
    };
    for (unsigned int i = 0; i < 2; i++) {
        if (trap_set(0x80, 3, FLAT_RING1_CS, (uint32_t)int80[i].h)) {
            test_error("cannot register the int 0x80 handler");
            return;
        }
        user_op = int80_loop;
        exec_user(user_measure);
        bench_print(int80[i].name, user_result_x100);
        breakdown(int80[i].name, int80_loop, 1000, true);
    }

    pf_va = 0x10000000;
    if (mapped_any(pf_va)) {
        test_error("%#x is mapped", pf_va);
        return;
    }
    static const struct { const char *name; void (*h)(void); } pf[] = {
        { "trap.pf_k_iret_hc", h_pf_hc },
        { "trap.pf_k_iret_native", h_pf_native },
    };
    for (unsigned int i = 0; i < 2; i++) {
        if (trap_set(14, 0, FLAT_RING1_CS, (uint32_t)pf[i].h)) {
            test_error("cannot register the #PF handler");
            return;
        }
        kernel_case(pf[i].name, pf_loop, empty_loop, 2000);
    }
    traps_init();
    test_success();
}
