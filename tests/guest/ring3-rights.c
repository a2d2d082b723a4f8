/*
 * ring3-rights: a ring-3 program never gets the kernel's rights through
 * the hypervisor.  Whenever the hypervisor reads or writes guest memory on
 * behalf of an instruction ring 3 executed, it must check what ring 3
 * itself could do (mica/guest_walk.h, GW_USER), not what the hypervisor
 * can.  Three such paths:
 *
 *  1. The writable-page-table assist: a ring-3 store to a read-only,
 *     user-visible mapping of an L1 table must not be emulated (the kernel
 *     may write its page tables that way, user space never): #PF with
 *     U/S, W and P to the kernel, the entry unchanged.  The same store
 *     from ring 1 is emulated (the control).
 *  2. Call gates: a far CALL from ring 3 through a gate with a parameter
 *     copies that parameter from the caller's stack; with the stack on a
 *     supervisor-only page the copy is refused (#SS to the kernel) and
 *     the gate's target never runs with kernel data as its argument.
 *  3. Forced CPUID emulation (ud2; .ascii "xen"; cpuid): the hypervisor
 *     reads 7 bytes at EIP while the CPU only fetched the 2 of the ud2.
 *     With the ud2 at the end of a user page and "xen" + cpuid at the
 *     start of a supervisor page, ring 3 must get #UD -- else the
 *     hypervisor's read of the supervisor page is an oracle on kernel
 *     memory.  From ring 1 the same bytes are emulated (the control).
 */
#include <pt.h>
#include <traps.h>
#include <desc.h>

static uint64_t gdt[512] __attribute__((aligned(4096)));

/* Written by name from the user functions, hence not static. */
volatile uint32_t u_target, u_stack, u_saved_sp, u_param, u_value;

static uint32_t u_store(void)
{
    exc_clear();
    asm volatile (PROBE_PRE "mov %1, (%0)" PROBE_POST :: "r" (u_target), "r" (u_value)
                  : "memory");
    return 0;
}

static uint32_t u_gate(void)
{
    uint32_t p = 0;
    exc_clear();
    asm volatile ("mov %%esp, %%ebx\n\tmov %1, %%esp\n\t" PROBE_PRE "lcall $0x000b, $0"
                  PROBE_POST "mov %%ebx, %%esp"
                  : "+c" (p) : "r" (u_stack) : "eax", "ebx", "memory");
    u_param = p;
    return 0;
}

static uint32_t u_cpuid(void)
{
    exc_clear();
    asm volatile ("mov %%esp, u_saved_sp\n\tcall *%0\n\t.globl u_cpuid_back\nu_cpuid_back:"
                  :: "r" (u_target) : "eax", "ebx", "ecx", "edx", "memory");
    return 0;
}
extern char u_cpuid_back[];

/* After the forced-CPUID probe, whatever happened: back to its caller. */
static bool back_from_cpuid(struct exc_frame *f)
{
    f->eip = (uint32_t)u_cpuid_back;
    f->esp = u_saved_sp;
    return true;
}

static void ptwr_from_ring3(void)
{
    uint32_t t = spare_frame(), data = spare_frame(), va;

    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0,
             "writable_pagetables");
    CHECK_RC(pin(1, t), 0, "pin an L1");
    va = (uint32_t)scratch_map(3, t, _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED);
    u_target = va;
    /* A valid entry: one of the domain's frames, writable and user -- what
     * a user program would love to map. */
    u_value = (data << 12) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED;
    exec_user(u_store);
    CHECK(last_exc.count == 1 && last_exc.vector == 14 && (last_exc.error & 7) == 7,
          "ring-3 store to a read-only L1 mapping: %s, expected #PF with U/S, W, P", exc_str());
    CHECK(((volatile uint64_t *)va)[0] == 0, "the L1 entry changed: 0x%llx",
          (unsigned long long)((volatile uint64_t *)va)[0]);
    /* The kernel may (the assist is on and the entry is valid). */
    exc_clear();
    ((volatile uint32_t *)va)[1] = 0;
    ((volatile uint32_t *)va)[0] = (data << 12) | _PAGE_PRESENT | _PAGE_ACCESSED;
    CHECK(last_exc.count == 0 && PTE_MFN(((volatile uint64_t *)va)[0]) == data,
          "ring-1 store through the assist: %s, entry 0x%llx", exc_str(),
          (unsigned long long)((volatile uint64_t *)va)[0]);
    ((volatile uint32_t *)va)[0] = 0;
    scratch_restore(3);
    CHECK_RC(unpin(t), 0, "unpin");
}

