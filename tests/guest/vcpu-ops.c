/*
 * vcpu-ops: a guest with several vCPUs on the one physical CPU, as Xen
 * runs one (fact sheet §9; vcpu_op 24, event_channel_op bind_ipi).
 *
 * Run as domain 0 with dom0_max_vcpus=34: vCPUs 1-33 exist from creation,
 * down and without a context.  Checked, in order:
 *
 *   - is_up answers 1 for vCPU 0, 0 for the others, -ENOENT past the
 *     last; up before initialise is -EINVAL;
 *   - VCPUOP_initialise refuses a bad pointer (-EFAULT), a CR3 that is no
 *     validated L3 of ours (-EINVAL), a ring-0 code selector (-EINVAL),
 *     vCPU 33 without a registered vcpu_info (-EINVAL), and any vCPU that
 *     has a context already (-EEXIST, vCPU 0 included);
 *   - a started vCPU runs on its own stack, and the scheduler runs both:
 *     vCPU 1 counts while vCPU 0 spins without yielding for 200 ms, and
 *     vCPU 1's runstate shows time both running and runnable;
 *   - IPIs both ways: ports bound with bind_ipi notify the vCPU they name
 *     (an upcall on vCPU 1, a poll wake-up on vCPU 0), ten round trips;
 *   - per-vCPU timers: vCPU 1's one-shot timer raises VIRQ_TIMER bound on
 *     vCPU 1 (its periodic timer stopped first), not earlier than asked;
 *   - VCPUOP_send_nmi from vCPU 1 reaches vCPU 0's NMI callback;
 *   - the vCPU-mask hypercalls (TLB_FLUSH_MULTI, INVLPG_MULTI,
 *     update_va_mapping with a mask) accept masks naming either vCPU and
 *     read them (-EFAULT for a bad one), and a mapping vCPU 1 changes is
 *     what vCPU 0 then sees;
 *   - down from another vCPU stops it (its counter freezes, is_up 0), up
 *     resumes it where it was.
 *
 * With role=domu (a boot-module domain with vcpus=3) a shorter run:
 * vCPUs 1 and 2 exist and are down, 3 does not, and an IPI round trip
 * with vCPU 2 works.
 */
#include <test.h>
#include <events.h>
#include <traps.h>
#include <smp.h>
#include <pt.h>
#include <public/nmi.h>

static long vcpu_op(int cmd, unsigned int id, void *arg)
{
    return HYPERVISOR_vcpu_op(cmd, id, arg);
}

static vcpu_guest_context_t ctxt;

/* ---- running on the secondary vCPU ------------------------------------ */

static volatile unsigned int ran_on, counter;
static volatile bool stop;

static void hello(unsigned int id)
{
    ran_on = smp_processor_id() + 100 * id;
}

static void count(unsigned int id)
{
    while (!stop)
        counter++;
}

static volatile evtchn_port_t ipi_to0, ipi_to1;
static volatile unsigned int pongs;

static void ponger(unsigned int id)
{
    unsigned int seen = smp_events[id];

    while (pongs < 10) {
        while (smp_events[id] == seen && !evtchn_is_pending(ipi_to1))
            sched_block();              /* events on: the upcall wakes us */
        seen = smp_events[id];
        if (!evtchn_is_pending(ipi_to1))
            continue;
        evtchn_clear_pending(ipi_to1);
        pongs++;
        evtchn_send(ipi_to0);
    }
}

static volatile uint64_t timer_asked, timer_fired;
static volatile long timer_port;
static volatile bool timer_finished;

static void timed(unsigned int id)
{
    vcpu_op(VCPUOP_stop_periodic_timer, id, NULL);
    timer_port = evtchn_bind_virq(VIRQ_TIMER, id);
    if (timer_port <= 0) {
        timer_finished = true;
        return;
    }
    evtchn_clear_pending((evtchn_port_t)timer_port);
    timer_asked = now_ns() + 5 * NS_PER_MS;
    HYPERVISOR_set_timer_op(timer_asked);
    while (!evtchn_is_pending((evtchn_port_t)timer_port))
        sched_block();
    timer_fired = now_ns();
    CHECK_RC(evtchn_bind_virq(VIRQ_TIMER, id), -XEN_EEXIST, "bind_virq(TIMER) twice");
    evtchn_close((evtchn_port_t)timer_port);
    timer_finished = true;
}

