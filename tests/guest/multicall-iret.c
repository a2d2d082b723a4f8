/*
 * multicall-iret: __HYPERVISOR_iret as a multicall entry, as Xen handles
 * it since the XSA-213 fix: the iret takes effect and the batch ends.
 *
 *   - to ring 1: with an iret frame {EAX, EIP, CS, EFLAGS} on the stack at
 *     the multicall's int $0x82, the vCPU continues at the frame's EIP with
 *     ESP past the frame and the event mask from its EFLAGS.IF; the entry's
 *     result is the frame's EAX, the guest's EAX is the multicall's return
 *     value (0), and the entries after the iret never run (their results
 *     keep their poison, their side effects do not happen);
 *   - to ring 3: the same through exec_user_multicall() -- user space runs
 *     the function with ESP/SS from the frame, and nothing after the iret
 *     entry runs, not even in the new context;
 *   - the iret in the middle of a batch: the entries before it run, those
 *     after it do not;
 *   - a bad frame still crashes nothing but the domain's own iret rules:
 *     EFLAGS.VM gives #GP(0) at the multicall's int $0x82 with the batch
 *     ended (checked with the exception hook).
 */
#include <test.h>
#include <traps.h>
#include <events.h>

static multicall_entry_t mc[4];
static volatile uint32_t after_eax, after_esp, before_esp, side_effect;

static void poison(void)
{
    for (unsigned int i = 0; i < 4; i++)
        mc[i] = (multicall_entry_t){ .op = __HYPERVISOR_xen_version, .result = 0xdead0000 + i,
                                     .args = { XENVER_version } };
}

/* An entry whose side effect would show: alloc_unbound leaves a port. */
static evtchn_alloc_unbound_t au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };

static void ring1(void)
{
    poison();
    mc[0] = (multicall_entry_t){ .op = __HYPERVISOR_iret, .result = 0xdeadbeef };
    mc[1] = (multicall_entry_t){ .op = __HYPERVISOR_event_channel_op, .result = 0xdead0001,
                                 .args = { EVTCHNOP_alloc_unbound, (uint32_t)&au } };
    au.port = 0;
    asm volatile ("mov %%esp, before_esp\n\t"
                  "pushl $0x002\n\t"              /* EFLAGS: IF clear, events stay masked */
                  "pushl %[cs]\n\t"
                  "pushl $1f\n\t"
                  "pushl $0x1234abcd\n\t"         /* the frame's EAX */
                  "mov $13, %%eax\n\t"            /* multicall(mc, 3) */
                  "int $0x82\n\t"
                  "ud2\n"
                  "1:\n\t"
                  "mov %%eax, after_eax\n\t"
                  "mov %%esp, after_esp\n\t"
                  "mov before_esp, %%esp\n\t"
                  :: [cs] "i" (FLAT_RING1_CS), "b" (mc), "c" (3)
                  : "eax", "edx", "memory");
    CHECK(after_esp == before_esp, "ESP after the iret 0x%x, expected 0x%x", after_esp, before_esp);
    CHECK(after_eax == 0, "EAX after the iret 0x%x: the multicall's return (0) expected",
          after_eax);
    CHECK(mc[0].result == 0x1234abcd, "iret entry result 0x%x", mc[0].result);
    CHECK(mc[1].result == 0xdead0001 && au.port == 0, "entry after the iret ran (result 0x%x)",
          mc[1].result);
    CHECK(mc[2].result == 0xdead0002, "third entry ran");
    CHECK(vcpu0_info()->evtchn_upcall_mask == 1, "event mask not from EFLAGS.IF");
    evtchn_status_t st;
    CHECK_RC(evtchn_status(DOMID_SELF, 1, &st), 0, "status of port 1");
    CHECK(st.status == EVTCHNSTAT_closed, "a port was allocated after the iret");
}

static volatile uint32_t user_cs;
static uint32_t u_fn(void)
{
    uint16_t cs;
    asm volatile ("mov %%cs, %0" : "=r" (cs));
    user_cs = cs;
    return 0x77;
}

static void ring3(void)
{
    poison();
    mc[0] = (multicall_entry_t){ .op = __HYPERVISOR_iret, .result = 0xdeadbeef };
    mc[1] = (multicall_entry_t){ .op = __HYPERVISOR_event_channel_op, .result = 0xdead0001,
                                 .args = { EVTCHNOP_alloc_unbound, (uint32_t)&au } };
    au.port = 0;
    uint32_t r = exec_user_multicall(u_fn, mc, 2);
    CHECK(r == 0x77 && user_cs == FLAT_RING3_CS, "user function: result 0x%x cs 0x%x", r, user_cs);
    CHECK(user_mc_eax == 0, "user EAX 0x%x: the multicall's return (0) expected", user_mc_eax);
    CHECK(mc[0].result == 0x5a5a5a5a, "iret entry result 0x%x", mc[0].result);
    CHECK(mc[1].result == 0xdead0001 && au.port == 0, "an entry ran in ring 3's context");
}

static void middle(void)
{
    poison();
    mc[1] = (multicall_entry_t){ .op = __HYPERVISOR_iret, .result = 0xdeadbeef };
    asm volatile ("mov %%esp, before_esp\n\t"
                  "pushl $0x002\n\t"
                  "pushl %[cs]\n\t"
                  "pushl $1f\n\t"
                  "pushl $0x55\n\t"
                  "mov $13, %%eax\n\t"
                  "int $0x82\n\t"
                  "ud2\n"
                  "1:\n\t"
                  "mov before_esp, %%esp\n\t"
                  :: [cs] "i" (FLAT_RING1_CS), "b" (mc), "c" (4)
                  : "eax", "edx", "memory");
    CHECK((long)mc[0].result == HYPERVISOR_xen_version(XENVER_version, NULL),
          "entry before the iret: 0x%x", mc[0].result);
    CHECK(mc[1].result == 0x55, "iret result 0x%x", mc[1].result);
    CHECK(mc[2].result == 0xdead0002 && mc[3].result == 0xdead0003, "entries after it ran");
}

static volatile uint32_t gp_eip;
static bool gp_hook(struct exc_frame *f)
{
    gp_eip = f->eip;
    f->eip += 2;                        /* past the int $0x82 */
    return true;
}

static void vm_flag(void)
{
    extern char mc_int82[];

    poison();
    mc[0] = (multicall_entry_t){ .op = __HYPERVISOR_iret, .result = 0xdeadbeef };
    exc_hook[13] = gp_hook;
    exc_clear();
    asm volatile ("mov %%esp, before_esp\n\t"
                  "pushl $0x20202\n\t"            /* EFLAGS.VM */
                  "pushl %[cs]\n\t"
                  "pushl $1f\n\t"
                  "pushl $0\n\t"
                  "mov $13, %%eax\n\t"
                  ".globl mc_int82\n"
                  "mc_int82: int $0x82\n"
                  "1:\n\t"
                  "mov before_esp, %%esp\n\t"
                  :: [cs] "i" (FLAT_RING1_CS), "b" (mc), "c" (2)
                  : "eax", "edx", "memory");
    exc_hook[13] = NULL;
    CHECK(last_exc.vector == 13 && last_exc.error == 0 && gp_eip == (uint32_t)mc_int82,
          "EFLAGS.VM: %s, expected #GP(0) at the multicall", exc_str());
    CHECK(mc[1].result == 0xdead0001, "the entry after a refused iret ran");
}

void test_main(void)
{
    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    traps_init();
    user_map_image();
    ring1();
    ring3();
    middle();
    vm_flag();
    test_success();
}