static void gate_param_from_a_kernel_page(void)
{
    uint64_t e[3];
    uint32_t mfn;

    gdt[1] = CALL_GATE(0x0011, (uint32_t)gate_target_1, 3, 1); /* 0x0b: DPL 3, one parameter */
    gdt[2] = SEG_FLAT(0xba);                        /* 0x11: ring-1 code */
    if (pt_walk((uint32_t)gdt, e) != 0 ||
        HYPERVISOR_update_va_mapping((uint32_t)gdt, e[2] & ~_PAGE_RW, UVMF_INVLPG)) {
        test_error("cannot remap the GDT read-only");
        return;
    }
    mfn = PTE_MFN(e[2]);
    CHECK_RC(HYPERVISOR_set_gdt(&mfn, 8), 0, "set_gdt");
    /* start_info: mapped, but not user-accessible (only the image is). */
    u_stack = (uint32_t)start_info + 256;
    start_info_t *si = start_info;
    CHECK(*(volatile uint32_t *)(u_stack) == ((volatile uint32_t *)si)[64], "layout");
    u_param = 0xdead;
    exec_user(u_gate);
    CHECK(last_exc.count == 1 && last_exc.vector == 12,
          "ring-3 lcall with its parameter on a kernel page: %s, expected #SS", exc_str());
    CHECK(u_param == 0, "the gate's target ran with parameter 0x%x", u_param);
}

static void forced_cpuid_across_a_page(void)
{
    static const uint8_t tail[] = { 0x0f, 0x0b };                       /* ud2 */
    static const uint8_t head[] = { 'x', 'e', 'n', 0x0f, 0xa2, 0xc3 };  /* cpuid; ret */
    uint32_t ua = spare_frame(), kb = spare_frame();
    uint8_t *p;

    /* Two adjacent scratch pages: slot 5, then slot 4 right above it. */
    p = scratch_map(5, ua, _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);
    memset(p, 0x90, PAGE_SIZE);
    memcpy(p + PAGE_SIZE - 2, tail, 2);
    p = scratch_map(4, kb, _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);
    memcpy(p, head, sizeof(head));
    if ((uint32_t)scratch_map(5, ua, _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED) + PAGE_SIZE !=
        (uint32_t)p) {
        test_error("scratch slots 5 and 4 are not adjacent");
        return;
    }
    u_target = (uint32_t)p - 2;

    /* Ring 1 may run it: CPUID emulated, then the ret. */
    uint32_t a = 0x40000000, b, c = 0, d;       /* the hypervisor leaf: "XenV..." */
    exc_clear();
    asm volatile ("call *%4" : "+a" (a), "=b" (b), "+c" (c), "=d" (d) : "r" (u_target)
                  : "memory");
    CHECK(last_exc.count == 0 && b == 0x566e6558, "ring-1 forced CPUID: %s, ebx 0x%x",
          exc_str(), b);

    exc_hook[6] = exc_hook[14] = back_from_cpuid;
    exec_user(u_cpuid);
    exc_hook[6] = exc_hook[14] = NULL;
    CHECK(last_exc.count == 1 && last_exc.vector == 6 && last_exc.eip == u_target,
          "ring-3 ud2 before a kernel page holding \"xen\" + cpuid: %s at 0x%x, expected "
          "#UD at 0x%x", exc_str(), last_exc.eip, u_target);
    scratch_restore(4);
    scratch_restore(5);
}

void test_main(void)
{
    static uint8_t kstack[4096] __attribute__((aligned(16)));

    traps_init();
    user_map_image();
    exec_user_kernel_sp = (uint32_t)kstack + sizeof(kstack);
    ptwr_from_ring3();
    gate_param_from_a_kernel_page();
    forced_cpuid_across_a_page();
    test_success();
}
