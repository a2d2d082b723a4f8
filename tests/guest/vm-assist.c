/*
 * vm-assist: VMASST_TYPE_architectural_iopl and runstate_update_flag, and
 * vm_assist's argument order (Xen checks the type before the command).
 *
 * architectural_iopl (this is the initial domain, which may do port I/O;
 * port 0x80, the POST port, is not the hypervisor's):
 *   - without it, a virtual IOPL of 0 keeps the kernel (ring 1) from IN
 *     and CLI: #GP;
 *   - with it, the kernel counts as ring 0 against the IOPL: IN and CLI
 *     are allowed at IOPL 0, user space is not;
 *   - the iret hypercall loads the virtual IOPL from its EFLAGS: entering
 *     ring 3 with IOPL 3 lets user space do IN, and an exception bounced
 *     from there shows IOPL 3 in its frame; returning with IOPL 0 takes it
 *     away again;
 *   - switched off, IOPL is again PHYSDEVOP_set_iopl's alone, and bounce
 *     frames show 0.
 * runstate_update_flag: a registered runstate area rewritten while the
 * flag is on never ends with XEN_RUNSTATE_UPDATE left set, and agrees
 * with VCPUOP_get_runstate_info (the bracketing itself is checked in the
 * host test test-schedule: a guest on one CPU cannot watch it).
 */
#include <test.h>
#include <traps.h>
#include <events.h>
#include <public/physdev.h>

#define PORT "0x80"

static uint32_t k_in(void)
{
    uint8_t v;
    exc_clear();
    asm volatile (PROBE_PRE "inb $" PORT ", %%al" PROBE_POST : "=a" (v) :: "memory");
    return last_exc.count;
}

static uint32_t k_cli(void)
{
    exc_clear();
    asm volatile (PROBE_PRE "cli" PROBE_POST ::: "memory");
    return last_exc.count;
}

static uint32_t u_in(void)
{
    return k_in();
}

static volatile uint32_t frame_eflags;
static bool int3_hook(struct exc_frame *f)
{
    frame_eflags = f->eflags;
    return true;                                /* a trap: EIP is past it */
}

static uint32_t u_int3(void)
{
    asm volatile ("int3" ::: "memory");
    return 0;
}

static long set_iopl(unsigned int iopl)
{
    struct physdev_set_iopl s = { .iopl = iopl };
    return hypercall2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, (long)&s);
}

static void arguments(void)
{
    CHECK_RC(HYPERVISOR_vm_assist(2, 99), -XEN_EINVAL, "bad type with a bad command");
    CHECK_RC(HYPERVISOR_vm_assist(7, VMASST_TYPE_architectural_iopl), -XEN_ENOSYS, "bad command");
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_m2p_strict), -XEN_EINVAL,
             "m2p_strict (64-bit guests only)");
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable, 6), -XEN_EINVAL, "type 6");
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_disable, VMASST_TYPE_runstate_update_flag), 0,
             "disable runstate_update_flag");
}

static void architectural_iopl(void)
{
    CHECK_RC(set_iopl(0), 0, "set_iopl 0");
    CHECK(k_in() == 1 && last_exc.vector == 13, "kernel IN at IOPL 0: %s", exc_str());
    CHECK(k_cli() == 1, "kernel CLI at IOPL 0");

    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_architectural_iopl), 0, "enable");
    CHECK(k_in() == 0, "kernel IN with architectural IOPL: %s", exc_str());
    CHECK(k_cli() == 0, "kernel CLI with architectural IOPL: %s", exc_str());
    CHECK(exec_user(u_in) == 1, "user IN at IOPL 0");

    /* Into ring 3 with IOPL 3: the iret hypercall sets the virtual IOPL. */
    exec_user_eflags = 0x3202;
    CHECK(exec_user(u_in) == 0, "user IN after iret with IOPL 3: %s", exc_str());
    exc_hook[3] = int3_hook;
    frame_eflags = 0;
    exec_user(u_int3);
    CHECK(((frame_eflags >> 12) & 3) == 3, "bounce frame eflags 0x%x: IOPL 3 expected", frame_eflags);
    exec_user_eflags = 0x202;
    CHECK(exec_user(u_in) == 1, "user IN after iret with IOPL 0");
    frame_eflags = 0xffffffff;
    exec_user(u_int3);
    CHECK(((frame_eflags >> 12) & 3) == 0, "bounce frame eflags 0x%x: IOPL 0 expected", frame_eflags);

    /* Off again: set_iopl decides, frames show no IOPL. */
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_disable, VMASST_TYPE_architectural_iopl), 0, "disable");
    CHECK(k_in() == 1, "kernel IN at IOPL 0 without the assist");
    CHECK_RC(set_iopl(3), 0, "set_iopl 3");
    CHECK(k_in() == 0 && exec_user(u_in) == 0, "IN at IOPL 3: %s", exc_str());
    frame_eflags = 0xffffffff;
    exec_user(u_int3);
    CHECK(((frame_eflags >> 12) & 3) == 0, "frame eflags 0x%x without the assist", frame_eflags);
    exc_hook[3] = NULL;
    CHECK_RC(set_iopl(0), 0, "set_iopl 0");
}

static struct vcpu_runstate_info area;

static void runstate_flag(void)
{
    struct vcpu_register_runstate_memory_area r = { .addr.h = (uint32_t)&area };

    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag), 0,
             "enable runstate_update_flag");
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &r), 0, "register");
    for (int i = 0; i < 20; i++) {
        sched_yield();
        CHECK(!(area.state_entry_time & XEN_RUNSTATE_UPDATE),
              "XEN_RUNSTATE_UPDATE left set (0x%llx)", (unsigned long long)area.state_entry_time);
    }
    struct vcpu_runstate_info now;
    CHECK_RC(get_runstate(&now), 0, "get_runstate_info");
    CHECK(area.state == RUNSTATE_running && area.state_entry_time <= now.state_entry_time &&
          area.state_entry_time != 0, "area state %d entry %llu", area.state,
          (unsigned long long)area.state_entry_time);
    r.addr.h = 0;
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &r), 0, "unregister");
}

void test_main(void)
{
    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    traps_init();
    user_map_image();
    arguments();
    architectural_iopl();
    runstate_flag();
    test_success();
}
