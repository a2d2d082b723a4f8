/*
 * enosys: unimplemented hypercall numbers fail cleanly, and the hypercall
 * entry preserves what the ABI says it preserves.
 *
 * The hypercall table is indexed by EAX; every hole and everything past the
 * end must return -XEN_ENOSYS without touching the arguments - including
 * EAX values that are huge or negative as a signed number, where a sloppy
 * bounds check (signed compare, or indexing before checking) would jump
 * through garbage.  Numbers below 128 are tried both through the hypercall
 * page (slot n; not slot 23, the iret stub, which has no `ret`) and with
 * a raw int $0x82; the rest only raw (no slot).
 *
 * The second half checks register preservation (fact sheet §1): argument
 * registers EBX..EDI may be clobbered, but EBP, ESP and the segment
 * registers DS/ES/FS/GS/SS must come back unchanged, for an unimplemented
 * number as well as for an implemented one (xen_version).
 *
 * IMPLEMENTED lists the numbers Mica implements: calling those with junk
 * could do real work (sched_op would shut us down), so they are skipped.
 * Add a number here when its hypercall lands.
 */
#include <test.h>

static const unsigned int IMPLEMENTED[] = {
    __HYPERVISOR_sched_op_compat,   /* 6 */
    __HYPERVISOR_set_timer_op,  /* 15 */
    __HYPERVISOR_event_channel_op_compat,   /* 16 */
    __HYPERVISOR_xen_version,   /* 17 */
    __HYPERVISOR_console_io,    /* 18 */
    __HYPERVISOR_vcpu_op,       /* 24 */
    __HYPERVISOR_sched_op,      /* 29 */
    __HYPERVISOR_event_channel_op,  /* 32 */
    /* the control plane (ctl-ops tests them) */
    __HYPERVISOR_sysctl,        /* 35 */
    __HYPERVISOR_domctl,        /* 36 */
    /* traps, callbacks, descriptors */
    __HYPERVISOR_set_trap_table,    /* 0 */
    __HYPERVISOR_set_gdt,       /* 2 */
    __HYPERVISOR_stack_switch,  /* 3 */
    __HYPERVISOR_set_callbacks, /* 4 */
    __HYPERVISOR_fpu_taskswitch,    /* 5 */
    __HYPERVISOR_set_debugreg,  /* 8 */
    __HYPERVISOR_get_debugreg,  /* 9 */
    __HYPERVISOR_update_descriptor, /* 10 */
    __HYPERVISOR_physdev_op_compat, /* 19 */
    __HYPERVISOR_iret,      /* 23 */
    __HYPERVISOR_nmi_op,        /* 28 */
    __HYPERVISOR_callback_op,   /* 30 */
    __HYPERVISOR_physdev_op,    /* 33 */
    /* memory management */
    __HYPERVISOR_mmu_update,    /* 1 */
    __HYPERVISOR_memory_op,     /* 12 */
    __HYPERVISOR_multicall,     /* 13 */
    __HYPERVISOR_update_va_mapping, /* 14 */
    __HYPERVISOR_vm_assist,     /* 21 */
    __HYPERVISOR_update_va_mapping_otherdomain, /* 22 */
    __HYPERVISOR_mmuext_op,     /* 26 */
    /* grant tables */
    __HYPERVISOR_grant_table_op, /* 20 */
    /* Xen's checks for the machine owner's calls (errcodes tests them) */
    __HYPERVISOR_platform_op,   /* 7 */
    __HYPERVISOR_xenpmu_op,     /* 40 */
    __HYPERVISOR_mca,           /* 48 */
};

static bool implemented(unsigned long nr)
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(IMPLEMENTED); i++)
        if (IMPLEMENTED[i] == nr)
            return true;
    return false;
}

static void check_preserved(const char *what, uint32_t nr, long expect)
{
    struct hc_regs r = {
        .eax = nr, .ebx = 0, .ecx = 0, .edx = 0, .esi = 0, .edi = 0,
        .ebp = 0x5eb9a1a5,
    };
    uint16_t ds, es, fs, gs, ss;

    asm volatile ("mov %%ds, %0; mov %%es, %1; mov %%fs, %2; mov %%gs, %3; mov %%ss, %4"
              : "=m" (ds), "=m" (es), "=m" (fs), "=m" (gs), "=m" (ss));
    raw_hypercall_regs(&r);
    if ((long)r.eax != expect)
        test_fail("%s: returned %ld, expected %ld", what, (long)r.eax, expect);
    CHECK(r.ebp == 0x5eb9a1a5, "%s: EBP changed to 0x%x", what, r.ebp);
    CHECK(r.esp == r.esp_before, "%s: ESP 0x%x -> 0x%x", what, r.esp_before, r.esp);
    CHECK(r.ds == ds && r.es == es && r.fs == fs && r.gs == gs && r.ss == ss,
          "%s: segments ds/es/fs/gs/ss %x/%x/%x/%x/%x -> %x/%x/%x/%x/%x", what,
          ds, es, fs, gs, ss, r.ds, r.es, r.fs, r.gs, r.ss);
}

void test_main(void)
{
    static const uint32_t odd[] = { 64, 127, 128, 255, 256, 0x7fffffff,
                    0x80000000, 0xfffffffe, 0xffffffff };
    unsigned long nr, tried = 0;
    unsigned int i;
    long rc;

    for (nr = 0; nr <= 200; nr++) {
        if (implemented(nr))
            continue;
        tried++;
        /* Slot 23 (iret) has no ret: it is jumped to, never called. */
        if (nr < 128 && nr != __HYPERVISOR_iret &&
            (rc = hypercall5(nr, 0, 0, 0, 0, 0)) != -XEN_ENOSYS)
            test_fail("hypercall %lu via the page returned %ld", nr, rc);
        if ((rc = raw_hypercall(nr, 0, 0, 0, 0, 0)) != -XEN_ENOSYS)
            test_fail("hypercall %lu via int $0x82 returned %ld", nr, rc);
    }
    printf("%lu unimplemented numbers in 0..200 return -ENOSYS\n", tried);

    for (i = 0; i < ARRAY_SIZE(odd); i++)
        if ((rc = raw_hypercall(odd[i], 0, 0, 0, 0, 0)) != -XEN_ENOSYS)
            test_fail("hypercall 0x%x via int $0x82 returned %ld", odd[i], rc);

    check_preserved("hole 11", 11, -XEN_ENOSYS);
    check_preserved("eax 0xffffffff", 0xffffffff, -XEN_ENOSYS);
    check_preserved("xen_version(version)", __HYPERVISOR_xen_version,
            HYPERVISOR_xen_version(XENVER_version, NULL));
    test_success();
}
