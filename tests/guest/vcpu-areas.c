/*
 * vcpu-areas: the records the hypervisor writes for a vCPU behind the
 * guest's back -- a registered vcpu_info, runstate and time copies by
 * virtual and by machine address (vcpu_op 5, 10, 13, 14, 15) -- with
 * current Xen's checks and error codes, and the rule that a frame the
 * hypervisor writes can never become a page table (docs/security.md).
 *
 * Run as domain 0 with dom0_max_vcpus=34.
 *
 *   register_vcpu_info (for vCPU 1, down): a bad argument pointer is
 *   -EFAULT, an offset of a page or more -EINVAL, a record crossing the
 *   page or misaligned -ENXIO, a frame not ours -EINVAL, one that cannot
 *   be writable (our L3) -EACCES.  Then it moves: the mask is copied,
 *   every selector bit and the upcall are set pending, and events for
 *   vCPU 1 land there (the shared_info slot stays quiet).  A second
 *   registration is -EBUSY.  While registered, the frame cannot be pinned
 *   as an L1 even with no writable mapping left (a control page can).
 *   vCPU 33 (no shared_info slot) can be initialised only once it has one.
 *
 *   runstate and time by VA, registered by vCPU 1 itself: its runstate
 *   reads "running" and the time copy has an even version and the current
 *   system time; a bad VA is -EFAULT.
 *
 *   the _phys_area calls: misaligned or page-crossing addresses -ENXIO,
 *   a frame not ours -EINVAL; the records appear in the frame; ~0
 *   unregisters, and a new registration replaces the old one -- the frame
 *   released each time (it can be pinned once nothing is registered in it).
 *
 * The auditor (mm_audit) checks at teardown that every registration was
 * dropped.
 */
#include <test.h>
#include <events.h>
#include <traps.h>
#include <smp.h>
#include <pt.h>

static long vcpu_op(int cmd, unsigned int id, void *arg)
{
    return HYPERVISOR_vcpu_op(cmd, id, arg);
}