static volatile long nmi_rc;
static void nmi_sender(unsigned int id)
{
    nmi_rc = vcpu_op(VCPUOP_send_nmi, 0, NULL);
}

/* ---- the NMI callback on vCPU 0 ---------------------------------------- */

static volatile unsigned int nmis;
void nmi_seen(void);
void nmi_seen(void) { nmis++; }
extern char nmi_entry[];
asm (".text\nnmi_entry:\n\tpushal\n\tcld\n\tcall nmi_seen\n\tpopal\n\t"
     "jmp hypercall_page + 23 * 32\n");

/* ---- helpers ------------------------------------------------------------- */

/* Yield until cond() or about a second has gone by. */
static bool wait_for(bool (*cond)(void))
{
    uint64_t end = now_ns() + 1000 * NS_PER_MS;

    while (!cond() && now_ns() < end)
        sched_yield();
    return cond();
}
static bool is_down1(void) { return vcpu_op(VCPUOP_is_up, 1, NULL) == 0; }
static bool ran(void) { return ran_on != 0; }
static bool counting(void) { return counter > 1000; }
static bool timer_done(void) { return timer_finished; }

static void ipi_round_trips(unsigned int id)
{
    long p0 = evtchn_bind_ipi(0), p1 = evtchn_bind_ipi(id);
    evtchn_status_t st;

    CHECK(p0 > 0 && p1 > 0, "bind_ipi: %ld %ld", p0, p1);
    if (p0 <= 0 || p1 <= 0)
        return;
    CHECK_RC(evtchn_status(DOMID_SELF, (evtchn_port_t)p1, &st), 0, "status(ipi)");
    CHECK(st.status == EVTCHNSTAT_ipi && st.vcpu == id, "ipi port status %u vcpu %u",
          st.status, st.vcpu);
    CHECK_RC(evtchn_bind_ipi(SMP_MAX_VCPUS + 100), -XEN_ENOENT, "bind_ipi(no such vCPU)");
    ipi_to0 = (evtchn_port_t)p0;
    ipi_to1 = (evtchn_port_t)p1;
    pongs = 0;
    CHECK_RC(id == 1 ? smp_rerun(id, ponger) : smp_start(id, ponger), 0, "start ponger");
    for (unsigned int i = 0; i < 10; i++) {
        evtchn_send(ipi_to1);
        if (wait_port(ipi_to0, now_ns() + 1000 * NS_PER_MS) != 1) {
            test_fail("IPI round trip %u: no answer from vCPU %u", i, id);
            break;
        }
    }
    CHECK(pongs == 10, "vCPU %u answered %u IPIs", id, pongs);
    CHECK(smp_events[id] >= 1, "vCPU %u took no upcall", id);
    evtchn_close(ipi_to0);
    evtchn_close(ipi_to1);
}

static void domu_main(void)
{
    CHECK_RC(vcpu_op(VCPUOP_is_up, 1, NULL), 0, "is_up(1)");
    CHECK_RC(vcpu_op(VCPUOP_is_up, 2, NULL), 0, "is_up(2)");
    CHECK_RC(vcpu_op(VCPUOP_is_up, 3, NULL), -XEN_ENOENT, "is_up(3) with vcpus=3");
    ipi_round_trips(2);
}

/* ---- the checks ------------------------------------------------------------ */

