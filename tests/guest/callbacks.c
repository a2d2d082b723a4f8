/*
 * callbacks: registering entry points -- set_trap_table, set_callbacks,
 * callback_op, nmi_op, stack_switch -- checks everything at registration.
 *
 * Trap table: a handler's code selector must be a ring-1 guest selector
 * (RPL 0 is raised to 1; the hypervisor's own selectors, ring-3 code, data
 * selectors, RPL 3 and the null selector are refused) and its address
 * below the hole; a bad entry makes the whole call -EINVAL with nothing
 * changed (checked by pointing a vector's handler at another stub, whose
 * vector number then shows up in the recorded exception); a partial table
 * changes only its own vectors; NULL clears the table; an unreadable list
 * is -EFAULT; a list longer than 256 entries is worked through by
 * continuation to its end.
 *
 * Callbacks: the same selector/address rules, every callback_op type and
 * flag, event/failsafe cannot be unregistered, NMI only for the initial
 * domain's vCPU 0 (which this is), syscall32/sysenter accepted as 32-on-64
 * Xen does.  stack_switch only takes a ring-1 data selector.
 */
#include <test.h>
#include <traps.h>
#include <public/callback.h>
#include <public/nmi.h>

/* int $n; return the vector the runtime recorded (the stub's number). */
#define INT_REC(n) ({ exc_clear(); asm volatile (PROBE_PRE "int $" #n PROBE_POST ::: "memory"); \
                      (int)last_exc.vector; })

static void trap_table(void)
{
    static struct trap_info list[301];
    static const uint16_t bad_cs[] = { 0xe008, 0xe009, 0xe010, 0xe011, 0x0000, 0x0003,
                                       FLAT_RING3_CS, FLAT_RING1_CS | 3, FLAT_RING1_DS,
                                       0x080b, 0x0007 };
    struct bad_buf bad[BAD_BUF_MAX];
    unsigned int n = bad_buffers(8, bad);

    CHECK_RC(trap_set(0x60, 3, FLAT_RING1_CS, exc_stub(0x60)), 0, "trap_set 0x60");
    CHECK_RC(trap_set(0x62, 3, FLAT_RING1_CS, exc_stub(0x62)), 0, "trap_set 0x62");
    for (unsigned int i = 0; i < ARRAY_SIZE(bad_cs); i++) {
        struct trap_info t[3] = {
            { 0x60, 3, FLAT_RING1_CS, exc_stub(0x61) },     /* valid, must not stick */
            { 0x64, 3, bad_cs[i], exc_stub(0x64) },
            { 0, 0, 0, 0 },
        };
        CHECK(HYPERVISOR_set_trap_table(t) == -XEN_EINVAL, "handler cs 0x%x accepted",
              bad_cs[i]);
    }
    struct trap_info hole[2] = { { 0x60, 3, FLAT_RING1_CS, HYPERVISOR_VIRT_START }, { 0 } };
    CHECK_RC(HYPERVISOR_set_trap_table(hole), -XEN_EINVAL, "handler in the hole");
    CHECK(INT_REC(0x60) == 0x60, "a refused table changed vector 0x60 (%s)", exc_str());
    for (unsigned int i = 0; i < n; i++)          /* (NULL means "clear") */
        CHECK(!bad[i].va || HYPERVISOR_set_trap_table((void *)bad[i].va) == -XEN_EFAULT,
              "set_trap_table(%s) not -EFAULT", bad[i].what);

    /* Partial table, RPL 0 raised, GDT selectors accepted. */
    struct trap_info part[3] = { { 0x60, 3, FLAT_RING1_CS & ~3, exc_stub(0x61) },
                                 { 0x65, 3, 0x0808, exc_stub(0x65) }, { 0 } };
    CHECK_RC(HYPERVISOR_set_trap_table(part), 0, "partial table");
    CHECK(INT_REC(0x60) == 0x61, "vector 0x60 not updated (%s)", exc_str());
    CHECK(INT_REC(0x62) == 0x62, "vector 0x62 changed by a table without it (%s)", exc_str());
    CHECK(last_exc.cs == FLAT_RING1_CS, "cs");

    /* More than 256 entries: the last one wins, after a continuation. */
    for (unsigned int i = 0; i < 300; i++)
        list[i] = (struct trap_info){ 0x70 + (i % 16), 3, FLAT_RING1_CS, exc_stub(0x70 + (i % 16)) };
    list[299] = (struct trap_info){ 0x70, 3, FLAT_RING1_CS, exc_stub(0x7f) };
    list[300] = (struct trap_info){ 0, 0, 0, 0 };
    CHECK_RC(HYPERVISOR_set_trap_table(list), 0, "300-entry table");
    CHECK(INT_REC(0x70) == 0x7f, "entry 300 of a long list not applied (%s)", exc_str());
    CHECK(INT_REC(0x71) == 0x71, "vector 0x71 (%s)", exc_str());

    /* NULL clears everything: reinstall #GP only, then 0x60 is gone. */
    CHECK_RC(HYPERVISOR_set_trap_table(NULL), 0, "set_trap_table(NULL)");
    CHECK_RC(trap_set(13, 0, FLAT_RING1_CS, exc_stub(13)), 0, "trap_set #GP");
    CHECK(INT_REC(0x60) == 13 && last_exc.error == ((0x60 << 3) | 2),
          "after clearing, int $0x60 gave %s", exc_str());
    traps_init();
}