static uint8_t vi_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t vi33_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t area_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t area_page2[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t control_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static vcpu_guest_context_t ctxt;

static uint64_t pte_of(const void *page, bool rw)
{
    return ((uint64_t)va_to_mfn(page) << 12) | _PAGE_PRESENT | _PAGE_ACCESSED |
           _PAGE_DIRTY | (rw ? _PAGE_RW : 0);
}

/* Can `page` (mapped read-only first) be pinned as an L1?  Restored after. */
static long try_pin_l1(void *page)
{
    mmuext_op_t op = { .cmd = MMUEXT_PIN_L1_TABLE, .arg1.mfn = va_to_mfn(page) };
    long rc;

    if (HYPERVISOR_update_va_mapping((uint32_t)page, pte_of(page, false), UVMF_INVLPG))
        test_error("cannot map %p read-only", page);
    rc = HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
    if (rc == 0) {
        op.cmd = MMUEXT_UNPIN_TABLE;
        HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
    }
    if (HYPERVISOR_update_va_mapping((uint32_t)page, pte_of(page, true), UVMF_INVLPG))
        test_error("cannot map %p writable again", page);
    return rc;
}

static long reg_vcpu_info(unsigned int id, uint32_t mfn, uint32_t offset)
{
    struct vcpu_register_vcpu_info r = { .mfn = mfn, .offset = offset };
    return vcpu_op(VCPUOP_register_vcpu_info, id, &r);
}

static long reg_phys(int cmd, unsigned int id, uint64_t gaddr)
{
    return vcpu_op(cmd, id, &gaddr);
}

static uint64_t maddr(const void *p)
{
    return ((uint64_t)va_to_mfn(p) << 12) | ((uint32_t)p & (PAGE_SIZE - 1));
}

/* ---- vcpu_info ----------------------------------------------------------- */

static volatile bool done1;
static volatile evtchn_port_t ipi1;
static void wait_event(unsigned int id)
{
    unsigned int seen = smp_events[id];

    while (smp_events[id] == seen)
        sched_block();
    done1 = true;
}

static bool wait_done(void)
{
    uint64_t end = now_ns() + 1000 * NS_PER_MS;
    while (!done1 && now_ns() < end)
        sched_yield();
    return done1;
}

static void vcpu_info_checks(void)
{
    struct bad_buf bad[BAD_BUF_MAX];
    uint32_t mfn = va_to_mfn(vi_page);
    struct vcpu_info *vi = (struct vcpu_info *)(vi_page + 64);

    bad_buffers(16, bad);
    CHECK_RC(vcpu_op(VCPUOP_register_vcpu_info, 1, (void *)bad[3].va), -XEN_EFAULT,
             "register_vcpu_info(bad pointer)");
    CHECK_RC(reg_vcpu_info(1, mfn, PAGE_SIZE), -XEN_EINVAL, "offset 4096");
    CHECK_RC(reg_vcpu_info(1, mfn, PAGE_SIZE - 32), -XEN_ENXIO, "crossing the page");
    CHECK_RC(reg_vcpu_info(1, mfn, 2), -XEN_ENXIO, "misaligned");
    CHECK_RC(reg_vcpu_info(1, 0x7ffffff, 0), -XEN_EINVAL, "a frame not ours");
    CHECK_RC(reg_vcpu_info(1, smp_l3_mfn(), 0), -XEN_EACCES, "our L3");

    shared_info->vcpu_info[1].evtchn_upcall_mask = 1;
    CHECK_RC(reg_vcpu_info(1, mfn, 64), 0, "register_vcpu_info(1)");
    CHECK(vi->evtchn_upcall_mask == 1, "mask not carried over: %u", vi->evtchn_upcall_mask);
    CHECK(vi->evtchn_upcall_pending == 1, "upcall not set pending");
    CHECK(vi->evtchn_pending_sel == ~0u, "selector 0x%x, expected all ones",
          vi->evtchn_pending_sel);
    CHECK(vi->time.version != 0 && !(vi->time.version & 1), "time record version %u",
          vi->time.version);
    CHECK_RC(reg_vcpu_info(1, mfn, 128), -XEN_EBUSY, "register_vcpu_info twice");

    /* The frame holds a writable type reference: no L1 can be made of it. */
    CHECK_RC(try_pin_l1(vi_page), -XEN_EINVAL, "pin a registered vcpu_info frame");
    CHECK_RC(try_pin_l1(control_page), 0, "pin an ordinary read-only frame");

    /* Events for vCPU 1 land in the new record. */
    vi->evtchn_upcall_pending = 0;
    vi->evtchn_pending_sel = 0;
    shared_info->vcpu_info[1].evtchn_upcall_pending = 0;
    shared_info->vcpu_info[1].evtchn_pending_sel = 0;
    smp_vcpu_info[1] = vi;
    long p = evtchn_bind_ipi(1);
    CHECK(p > 0, "bind_ipi(1): %ld", p);
    done1 = false;
    CHECK_RC(smp_start(1, wait_event), 0, "start vCPU 1");
    sched_yield();
    evtchn_send((evtchn_port_t)p);
    CHECK(wait_done(), "vCPU 1 got no upcall through its registered vcpu_info");
    CHECK(shared_info->vcpu_info[1].evtchn_upcall_pending == 0 &&
          shared_info->vcpu_info[1].evtchn_pending_sel == 0,
          "the old shared_info slot was written");
    evtchn_close((evtchn_port_t)p);

    /* vCPU 33 has no slot in shared_info: a context only after registering. */
    smp_build_context(&ctxt, 1, smp_idle);
    CHECK_RC(vcpu_op(VCPUOP_initialise, 33, &ctxt), -XEN_EINVAL, "initialise(33) first");
    CHECK_RC(reg_vcpu_info(33, va_to_mfn(vi33_page), 0), 0, "register_vcpu_info(33)");
    CHECK(((struct vcpu_info *)vi33_page)->evtchn_upcall_mask == 1, "vCPU 33 starts masked");
    CHECK_RC(vcpu_op(VCPUOP_initialise, 33, &ctxt), 0, "initialise(33) then");
    CHECK_RC(vcpu_op(VCPUOP_is_up, 33, NULL), 0, "is_up(33)");
}

/* ---- runstate and time --------------------------------------------------- */

static struct vcpu_runstate_info rs_va;
static struct vcpu_time_info t_va;
static volatile long rc_rs, rc_t, rc_bad;
static volatile int state_seen;
static volatile uint32_t tver;
static volatile uint64_t tsys, tnow;

static void register_va(unsigned int id)
{
    struct vcpu_register_runstate_memory_area a = { .addr.p = (uint32_t)&rs_va };
    struct vcpu_register_time_memory_area t = { .addr.p = (uint32_t)&t_va };
    struct vcpu_register_time_memory_area b = { .addr.p = 0xfffff000u };

    rc_rs = vcpu_op(VCPUOP_register_runstate_memory_area, id, &a);
    rc_t = vcpu_op(VCPUOP_register_vcpu_time_memory_area, id, &t);
    rc_bad = vcpu_op(VCPUOP_register_vcpu_time_memory_area, id, &b);
    state_seen = rs_va.state;
    tver = t_va.version;
    tsys = t_va.system_time;
    tnow = now_ns();
    done1 = true;
}

static void va_areas(void)
{
    done1 = false;
    CHECK_RC(smp_rerun(1, register_va), 0, "up vCPU 1");
    CHECK(wait_done(), "vCPU 1 did not register");
    CHECK_RC(rc_rs, 0, "register_runstate_memory_area");
    CHECK_RC(rc_t, 0, "register_vcpu_time_memory_area");
    CHECK_RC(rc_bad, -XEN_EFAULT, "register_vcpu_time_memory_area(hole)");
    CHECK(state_seen == RUNSTATE_running, "vCPU 1 read its runstate as %d", state_seen);
    CHECK(tver != 0 && !(tver & 1), "time copy version %u", tver);
    CHECK(tsys != 0 && tsys <= tnow && tnow - tsys < 1000 * NS_PER_MS,
          "time copy says %llu, now %llu", (unsigned long long)tsys,
          (unsigned long long)tnow);
}

/* ---- by machine address --------------------------------------------------- */

static void phys_areas(void)
{
    struct vcpu_runstate_info *rs = (struct vcpu_runstate_info *)(area_page + 8);
    struct vcpu_time_info *t = (struct vcpu_time_info *)(area_page + 2048);

    CHECK_RC(reg_phys(VCPUOP_register_runstate_phys_area, 1, maddr(area_page) + 2), -XEN_ENXIO,
             "runstate phys misaligned");
    CHECK_RC(reg_phys(VCPUOP_register_runstate_phys_area, 1, maddr(area_page) + 4092),
             -XEN_ENXIO, "runstate phys crossing a page");
    CHECK_RC(reg_phys(VCPUOP_register_vcpu_time_phys_area, 1, 0x7ffffffULL << 12), -XEN_EINVAL,
             "time phys in a frame not ours");
    CHECK_RC(reg_phys(VCPUOP_register_vcpu_time_phys_area, 1, (uint64_t)smp_l3_mfn() << 12),
             -XEN_EACCES, "time phys in our L3");

    CHECK_RC(reg_phys(VCPUOP_register_runstate_phys_area, 1, maddr(rs)), 0, "runstate phys");
    CHECK_RC(reg_phys(VCPUOP_register_vcpu_time_phys_area, 1, maddr(t)), 0, "time phys");
    CHECK(rs->state == RUNSTATE_offline || rs->state == RUNSTATE_blocked,
          "vCPU 1 (down) shows runstate %d", rs->state);
    CHECK(t->version != 0 && !(t->version & 1) && t->system_time != 0,
          "time record version %u system_time %llu", t->version,
          (unsigned long long)t->system_time);
    CHECK_RC(try_pin_l1(area_page), -XEN_EINVAL, "pin a registered area frame");

    /* Replace the runstate area: the old frame keeps the time record only. */
    CHECK_RC(reg_phys(VCPUOP_register_runstate_phys_area, 1, maddr(area_page2)), 0,
             "runstate phys moved");
    CHECK_RC(try_pin_l1(area_page2), -XEN_EINVAL, "pin the new runstate frame");
    CHECK_RC(try_pin_l1(area_page), -XEN_EINVAL, "pin the time frame");
    CHECK_RC(reg_phys(VCPUOP_register_vcpu_time_phys_area, 1, ~0ULL), 0, "time phys off");
    memset(area_page, 0, PAGE_SIZE);    /* what was written there is no L1 */
    CHECK_RC(try_pin_l1(area_page), 0, "pin the frame no longer registered");
    CHECK_RC(reg_phys(VCPUOP_register_runstate_phys_area, 1, ~0ULL), 0, "runstate phys off");
    memset(area_page2, 0, PAGE_SIZE);
    CHECK_RC(try_pin_l1(area_page2), 0, "pin the other frame once released");
    CHECK_RC(reg_phys(VCPUOP_register_runstate_phys_area, 1, ~0ULL), 0, "off twice");

    /* Left registered on purpose: teardown must release it. */
    CHECK_RC(reg_phys(VCPUOP_register_vcpu_time_phys_area, 1, maddr(t)), 0, "time phys again");
}

void test_main(void)
{
    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    traps_init();
    vcpu_info_checks();
    va_areas();
    phys_areas();
    test_success();
}