static void lifecycle(void)
{
    struct bad_buf bad[BAD_BUF_MAX];

    CHECK_RC(vcpu_op(VCPUOP_is_up, 0, NULL), 1, "is_up(0)");
    CHECK_RC(vcpu_op(VCPUOP_is_up, 1, NULL), 0, "is_up(1)");
    CHECK_RC(vcpu_op(VCPUOP_is_up, 33, NULL), 0, "is_up(33)");
    CHECK_RC(vcpu_op(VCPUOP_is_up, 34, NULL), -XEN_ENOENT, "is_up(34)");
    CHECK_RC(vcpu_op(VCPUOP_is_up, 64, NULL), -XEN_ENOENT, "is_up(64)");
    CHECK_RC(vcpu_op(VCPUOP_is_up, ~0u, NULL), -XEN_ENOENT, "is_up(~0)");
    CHECK_RC(vcpu_op(VCPUOP_up, 1, NULL), -XEN_EINVAL, "up before initialise");

    bad_buffers(sizeof(ctxt), bad);
    CHECK_RC(vcpu_op(VCPUOP_initialise, 1, (void *)bad[3].va), -XEN_EFAULT,
             "initialise(unmapped context)");
    smp_build_context(&ctxt, 1, hello);
    ctxt.ctrlreg[3] = xen_pfn_to_cr3(va_to_mfn(&ctxt));
    CHECK_RC(vcpu_op(VCPUOP_initialise, 1, &ctxt), -XEN_EINVAL, "initialise(CR3 = a data page)");
    smp_build_context(&ctxt, 1, hello);
    ctxt.user_regs.cs = 0xe008;
    CHECK_RC(vcpu_op(VCPUOP_initialise, 1, &ctxt), -XEN_EINVAL, "initialise(ring-0 CS)");
    smp_build_context(&ctxt, 1, hello);
    CHECK_RC(vcpu_op(VCPUOP_initialise, 33, &ctxt), -XEN_EINVAL, "initialise(33, no vcpu_info)");
    CHECK_RC(vcpu_op(VCPUOP_initialise, 0, &ctxt), -XEN_EEXIST, "initialise(0)");
    CHECK_RC(vcpu_op(VCPUOP_is_up, 1, NULL), 0, "is_up(1) after refused contexts");

    CHECK_RC(smp_start(1, hello), 0, "start vCPU 1");
    CHECK(wait_for(ran), "vCPU 1 never ran");
    CHECK(ran_on == 101, "vCPU 1 ran on stack of vCPU %u", ran_on % 100);
    CHECK(wait_for(is_down1), "vCPU 1 did not go down after its function");
    smp_build_context(&ctxt, 1, hello);
    CHECK_RC(vcpu_op(VCPUOP_initialise, 1, &ctxt), -XEN_EEXIST, "initialise(1) twice");
}

static void both_run(void)
{
    struct vcpu_runstate_info rs;

    stop = false;
    counter = 0;
    CHECK_RC(smp_rerun(1, count), 0, "up vCPU 1 (counter)");
    spin_ns(200 * NS_PER_MS);           /* never yields: only preemption helps */
    CHECK(counter > 1000, "vCPU 1 counted %u while vCPU 0 spun", counter);
    CHECK_RC(vcpu_op(VCPUOP_get_runstate_info, 1, &rs), 0, "runstate(1)");
    CHECK(rs.time[RUNSTATE_running] > 0 && rs.time[RUNSTATE_runnable] > 0,
          "vCPU 1 runstate running %llu runnable %llu",
          (unsigned long long)rs.time[RUNSTATE_running],
          (unsigned long long)rs.time[RUNSTATE_runnable]);

    /* Down from vCPU 0: it stops where it is; up: it goes on. */
    CHECK_RC(vcpu_op(VCPUOP_down, 1, NULL), 0, "down(1)");
    CHECK_RC(vcpu_op(VCPUOP_is_up, 1, NULL), 0, "is_up(1) after down");
    sched_yield();
    unsigned int frozen = counter;
    spin_ns(50 * NS_PER_MS);
    CHECK(counter == frozen, "vCPU 1 ran while down (%u -> %u)", frozen, counter);
    CHECK_RC(vcpu_op(VCPUOP_get_runstate_info, 1, &rs), 0, "runstate(1)");
    CHECK(rs.state == RUNSTATE_offline, "runstate of a down vCPU: %d", rs.state);
    CHECK_RC(vcpu_op(VCPUOP_up, 1, NULL), 0, "up(1) again");
    counter = 0;
    CHECK(wait_for(counting), "vCPU 1 did not resume");
    stop = true;
    CHECK(wait_for(is_down1), "vCPU 1 did not finish");
}