static long reg(uint16_t type, uint16_t flags, uint32_t cs, uint32_t eip)
{
    struct callback_register cb = { type, flags, { cs, eip } };
    return HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
}

static long unreg(uint16_t type)
{
    struct callback_unregister cb = { type, 0 };
    return HYPERVISOR_callback_op(CALLBACKOP_unregister, &cb);
}

static void callbacks(void)
{
    extern char event_entry[], failsafe_entry[];
    uint32_t ev = (uint32_t)event_entry, fs = (uint32_t)failsafe_entry;
    struct xennmi_callback nmi = { ev, 0 };

    CHECK_RC(HYPERVISOR_set_callbacks(0xe008, event_entry, FLAT_RING1_CS, failsafe_entry),
             -XEN_EINVAL, "set_callbacks event cs 0xe008");
    CHECK_RC(HYPERVISOR_set_callbacks(FLAT_RING1_CS, event_entry, FLAT_RING3_CS, failsafe_entry),
             -XEN_EINVAL, "set_callbacks failsafe cs ring 3");
    CHECK_RC(HYPERVISOR_set_callbacks(FLAT_RING1_CS, (void *)HYPERVISOR_VIRT_START,
                                      FLAT_RING1_CS, failsafe_entry),
             -XEN_EINVAL, "set_callbacks event in the hole");
    CHECK_RC(HYPERVISOR_set_callbacks(FLAT_RING1_CS & ~3, event_entry, FLAT_RING1_CS,
                                      failsafe_entry), 0, "set_callbacks (RPL 0 raised)");

    CHECK_RC(reg(CALLBACKTYPE_event, 0, FLAT_RING1_CS, ev), 0, "register event");
    CHECK_RC(reg(CALLBACKTYPE_failsafe, CALLBACKF_mask_events, FLAT_RING1_CS, fs), 0,
             "register failsafe");
    CHECK_RC(reg(CALLBACKTYPE_failsafe, 0, FLAT_RING1_CS, fs), 0, "register failsafe");
    CHECK_RC(reg(CALLBACKTYPE_syscall32, 0, FLAT_RING1_CS, ev), 0, "register syscall32");
    CHECK_RC(reg(CALLBACKTYPE_sysenter, 0, FLAT_RING1_CS, ev), 0, "register sysenter");
    CHECK_RC(reg(CALLBACKTYPE_nmi, 0, FLAT_RING1_CS, ev), 0, "register nmi");
    CHECK_RC(reg(CALLBACKTYPE_syscall, 0, FLAT_RING1_CS, ev), -XEN_ENOSYS, "syscall (64-bit)");
    CHECK_RC(reg(CALLBACKTYPE_sysenter_deprecated, 0, FLAT_RING1_CS, ev), -XEN_ENOSYS,
             "sysenter_deprecated");
    CHECK_RC(reg(99, 0, FLAT_RING1_CS, ev), -XEN_ENOSYS, "type 99");
    CHECK_RC(reg(CALLBACKTYPE_event, 2, FLAT_RING1_CS, ev), -XEN_EINVAL, "unknown flag");
    CHECK_RC(reg(CALLBACKTYPE_event, 0, 0xe008, ev), -XEN_EINVAL, "event cs 0xe008");
    CHECK_RC(reg(CALLBACKTYPE_event, 0, 0x10000 | FLAT_RING1_CS, ev), -XEN_EINVAL,
             "event cs > 0xffff");
    CHECK_RC(reg(CALLBACKTYPE_failsafe, 0, FLAT_RING1_CS, HYPERVISOR_VIRT_START),
             -XEN_EINVAL, "failsafe in the hole");
    CHECK_RC(reg(CALLBACKTYPE_nmi, 0, FLAT_RING1_CS, 0xfffff000), -XEN_EINVAL, "nmi in the hole");
    CHECK_RC(HYPERVISOR_callback_op(CALLBACKOP_register, (void *)HYPERVISOR_VIRT_START),
             -XEN_EFAULT, "register from the hole");
    CHECK_RC(HYPERVISOR_callback_op(2, NULL), -XEN_ENOSYS, "callback_op cmd 2");

    CHECK_RC(unreg(CALLBACKTYPE_event), -XEN_EINVAL, "unregister event");
    CHECK_RC(unreg(CALLBACKTYPE_failsafe), -XEN_EINVAL, "unregister failsafe");
    CHECK_RC(unreg(CALLBACKTYPE_nmi), 0, "unregister nmi");
    CHECK_RC(unreg(CALLBACKTYPE_sysenter), 0, "unregister sysenter");
    CHECK_RC(unreg(CALLBACKTYPE_syscall32), 0, "unregister syscall32");
    CHECK_RC(unreg(42), -XEN_ENOSYS, "unregister type 42");
    CHECK_RC(HYPERVISOR_callback_op(CALLBACKOP_unregister, NULL), -XEN_EFAULT,
             "unregister from NULL");

    CHECK_RC(HYPERVISOR_nmi_op(XENNMI_register_callback, &nmi), 0, "nmi_op register");
    nmi.pad = 1;
    CHECK_RC(HYPERVISOR_nmi_op(XENNMI_register_callback, &nmi), -XEN_EINVAL, "nmi_op pad");
    nmi.pad = 0;
    nmi.handler_address = 0;
    CHECK_RC(HYPERVISOR_nmi_op(XENNMI_register_callback, &nmi), -XEN_EINVAL, "nmi_op 0");
    nmi.handler_address = HYPERVISOR_VIRT_START;
    CHECK_RC(HYPERVISOR_nmi_op(XENNMI_register_callback, &nmi), -XEN_EINVAL, "nmi_op hole");
    CHECK_RC(HYPERVISOR_nmi_op(XENNMI_register_callback, (void *)0xfffffff8), -XEN_EFAULT,
             "nmi_op bad pointer");
    CHECK_RC(HYPERVISOR_nmi_op(XENNMI_unregister_callback, NULL), 0, "nmi_op unregister");
    CHECK_RC(HYPERVISOR_nmi_op(7, NULL), -XEN_ENOSYS, "nmi_op 7");
}

static void stack_switch(void)
{
    static const struct { uint32_t ss; long rc; } t[] = {
        { FLAT_RING1_SS, 0 }, { FLAT_RING1_SS & ~3, 0 }, { 0x0811, 0 }, { 0x0015, 0 },
        { FLAT_RING3_SS, -XEN_EINVAL }, { FLAT_RING1_CS, -XEN_EINVAL },
        { 0xe010, -XEN_EINVAL }, { 0, -XEN_EINVAL }, { 0x10000 | FLAT_RING1_SS, -XEN_EINVAL },
        { 0x0813, -XEN_EINVAL },
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(t); i++)
        CHECK(HYPERVISOR_stack_switch(t[i].ss, 0x1000) == t[i].rc,
              "stack_switch(0x%x) != %ld", t[i].ss, t[i].rc);
}

void test_main(void)
{
    traps_init();
    trap_table();
    callbacks();
    stack_switch();
    test_success();
}