static void timers_and_nmi(void)
{
    struct xennmi_callback cb = { .handler_address = (uint32_t)nmi_entry };

    timer_fired = 0;
    timer_finished = false;
    CHECK_RC(smp_rerun(1, timed), 0, "up vCPU 1 (timer)");
    CHECK(wait_for(timer_done), "vCPU 1's timer never fired");
    CHECK(timer_port > 0, "bind_virq(TIMER, 1): %ld", timer_port);
    CHECK(timer_fired >= timer_asked, "vCPU 1's timer fired %lld ns early",
          (long long)(timer_asked - timer_fired));
    CHECK(wait_for(is_down1), "vCPU 1 did not finish");

    CHECK_RC(HYPERVISOR_nmi_op(XENNMI_register_callback, &cb), 0, "nmi callback");
    nmis = 0;
    CHECK_RC(smp_rerun(1, nmi_sender), 0, "up vCPU 1 (NMI)");
    CHECK(wait_for(is_down1), "vCPU 1 did not finish");
    CHECK_RC(nmi_rc, 0, "send_nmi(0) from vCPU 1");
    HYPERVISOR_xen_version(XENVER_version, NULL);   /* a way back in */
    CHECK(nmis == 1, "vCPU 0 took %u NMIs from vCPU 1", nmis);
    CHECK_RC(vcpu_op(VCPUOP_send_nmi, 1, NULL), 0, "send_nmi(1): no callback there");
    HYPERVISOR_nmi_op(XENNMI_unregister_callback, NULL);
}

static uint8_t map_a[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t map_b[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t window[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static volatile uint32_t remap_to;
static volatile long remap_rc;
static uint32_t mask_both = 3, mask_one = 2;

static void remapper(unsigned int id)
{
    uint64_t pte = ((uint64_t)remap_to << 12) | _PAGE_PRESENT | _PAGE_RW |
                   _PAGE_ACCESSED | _PAGE_DIRTY;
    remap_rc = HYPERVISOR_update_va_mapping((uint32_t)window, pte,
                                            UVMF_INVLPG | (uint32_t)&mask_both);
}

static void masks(void)
{
    mmuext_op_t op = { .cmd = MMUEXT_TLB_FLUSH_MULTI };
    struct bad_buf bad[BAD_BUF_MAX];

    bad_buffers(4, bad);
    op.arg2.vcpumask = (uint32_t)&mask_one;
    CHECK_RC(HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), 0, "TLB_FLUSH_MULTI {1}");
    op.arg2.vcpumask = (uint32_t)&mask_both;
    CHECK_RC(HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), 0, "TLB_FLUSH_MULTI {0,1}");
    op.arg2.vcpumask = bad[3].va;
    CHECK_RC(HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), -XEN_EFAULT,
             "TLB_FLUSH_MULTI(bad mask)");
    op.cmd = MMUEXT_INVLPG_MULTI;
    op.arg1.linear_addr = (uint32_t)window;
    op.arg2.vcpumask = (uint32_t)&mask_both;
    CHECK_RC(HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), 0, "INVLPG_MULTI {0,1}");

    /* vCPU 1 points `window` at map_a, then map_b; vCPU 0 reads both. */
    map_a[0] = 0xaa;
    map_b[0] = 0xbb;
    CHECK(window[0] == 0, "window starts as its own zero page");
    uint32_t own = va_to_mfn(window);
    remap_to = va_to_mfn(map_a);
    CHECK_RC(smp_rerun(1, remapper), 0, "up vCPU 1 (remap)");
    CHECK(wait_for(is_down1), "vCPU 1 did not finish");
    CHECK_RC(remap_rc, 0, "update_va_mapping(mask {0,1}) on vCPU 1");
    CHECK(window[0] == 0xaa, "vCPU 0 sees 0x%x through the window, not map_a", window[0]);
    remap_to = va_to_mfn(map_b);
    CHECK_RC(smp_rerun(1, remapper), 0, "up vCPU 1 (remap)");
    CHECK(wait_for(is_down1), "vCPU 1 did not finish");
    CHECK(window[0] == 0xbb, "vCPU 0 sees 0x%x through the window, not map_b", window[0]);
    remap_to = own;
    CHECK_RC(smp_rerun(1, remapper), 0, "up vCPU 1 (remap)");
    CHECK(wait_for(is_down1), "vCPU 1 did not finish");
    CHECK(window[0] == 0, "window back on its own page");
}

void test_main(void)
{
    const char *role = cmdline_value((const char *)start_info->cmd_line, "role");

    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    traps_init();
    if (role && !strncmp(role, "domu", 4)) {
        domu_main();
        test_success();
        return;
    }
    lifecycle();
    both_run();
    ipi_round_trips(1);
    CHECK(wait_for(is_down1), "vCPU 1 did not finish");
    timers_and_nmi();
    masks();
    CHECK_RC(wait_domain_gone(1, 20000 * NS_PER_MS), 0, "the vcpus=3 domain finishing");
    test_success();
}
